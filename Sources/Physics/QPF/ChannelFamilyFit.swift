// Maximum-likelihood fits of channel-weight families to counts over K channels with gaps Δ_k
// (seed 004: softmax "free-energy attention" against a Lorentzian power law).
//
// Size letters: K channels, B bootstrap resamples.

import RealModule
import TensorCore

/// A one-parameter family of distributions over K channels with gaps Δ_k.
public enum ChannelFamily: String, Sendable, Codable, CaseIterable {
    /// p_k ∝ exp(−a Δ_k); parameter a (the softmax slope, an inverse temperature).
    case softmax
    /// p_k ∝ 1/(Δ_k² + c²); parameter c > 0 (the half-width).
    case lorentzian

    /// The normalised distribution at parameter θ, (K).
    public func probabilities(gaps: [Double], parameter: Double) -> [Double] {
        var w: [Double]
        switch self {
        case .softmax:
            let lowest = parameter >= 0 ? gaps.min()! : gaps.max()!
            w = gaps.map { Double.exp(-parameter * ($0 - lowest)) }
        case .lorentzian:
            w = gaps.map { 1 / ($0 * $0 + parameter * parameter) }
        }
        let z = w.reduce(0, +)
        return w.map { $0 / z }
    }
}

/// The maximum-likelihood member of a family for counts n_k (real-valued weights allowed, so a
/// known distribution can be fitted as "infinitely many" samples).
///
/// Maximising ℓ(θ) = Σ_k n_k log p_k(θ) is minimising KL(p̂ ‖ p(θ)) with p̂ = n/Σn.
/// - softmax: ℓ'(a) = n(⟨Δ⟩_a − Δ̄) is monotone, so â solves ⟨Δ⟩_a = Δ̄ (bisection); the
///   standard error is 1/√(n Var_a(Δ)) (Fisher information). When Δ̄ sits at min Δ or max Δ the
///   maximum is at a = ±∞ and `parameter` is clamped to ±`slopeLimit`/spread.
/// - lorentzian: ℓ(log c) is scanned on a grid over [1e−4, 1e4]·max|Δ| and refined by golden
///   section; the standard error is from the numerical second derivative.
public struct ChannelFamilyFit: Sendable, Codable {
    public var family: ChannelFamily
    /// â or ĉ.
    public var parameter: Double
    /// Fisher-information standard error of the parameter (nil at a boundary).
    public var standardError: Double?
    /// Σ_k n_k log p_k(θ̂).
    public var logLikelihood: Double
    /// KL(p̂ ‖ p(θ̂)) in nats.
    public var kl: Double
    /// The fitted distribution, (K).
    public var probabilities: [Double]

    /// Largest |a|·spread(Δ) the softmax fit reports.
    public static let slopeLimit = 200.0

    public init(family: ChannelFamily, gaps: [Double], counts: [Double]) {
        precondition(
            gaps.count == counts.count && gaps.count >= 2,
            "ChannelFamilyFit: \(gaps.count) gaps and \(counts.count) counts (need ≥ 2 channels)")
        precondition(
            counts.allSatisfy { $0 >= 0 && $0.isFinite } && counts.reduce(0, +) > 0,
            "ChannelFamilyFit: counts must be non-negative and not all zero")
        precondition(gaps.allSatisfy { $0.isFinite }, "ChannelFamilyFit: gaps must be finite")
        self.family = family
        let total = counts.reduce(0, +)
        func logLikelihood(_ theta: Double) -> Double {
            let p = family.probabilities(gaps: gaps, parameter: theta)
            var l = 0.0
            for k in 0..<gaps.count where counts[k] > 0 { l += counts[k] * Double.log(max(p[k], 1e-300)) }
            return l
        }
        switch family {
        case .softmax:
            let spread = max(gaps.max()! - gaps.min()!, 1e-300)
            let limit = ChannelFamilyFit.slopeLimit / spread
            var mean = 0.0
            for k in 0..<gaps.count { mean += counts[k] * gaps[k] }
            mean /= total
            func modelMean(_ a: Double) -> Double {
                let p = family.probabilities(gaps: gaps, parameter: a)
                return zip(p, gaps).reduce(0) { $0 + $1.0 * $1.1 }
            }
            var low = -limit, high = limit, boundary = false
            if mean >= modelMean(low) { high = low; boundary = true }
            if mean <= modelMean(high) { low = high; boundary = true }
            for _ in 0..<200 where high - low > 1e-14 * max(1, abs(high)) {
                let mid = 0.5 * (low + high)
                if modelMean(mid) > mean { low = mid } else { high = mid }
            }
            parameter = 0.5 * (low + high)
            let p = family.probabilities(gaps: gaps, parameter: parameter)
            let m = zip(p, gaps).reduce(0) { $0 + $1.0 * $1.1 }
            let variance = zip(p, gaps).reduce(0) { $0 + $1.0 * ($1.1 - m) * ($1.1 - m) }
            standardError = boundary || variance <= 0 ? nil : 1 / (total * variance).squareRoot()
        case .lorentzian:
            let scale = max(gaps.map { abs($0) }.max()!, 1e-12)
            let lo = Double.log(1e-4 * scale), hi = Double.log(1e4 * scale)
            let grid = 400
            var best = 0, bestValue = -Double.infinity
            for g in 0...grid {
                let value = logLikelihood(Double.exp(lo + (hi - lo) * Double(g) / Double(grid)))
                if value > bestValue { bestValue = value; best = g }
            }
            let stepSize = (hi - lo) / Double(grid)
            var a = lo + stepSize * Double(max(0, best - 1)), b = lo + stepSize * Double(min(grid, best + 1))
            let ratio = (5.0.squareRoot() - 1) / 2
            var x1 = b - ratio * (b - a), x2 = a + ratio * (b - a)
            var f1 = logLikelihood(Double.exp(x1)), f2 = logLikelihood(Double.exp(x2))
            for _ in 0..<200 where b - a > 1e-12 {
                if f1 > f2 {
                    b = x2; x2 = x1; f2 = f1; x1 = b - ratio * (b - a); f1 = logLikelihood(Double.exp(x1))
                } else {
                    a = x1; x1 = x2; f1 = f2; x2 = a + ratio * (b - a); f2 = logLikelihood(Double.exp(x2))
                }
            }
            let t = 0.5 * (a + b)
            parameter = Double.exp(t)
            let atBoundary = best == 0 || best == grid
            // Observed information in c from a central second difference.
            let h = 1e-4 * parameter
            let curvature = (logLikelihood(parameter + h) - 2 * logLikelihood(parameter) + logLikelihood(parameter - h)) / (h * h)
            standardError = atBoundary || curvature >= 0 ? nil : (-1 / curvature).squareRoot()
        }
        probabilities = family.probabilities(gaps: gaps, parameter: parameter)
        self.logLikelihood = logLikelihood(parameter)
        var kl = 0.0
        for k in 0..<gaps.count where counts[k] > 0 {
            let q = counts[k] / total
            kl += q * Double.log(q / max(probabilities[k], 1e-300))
        }
        self.kl = max(0, kl)
    }
}

/// Both families fitted to the same counts, with bootstrap errors on their KLs.
public struct FamilyComparison: Sendable, Codable {
    public var softmax: ChannelFamilyFit
    public var lorentzian: ChannelFamilyFit
    /// Bootstrap standard deviations of KL(softmax), KL(Lorentzian), their difference
    /// KL(L) − KL(S), and of the softmax slope.
    public var softmaxKLError: Double
    public var lorentzianKLError: Double
    public var differenceError: Double
    public var slopeError: Double
    /// Fraction of bootstrap resamples in which the softmax fit has the smaller KL.
    public var softmaxPreferredFraction: Double
    public var resamples: Int

    /// KL(Lorentzian) − KL(softmax): positive when the softmax fits better.
    public var klDifference: Double { lorentzian.kl - softmax.kl }

    /// Fits both families to integer counts and bootstraps them: B multinomial resamples of the
    /// same total from p̂, each refitted.
    public init(gaps: [Double], counts: [Int], resamples: Int = 200, rng: inout SeededRNG) {
        let real = counts.map(Double.init)
        softmax = ChannelFamilyFit(family: .softmax, gaps: gaps, counts: real)
        lorentzian = ChannelFamilyFit(family: .lorentzian, gaps: gaps, counts: real)
        self.resamples = resamples
        let total = counts.reduce(0, +)
        let observed = real.map { $0 / Double(total) }
        var kls: [Double] = [], kll: [Double] = [], diff: [Double] = [], slopes: [Double] = []
        var preferred = 0
        for _ in 0..<resamples {
            var resampled = [Double](repeating: 0, count: counts.count)
            for _ in 0..<total { resampled[rng.categorical(weights: observed)] += 1 }
            let s = ChannelFamilyFit(family: .softmax, gaps: gaps, counts: resampled)
            let l = ChannelFamilyFit(family: .lorentzian, gaps: gaps, counts: resampled)
            kls.append(s.kl); kll.append(l.kl); diff.append(l.kl - s.kl); slopes.append(s.parameter)
            if s.kl < l.kl { preferred += 1 }
        }
        func sd(_ x: [Double]) -> Double { x.count > 1 ? SampleSummary(x).standardDeviation : .nan }
        softmaxKLError = sd(kls)
        lorentzianKLError = sd(kll)
        differenceError = sd(diff)
        slopeError = sd(slopes)
        softmaxPreferredFraction = resamples > 0 ? Double(preferred) / Double(resamples) : .nan
    }
}
