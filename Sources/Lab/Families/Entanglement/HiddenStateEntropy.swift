import Foundation
import Physics
import TensorCore

// Size letters: N sequences per length, L (= T) sequence length, C width, H heads, D = C/H.

/// The two bipartitions of a hidden-state matrix (T, H, D) that seed 000 §4.2 can mean
/// (`Bipartition.matrix`).
enum HiddenStateSplit: String, CaseIterable, Sendable {
    /// (T, H·D): positions against features.
    case positions
    /// (H, T·D): head index against (position, within-head coordinate) — the seed's "across
    /// attention head partitions". The residual stream has no head structure of its own: the
    /// feature index is cut into H contiguous blocks of D, as the attention heads cut it.
    case heads

    var subsystemA: [Int] { self == .positions ? [0] : [1] }
    var title: String { self == .positions ? "positions × features" : "head × (position, within-head)" }
}

/// S against sequence length L for one set of matrices: mean and standard error over sequences
/// at each L, and the three laws fitted by `EntropyScaling` (weighted by the errors).
struct EntropyCurve: Sendable {
    var lengths: [Double]
    var means: [Double]
    var errors: [Double]
    var fit: EntropyScalingFit?

    init(lengths: [Int], samples: [[Double]]) {
        self.lengths = lengths.map(Double.init)
        let summaries = samples.map { SampleSummary($0) }
        means = summaries.map(\.mean)
        errors = summaries.map { $0.count > 1 ? $0.standardError : .nan }
        // A spread of zero (a saturated bound) still needs a positive σ in a weighted fit.
        let floor = max(1e-6, (errors.filter(\.isFinite).max() ?? 0) * 1e-3)
        fit =
            lengths.count >= 4 && means.allSatisfy(\.isFinite)
            ? try? EntropyScaling.fit(lengths: self.lengths, entropies: means, errors: errors.map { $0.isFinite ? max($0, floor) : floor })
            : nil
    }

    /// The log-law coefficient a of S = a ln L + b, with its error.
    var logCoefficient: Measurement? { fit.map { Measurement($0.logarithmic.parameters[0], error: $0.logarithmic.errors[0]) } }
}

/// S(L) of one layer of one model in one split, with two null models of the same shape:
/// i.i.d. N(0, 1) entries (no structure at all), and rows drawn independently from a Gaussian
/// with the layer's own feature mean and covariance (every single-token statistic kept, every
/// correlation between positions removed). A law the nulls share is a property of the matrix
/// shape or of the token marginals, not of correlations along the sequence.
struct HiddenStateEntropy: Sendable {
    var model: String
    var layer: Int
    var split: HiddenStateSplit
    /// H and C of the model.
    var heads: Int
    var width: Int
    var measured: EntropyCurve
    var gaussian: EntropyCurve
    var matched: EntropyCurve

    /// Schmidt entropy of one hidden-state matrix (T·C values, row-major (T, C)) in a split.
    static func entropy(_ values: [Double], length: Int, heads: Int, width: Int, split: HiddenStateSplit) throws -> Double {
        let psi = try Bipartition.matrix(values: values, shape: [length, heads, width / heads], subsystemA: split.subsystemA)
        return try SchmidtSpectrum(psi).entropy
    }

    /// Mean and covariance (C, C) of the rows of `vectors` (each C long).
    static func moments(_ vectors: [[Double]]) -> (mean: [Double], covariance: Matrix) {
        let c = vectors[0].count, n = Double(vectors.count)
        var mean = [Double](repeating: 0, count: c)
        for v in vectors { for i in 0..<c { mean[i] += v[i] / n } }
        var centred = Matrix(rows: vectors.count, cols: c)
        for (r, v) in vectors.enumerated() { for i in 0..<c { centred[r, i] = v[i] - mean[i] } }
        return (mean, centred.transposed * centred * (1 / max(1, n - 1)))
    }

    /// A (T, C) matrix whose rows are independent draws from N(mean, L·Lᵀ), row-major.
    static func matchedDraw(length: Int, mean: [Double], cholesky: Matrix, rng: inout SeededRNG) -> [Double] {
        let c = mean.count
        var out = [Double](repeating: 0, count: length * c)
        var z = [Double](repeating: 0, count: c)
        for t in 0..<length {
            for i in 0..<c { z[i] = rng.normal() }
            for i in 0..<c {
                var s = mean[i]
                for j in 0...i { s += cholesky[i, j] * z[j] }
                out[t * c + i] = s
            }
        }
        return out
    }
}
