import Foundation

/// Tail probabilities of the normal and χ² distributions, for p-values of tests and fits.
public enum TailProbability {
    /// P(|Z| > |z|) for a standard normal Z: erfc(|z|/√2).
    public static func normalTwoSided(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// P(X > x) for X ~ χ²(k): the regularised upper incomplete gamma Q(k/2, x/2).
    public static func chiSquared(_ x: Double, degreesOfFreedom k: Int) -> Double {
        precondition(k > 0, "TailProbability.chiSquared: degrees of freedom must be positive, got \(k)")
        if x <= 0 { return 1 }
        return regularizedUpperGamma(Double(k) / 2, x / 2)
    }

    /// Q(a, x) = Γ(a, x)/Γ(a): the series for P when x < a + 1, else Lentz's continued fraction
    /// for Q (Abramowitz & Stegun 6.5.29 and 6.5.31); relative accuracy about 1e-14.
    public static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "regularizedUpperGamma: a must be positive")
        if x <= 0 { return 1 }
        let logPrefactor = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            // P(a, x) = e^{−x} x^a / Γ(a+1) · Σ_n x^n / ((a+1)…(a+n))
            var term = 1.0 / a, sum = term, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        // Q(a, x) = e^{−x} x^a / Γ(a) · 1/(x + 1 − a − 1·(1−a)/(x + 3 − a − …))
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return min(1, exp(logPrefactor) * h)
    }
}
