import Foundation
import TensorCore

/// The maximum-entropy principle behind softmax (Jaynes 1957; seed 003, "Maximum entropy
/// derivation"): among distributions p on n levels with Σp = 1 and Σ p_i E_i = Ū, entropy is
/// maximal for the Gibbs distribution p ∝ exp(−βE) whose β gives ⟨E⟩_β = Ū.
///
/// `inverseTemperature` solves ⟨E⟩_β = Ū for β; `feasibleDirection` draws perturbations that keep
/// both constraints, so that the principle can be tested: H(p + t·d) ≤ H(p) for every feasible
/// step (strictly, by strict concavity of H, for t ≠ 0).
public enum MaxEntropy {
    /// Result of solving ⟨E⟩_β = Ū.
    public struct Solution: Sendable {
        public var beta: Double
        /// ⟨E⟩_β − Ū at the returned β.
        public var residual: Double
        public var iterations: Int
    }

    public enum SolveError: Error, CustomStringConvertible {
        /// Ū outside (min E, max E): no finite β reaches it.
        case unreachable(target: Double, min: Double, max: Double)

        public var description: String {
            switch self {
            case .unreachable(let t, let lo, let hi):
                "⟨E⟩ = \(t) is not reachable by a finite β: it must lie strictly between min E = \(lo) and max E = \(hi)"
            }
        }
    }

    /// Solves ⟨E⟩_β = `meanEnergy` for β by safeguarded Newton iteration.
    ///
    /// U(β) = ⟨E⟩_β falls monotonically from max E (β → −∞) to min E (β → +∞) with
    /// dU/dβ = −Var_β(E). The solver brackets the root by doubling, then takes Newton steps
    /// β ← β + (U(β) − Ū)/Var_β(E), falling back to bisection whenever a step leaves the bracket
    /// or fails to halve the residual; it stops when |U − Ū| is at rounding level.
    /// All energies equal: any β is a solution; returns β = 0.
    public static func inverseTemperature(energies: [Double], meanEnergy target: Double) throws -> Solution {
        precondition(!energies.isEmpty, "MaxEntropy.inverseTemperature: need at least one energy level")
        let lo = energies.min()!, hi = energies.max()!
        if lo == hi { return Solution(beta: 0, residual: target - lo, iterations: 0) }
        guard target > lo && target < hi else { throw SolveError.unreachable(target: target, min: lo, max: hi) }
        let scale = max(abs(lo), abs(hi), hi - lo)
        let tolerance = 8 * Double.ulpOfOne * scale
        func u(_ beta: Double) -> (value: Double, variance: Double) {
            let g = GibbsState(energies: energies, beta: beta)
            return (g.internalEnergy, g.energyVariance)
        }
        // Bracket: U(low) ≥ target ≥ U(high).
        var low = -1.0 / (hi - lo), high = 1.0 / (hi - lo)
        var iterations = 0
        while u(high).value > target && iterations < 2000 { low = high; high *= 2; iterations += 1 }
        while u(low).value < target && iterations < 4000 { high = low; low *= 2; iterations += 1 }
        var beta = 0.5 * (low + high)
        var (value, variance) = u(beta)
        var previousResidual = Double.infinity
        for _ in 0..<400 {
            iterations += 1
            let residual = value - target
            if abs(residual) <= tolerance { break }
            if residual > 0 { low = beta } else { high = beta }
            var next = variance > 0 ? beta + residual / variance : .nan
            let slow = abs(residual) > 0.5 * previousResidual
            if !next.isFinite || next <= low || next >= high || slow { next = 0.5 * (low + high) }
            if next == beta || high - low <= 4 * Double.ulpOfOne * max(abs(low), abs(high)) { break }
            previousResidual = abs(residual)
            beta = next
            (value, variance) = u(beta)
        }
        return Solution(beta: beta, residual: value - target, iterations: iterations)
    }

    /// A random unit vector d with Σ d_i = 0 and Σ d_i E_i = 0 (the feasible directions at fixed
    /// normalisation and ⟨E⟩): a normal draw projected off span{1, E} by Gram–Schmidt (twice, for
    /// accuracy). Needs n ≥ 3 distinct-enough levels; returns nil when the feasible space is {0}.
    public static func feasibleDirection(energies: [Double], rng: inout SeededRNG) -> [Double]? {
        let n = energies.count
        guard n >= 3 else { return nil }
        var basis: [[Double]] = [[Double](repeating: 1 / Double(n).squareRoot(), count: n)]
        let mean = energies.reduce(0, +) / Double(n)
        var centred = energies.map { $0 - mean }
        let norm = dot(centred, centred).squareRoot()
        if norm > 0 {
            for i in centred.indices { centred[i] /= norm }
            basis.append(centred)
        }
        var d = (0..<n).map { _ in rng.normal() }
        for _ in 0..<2 {
            for b in basis {
                let c = dot(d, b)
                for i in d.indices { d[i] -= c * b[i] }
            }
        }
        let length = dot(d, d).squareRoot()
        guard length > 1e-12 else { return nil }
        return d.map { $0 / length }
    }

    /// The largest t ≥ 0 with p + t·d ≥ 0 componentwise (∞ if d ≥ 0).
    public static func maximumStep(_ p: [Double], along d: [Double]) -> Double {
        precondition(p.count == d.count, "MaxEntropy.maximumStep: p has \(p.count) entries, d \(d.count)")
        var t = Double.infinity
        for i in p.indices where d[i] < 0 { t = min(t, p[i] / -d[i]) }
        return t
    }

    /// The second-order entropy loss along a feasible direction: H(p) − H(p + t d) ≈ ½ t² Σ d_i²/p_i.
    public static func quadraticEntropyDeficit(_ p: [Double], along d: [Double], step t: Double) -> Double {
        var s = 0.0
        for i in p.indices where p[i] > 0 { s += d[i] * d[i] / p[i] }
        return 0.5 * t * t * s
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }
}
