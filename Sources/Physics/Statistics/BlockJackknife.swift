/// A value with its jackknife standard error and bias estimate.
public struct JackknifeValue: Sendable, Codable, Equatable {
    /// The estimate from the full sample, f(mean of all blocks).
    public var value: Double
    /// Jackknife standard error, sqrt((B−1)/B · Σ_b (θ_(−b) − θ̄)²).
    public var error: Double
    /// Jackknife bias estimate (B−1)(θ̄ − θ̂); subtract it for the bias-corrected value.
    public var bias: Double

    public init(value: Double, error: Double, bias: Double = 0) {
        self.value = value
        self.error = error
        self.bias = bias
    }

    /// value / error (∞ when the error is zero and the value is not).
    public var significance: Double { error > 0 ? value / error : (value == 0 ? 0 : .infinity) }
}

/// The blocked (grouped) jackknife over streamed per-block sums.
///
/// A stream of draws is cut into B contiguous blocks; each block keeps only the sums of the
/// per-draw observables (a vector of length `dimension`), so memory is B × dimension whatever
/// the number of draws. An estimator is any smooth function f of the vector of means. The
/// leave-one-block-out means m_(−b) = (S − S_b)/(N − N_b) give θ_(−b) = f(m_(−b)), and
///
///     σ²_jack = (B − 1)/B · Σ_b (θ_(−b) − θ̄)²,   θ̄ = (1/B) Σ_b θ_(−b),
///     bias    = (B − 1)(θ̄ − θ̂),                   θ̂ = f(S/N).
///
/// Blocking makes the errors honest when draws within a block are correlated; for independent
/// draws any B ≥ 20 or so gives a stable error (its relative uncertainty is about 1/√(2B)).
/// Reference: Efron & Stein (1981); Berg, "Markov Chain Monte Carlo Simulations" §2.7.
public struct BlockJackknife: Sendable {
    /// Number of blocks B.
    public let blocks: Int
    /// Length of each block's sum vector.
    public let dimension: Int
    /// Block sums, row-major (B, dimension).
    public let sums: [Double]
    /// Number of draws in each block (B).
    public let counts: [Int]

    /// - Parameters:
    ///   - sums: (B, dimension) row-major block sums.
    ///   - counts: draws per block; every block must hold at least one draw.
    public init(sums: [Double], counts: [Int], dimension: Int) {
        precondition(dimension > 0, "BlockJackknife: dimension must be positive")
        precondition(counts.count >= 2, "BlockJackknife: needs at least 2 blocks, got \(counts.count)")
        precondition(
            sums.count == counts.count * dimension,
            "BlockJackknife: expected \(counts.count)×\(dimension) sums, got \(sums.count)")
        precondition(counts.allSatisfy { $0 > 0 }, "BlockJackknife: every block needs at least one draw")
        self.blocks = counts.count
        self.dimension = dimension
        self.sums = sums
        self.counts = counts
    }

    /// Total number of draws N.
    public var totalCount: Int { counts.reduce(0, +) }

    /// Totals S over all blocks (dimension).
    public var totals: [Double] {
        var total = [Double](repeating: 0, count: dimension)
        for b in 0..<blocks {
            for d in 0..<dimension { total[d] += sums[b * dimension + d] }
        }
        return total
    }

    /// Means over all draws, S/N.
    public var means: [Double] {
        let n = Double(totalCount)
        return totals.map { $0 / n }
    }

    /// Leave-one-block-out mean vectors, one per block.
    public func leaveOneOutMeans() -> [[Double]] {
        let total = totals
        let n = totalCount
        return (0..<blocks).map { b in
            let rest = Double(n - counts[b])
            return (0..<dimension).map { d in (total[d] - sums[b * dimension + d]) / rest }
        }
    }

    /// Jackknife estimates of a vector-valued function of the means.
    public func estimate(_ f: ([Double]) -> [Double]) -> [JackknifeValue] {
        let full = f(means)
        let replicas = leaveOneOutMeans().map(f)
        let k = full.count
        precondition(replicas.allSatisfy { $0.count == k }, "BlockJackknife.estimate: f must return a fixed length")
        let b = Double(blocks)
        return (0..<k).map { c in
            var mean = 0.0
            for r in replicas { mean += r[c] }
            mean /= b
            var ss = 0.0
            for r in replicas { ss += (r[c] - mean) * (r[c] - mean) }
            return JackknifeValue(value: full[c], error: ((b - 1) / b * ss).squareRoot(), bias: (b - 1) * (mean - full[c]))
        }
    }

    /// Jackknife estimate of a scalar function of the means.
    public func estimate(_ f: ([Double]) -> Double) -> JackknifeValue {
        estimate { [f($0)] }[0]
    }

    /// Jackknife covariance matrix (k×k, row-major) of a vector-valued function of the means:
    /// C_cd = (B−1)/B Σ_b (θ_(−b),c − θ̄_c)(θ_(−b),d − θ̄_d).
    public func covariance(_ f: ([Double]) -> [Double]) -> [Double] {
        let replicas = leaveOneOutMeans().map(f)
        guard let k = replicas.first?.count else { return [] }
        let b = Double(blocks)
        var mean = [Double](repeating: 0, count: k)
        for r in replicas { for c in 0..<k { mean[c] += r[c] / b } }
        var cov = [Double](repeating: 0, count: k * k)
        for r in replicas {
            for c in 0..<k {
                let dc = r[c] - mean[c]
                for d in 0..<k { cov[c * k + d] += dc * (r[d] - mean[d]) }
            }
        }
        return cov.map { $0 * (b - 1) / b }
    }
}
