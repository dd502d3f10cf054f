import ComplexModule
import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("One-qubit density-matrix simulator")
struct QubitTests {
    @Test func ramseyDecayMatchesTheAnalyticForm() throws {
        // After H, delay τ, H: P(0) = ½[1 + e^{−τ/T2} cos(Δτ)], independent of T1 (the population
        // terms add to one and H maps the coherence onto the populations).
        for (t1, t2, delta) in [(500e-12, 150e-12, 0.0), (1e-9, 1.8e-9, 2e9), (2e-9, 1e-9, 7e9), (Double.infinity, 300e-12, 1e10)] {
            let noise = try QubitNoise(t1: t1, t2: t2, detuning: delta)
            for tau in [0, 50e-12, 300e-12, 1e-9] {
                let p0 = QubitCircuit.ramsey(delay: tau).finalState(noise: noise).populations.zero
                let exact = 0.5 * (1 + Foundation.exp(-tau / t2) * Foundation.cos(delta * tau))
                #expect(abs(p0 - exact) < 1e-12, "T1 \(t1) T2 \(t2) Δ \(delta) τ \(tau)")
            }
        }
    }

    @Test func hadamardThenDelayKeepsHalfUpToRelaxation() throws {
        // Dephasing does not change populations: P(1) = ½ e^{−τ/T1} whatever T2 is.
        for t2 in [150e-12, 300e-12, 1.2e-9] {
            let noise = try QubitNoise(t1: 1e-9, t2: t2)
            let p1 = QubitCircuit.seedCircuit(delay: 300e-12).finalState(noise: noise).populations.one
            #expect(abs(p1 - 0.5 * Foundation.exp(-0.3)) < 1e-12)
        }
        #expect(abs(QubitCircuit.seedCircuit(delay: 300e-12).finalState(noise: .none).populations.one - 0.5) < 1e-12)
        // From |1⟩ the excited population decays as e^{−τ/T1}.
        let decay = QubitCircuit([.x, .delay(200e-12)]).finalState(noise: try QubitNoise(t1: 100e-12, t2: 150e-12))
        #expect(abs(decay.populations.one - Foundation.exp(-2)) < 1e-12)
    }

    @Test func channelsPreserveTraceHermiticityAndPositivity() throws {
        var rng = SeededRNG(seed: 9)
        for _ in 0..<200 {
            var rho = QubitDensityMatrix.ground
            for _ in 0..<12 {
                switch rng.int(below: 5) {
                case 0: rho.apply(.hadamard)
                case 1: rho.apply(.phase(rng.uniform(0, 6.3)))
                case 2: rho.amplitudeDamping(rng.uniform())
                case 3: rho.dephase(coherenceFactor: rng.uniform())
                default: rho.apply(.x)
                }
                #expect(abs(rho.trace.real - 1) < 1e-12 && abs(rho.trace.imaginary) < 1e-12)
                #expect(rho.hermiticityError < 1e-12)
                #expect(rho.eigenvalues.0 > -1e-12)
            }
        }
    }

    @Test func unphysicalT2IsRejected() {
        #expect(throws: QubitError.self) { try QubitNoise(t1: 100e-12, t2: 300e-12) }
        #expect(throws: QubitError.self) { try QubitNoise(t1: -1, t2: 1) }
        #expect((try? QubitNoise(t1: 150e-12, t2: 300e-12)) != nil)  // T2 = 2·T1 is allowed
    }

    @Test func shotsFollowTheBinomialDistribution() {
        var rng = SeededRNG(seed: 10)
        let m = QubitCircuit.seedCircuit(delay: 300e-12).run(noise: .none, shots: 1000, rng: &rng)
        #expect(abs(m.probabilityOne - 0.5) < 1e-12)
        #expect(abs(m.frequencyOne - 0.5) < 4 * (0.25 / 1000).squareRoot())
        #expect(m.counts.zero + m.counts.one == 1000)
        // The seed's 15 % lies far outside what the circuit gives.
        #expect(abs(m.frequencyOne - 0.15) > 10 * m.frequencyError)
    }
}
