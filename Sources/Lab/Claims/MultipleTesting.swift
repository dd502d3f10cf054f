import Foundation

/// Family-wise error control for a claim decided by several sub-tests, so that one unlucky
/// Monte Carlo test does not flip a verdict (docs/CLAIMS.md, "How verdicts are computed").
///
/// Holm's step-down procedure: sort the m p-values, reject H₍ᵢ₎ while p₍ᵢ₎ ≤ α/(m − i + 1).
/// It controls the family-wise error at α for any dependence between the tests and rejects at
/// least what Bonferroni (p ≤ α/m) rejects.
public enum MultipleTesting {
    /// Which of `pValues` Holm's procedure rejects at family-wise level `alpha`, in input order.
    /// A NaN p-value is never rejected and counts towards m.
    public static func holm(_ pValues: [Double], alpha: Double = 0.05) -> [Bool] {
        let m = pValues.count
        let order = pValues.indices.sorted { (pValues[$0].isNaN ? 2 : pValues[$0]) < (pValues[$1].isNaN ? 2 : pValues[$1]) }
        var rejected = Array(repeating: false, count: m)
        for (rank, index) in order.enumerated() {
            let p = pValues[index]
            guard !p.isNaN, p <= alpha / Double(m - rank) else { break }
            rejected[index] = true
        }
        return rejected
    }

    /// Two-sided p-value of a standard-normal z: 2·(1 − Φ(|z|)).
    public static func twoSidedP(z: Double) -> Double {
        guard !z.isNaN else { return .nan }
        return erfc(abs(z) / 2.0.squareRoot())
    }

    /// One-sided p-value of z for the alternative "z > 0": 1 − Φ(z).
    public static func upperP(z: Double) -> Double {
        guard !z.isNaN else { return .nan }
        return 0.5 * erfc(z / 2.0.squareRoot())
    }

    /// Bonferroni's p-value for the largest |z| of `tests` two-sided tests: min(1, m·p(|z|)).
    /// NaN stays NaN (a plain `min(1, .nan)` would return 1, "no difference at all").
    public static func bonferroniP(maxAbsZ z: Double, tests: Double) -> Double {
        let p = tests * twoSidedP(z: z)
        return p.isNaN ? .nan : min(1, p)
    }

    /// The p-value with which a measured `value ± error` says "positive": 2·(1 − Φ(z)) with
    /// z = value/error when z > 0 (p ≤ 0.05 ⇔ z ≥ 1.96, the 2σ band of the standard rules), 1
    /// otherwise. An exact value (error 0 or nil) gives 0 when positive and 1 when not; NaN stays NaN.
    public static func positiveP(_ value: Double, error: Double?) -> Double {
        guard !value.isNaN, !(error ?? 0).isNaN else { return .nan }
        guard value > 0 else { return 1 }
        guard let error, error > 0 else { return 0 }
        return twoSidedP(z: value / error)
    }

    /// The |z| a two-sided test needs at level alpha/m (Bonferroni over m tests).
    public static func bonferroniZ(tests m: Int, alpha: Double) -> Double {
        precondition(m >= 1 && alpha > 0 && alpha < 1, "bonferroniZ: needs m ≥ 1 and 0 < α < 1")
        // Bisection on 2(1 − Φ(z)) = α/m.
        let target = alpha / Double(m)
        var lo = 0.0, hi = 40.0
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if twoSidedP(z: mid) > target { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}
