// Pearson's χ² goodness-of-fit test.

/// Pearson's χ² test of observed counts against expected counts.
///
///     X² = Σ_b (O_b − E_b)² / E_b,   dof = (bins after merging) − 1 − `fittedParameters`,
///
/// p = Q(dof/2, X²/2) with Q the regularised upper incomplete gamma function (`TailProbability`). Bins whose expected
/// count is below `minimumExpected` are pooled (in order of increasing expectation) into one bin
/// so the χ² approximation holds. Samples must be independent.
public struct ChiSquareTest: Sendable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    /// P(χ²_dof ≥ statistic).
    public let pValue: Double

    public init(observed: [Int], expected: [Double], fittedParameters: Int = 0, minimumExpected: Double = 5) {
        precondition(
            observed.count == expected.count && !observed.isEmpty,
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
        pValue = TailProbability.chiSquared(x2, degreesOfFreedom: degreesOfFreedom)
    }
}
