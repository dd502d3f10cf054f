import RealModule
import TensorCore

/// Do N samples have the mean μ and covariance Σ of a reference Gaussian? Entry-wise z-scores
/// and two χ² statistics with known null distributions.
///
/// Size letters: N = samples, d = dimension.
///
/// With m̂ the sample mean and Ŝ the sample covariance (N − 1 in the denominator), for N iid
/// draws of N(μ, Σ):
/// - z of mean entry i: (m̂_i − μ_i) / √(Σ_ii / N);
/// - z of covariance entry (i ≤ j): (Ŝ_ij − Σ_ij) / √((Σ_ii Σ_jj + Σ_ij²) / (N − 1))
///   (the exact variance of a Wishart entry);
/// - mean statistic N (m̂ − μ)ᵀ Σ⁻¹ (m̂ − μ) ~ χ²_d exactly;
/// - covariance statistic (N − 1)/2 · tr[(Σ⁻¹Ŝ − I)²] → χ²_{d(d+1)/2} as N → ∞ (the
///   standardised squared entries of the whitened Wishart matrix; its excess over the
///   asymptotic law is O(d³/N)).
/// Entries of the two families are correlated, so the largest |z| is compared with a
/// Bonferroni-style bound rather than treated as independent.
public struct GaussianMomentTest: Sendable, Codable, Equatable {
    /// Number of samples N.
    public let samples: Int
    /// Dimension d.
    public let dimension: Int
    /// z-scores of the d mean entries.
    public let meanZ: [Double]
    /// z-scores of the d(d+1)/2 covariance entries (i ≤ j, row by row).
    public let covarianceZ: [Double]
    /// N (m̂ − μ)ᵀ Σ⁻¹ (m̂ − μ).
    public let meanChiSquared: Double
    /// (N − 1)/2 · tr[(Σ⁻¹Ŝ − I)²].
    public let covarianceChiSquared: Double
    /// Sample mean m̂.
    public let sampleMean: [Double]
    /// Sample covariance Ŝ.
    public let sampleCovariance: Matrix

    /// Compares the rows of `draws` (N×d) with N(`mean`, `covariance`). Σ must be positive
    /// definite.
    public init(draws: Matrix, mean: [Double], covariance: Matrix) throws {
        let n = draws.rows, d = draws.cols
        precondition(n >= 2, "GaussianMomentTest: needs at least 2 samples, got \(n)")
        precondition(
            mean.count == d && covariance.rows == d && covariance.cols == d,
            "GaussianMomentTest: reference of dimension \(mean.count) for \(d)-dimensional draws")
        // Sample moments, centred on the reference mean first to avoid cancellation.
        var sum = [Double](repeating: 0, count: d)
        var centred = draws
        centred.elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in 0..<d { p[i * d + j] -= mean[j]; sum[j] += p[i * d + j] } }
        }
        let shift = sum.map { $0 / Double(n) }  // m̂ − μ
        let gram = centred.multiplied(by: centred, transposeSelf: true)  // Σ_i c_i c_iᵀ (d×d)
        var s = Matrix(rows: d, cols: d)
        for i in 0..<d {
            for j in 0..<d {
                s[i, j] = (gram[i, j] - Double(n) * shift[i] * shift[j]) / Double(n - 1)
            }
        }
        samples = n
        dimension = d
        sampleMean = zip(mean, shift).map { $0 + $1 }
        sampleCovariance = s
        meanZ = (0..<d).map { shift[$0] / (covariance[$0, $0] / Double(n)).squareRoot() }
        var cz: [Double] = []
        for i in 0..<d {
            for j in i..<d {
                let variance = (covariance[i, i] * covariance[j, j] + covariance[i, j] * covariance[i, j]) / Double(n - 1)
                cz.append((s[i, j] - covariance[i, j]) / variance.squareRoot())
            }
        }
        covarianceZ = cz
        let solvedShift = try covariance.solve(shift)
        meanChiSquared = Double(n) * zip(shift, solvedShift).reduce(0) { $0 + $1.0 * $1.1 }
        var whitened = try covariance.solve(s)  // Σ⁻¹Ŝ
        for i in 0..<d { whitened[i, i] -= 1 }
        let square = whitened * whitened
        covarianceChiSquared = Double(n - 1) / 2 * square.trace
    }

    /// Degrees of freedom of the mean statistic, d.
    public var meanDegreesOfFreedom: Int { dimension }
    /// Degrees of freedom of the covariance statistic, d(d+1)/2.
    public var covarianceDegreesOfFreedom: Int { dimension * (dimension + 1) / 2 }
    /// Largest |z| over all mean and covariance entries.
    public var maxAbsZ: Double { (meanZ + covarianceZ).map { abs($0) }.max() ?? 0 }
    /// Number of z-scores, d + d(d+1)/2.
    public var entryCount: Int { meanZ.count + covarianceZ.count }
    /// P(χ²_d > meanChiSquared).
    public var meanPValue: Double { ChiSquaredDistribution.survival(meanChiSquared, degreesOfFreedom: Double(meanDegreesOfFreedom)) }
    /// P(χ²_{d(d+1)/2} > covarianceChiSquared).
    public var covariancePValue: Double {
        ChiSquaredDistribution.survival(covarianceChiSquared, degreesOfFreedom: Double(covarianceDegreesOfFreedom))
    }
}
