import Foundation
import TensorCore

/// A statistic with resampling errors.
///
/// Size letters: Q components of the statistic, G groups (jackknife) or B replicates (bootstrap).
public struct ResampledStatistic: Sendable {
    /// The statistic on the full sample (Q).
    public var value: [Double]
    /// One-σ standard errors (Q).
    public var standardErrors: [Double]
    /// Covariance of the components (Q, Q).
    public var covariance: Matrix
    /// The statistic on each resample (G or B rows of Q).
    public var replicates: [[Double]]
    /// Jackknife bias estimate (Q): (G − 1)(θ̄₍·₎ − θ̂); zeros for the bootstrap.
    public var bias: [Double]
    /// Number of independent groups (jackknife) or samples (bootstrap) behind the errors.
    public var sampleCount: Int

    /// Two-sided confidence interval of component `q` from Student's t with `sampleCount − 1`
    /// degrees of freedom: value ± t·σ.
    public func confidenceInterval(_ q: Int, level: Double = 0.95) -> ClosedRange<Double> {
        let t = StudentT.quantile(0.5 + level / 2, degreesOfFreedom: Double(max(1, sampleCount - 1)))
        let half = t * standardErrors[q]
        guard half.isFinite, value[q].isFinite else { return -Double.infinity...Double.infinity }
        return (value[q] - half)...(value[q] + half)
    }

    /// Percentile interval of component `q` from the replicates (meaningful for the bootstrap).
    public func percentileInterval(_ q: Int, level: Double = 0.95) -> ClosedRange<Double> {
        let column = replicates.map { $0[q] }.filter(\.isFinite).sorted()
        guard !column.isEmpty else { return -Double.infinity...Double.infinity }
        func at(_ p: Double) -> Double {
            let position = p * Double(column.count - 1)
            let lo = Int(position.rounded(.down)), hi = min(column.count - 1, lo + 1)
            return column[lo] + (position - Double(lo)) * (column[hi] - column[lo])
        }
        return at((1 - level) / 2)...at((1 + level) / 2)
    }
}

/// Resampling errors for any statistic of independent samples.
///
/// The statistic is written as a function of per-sample *weights*: it receives one weight per
/// sample (1 for an ordinary sample, 0 for a deleted one, a multiplicity for a bootstrap draw) and
/// must return the same number of components every time. A statistic of weighted means (an
/// ensemble-averaged width, say) then costs one pass per resample, without copying samples.
public enum Resampling {
    /// Delete-a-group jackknife (Quenouille–Tukey; Efron & Tibshirani 1993, ch. 11).
    ///
    /// The N samples are split into G = min(groups, N) groups by index (sample i belongs to group
    /// i mod G); replicate g gives weight 0 to group g. With θ₍g₎ the replicates and θ̄ their mean,
    /// σ² = (G − 1)/G · Σ_g (θ₍g₎ − θ̄)² and bias = (G − 1)(θ̄ − θ̂). Smooth statistics only
    /// (not medians).
    ///
    /// - Parameters:
    ///   - samples: N ≥ 2.
    ///   - groups: G ≥ 2 (N samples form min(G, N) groups).
    ///   - statistic: weights (N) → components (Q).
    public static func jackknife(
        samples n: Int, groups: Int? = nil,
        statistic: ([Double]) -> [Double]
    ) -> ResampledStatistic {
        precondition(n >= 2, "Resampling.jackknife: needs at least two samples, got \(n)")
        let g = min(n, max(2, groups ?? n))
        let full = statistic([Double](repeating: 1, count: n))
        var replicates: [[Double]] = []
        replicates.reserveCapacity(g)
        for group in 0..<g {
            var w = [Double](repeating: 1, count: n)
            var i = group
            while i < n { w[i] = 0; i += g }
            let r = statistic(w)
            precondition(r.count == full.count, "Resampling.jackknife: statistic returned \(r.count) components, expected \(full.count)")
            replicates.append(r)
        }
        let (mean, cov) = moments(replicates, scale: Double(g - 1) / Double(g))
        let bias = zip(mean, full).map { Double(g - 1) * ($0 - $1) }
        return ResampledStatistic(
            value: full, standardErrors: cov.diagonalElements.map { max(0, $0).squareRoot() },
            covariance: cov, replicates: replicates, bias: bias, sampleCount: g)
    }

    /// Non-parametric bootstrap (Efron 1979): B resamples of N samples drawn with replacement,
    /// passed to `statistic` as multiplicities. σ² is the replicates' sample variance.
    public static func bootstrap(
        samples n: Int, replicates b: Int, rng: inout SeededRNG,
        statistic: ([Double]) -> [Double]
    ) -> ResampledStatistic {
        precondition(n >= 2, "Resampling.bootstrap: needs at least two samples, got \(n)")
        precondition(b >= 2, "Resampling.bootstrap: needs at least two replicates, got \(b)")
        let full = statistic([Double](repeating: 1, count: n))
        var replicates: [[Double]] = []
        replicates.reserveCapacity(b)
        for _ in 0..<b {
            var w = [Double](repeating: 0, count: n)
            for _ in 0..<n { w[rng.int(below: n)] += 1 }
            let r = statistic(w)
            precondition(r.count == full.count, "Resampling.bootstrap: statistic returned \(r.count) components, expected \(full.count)")
            replicates.append(r)
        }
        let (_, cov) = moments(replicates, scale: 1 / Double(b - 1))
        return ResampledStatistic(
            value: full, standardErrors: cov.diagonalElements.map { max(0, $0).squareRoot() },
            covariance: cov, replicates: replicates,
            bias: [Double](repeating: 0, count: full.count), sampleCount: n)
    }

    /// Jackknife of the mean of plain values (its error equals the usual σ/√N).
    public static func jackknifeMean(_ values: [Double]) -> (mean: Double, error: Double) {
        let r = jackknife(samples: values.count) { w in
            let total = w.reduce(0, +)
            return [zip(w, values).reduce(0) { $0 + $1.0 * $1.1 } / total]
        }
        return (r.value[0], r.standardErrors[0])
    }

    /// Mean (Q) and scale · Σ (θ − θ̄)(θ − θ̄)ᵀ (Q, Q) of the replicates; NaN components propagate.
    private static func moments(_ rows: [[Double]], scale: Double) -> ([Double], Matrix) {
        let q = rows.first?.count ?? 0
        var mean = [Double](repeating: 0, count: q)
        for r in rows { for j in 0..<q { mean[j] += r[j] } }
        for j in 0..<q { mean[j] /= Double(rows.count) }
        var cov = Matrix(rows: q, cols: q)
        for r in rows {
            for i in 0..<q {
                let di = r[i] - mean[i]
                for j in 0..<q { cov.elements[i * q + j] += di * (r[j] - mean[j]) }
            }
        }
        return (mean, cov * scale)
    }
}
