// Real-time (coherent) leakage from a data state of an Ising memory under a transverse field
// (seed 004: "real-time stability yields a power-law weighting").
//
// Size letters: N spins (= channels), D = 2^N basis states, G field values.

import RealModule
import TensorCore

/// A data state s of an Ising memory whose N single-flip gaps are prescribed.
///
/// Couplings are Gaussian, J_ij ~ N(0, σ²/N) (symmetric, zero diagonal), so the multi-flip
/// energies are genuinely interacting; the fields are then set to h_k = g_k s_k/2 − (J s)_k so
/// that Δ_k = 2 s_k u_k = g_k exactly. The gaps g_k are spread evenly over [gMin, gMax] and
/// assigned to sites in random order.
public struct LeakageSystem: Sendable {
    public var memory: IsingMemory
    /// s, (N).
    public var state: [Double]
    /// Δ_k, (N).
    public var gaps: [Double]

    public init(memory: IsingMemory, state: [Double]) {
        precondition(state.count == memory.size, "LeakageSystem: state of \(state.count) spins, memory of \(memory.size)")
        self.memory = memory
        self.state = state
        gaps = memory.gaps(state)
    }

    /// N spins with gaps evenly spread over [gMin, gMax] and couplings of strength σ.
    public static func designed(
        spins n: Int, gapRange: ClosedRange<Double>, couplingStrength sigma: Double,
        rng: inout SeededRNG
    ) -> LeakageSystem {
        precondition(n >= 2, "LeakageSystem.designed: need N ≥ 2, got \(n)")
        precondition(sigma >= 0, "LeakageSystem.designed: coupling strength must be ≥ 0")
        var j = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in (a + 1)..<n {
                let v = sigma / Double(n).squareRoot() * rng.normal()
                j[a * n + b] = v
                j[b * n + a] = v
            }
        }
        let s = (0..<n).map { _ in rng.next() & 1 == 0 ? 1.0 : -1.0 }
        let order = rng.permutation(n)
        var h = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let g = gapRange.lowerBound + (gapRange.upperBound - gapRange.lowerBound) * Double(order[k]) / Double(n - 1)
            var js = 0.0
            for b in 0..<n { js += j[k * n + b] * s[b] }
            h[k] = g * s[k] / 2 - js
        }
        return LeakageSystem(memory: IsingMemory(couplings: j, fields: h), state: s)
    }

    /// Basis index of s and of its N single-flip neighbours.
    public var dataIndex: Int { TransverseFieldIsing.index(of: state) }
    public var channelIndices: [Int] { (0..<state.count).map { dataIndex ^ (1 << $0) } }
}

/// Time-averaged occupation of each leakage channel after starting in the data state.
public struct LeakageProfile: Sendable, Codable {
    /// Γ.
    public var field: Double
    /// Averaging window T (∞ for the infinite-time average).
    public var duration: Double
    /// Δ_k, (N).
    public var gaps: [Double]
    /// (1/T)∫₀ᵀ |⟨s⁽ᵏ⁾|ψ(t)⟩|² dt, (N).
    public var channels: [Double]
    /// (1/T)∫₀ᵀ |⟨s|ψ(t)⟩|² dt.
    public var survival: Double
    /// max_t |‖ψ(t)‖² − 1| (0 for exact diagonalisation).
    public var normDrift: Double

    /// Probability outside the data state and its single-flip channels (multi-flip leakage).
    public var multiFlip: Double { max(0, 1 - survival - channels.reduce(0, +)) }
    /// Channel weights normalised over channels, (N).
    public var weights: [Double] {
        let total = channels.reduce(0, +)
        return channels.map { $0 / total }
    }
}

/// Real-time leakage: exact evolution and first-order (two-level) theory.
public enum RealTimeLeakage {
    /// Exact evolution under H = E(σᶻ) − Γ Σσˣ from the data state by `KrylovPropagator`, averaged
    /// over [0, T] with Simpson's rule on an even grid of step ≤ `sampleStep`.
    public static func evolve(
        _ system: LeakageSystem, field: Double, duration: Double, sampleStep: Double = 0.01,
        propagator: KrylovPropagator = KrylovPropagator()
    ) -> LeakageProfile {
        precondition(duration > 0 && sampleStep > 0, "RealTimeLeakage.evolve: duration and sample step must be positive")
        let h = TransverseFieldIsing(memory: system.memory, field: field)
        let intervals = 2 * Int((duration / (2 * sampleStep)).rounded(.up))
        let step = duration / Double(intervals)
        let watch = [system.dataIndex] + system.channelIndices
        var sums = [Double](repeating: 0, count: watch.count)
        let result = propagator.evolve(
            h, from: .basis(system.dataIndex, dimension: h.dimension), duration: duration,
            sampleStep: step, watch: watch
        ) { j, probabilities in
            let weight = j == 0 || j == intervals ? 1.0 : (j % 2 == 1 ? 4.0 : 2.0)
            for w in 0..<watch.count { sums[w] += weight * probabilities[w] }
        }
        let scale = step / 3 / duration
        return LeakageProfile(
            field: field, duration: duration, gaps: system.gaps,
            channels: sums.dropFirst().map { $0 * scale }, survival: sums[0] * scale,
            normDrift: result.maxNormDrift)
    }

    /// The same average by exact diagonalisation of the dense H (D ≤ 4096; meant for N ≤ 10):
    /// with H = Σ_n E_n |n⟩⟨n| and c_n = ⟨k|n⟩⟨n|s⟩,
    ///
    ///     (1/T)∫₀ᵀ |⟨k|ψ(t)⟩|² dt = Σ_{n,m} c_n c_m sinc((E_n − E_m) T),  sinc(x) = sin x / x,
    ///
    /// and for T = ∞ the diagonal-ensemble value Σ_groups (Σ_{n ∈ group} c_n)², grouping
    /// eigenvalues equal to 1e−9 relative.
    public static func exactDiagonalization(_ system: LeakageSystem, field: Double, duration: Double = .infinity) throws -> LeakageProfile {
        precondition(system.state.count <= 12, "RealTimeLeakage.exactDiagonalization: N = \(system.state.count) > 12")
        let h = TransverseFieldIsing(memory: system.memory, field: field)
        let (energies, vectors) = try h.denseMatrix.symmetricEigen()
        let d = h.dimension
        let s = system.dataIndex
        func average(_ k: Int) -> Double {
            let c = (0..<d).map { vectors.elements[k * d + $0] * vectors.elements[s * d + $0] }
            if duration == .infinity {
                let tolerance = 1e-9 * max(1, energies.map { abs($0) }.max()!)
                var total = 0.0, group = c[0]
                for n in 1..<d {
                    if energies[n] - energies[n - 1] <= tolerance { group += c[n] } else { total += group * group; group = c[n] }
                }
                return total + group * group
            }
            var total = 0.0
            for n in 0..<d {
                total += c[n] * c[n]
                for m in (n + 1)..<d {
                    let x = (energies[m] - energies[n]) * duration
                    total += 2 * c[n] * c[m] * (abs(x) < 1e-8 ? 1 : Double.sin(x) / x)
                }
            }
            return total
        }
        return LeakageProfile(
            field: field, duration: duration, gaps: system.gaps,
            channels: system.channelIndices.map(average), survival: average(s), normDrift: 0)
    }

    /// First-order leakage into a channel with gap Δ under coupling Γ: the two-level (Rabi)
    /// problem |s⟩ ↔ |s⁽ᵏ⁾⟩ with P(t) = (4Γ²/Ω²) sin²(Ωt/2), Ω² = Δ² + 4Γ², averaged over [0, T]:
    ///
    ///     P̄ = (2Γ²/Ω²)(1 − sin(ΩT)/(ΩT))  →  2Γ²/(Δ² + 4Γ²)  (T → ∞),
    ///
    /// a Lorentzian of half-width 2Γ in Δ (∝ Γ'²/(Γ'² + Δ²) with Γ' = 2Γ), falling as 2Γ²/Δ² — a
    /// power law — for Δ ≫ Γ. Channels are treated as independent (no level shifts, no multi-flip
    /// processes), which is exact to leading order in Γ/Δ.
    public static func firstOrder(gap: Double, field: Double, duration: Double = .infinity) -> Double {
        let omega2 = gap * gap + 4 * field * field
        if duration == .infinity { return 2 * field * field / omega2 }
        let x = omega2.squareRoot() * duration
        return 2 * field * field / omega2 * (1 - Double.sin(x) / x)
    }
}
