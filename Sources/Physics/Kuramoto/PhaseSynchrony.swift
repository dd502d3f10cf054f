import Foundation
import TensorCore

// Size letters: T sequence length (queries and keys), M oscillators (heads).

/// Phases of attention heads and their synchrony (seed 003: "Kuramoto phases track relative
/// phases between heads … Phase lock (r → 1)"; the seed reports r = 1.000 throughout training).
///
/// A head's phase is read from its mean attention-over-distance profile
///
///     a(Δ) = mean over queries t ≥ Δ of A[t, t − Δ],   Δ = 0 … T − 1,
///
/// as the argument of its first Fourier mode, c₁ = Σ_Δ a(Δ) e^{−2πiΔ/T}, θ = arg c₁; the heads'
/// synchrony is the Kuramoto order parameter r = |mean_m e^{iθ_m}|.
///
/// Caveat the measurements must face: every causal profile puts its mass at small Δ (row t
/// spreads one unit of weight over t + 1 keys, so even uniform attention gives a decreasing
/// a(Δ)), and the first mode of any non-negative decreasing profile has its phase in
/// (−π/2, 0]. Heads therefore agree in phase to a large degree whatever they do; r must be
/// compared with the phase of uniform causal attention and with baselines, not only with the
/// r ≈ √(π/4M) of independent uniform phases.
public enum PhaseSynchrony {
    /// a(Δ) for one (T, T) row-stochastic causal weight matrix (row-major; entries above the
    /// diagonal are ignored). Cost O(T²).
    public static func distanceProfile(weights: UnsafeBufferPointer<Double>, length t: Int) -> [Double] {
        precondition(weights.count >= t * t, "PhaseSynchrony.distanceProfile: need \(t)×\(t) weights, got \(weights.count)")
        var profile = [Double](repeating: 0, count: t)
        for q in 0..<t {
            for d in 0...q { profile[d] += weights[q * t + q - d] }
        }
        for d in 0..<t { profile[d] /= Double(t - d) }
        return profile
    }

    /// a(Δ) of uniform causal attention, A[t, s] = 1/(t + 1): a(Δ) = (1/(T − Δ)) Σ_{t=Δ}^{T−1} 1/(t + 1).
    public static func uniformCausalProfile(length t: Int) -> [Double] {
        (0..<t).map { d in (d..<t).reduce(0) { $0 + 1 / Double($1 + 1) } / Double(t - d) }
    }

    /// The first Fourier mode of a profile over Δ = 0 … T − 1: amplitude |c₁| and phase arg c₁ ∈ (−π, π].
    public static func firstMode(_ profile: [Double]) -> (amplitude: Double, phase: Double) {
        let t = profile.count
        precondition(t >= 2, "PhaseSynchrony.firstMode: need a profile of at least 2 points")
        var re = 0.0, im = 0.0
        for (d, a) in profile.enumerated() {
            let angle = -2 * Double.pi * Double(d) / Double(t)
            re += a * Foundation.cos(angle)
            im += a * Foundation.sin(angle)
        }
        return ((re * re + im * im).squareRoot(), Foundation.atan2(im, re))
    }

    /// r = |mean e^{iθ}| and the mean phase ψ.
    public static func orderParameter(_ phases: [Double]) -> (r: Double, psi: Double) {
        precondition(!phases.isEmpty, "PhaseSynchrony.orderParameter: no phases")
        return KuramotoModel.orderParameter(phases)
    }

    /// The distribution of r for M independent uniform phases (no synchrony at all), by `draws`
    /// Monte Carlo draws. E[r] → √(π/(4M)) for large M (a Rayleigh distribution of √M·r).
    public struct UniformNull: Sendable {
        public var heads: Int
        public var mean: Double
        /// 95th and 99th percentiles.
        public var quantile95: Double
        public var quantile99: Double
        public var draws: Int
    }

    public static func uniformNull(heads m: Int, draws: Int, rng: inout SeededRNG) -> UniformNull {
        precondition(m > 0 && draws > 1, "PhaseSynchrony.uniformNull: need heads > 0 and draws > 1")
        var rs = (0..<draws).map { _ in orderParameter((0..<m).map { _ in rng.uniform(-Double.pi, Double.pi) }).r }
        rs.sort()
        func q(_ p: Double) -> Double { rs[min(draws - 1, Int((p * Double(draws)).rounded(.down)))] }
        return UniformNull(heads: m, mean: rs.reduce(0, +) / Double(draws), quantile95: q(0.95), quantile99: q(0.99), draws: draws)
    }

    /// The "shuffled-heads" baseline for phases θ[s][m] logged at S times for M heads: the mean
    /// r when each head's phase is taken from an independently chosen time. It keeps every head's
    /// own phase history and breaks only simultaneity; r above it means heads move together.
    public static func timeShuffledOrderParameter(_ phases: [[Double]], draws: Int, rng: inout SeededRNG) -> Double {
        precondition(!phases.isEmpty && !phases[0].isEmpty, "PhaseSynchrony.timeShuffledOrderParameter: need S ≥ 1 rows of M ≥ 1 phases")
        return timeShuffledOrderParameter(phases, times: shuffledTimes(steps: phases.count, heads: phases[0].count, draws: draws, rng: &rng))
    }

    /// The same baseline with the times drawn beforehand: `times[d][m]` is the step head m's phase
    /// is taken from in draw d. Reusing one set of draws for resampled phases (a bootstrap) keeps
    /// the Monte Carlo noise of the shuffle out of the resampling spread.
    public static func timeShuffledOrderParameter(_ phases: [[Double]], times: [[Int]]) -> Double {
        precondition(
            !phases.isEmpty && phases.allSatisfy({ $0.count == phases[0].count }) && !phases[0].isEmpty,
            "PhaseSynchrony.timeShuffledOrderParameter: need S ≥ 1 rows of M ≥ 1 phases")
        let m = phases[0].count
        precondition(
            !times.isEmpty && times.allSatisfy({ $0.count == m && $0.allSatisfy { $0 >= 0 && $0 < phases.count } }),
            "PhaseSynchrony.timeShuffledOrderParameter: need draws of \(m) steps in 0..<\(phases.count)")
        var total = 0.0
        for draw in times {
            total += orderParameter((0..<m).map { phases[draw[$0]][$0] }).r
        }
        return total / Double(times.count)
    }

    /// `draws` independent draws of one step in 0..<steps for each of M heads: (draws) × (M).
    public static func shuffledTimes(steps: Int, heads m: Int, draws: Int, rng: inout SeededRNG) -> [[Int]] {
        precondition(steps >= 1 && m >= 1 && draws >= 1, "PhaseSynchrony.shuffledTimes: need steps, heads and draws ≥ 1")
        return (0..<draws).map { _ in (0..<m).map { _ in rng.int(below: steps) } }
    }
}
