import Foundation
import Physics
import TensorCore

/// Two trained models compared on the same validation windows: the relative paired change of
/// their losses, robust to the few windows on which a model blows up, with a block-bootstrap
/// error (docs/CLAIMS.md, qsf.loss-ordering).
///
/// Size letters: W validation windows (one context of the validation stream each, in stream
/// order), N non-overlapping blocks of b consecutive windows, B bootstrap resamples.
///
/// With d_w = L_a(w) − L_b(w) the paired differences (W) and T the trimmed mean that cuts
/// `trim` of the weight at each end, the comparison is Δ = T(d) / T(L_b). Its error is the
/// standard deviation of Δ over B resamples of whole blocks (Carlstein's non-overlapping block
/// bootstrap, b = ⌈W^⅓⌉), so that neighbouring windows of one story count once.
struct PairedWindowComparison: Sendable {
    /// Fraction of the windows cut at each end of the trimmed mean.
    static let trim = 0.1
    static let resamples = 2000

    /// Δ = T(L_a − L_b) / T(L_b) ± bootstrap error.
    var relative: Measurement
    /// The plain mean of L_a − L_b (nats/token) ± its standard error over windows.
    var meanDifference: Measurement

    /// - Parameters:
    ///   - a, b: per-window losses of the two models (W each, paired by index, W ≥ 2).
    ///   - rng: the bootstrap's generator.
    init(a: [Double], b: [Double], rng: inout SeededRNG, label: String) {
        let w = min(a.count, b.count)
        precondition(w >= 2, "PairedWindowComparison: needs at least two paired windows, got \(w)")
        // A NaN window loss is a window the model blew up on: it sorts as +∞, to the end the trim cuts.
        func finite(_ x: Double) -> Double { x.isNaN ? .infinity : x }
        let d = (0..<w).map { finite(finite(a[$0]) - finite(b[$0])) }  // (W)
        let base = b.prefix(w).map(finite)  // (W)
        let block = max(1, Int(Foundation.ceil(Foundation.pow(Double(w), 1.0 / 3))))
        let blocks = (w + block - 1) / block
        let dOrder = d.indices.sorted { d[$0] < d[$1] }
        let baseOrder = base.indices.sorted { base[$0] < base[$1] }
        func ratio(_ windowWeights: [Double]) -> Double {
            Self.trimmedMean(d, order: dOrder, weights: windowWeights) / Self.trimmedMean(base, order: baseOrder, weights: windowWeights)
        }
        let full = ratio([Double](repeating: 1, count: w))
        var error = Double.nan
        if blocks >= 2 {
            let boot = Resampling.bootstrap(samples: blocks, replicates: Self.resamples, rng: &rng) { blockWeights in
                [ratio((0..<w).map { blockWeights[$0 / block] })]
            }
            error = boot.standardErrors[0]
        }
        relative = Measurement(
            full, error: error.isFinite ? error : nil, samples: w,
            label: "\(label): T(L_a − L_b)/T(L_b), 10% trimmed, paired over windows")
        let plain = SampleSummary(d)
        meanDifference = Measurement(
            plain.mean, error: plain.standardError, samples: w, unit: "nats/token",
            label: "\(label): mean paired difference L_a − L_b")
    }

    /// The weighted trimmed mean of `values`: with the windows sorted by value (`order`) and their
    /// weights summing to S, the weight within `trim`·S of either end is cut (partially at the
    /// boundary) and the rest averaged. Weights 1 give the ordinary trimmed mean.
    static func trimmedMean(_ values: [Double], order: [Int], weights: [Double], trim: Double = trim) -> Double {
        let total = weights.reduce(0, +)
        guard total > 0 else { return .nan }
        let low = trim * total, high = (1 - trim) * total
        var below = 0.0, sum = 0.0, kept = 0.0
        for i in order {
            let weight = weights[i]
            guard weight > 0 else { continue }
            let keep = max(0, min(below + weight, high) - max(below, low))
            if keep > 0 {
                sum += keep * values[i]
                kept += keep
            }
            below += weight
        }
        return sum / kept
    }
}
