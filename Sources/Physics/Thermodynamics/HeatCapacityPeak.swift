import Foundation
import TensorCore

/// The peak of a heat-capacity curve C(β) sampled on a grid uniform in log β — the temperature
/// seed 000 §1 / seed 003 would call "symmetry breaking".
///
/// Location and height come from the parabola through the largest sample and its two
/// neighbours in u = log β (exact for a quadratic peak; error O(h³) for grid spacing h); the
/// width is the full width at half maximum in log β, from linear interpolation of the two
/// half-maximum crossings.
public struct HeatCapacityPeak: Sendable, Equatable {
    /// β at the maximum.
    public var beta: Double
    /// C at the maximum.
    public var height: Double
    /// Full width at half maximum in natural-log units of β; nil when the curve does not fall
    /// to half its maximum on both sides inside the grid.
    public var logWidth: Double?
    /// False when the largest sample is the first or last grid point (β* is then only a bound).
    public var interior: Bool

    /// The peak of `values` over `betas` (log-uniform, increasing, ≥ 3 points); nil when the
    /// curve has no positive finite value.
    public init?(betas: [Double], values: [Double]) {
        precondition(
            betas.count == values.count && betas.count >= 3,
            "HeatCapacityPeak: need ≥ 3 grid points and as many values, got \(betas.count) and \(values.count)")
        guard let k = values.indices.filter({ values[$0].isFinite }).max(by: { values[$0] < values[$1] }),
            values[k] > 0
        else { return nil }
        let u = betas.map { Foundation.log($0) }
        interior = k > 0 && k < values.count - 1
        if interior {
            let h = 0.5 * (u[k + 1] - u[k - 1])
            let (a, b) = (0.5 * (values[k + 1] + values[k - 1]) - values[k], 0.5 * (values[k + 1] - values[k - 1]))
            let x = a < 0 ? max(-1, min(1, -b / (2 * a))) : 0
            beta = Foundation.exp(u[k] + x * h)
            height = a < 0 ? values[k] - b * b / (4 * a) : values[k]
        } else {
            beta = betas[k]
            height = values[k]
        }
        let half = 0.5 * height
        var left: Double?, right: Double?
        var i = k
        while i > 0 {
            if values[i - 1] < half {
                left = u[i - 1] + (half - values[i - 1]) / (values[i] - values[i - 1]) * (u[i] - u[i - 1])
                break
            }
            i -= 1
        }
        i = k
        while i < values.count - 1 {
            if values[i + 1] < half {
                right = u[i] + (values[i] - half) / (values[i] - values[i + 1]) * (u[i + 1] - u[i])
                break
            }
            i += 1
        }
        if let left, let right { logWidth = right - left } else { logWidth = nil }
    }

    /// The two-level system (levels 0 and Δ, each non-degenerate): C(β) = x² eˣ/(1 + eˣ)² with
    /// x = βΔ — the Schottky anomaly, with its maximum at x* = 2.399357… (the root of
    /// x·tanh(x/2) = 2) and C* = 0.439229….
    public static func twoLevelHeatCapacity(beta: Double, gap: Double) -> Double {
        let x = beta * gap
        let e = Foundation.exp(-abs(x))
        return x * x * e / ((1 + e) * (1 + e))
    }

    /// x* = βΔ at the Schottky maximum: the root of x·tanh(x/2) = 2.
    public static let twoLevelPeakX = 2.399_357_280_515_467
    /// C at the Schottky maximum.
    public static let twoLevelPeakHeight = 0.439_228_839_890_645
}

/// Finite-size scaling of heat-capacity peaks against the number of keys n: does the peak of
/// a softmax row behave like a phase transition as n grows?
///
/// The heat capacity per unit of entropy to release, c = C / log n, has area ≈ 1 over log β for
/// every row (the sum rule in `TemperatureSweep`), so its peak height and width trade off:
/// c*·W ≈ const. A transition at a finite temperature needs, as n → ∞,
///
/// - a location β*(n) that converges to a finite β_c — measured by the drift exponent
///   b = d log β* / d log log n (log n plays the role of the number of degrees of freedom: a
///   row's entropy is at most log n); b = 0 at a transition, while a fixed energy scale gives
///   β* ∝ log n (b → 1, one key against n − 1 others) or β* ∝ √(log n) (b = ½, i.i.d.
///   Gaussian scores: Derrida's random energy model with unscaled energies);
/// - a peak that sharpens: a = −d log W / d log log n > 0 (W the width of c in log β).
///
/// Rows come grouped into size bins and independent samples (sequences); errors are bootstrap
/// standard deviations over samples.
public struct PeakScaling: Sendable {
    /// One size bin.
    public struct Bin: Sendable {
        /// Mean log n over the bin's rows.
        public var meanLogKeys: Double
        public var rows: Int
        /// The peak of the bin's mean intensive heat capacity c = C/log n, if it has one.
        public var peak: HeatCapacityPeak?
        /// Bootstrap standard deviations of log β*, c* and log W.
        public var logBetaError: Double
        public var heightError: Double
        public var logWidthError: Double
    }

    /// A slope with its bootstrap standard deviation.
    public struct Slope: Sendable, Equatable {
        public var value: Double
        public var error: Double
        /// Bootstrap replicates in which the slope could be computed.
        public var replicates: Int
    }

    public var bins: [Bin]
    /// b = d log β* / d log log n over the bins with an interior peak.
    public var drift: Slope?
    /// a = −d log W / d log log n over the bins with a measurable width.
    public var sharpening: Slope?

    /// Analyses `samples[i][j]` — the sums of independent sample i in size bin j, all on `betas`.
    public static func analyse(
        samples: [[TemperatureSweep.Sums]], betas: [Double], replicates: Int,
        rng: inout SeededRNG
    ) -> PeakScaling {
        precondition(!samples.isEmpty, "PeakScaling.analyse: no samples")
        let binCount = samples[0].count
        precondition(samples.allSatisfy { $0.count == binCount }, "PeakScaling.analyse: every sample needs \(binCount) bins")
        func pooled(_ indices: [Int]) -> [TemperatureSweep.Sums] {
            (0..<binCount).map { j in indices.dropFirst().reduce(samples[indices[0]][j]) { $0 + samples[$1][j] } }
        }
        func peaks(_ sums: [TemperatureSweep.Sums]) -> [HeatCapacityPeak?] {
            sums.map { $0.rows > 0 ? HeatCapacityPeak(betas: betas, values: $0.mean(\.intensiveHeatCapacity)) : nil }
        }
        let full = pooled(Array(samples.indices))
        let fullPeaks = peaks(full)
        let x = full.map { Foundation.log($0.meanLogKeys) }
        // Which bins enter the fits is fixed by the full sample, so replicates fit the same bins.
        let located = (0..<binCount).filter { fullPeaks[$0]?.interior == true && full[$0].rows > 0 }
        let widened = located.filter { fullPeaks[$0]?.logWidth != nil }
        func slopes(_ p: [HeatCapacityPeak?]) -> (drift: Double?, sharpening: Double?) {
            let d =
                located.allSatisfy { p[$0]?.interior == true }
                ? Self.slope(located.map { x[$0] }, located.map { Foundation.log(p[$0]!.beta) }) : nil
            let w =
                widened.allSatisfy { p[$0]?.logWidth != nil }
                ? Self.slope(widened.map { x[$0] }, widened.map { Foundation.log(p[$0]!.logWidth!) }).map { -$0 } : nil
            return (d, w)
        }
        var driftSamples: [Double] = [], sharpSamples: [Double] = []
        var logBeta = [[Double]](repeating: [], count: binCount)
        var height = logBeta, logWidth = logBeta
        for _ in 0..<max(0, replicates) {
            let draw = (0..<samples.count).map { _ in rng.int(below: samples.count) }
            let p = peaks(pooled(draw))
            let s = slopes(p)
            if let d = s.drift { driftSamples.append(d) }
            if let w = s.sharpening { sharpSamples.append(w) }
            for j in 0..<binCount {
                guard let q = p[j] else { continue }
                logBeta[j].append(Foundation.log(q.beta))
                height[j].append(q.height)
                if let w = q.logWidth { logWidth[j].append(Foundation.log(w)) }
            }
        }
        let bins = (0..<binCount).map { j in
            Bin(
                meanLogKeys: full[j].meanLogKeys, rows: full[j].rows, peak: fullPeaks[j],
                logBetaError: Self.standardDeviation(logBeta[j]), heightError: Self.standardDeviation(height[j]),
                logWidthError: Self.standardDeviation(logWidth[j]))
        }
        let point = slopes(fullPeaks)
        return PeakScaling(
            bins: bins,
            drift: point.drift.map { Slope(value: $0, error: Self.standardDeviation(driftSamples), replicates: driftSamples.count) },
            sharpening: point.sharpening.map { Slope(value: $0, error: Self.standardDeviation(sharpSamples), replicates: sharpSamples.count) })
    }

    /// Ordinary least-squares slope of y on x (nil with fewer than 3 points or no spread in x).
    public static func slope(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 3 else { return nil }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for i in x.indices { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my) }
        return sxx > 0 ? sxy / sxx : nil
    }

    static func standardDeviation(_ v: [Double]) -> Double {
        guard v.count > 1 else { return .nan }
        let m = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
    }
}
