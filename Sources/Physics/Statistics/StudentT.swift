import Foundation

/// Student's t distribution: the CDF and quantiles used for confidence intervals from a few
/// independent samples (a jackknife over G groups has G − 1 degrees of freedom).
public enum StudentT {
    /// P(T ≤ t) for ν degrees of freedom: 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0 and the mirror
    /// image for t < 0, with I the regularised incomplete beta function.
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "StudentT.cdf: degrees of freedom must be positive, got \(nu)")
        if t.isNaN { return .nan }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = p, by bisection on the CDF (to ~1e-12 relative).
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "StudentT.quantile: p must lie in (0, 1), got \(p)")
        if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: nu) }
        if p == 0.5 { return 0 }
        var lo = 0.0, hi = 1.0
        while cdf(hi, degreesOfFreedom: nu) < p { lo = hi; hi *= 2; if hi > 1e12 { return .infinity } }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if cdf(mid, degreesOfFreedom: nu) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return 0.5 * (lo + hi)
    }

    /// I_x(a, b) by the continued fraction of Numerical Recipes §6.4 (modified Lentz), using the
    /// symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * Foundation.log(x) + b * Foundation.log(1 - x)
        let logFront = logGammas + logPowers
        if x < (a + 1) / (a + b + 2) {
            return Foundation.exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - Foundation.exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m)
            var num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
