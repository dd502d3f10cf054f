import TensorCore

/// The chained multi-token system of seed 001 §IX.4 (Eq. 59) as a linear-Gaussian state-space
/// model, filtered exactly by an information-form Kalman filter.
///
/// Size letters: d = state dimension, m = value dimension, T = tokens.
///
///     x_0 ~ N(μ_0, Λ_0⁻¹)
///     x_t = K x_{t−1} + b + w_t,     w_t ~ N(0, σ_K² I)           (Koopman prediction)
///     y_t = W_V x_t + v_t,           v_t ~ N(0, (σ_m²/γ) I)        (attention target as measurement)
///
/// Filter, token by token:
///     predict   P⁻ = K P Kᵀ + σ_K² I,  m⁻ = K m + b,  Λ⁻ = (P⁻)⁻¹,  η⁻ = Λ⁻ m⁻
///     update    Λ = Λ⁻ + (γ/σ_m²) W_Vᵀ W_V,  η = η⁻ + (γ/σ_m²) W_Vᵀ y_t,  m = Λ⁻¹ η
/// — the Bayesian fusion of `GaussianFusion` applied once per token with σ² = σ_m²/γ. Because
/// every step is linear-Gaussian, the filtered law of x_t equals the conditional law of x_t given
/// y_1…y_t in the joint Gaussian of the whole sequence (`batchPosterior`), the seed's Gaussian
/// closure claim (§V.4).
public struct KoopmanMeasurementChain: Sendable {
    /// Koopman propagator K (d×d).
    public let propagator: Matrix
    /// Bias b (d).
    public let bias: [Double]
    /// Value projection W_V (m×d).
    public let valueProjection: Matrix
    /// Koopman noise standard deviation σ_K.
    public let koopmanNoise: Double
    /// Measurement noise standard deviation σ_m.
    public let measurementNoise: Double
    /// Measurement strength γ.
    public let gamma: Double

    public init(
        propagator: Matrix, bias: [Double], valueProjection: Matrix,
        koopmanNoise: Double = 1, measurementNoise: Double = 1, gamma: Double = 1
    ) {
        let d = propagator.rows
        precondition(propagator.isSquare, "KoopmanMeasurementChain: K must be square, got \(propagator.rows)×\(propagator.cols)")
        precondition(bias.count == d, "KoopmanMeasurementChain: bias has \(bias.count) entries for d = \(d)")
        precondition(valueProjection.cols == d, "KoopmanMeasurementChain: W_V has \(valueProjection.cols) columns for d = \(d)")
        precondition(
            koopmanNoise > 0 && measurementNoise > 0 && gamma > 0,
            "KoopmanMeasurementChain: σ_K, σ_m and γ must be positive")
        self.propagator = propagator
        self.bias = bias
        self.valueProjection = valueProjection
        self.koopmanNoise = koopmanNoise
        self.measurementNoise = measurementNoise
        self.gamma = gamma
    }

    /// d.
    public var dimension: Int { propagator.rows }
    /// Effective measurement variance σ_m²/γ.
    public var measurementVariance: Double { measurementNoise * measurementNoise / gamma }

    /// One filtered token: the predicted law of x_t given y_1…y_{t−1} and the updated law given
    /// y_1…y_t (with its precision, the filter's own state).
    public struct Step: Sendable {
        public var predicted: GaussianState
        public var filtered: GaussianState
        public var precision: Matrix
    }

    /// Runs the information-form filter over `observations` (T vectors of m) from the prior
    /// N(`priorMean`, `priorPrecision`⁻¹). Returns one step per token.
    public func filter(priorMean: [Double], priorPrecision: Matrix, observations: [[Double]]) throws -> [Step] {
        let d = dimension
        precondition(priorMean.count == d, "filter: prior mean has \(priorMean.count) entries for d = \(d)")
        let k = propagator
        let q = koopmanNoise * koopmanNoise
        let information = valueProjection.multiplied(by: valueProjection, transposeSelf: true) * (1 / measurementVariance)
        var mean = priorMean
        var covariance = GaussianAlgebra.symmetrised(try priorPrecision.inverse())
        var steps: [Step] = []
        for y in observations {
            precondition(y.count == valueProjection.rows, "filter: observation of \(y.count) for m = \(valueProjection.rows)")
            // Predict.
            var predictedCovariance = k * covariance.multiplied(by: k, transposeOther: true)
            for i in 0..<d { predictedCovariance[i, i] += q }
            predictedCovariance = GaussianAlgebra.symmetrised(predictedCovariance)
            let predictedMean = zip(k.apply(mean), bias).map { $0 + $1 }
            let predictedPrecision = GaussianAlgebra.symmetrised(try predictedCovariance.inverse())
            // Update in information form.
            let precision = predictedPrecision + information
            let wy = GaussianAlgebra.applyTransposed(valueProjection, y)
            let eta = zip(predictedPrecision.apply(predictedMean), wy).map { $0 + $1 / measurementVariance }
            mean = try precision.solve(eta)
            covariance = GaussianAlgebra.symmetrised(try precision.inverse())
            steps.append(
                Step(
                    predicted: GaussianState(mean: predictedMean, covariance: predictedCovariance),
                    filtered: GaussianState(mean: mean, covariance: covariance), precision: precision))
        }
        return steps
    }

    /// The joint Gaussian of (x_0, …, x_T, y_1, …, y_T), built directly from the noise
    /// representation z = (x_0, w_1…w_T, v_1…v_T):
    ///     x_t = K^t x_0 + Σ_{s≤t} K^{t−s}(b + w_s),   y_t = W_V x_t + v_t,
    /// so (x, y) = offset + L z and Cov = L Cov(z) Lᵀ. Coordinates: x_t at t·d, y_t at
    /// (T+1)·d + (t−1)·m.
    public func jointLaw(priorMean: [Double], priorPrecision: Matrix, tokens: Int) throws -> GaussianState {
        let d = dimension, m = valueProjection.rows, T = tokens
        precondition(T >= 1, "jointLaw: needs at least one token")
        var powers = [Matrix.identity(d)]  // K^0 … K^T
        for _ in 0..<T { powers.append(propagator * powers.last!) }
        let zDim = d + T * d + T * m, out = (T + 1) * d + T * m
        var l = Matrix(rows: out, cols: zDim)
        var offset = [Double](repeating: 0, count: out)
        // Mean of x_t: K^t μ_0 + Σ_{s=1}^{t} K^{t−s} b.
        for t in 0...T {
            l.setBlock(powers[t], at: t * d, 0)
            var mean = powers[t].apply(priorMean)
            for s in stride(from: 1, through: t, by: 1) {
                l.setBlock(powers[t - s], at: t * d, d + (s - 1) * d)
                mean = zip(mean, powers[t - s].apply(bias)).map { $0 + $1 }
            }
            for i in 0..<d { offset[t * d + i] = mean[i] }
        }
        for t in 1...T {
            let row = (T + 1) * d + (t - 1) * m
            let xRows = l.block(rows: (t * d)..<((t + 1) * d), cols: 0..<zDim)
            l.setBlock(valueProjection * xRows, at: row, 0)
            for i in 0..<m { l[row + i, d + T * d + (t - 1) * m + i] = 1 }
            let ym = valueProjection.apply(Array(offset[(t * d)..<((t + 1) * d)]))
            for i in 0..<m { offset[row + i] = ym[i] }
        }
        var zCov = Matrix(rows: zDim, cols: zDim)
        zCov.setBlock(GaussianAlgebra.symmetrised(try priorPrecision.inverse()), at: 0, 0)
        for i in d..<(d + T * d) { zCov[i, i] = koopmanNoise * koopmanNoise }
        for i in (d + T * d)..<zDim { zCov[i, i] = measurementVariance }
        let cov = l * zCov.multiplied(by: l, transposeOther: true)
        return GaussianState(mean: offset, covariance: GaussianAlgebra.symmetrised(cov))
    }

    /// The law of each x_t given y_1…y_t, by conditioning the joint Gaussian of the whole sequence
    /// (`jointLaw`) — the brute-force reference for `filter`.
    public func batchPosterior(priorMean: [Double], priorPrecision: Matrix, observations: [[Double]]) throws -> [GaussianState] {
        let d = dimension, m = valueProjection.rows, T = observations.count
        let joint = try jointLaw(priorMean: priorMean, priorPrecision: priorPrecision, tokens: T)
        var result: [GaussianState] = []
        for t in 1...T {
            let observed = Array(((T + 1) * d)..<((T + 1) * d + t * m))
            let values = observations.prefix(t).flatMap { $0 }
            result.append(try joint.conditioned(observed: observed, values: values, free: Array((t * d)..<((t + 1) * d))))
        }
        return result
    }

    /// Samples a sequence (x_0…x_T, y_1…y_T) from the model.
    public func sample(
        priorMean: [Double], priorPrecision: Matrix, tokens: Int,
        rng: inout SeededRNG
    ) throws -> (states: [[Double]], observations: [[Double]]) {
        let prior = GaussianState(mean: priorMean, covariance: GaussianAlgebra.symmetrised(try priorPrecision.inverse()))
        var x = try prior.samples(1, rng: &rng).row(0)
        var states = [x], observations: [[Double]] = []
        let r = measurementVariance.squareRoot()
        for _ in 0..<tokens {
            x = zip(propagator.apply(x), bias).map { $0 + $1 + koopmanNoise * rng.normal() }
            states.append(x)
            observations.append(valueProjection.apply(x).map { $0 + r * rng.normal() })
        }
        return (states, observations)
    }
}
