import Foundation
import Models
import Physics
import TensorCore

// Size letters: B sequences, M heads (all layers), T length, G grid points, K size bins.

/// The temperature sweep of a transformer's attention (seed 003; seed 000 §1): every causal
/// row of every head, on a batch of sequences, swept over a β multiplier on a log grid, with
/// sums kept per (head, sequence) and per (sequence, size bin) so that errors can be
/// bootstrapped over sequences and the heat-capacity peak followed against the number of keys.
struct AttentionTemperatureSweep: Sendable {
    struct Grid: Sendable {
        var low = 1e-2
        var high = 1e3
        var perDecade = 8
        var betas: [Double] { TemperatureSweep.logGrid(from: low, to: high, perDecade: perDecade) }
    }

    /// A head, by layer and index within the layer.
    struct Head: Sendable, Hashable {
        var layer: Int
        var head: Int
        var label: String { "L\(layer)H\(head)" }
    }

    var betas: [Double]
    var heads: [Head]
    var length: Int
    /// Size bins: n ∈ [2^(k+1), 2^(k+2)) for k = 0, 1, …; the last bin runs to n = T.
    var bins: [ClosedRange<Int>]
    /// (M) × (B): sums over all rows of a head in one sequence.
    var perHead: [[TemperatureSweep.Sums]]
    /// (B) × (K): sums over all heads' rows with n keys in a bin, per sequence.
    var perBin: [[TemperatureSweep.Sums]]
    /// Standard deviation of the scaled scores over all causal entries (the REM reference uses it).
    var scoreStd: Double

    var sequences: Int { perBin.count }

    /// Size bins for sequences of length T: [2, 3], [4, 7], … with the top bin closed at T.
    static func sizeBins(length t: Int) -> [ClosedRange<Int>] {
        var bins: [ClosedRange<Int>] = []
        var lo = 2
        while lo <= t {
            // The last bin runs to T instead of leaving a bin of only n = T.
            if 2 * lo >= t { bins.append(lo...t); break }
            bins.append(lo...(2 * lo - 1))
            lo *= 2
        }
        return bins
    }

    /// Sweeps every head of every layer of `captured` (one batch of sequences).
    init(_ captured: AttentionScores, grid: Grid) {
        let betas = grid.betas
        let t = captured.length
        let bins = Self.sizeBins(length: t)
        let heads = (0..<captured.layers).flatMap { l in (0..<captured.heads).map { Head(layer: l, head: $0) } }
        // One task per sequence: its per-head sums and its per-bin sums.
        let perSequence = Parallel.map(captured.batch) { b -> ([TemperatureSweep.Sums], [TemperatureSweep.Sums]) in
            var headSums = [TemperatureSweep.Sums](repeating: TemperatureSweep.Sums(points: betas.count), count: heads.count)
            var binSums = [TemperatureSweep.Sums](repeating: TemperatureSweep.Sums(points: betas.count), count: bins.count)
            for (m, head) in heads.enumerated() {
                captured.scores[head.layer].withUnsafeBufferPointer { p in
                    let base = captured.offset(sequence: b, head: head.head)
                    let block = UnsafeBufferPointer(rebasing: p[base..<(base + t * t)])
                    var single = [headSums[m]]
                    TemperatureSweep.accumulateCausal(block, length: t, betas: betas, into: &single) { _ in 0 }
                    headSums[m] = single[0]
                    TemperatureSweep.accumulateCausal(block, length: t, betas: betas, into: &binSums) { n in
                        bins.firstIndex { $0.contains(n) }
                    }
                }
            }
            return (headSums, binSums)
        }
        var s1 = 0.0, s2 = 0.0, count = 0.0
        for scores in captured.scores {
            scores.withUnsafeBufferPointer { p in
                for bh in 0..<(captured.batch * captured.heads) {
                    for q in 0..<t {
                        for k in 0...q { let v = p[bh * t * t + q * t + k]; s1 += v; s2 += v * v; count += 1 }
                    }
                }
            }
        }
        let mean = s1 / count
        self.betas = betas
        self.heads = heads
        self.length = t
        self.bins = bins
        self.perHead = heads.indices.map { m in perSequence.map { $0.0[m] } }
        self.perBin = perSequence.map(\.1)
        self.scoreStd = max(0, s2 / count - mean * mean).squareRoot()
    }

    /// Sums pooled over all sequences for head m.
    func pooled(head m: Int) -> TemperatureSweep.Sums { perHead[m].dropFirst().reduce(perHead[m][0], +) }

    /// Sums pooled over every head and sequence.
    var pooledAll: TemperatureSweep.Sums {
        let heads = perHead.indices.map(pooled(head:))
        return heads.dropFirst().reduce(heads[0], +)
    }

    /// A peak with bootstrap standard deviations of log β* and C* over sequences.
    struct PeakEstimate: Sendable {
        var peak: HeatCapacityPeak?
        var logBetaError: Double
        var heightError: Double
    }

    /// The heat-capacity peak of head m (nil: of the mean over all heads), bootstrapped over sequences.
    func peak(head m: Int?, replicates: Int, rng: inout SeededRNG) -> PeakEstimate {
        let samples: [TemperatureSweep.Sums] =
            m.map { perHead[$0] }
            ?? (0..<sequences).map { b in perHead.dropFirst().reduce(perHead[0][b]) { $0 + $1[b] } }
        let full = samples.dropFirst().reduce(samples[0], +)
        let point = HeatCapacityPeak(betas: betas, values: full.mean(\.heatCapacity))
        var logBeta: [Double] = [], height: [Double] = []
        for _ in 0..<replicates {
            let draw = (0..<samples.count).map { _ in samples[rng.int(below: samples.count)] }
            if let p = HeatCapacityPeak(betas: betas, values: draw.dropFirst().reduce(draw[0], +).mean(\.heatCapacity)) {
                logBeta.append(Foundation.log(p.beta))
                height.append(p.height)
            }
        }
        return PeakEstimate(
            peak: point, logBetaError: SampleSummary(logBeta).standardDeviation,
            heightError: SampleSummary(height).standardDeviation)
    }

    /// Index of β = 1 (the model's own temperature) on the grid, if it is a grid point.
    var unitIndex: Int? { betas.firstIndex { abs($0 - 1) < 1e-9 } }
}

/// Reference systems swept on the same rows and sizes, to calibrate what the finite-size
/// analysis reads for a known answer.
enum TemperatureSweepReference {
    /// The random energy model with unscaled energies: i.i.d. N(0, σ²) scores. Its peak drifts as
    /// β* ≈ √(2 log n)/σ — no transition at a finite temperature (drift exponent ½).
    static func randomEnergy(
        std: Double, length t: Int, sequences: Int, rows perSequence: Int, betas: [Double],
        rng: inout SeededRNG
    ) -> [[TemperatureSweep.Sums]] {
        let bins = AttentionTemperatureSweep.sizeBins(length: t)
        return (0..<sequences).map { _ in
            var sums = [TemperatureSweep.Sums](repeating: TemperatureSweep.Sums(points: betas.count), count: bins.count)
            for _ in 0..<perSequence {
                let scores = (0..<(t * t)).map { _ in std * rng.normal() }
                scores.withUnsafeBufferPointer { p in
                    TemperatureSweep.accumulateCausal(p, length: t, betas: betas, into: &sums) { n in bins.firstIndex { $0.contains(n) } }
                }
            }
            return sums
        }
    }

    /// A first-order transition at β_c = 1: one key raised by log(n − 1) above n − 1 equal keys,
    /// so the ground state and the excited manifold trade places at β = 1 for every n and the
    /// intensive peak sharpens as log n grows (drift 0, sharpening > 0).
    static func firstOrder(length t: Int, betas: [Double]) -> [[TemperatureSweep.Sums]] {
        let bins = AttentionTemperatureSweep.sizeBins(length: t)
        var sums = [TemperatureSweep.Sums](repeating: TemperatureSweep.Sums(points: betas.count), count: bins.count)
        for n in 3...t {
            guard let j = bins.firstIndex(where: { $0.contains(n) }) else { continue }
            var row = [Double](repeating: 0, count: n)
            row[n / 2] = Foundation.log(Double(n - 1))
            row.withUnsafeBufferPointer { sums[j].add($0, betas: betas) }
        }
        return [sums, sums]
    }
}
