// Pearson's χ² goodness-of-fit test and the regularised incomplete gamma function it needs.

import RealModule

/// Pearson's χ² test of observed counts against expected counts.
///
///     X² = Σ_b (O_b − E_b)² / E_b,   dof = (bins after merging) − 1 − `fittedParameters`,
///
/// p = Q(dof/2, X²/2) with Q the regularised upper incomplete gamma function. Bins whose expected
/// count is below `minimumExpected` are pooled (in order of increasing expectation) into one bin
/// so the χ² approximation holds. Samples must be independent.
public struct ChiSquareTest: Sendable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    /// P(χ²_dof ≥ statistic).
    public let pValue: Double

    public init(observed: [Int], expected: [Double], fittedParameters: Int = 0, minimumExpected: Double = 5) {
        precondition(observed.count == expected.count && !observed.isEmpty,
                     "ChiSquareTest: \(observed.count) observed vs \(expected.count) expected bins")
        precondition(expected.allSatisfy { $0 >= 0 && $0.isFinite }, "ChiSquareTest: expected counts must be finite and ≥ 0")
        var bins: [(o: Double, e: Double)] = []
        var pooled = (o: 0.0, e: 0.0)
        for b in expected.indices.sorted(by: { expected[$0] < expected[$1] }) {
            if expected[b] < minimumExpected || pooled.e > 0 && pooled.e < minimumExpected {
                pooled.o += Double(observed[b]); pooled.e += expected[b]
            } else {
                bins.append((Double(observed[b]), expected[b]))
            }
        }
        if pooled.e > 0 { bins.append(pooled) } else if pooled.o > 0 { bins.append((pooled.o, 1e-300)) }
        var x2 = 0.0
        for b in bins { x2 += (b.o - b.e) * (b.o - b.e) / b.e }
        statistic = x2
        degreesOfFreedom = max(1, bins.count - 1 - fittedParameters)
        pValue = IncompleteGamma.upperRegularized(Double(degreesOfFreedom) / 2, x2 / 2)
    }
}

/// Regularised incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) and Q = 1 − P
/// (series for x < a + 1, Lentz continued fraction otherwise; Numerical Recipes §6.2).
public enum IncompleteGamma {
    /// Q(a, x) = Γ(a, x)/Γ(a), a > 0, x ≥ 0.
    public static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "IncompleteGamma: need a > 0 and x ≥ 0, got a = \(a), x = \(x)")
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        return x < a + 1 ? 1 - series(a, x) : continuedFraction(a, x)
    }

    /// P(a, x) = γ(a, x)/Γ(a).
    public static func lowerRegularized(_ a: Double, _ x: Double) -> Double { 1 - upperRegularized(a, x) }

    private static func prefactor(_ a: Double, _ x: Double) -> Double {
        Double.exp(-x + a * Double.log(x) - Double.logGamma(a))
    }

    private static func series(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * prefactor(a, x)
    }

    private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
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
        return h * prefactor(a, x)
    }
}
