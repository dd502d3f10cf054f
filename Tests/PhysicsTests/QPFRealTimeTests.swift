import TensorCore
import Testing

@testable import Physics

@Suite("QPF real-time leakage")
struct QPFRealTimeTests {
    @Test("one spin is the two-level problem: exact average equals the Rabi formula")
    func twoLevelKnownAnswer() throws {
        // N = 1, s = +1, h = 0.7: Δ = 2·s·h = 1.4.
        let memory = IsingMemory(couplings: [0], fields: [0.7])
        let system = LeakageSystem(memory: memory, state: [1])
        for field in [0.05, 0.4, 1.5] {
            let duration = 37.3
            let expected = RealTimeLeakage.firstOrder(gap: 1.4, field: field, duration: duration)
            let krylov = RealTimeLeakage.evolve(system, field: field, duration: duration, sampleStep: 0.005)
            let exact = try RealTimeLeakage.exactDiagonalization(system, field: field, duration: duration)
            #expect(abs(krylov.channels[0] - expected) < 1e-8 * max(1, expected))
            #expect(abs(exact.channels[0] - expected) < 1e-12)
            let infinite = try RealTimeLeakage.exactDiagonalization(system, field: field)
            #expect(abs(infinite.channels[0] - RealTimeLeakage.firstOrder(gap: 1.4, field: field)) < 1e-12)
        }
    }

    @Test("Krylov evolution conserves the norm and agrees with exact diagonalisation at N = 8")
    func krylovMatchesExactDiagonalization() throws {
        var rng = SeededRNG(seed: 11)
        let system = LeakageSystem.designed(spins: 8, gapRange: 0.5...4, couplingStrength: 0.5, rng: &rng)
        for field in [0.1, 0.6] {
            let duration = 60.0
            let krylov = RealTimeLeakage.evolve(system, field: field, duration: duration, sampleStep: 0.01)
            let exact = try RealTimeLeakage.exactDiagonalization(system, field: field, duration: duration)
            #expect(krylov.normDrift < 1e-9)
            for k in 0..<8 {
                #expect(
                    abs(krylov.channels[k] - exact.channels[k]) < 1e-6 * max(exact.channels[k], 1e-3),
                    "Γ = \(field), channel \(k): \(krylov.channels[k]) vs \(exact.channels[k])")
            }
            #expect(abs(krylov.survival - exact.survival) < 1e-6)
        }
    }

    @Test("designed gaps are exact")
    func designedGaps() {
        var rng = SeededRNG(seed: 12)
        let system = LeakageSystem.designed(spins: 6, gapRange: 1...3.5, couplingStrength: 0.8, rng: &rng)
        #expect(zip(system.gaps.sorted(), [1, 1.5, 2, 2.5, 3, 3.5]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("small Γ matches first-order theory; large Γ departs from it")
    func firstOrderAtSmallField() throws {
        var rng = SeededRNG(seed: 13)
        let system = LeakageSystem.designed(spins: 8, gapRange: 0.5...4, couplingStrength: 0.5, rng: &rng)
        func worstDeviation(_ field: Double) throws -> Double {
            let exact = try RealTimeLeakage.exactDiagonalization(system, field: field)
            return zip(exact.channels, system.gaps).map { p, gap in
                abs(p / RealTimeLeakage.firstOrder(gap: gap, field: field) - 1)
            }.max()!
        }
        let small = try worstDeviation(0.01)
        let large = try worstDeviation(0.8)
        #expect(small < 0.01, "Γ = 0.01: worst relative deviation \(small)")
        #expect(large > 0.1, "Γ = 0.8: worst relative deviation \(large)")
    }

    @Test("N = 12 state vector evolves with the norm conserved")
    func twelveSpins() {
        var rng = SeededRNG(seed: 14)
        let system = LeakageSystem.designed(spins: 12, gapRange: 0.5...4, couplingStrength: 0.5, rng: &rng)
        // Level shifts of order NΓ²/Δ dephase the finite-window average by a relative NΓ²/Δ²,
        // so the comparison with first-order theory is made at Γ = 0.01 (≈ 0.5% at Δ = 0.5).
        let profile = RealTimeLeakage.evolve(system, field: 0.01, duration: 20, sampleStep: 0.02)
        #expect(profile.normDrift < 1e-9)
        for (p, gap) in zip(profile.channels, system.gaps) {
            let expected = RealTimeLeakage.firstOrder(gap: gap, field: 0.01, duration: 20)
            #expect(abs(p / expected - 1) < 0.02)
        }
    }
}
