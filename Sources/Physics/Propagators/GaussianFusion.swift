import TensorCore

/// Bayesian fusion of a Gaussian prior with one linear Gaussian measurement (seed 001 §V.1,
/// Eqs. 13–22).
///
/// Size letters: d = state dimension, m = measurement dimension.
///
///     prior        x ~ N(μ, Λ⁻¹)                           (Eq. 13)
///     likelihood   y | x ~ N(W x, σ² I)                      (Eq. 14)
///     posterior    x | y ~ N(μ', Λ'⁻¹),  Λ' = Λ + WᵀW/σ²,   (Eqs. 16–17)
///                  μ' = Λ'⁻¹ (Λ μ + Wᵀ y / σ²)
///
/// The posterior follows by completing the square (Eq. 18): with h = Λμ + Wᵀy/σ²,
///     ½(x − μ)ᵀΛ(x − μ) + ½‖y − Wx‖²/σ²  =  ½(x − μ')ᵀΛ'(x − μ') + R(y),
///     R(y) = ½(μᵀΛμ + ‖y‖²/σ² − hᵀΛ'⁻¹h),
/// which `energy` and `completedSquare` evaluate separately so a test can compare them.
public struct GaussianFusion: Sendable {
    /// Prior mean μ (d).
    public let priorMean: [Double]
    /// Prior precision Λ (d×d).
    public let priorPrecision: Matrix
    /// Measurement matrix W (m×d).
    public let measurement: Matrix
    /// Measurement noise variance σ².
    public let noiseVariance: Double

    public init(priorMean: [Double], priorPrecision: Matrix, measurement: Matrix, noiseVariance: Double) {
        let d = priorMean.count
        precondition(
            priorPrecision.rows == d && priorPrecision.cols == d,
            "GaussianFusion: prior precision \(priorPrecision.rows)×\(priorPrecision.cols) for a \(d)-dimensional mean")
        precondition(measurement.cols == d, "GaussianFusion: W has \(measurement.cols) columns, the state has \(d)")
        precondition(noiseVariance > 0, "GaussianFusion: noise variance must be positive, got \(noiseVariance)")
        self.priorMean = priorMean
        self.priorPrecision = priorPrecision
        self.measurement = measurement
        self.noiseVariance = noiseVariance
    }

    /// Λ' = Λ + WᵀW/σ².
    public var posteriorPrecision: Matrix {
        priorPrecision + measurement.multiplied(by: measurement, transposeSelf: true) * (1 / noiseVariance)
    }

    /// h = Λμ + Wᵀy/σ² (the linear coefficient of the completed square).
    public func informationVector(_ y: [Double]) -> [Double] {
        precondition(y.count == measurement.rows, "GaussianFusion: y has \(y.count) entries, W has \(measurement.rows) rows")
        let lm = priorPrecision.apply(priorMean)
        let wy = GaussianAlgebra.applyTransposed(measurement, y)
        return zip(lm, wy).map { $0 + $1 / noiseVariance }
    }

    /// The posterior N(μ', Λ'⁻¹) by completing the square.
    public func posterior(_ y: [Double]) throws -> GaussianState {
        let precision = posteriorPrecision
        let mean = try precision.solve(informationVector(y))
        return GaussianState(mean: mean, covariance: GaussianAlgebra.symmetrised(try precision.inverse()))
    }

    /// The joint Gaussian of (x, y): mean (μ, Wμ), covariance [[Σ, ΣWᵀ], [WΣ, WΣWᵀ + σ²I]].
    public func joint() throws -> GaussianState {
        let d = priorMean.count, m = measurement.rows
        let sigma = GaussianAlgebra.symmetrised(try priorPrecision.inverse())
        let sw = sigma.multiplied(by: measurement, transposeOther: true)  // (d, m)
        var yy = measurement * sw
        for i in 0..<m { yy[i, i] += noiseVariance }
        var cov = Matrix(rows: d + m, cols: d + m)
        cov.setBlock(sigma, at: 0, 0)
        cov.setBlock(sw, at: 0, d)
        cov.setBlock(sw.transposed, at: d, 0)
        cov.setBlock(yy, at: d, d)
        return GaussianState(mean: priorMean + measurement.apply(priorMean), covariance: cov)
    }

    /// The posterior by brute-force conditioning of the joint Gaussian of (x, y) on y.
    public func posteriorByConditioning(_ y: [Double]) throws -> GaussianState {
        let d = priorMean.count, m = measurement.rows
        return try joint().conditioned(observed: Array(d..<(d + m)), values: y, free: Array(0..<d))
    }

    /// ½(x − μ)ᵀΛ(x − μ) + ½‖y − Wx‖²/σ²: the negative log of prior × likelihood up to a constant.
    public func energy(x: [Double], y: [Double]) -> Double {
        let dx = zip(x, priorMean).map { $0 - $1 }
        let prior = zip(dx, priorPrecision.apply(dx)).reduce(0) { $0 + $1.0 * $1.1 }
        let r = zip(y, measurement.apply(x)).map { $0 - $1 }
        return 0.5 * prior + 0.5 * r.reduce(0) { $0 + $1 * $1 } / noiseVariance
    }

    /// The two terms of the completed square at (x, y): ½(x − μ')ᵀΛ'(x − μ') and R(y).
    public func completedSquare(x: [Double], y: [Double]) throws -> (quadratic: Double, remainder: Double) {
        let precision = posteriorPrecision
        let h = informationVector(y)
        let mean = try precision.solve(h)
        let dx = zip(x, mean).map { $0 - $1 }
        let quadratic = 0.5 * zip(dx, precision.apply(dx)).reduce(0) { $0 + $1.0 * $1.1 }
        let muLambdaMu = zip(priorMean, priorPrecision.apply(priorMean)).reduce(0) { $0 + $1.0 * $1.1 }
        let yy = y.reduce(0) { $0 + $1 * $1 } / noiseVariance
        let hMean = zip(h, mean).reduce(0) { $0 + $1.0 * $1.1 }
        return (quadratic, 0.5 * (muLambdaMu + yy - hMean))
    }

    /// Monte Carlo check of the posterior: draws (x, y) from prior × likelihood, forms the
    /// residuals r = x − μ'(y) and tests them against N(0, Λ'⁻¹). For a Gaussian joint the
    /// residual is independent of y, so mean 0 and covariance Λ'⁻¹ are exactly the statement that
    /// x | y ~ N(μ'(y), Λ'⁻¹) for every y.
    public func monteCarloCheck(draws: Int, rng: inout SeededRNG) throws -> GaussianMomentTest {
        let d = priorMean.count
        let prior = GaussianState(mean: priorMean, covariance: GaussianAlgebra.symmetrised(try priorPrecision.inverse()))
        let xs = try prior.samples(draws, rng: &rng)
        let posteriorCovariance = GaussianAlgebra.symmetrised(try posteriorPrecision.inverse())
        // μ'(y) = offset + gain·y with offset = Λ'⁻¹Λμ and gain = Λ'⁻¹Wᵀ/σ² (d×m).
        let offset = posteriorCovariance.apply(priorPrecision.apply(priorMean))
        let gain = posteriorCovariance.multiplied(by: measurement, transposeOther: true) * (1 / noiseVariance)
        let noise = noiseVariance.squareRoot()
        var residuals = Matrix(rows: draws, cols: d)
        for i in 0..<draws {
            let x = xs.row(i)
            let y = measurement.apply(x).map { $0 + noise * rng.normal() }
            let mean = gain.apply(y)
            for j in 0..<d { residuals[i, j] = x[j] - offset[j] - mean[j] }
        }
        return try GaussianMomentTest(draws: residuals, mean: [Double](repeating: 0, count: d), covariance: posteriorCovariance)
    }
}
