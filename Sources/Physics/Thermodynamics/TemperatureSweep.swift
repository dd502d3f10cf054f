import Foundation

// Size letters: n keys in a row (n = t + 1 for the causal row of query t), G points of the β grid.

/// Attention rows seen as Gibbs states at a rescaled temperature (seed 003; seed 000 §1: "the
/// softmax temperature acts as an inverse temperature β"): for a row of scores s (n keys) and a
/// multiplier b on the inverse temperature,
///
///     p_i(b) = exp(b·s_i) / Z(b)                    (= softmax(b·s); b = 1 is the model itself)
///     S(b)   = −Σ p_i log p_i                       entropy, and S/log n ∈ [0, 1] (normalised)
///     PR(b)  = 1 / Σ p_i²                            participation ratio (effective number of keys)
///     w(b)   = max_i p_i                             largest weight
///     C(b)   = b² Var_p(s)                           heat capacity (= −b dS/db = b² d²log Z/db²)
///
/// A causal row t has n = t + 1 keys (the mask removes the others); its entropy is normalised
/// by log(t + 1), and the row t = 0 (one key, S ≡ 0) carries no information and is skipped by
/// the accumulators. C(b) is computed by the two-pass variance, so it is exactly ≥ 0 and 0 for
/// a frozen row. Sum rule (integrating C = −dS/d log b): ∫ C d(log b) = log n − log g over
/// the whole axis, with g the degeneracy of the largest score — the area under a heat-capacity
/// peak is fixed by the number of keys, so every finite row has a peak (a Schottky anomaly);
/// only how it scales with n can say anything about a phase transition.
public enum TemperatureSweep {
    /// The sweep quantities of one row at one β multiplier.
    public struct RowState: Sendable, Equatable {
        public var entropy: Double
        /// S / log n (0 for n = 1).
        public var normalisedEntropy: Double
        public var participationRatio: Double
        public var maxWeight: Double
        public var heatCapacity: Double
    }

    /// The quantities of one row `scores[0..<n]` at inverse-temperature multiplier `beta` ≥ 0.
    /// Cost O(n); stable for any finite scores and β (shift by the largest b·s).
    public static func row(_ scores: UnsafeBufferPointer<Double>, beta: Double) -> RowState {
        let n = scores.count
        precondition(n >= 1, "TemperatureSweep.row: a row needs at least one key")
        precondition(beta >= 0 && beta.isFinite, "TemperatureSweep.row: β multiplier must be finite and ≥ 0, got \(beta)")
        var top = -Double.infinity
        for i in 0..<n where scores[i] > top { top = scores[i] }
        // Z' = Σ exp(b(s_i − max s)) ≥ 1; every sum below is normalised by it.
        var z = 0.0, first = 0.0, square = 0.0
        for i in 0..<n {
            let d = scores[i] - top
            let w = Foundation.exp(beta * d)
            z += w
            first += w * d
            square += w * w
        }
        let mean = first / z  // ⟨s − max s⟩
        var variance = 0.0  // two-pass: Σ p (d − ⟨d⟩)²
        for i in 0..<n {
            let d = scores[i] - top
            variance += Foundation.exp(beta * d) / z * (d - mean) * (d - mean)
        }
        // S = −Σ p log p = log Z' − b⟨s − max s⟩.
        let entropy = max(0, Foundation.log(z) - beta * mean)
        let spread = beta * variance.squareRoot()
        return RowState(
            entropy: entropy,
            normalisedEntropy: n > 1 ? min(1, entropy / Foundation.log(Double(n))) : 0,
            participationRatio: z * z / square,
            maxWeight: 1 / z,
            heatCapacity: spread * spread)
    }

    /// The quantities of one row given as an array (convenience for tests and small inputs).
    public static func row(_ scores: [Double], beta: Double) -> RowState {
        scores.withUnsafeBufferPointer { row($0, beta: beta) }
    }

    /// A log-spaced grid from `low` to `high` with `perDecade` points per decade, both ends
    /// included: b_k = low · 10^(k/perDecade).
    public static func logGrid(from low: Double, to high: Double, perDecade: Int) -> [Double] {
        precondition(
            low > 0 && high > low && perDecade > 0,
            "TemperatureSweep.logGrid: need 0 < low < high and a positive density, got \(low), \(high), \(perDecade)")
        let decades = Foundation.log10(high / low)
        let count = Int((decades * Double(perDecade)).rounded()) + 1
        return (0..<count).map { low * Foundation.pow(10, Double($0) / Double(perDecade)) }
    }

    /// Sums of the sweep quantities over rows, one slot per grid point; merge with `+`, read
    /// means with the accessors. `intensiveHeatCapacity` sums C / log n, whose area over log b is
    /// 1 − log g / log n ≈ 1 per row (the heat capacity per unit of entropy to release).
    public struct Sums: Sendable, Equatable {
        public var rows: Int = 0
        /// Σ log n over the rows (the mean log n labels a size bin).
        public var logKeys: Double = 0
        public var entropy: [Double]
        public var normalisedEntropy: [Double]
        public var participationRatio: [Double]
        /// Σ PR / n: the fraction of keys in use.
        public var participationFraction: [Double]
        public var maxWeight: [Double]
        public var heatCapacity: [Double]
        public var intensiveHeatCapacity: [Double]

        public init(points: Int) {
            let zero = [Double](repeating: 0, count: points)
            entropy = zero; normalisedEntropy = zero; participationRatio = zero; participationFraction = zero
            maxWeight = zero; heatCapacity = zero; intensiveHeatCapacity = zero
        }

        public var points: Int { entropy.count }

        /// Adds one row (n ≥ 2 keys) at every grid point.
        public mutating func add(_ scores: UnsafeBufferPointer<Double>, betas: [Double]) {
            precondition(betas.count == points, "TemperatureSweep.Sums.add: grid has \(betas.count) points, sums \(points)")
            let n = scores.count
            guard n >= 2 else { return }
            let logN = Foundation.log(Double(n))
            rows += 1
            logKeys += logN
            for (k, b) in betas.enumerated() {
                let s = TemperatureSweep.row(scores, beta: b)
                entropy[k] += s.entropy
                normalisedEntropy[k] += s.normalisedEntropy
                participationRatio[k] += s.participationRatio
                participationFraction[k] += s.participationRatio / Double(n)
                maxWeight[k] += s.maxWeight
                heatCapacity[k] += s.heatCapacity
                intensiveHeatCapacity[k] += s.heatCapacity / logN
            }
        }

        public static func + (a: Sums, b: Sums) -> Sums {
            precondition(a.points == b.points, "TemperatureSweep.Sums: cannot add sums over \(a.points) and \(b.points) points")
            var r = a
            r.rows += b.rows
            r.logKeys += b.logKeys
            for k in 0..<a.points {
                r.entropy[k] += b.entropy[k]
                r.normalisedEntropy[k] += b.normalisedEntropy[k]
                r.participationRatio[k] += b.participationRatio[k]
                r.participationFraction[k] += b.participationFraction[k]
                r.maxWeight[k] += b.maxWeight[k]
                r.heatCapacity[k] += b.heatCapacity[k]
                r.intensiveHeatCapacity[k] += b.intensiveHeatCapacity[k]
            }
            return r
        }

        /// Means over rows (NaN when there are none).
        public func mean(_ key: KeyPath<Sums, [Double]>) -> [Double] {
            let n = Double(rows)
            return self[keyPath: key].map { rows > 0 ? $0 / n : .nan }
        }

        /// Mean log n of the rows.
        public var meanLogKeys: Double { rows > 0 ? logKeys / Double(rows) : .nan }
    }

    /// Sums over the causal rows t = 1 … T − 1 of a (T, T) score matrix (row-major, row t's keys
    /// are columns 0…t; the rest is ignored), binned by the number of keys n = t + 1:
    /// `bin(n)` returns the bin index or nil to skip the row.
    public static func accumulateCausal(
        _ scores: UnsafeBufferPointer<Double>, length t: Int, betas: [Double],
        into sums: inout [Sums], bin: (Int) -> Int?
    ) {
        precondition(scores.count >= t * t, "TemperatureSweep.accumulateCausal: need \(t)×\(t) scores, got \(scores.count)")
        for row in 1..<max(1, t) {
            guard let index = bin(row + 1) else { continue }
            let slice = UnsafeBufferPointer(rebasing: scores[(row * t)..<(row * t + row + 1)])
            sums[index].add(slice, betas: betas)
        }
    }
}
