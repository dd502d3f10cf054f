import TensorCore

/// The hidden state within one token interval under Koopman dynamics and continuous Gaussian
/// measurement (seed 001 §IX, Eqs. 52–58; SPEC §3):
///
///     dx = [A x + b + (γ/σ_m²) Wᵀ(y − W x)] dt + σ_K dB
///        = (M x + c) dt + σ_K dB,     M = A − (γ/σ_m²) WᵀW,   c = b + (γ/σ_m²) Wᵀ y,
///
/// with the attention target y constant within the interval. For a Gaussian start
/// x(0) ~ N(m₀, P₀) the law stays Gaussian with
///
///     m(τ) = e^{Mτ} m₀ + ∫₀^τ e^{Ms} ds · c
///     P(τ) = e^{Mτ} P₀ e^{Mᵀτ} + σ_K² ∫₀^τ e^{Ms} e^{Mᵀs} ds.
///
/// The mean uses the augmented exponential exp([[M, c], [0, 0]] τ) = [[e^{Mτ}, ∫e^{Ms}ds·c], [0, 1]],
/// valid for singular M (no M⁻¹ anywhere). The noise integral uses Van Loan's block method
/// (Van Loan 1978, IEEE TAC 23(3)): exp([[−M, Q], [0, Mᵀ]] τ) = [[F₁₁, F₁₂], [0, F₂₂]] with
/// F₂₂ = e^{Mᵀτ} and ∫₀^τ e^{Ms} Q e^{Mᵀs} ds = F₂₂ᵀ F₁₂.
///
/// Size letters: d = state dimension, m = value dimension.
public struct MeasuredLinearSDE: Sendable {
    /// Koopman generator A (d×d).
    public let generator: Matrix
    /// Bias b (d).
    public let bias: [Double]
    /// Value projection W (m×d).
    public let valueProjection: Matrix
    /// Attention target y (m), constant within the interval.
    public let target: [Double]
    /// Measurement strength γ.
    public let gamma: Double
    /// Measurement noise standard deviation σ_m.
    public let measurementNoise: Double
    /// Koopman (dynamical) noise standard deviation σ_K.
    public let koopmanNoise: Double

    public init(
        generator: Matrix, bias: [Double], valueProjection: Matrix, target: [Double],
        gamma: Double, measurementNoise: Double = 1, koopmanNoise: Double = 1
    ) {
        let d = generator.rows
        precondition(generator.isSquare, "MeasuredLinearSDE: A must be square, got \(generator.rows)×\(generator.cols)")
        precondition(bias.count == d, "MeasuredLinearSDE: b has \(bias.count) entries for d = \(d)")
        precondition(valueProjection.cols == d, "MeasuredLinearSDE: W has \(valueProjection.cols) columns for d = \(d)")
        precondition(target.count == valueProjection.rows, "MeasuredLinearSDE: y has \(target.count) entries, W has \(valueProjection.rows) rows")
        precondition(
            gamma >= 0 && measurementNoise > 0 && koopmanNoise >= 0,
            "MeasuredLinearSDE: needs γ ≥ 0, σ_m > 0, σ_K ≥ 0")
        self.generator = generator
        self.bias = bias
        self.valueProjection = valueProjection
        self.target = target
        self.gamma = gamma
        self.measurementNoise = measurementNoise
        self.koopmanNoise = koopmanNoise
    }

    /// d.
    public var dimension: Int { generator.rows }

    /// γ/σ_m², the measurement coupling.
    public var coupling: Double { gamma / (measurementNoise * measurementNoise) }

    /// M = A − (γ/σ_m²) WᵀW.
    public var driftMatrix: Matrix {
        generator - valueProjection.multiplied(by: valueProjection, transposeSelf: true) * coupling
    }

    /// c = b + (γ/σ_m²) Wᵀ y.
    public var driftOffset: [Double] {
        zip(bias, GaussianAlgebra.applyTransposed(valueProjection, target)).map { $0 + coupling * $1 }
    }

    /// Diffusion Q = σ_K² I.
    public var diffusion: Matrix { Matrix.identity(dimension) * (koopmanNoise * koopmanNoise) }

    /// (Φ, φ) with x ↦ Φx + φ the exact mean map over time τ: Φ = e^{Mτ}, φ = ∫₀^τ e^{Ms}ds·c,
    /// from the augmented (d+1)×(d+1) exponential.
    public func meanMap(time tau: Double) throws -> (transition: Matrix, offset: [Double]) {
        let d = dimension
        var augmented = Matrix(rows: d + 1, cols: d + 1)
        augmented.setBlock(driftMatrix * tau, at: 0, 0)
        augmented.setBlock(Matrix(rows: d, cols: 1, elements: driftOffset.map { $0 * tau }), at: 0, d)
        let e = try augmented.exponential()
        return (e.block(rows: 0..<d, cols: 0..<d), e.block(rows: 0..<d, cols: d..<(d + 1)).elements)
    }

    /// ∫₀^τ e^{Ms} Q e^{Mᵀs} ds by Van Loan's block exponential.
    public func noiseCovariance(time tau: Double) throws -> Matrix {
        let d = dimension
        let m = driftMatrix
        var block = Matrix(rows: 2 * d, cols: 2 * d)
        block.setBlock(-m * tau, at: 0, 0)
        block.setBlock(diffusion * tau, at: 0, d)
        block.setBlock(m.transposed * tau, at: d, d)
        let e = try block.exponential()
        let f12 = e.block(rows: 0..<d, cols: d..<(2 * d))
        let f22 = e.block(rows: d..<(2 * d), cols: d..<(2 * d))
        return GaussianAlgebra.symmetrised(f22.multiplied(by: f12, transposeSelf: true))
    }

    /// The exact law at time τ from N(m₀, P₀).
    public func propagate(_ start: GaussianState, time tau: Double) throws -> GaussianState {
        precondition(start.dimension == dimension, "propagate: start of dimension \(start.dimension) for d = \(dimension)")
        let (phi, offset) = try meanMap(time: tau)
        let mean = zip(phi.apply(start.mean), offset).map { $0 + $1 }
        let carried = phi * start.covariance.multiplied(by: phi, transposeOther: true)
        return GaussianState(mean: mean, covariance: GaussianAlgebra.symmetrised(carried + (try noiseCovariance(time: tau))))
    }

    /// The moment ODEs ṁ = Mm + c, Ṗ = MP + PMᵀ + Q integrated by classical Runge–Kutta with
    /// `steps` steps (global error O(h⁴)) — an independent check of `propagate`.
    public func integrateMoments(_ start: GaussianState, time tau: Double, steps: Int) -> GaussianState {
        precondition(steps > 0, "integrateMoments: steps must be positive")
        let m = driftMatrix, c = driftOffset, q = diffusion, h = tau / Double(steps)
        func meanRate(_ x: [Double]) -> [Double] { zip(m.apply(x), c).map { $0 + $1 } }
        func covarianceRate(_ p: Matrix) -> Matrix {
            let mp = m * p
            return mp + mp.transposed + q
        }
        var mean = start.mean, cov = start.covariance
        for _ in 0..<steps {
            let k1 = meanRate(mean)
            let k2 = meanRate(zip(mean, k1).map { $0 + 0.5 * h * $1 })
            let k3 = meanRate(zip(mean, k2).map { $0 + 0.5 * h * $1 })
            let k4 = meanRate(zip(mean, k3).map { $0 + h * $1 })
            for i in 0..<mean.count { mean[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
            let l1 = covarianceRate(cov)
            let l2 = covarianceRate(cov + l1 * (0.5 * h))
            let l3 = covarianceRate(cov + l2 * (0.5 * h))
            let l4 = covarianceRate(cov + l3 * h)
            cov = cov + (l1 + l2 * 2 + l3 * 2 + l4) * (h / 6)
        }
        return GaussianState(mean: mean, covariance: GaussianAlgebra.symmetrised(cov))
    }

    /// The exact law of the Euler–Maruyama scheme itself after `steps` steps of size τ/steps:
    /// x ← (I + hM)x + hc + σ_K√h ξ is linear-Gaussian, so its mean and covariance follow
    /// m ← Fm + hc, P ← FPFᵀ + hQ with F = I + hM. The difference from `propagate` is the
    /// scheme's discretisation bias (O(h)), separate from sampling error.
    public func eulerMaruyamaLaw(_ start: GaussianState, time tau: Double, steps: Int) -> GaussianState {
        precondition(steps > 0, "eulerMaruyamaLaw: steps must be positive")
        let h = tau / Double(steps)
        let f = Matrix.identity(dimension) + driftMatrix * h
        let hc = driftOffset.map { $0 * h }
        let hq = diffusion * h
        var mean = start.mean, cov = start.covariance
        for _ in 0..<steps {
            mean = zip(f.apply(mean), hc).map { $0 + $1 }
            cov = f * cov.multiplied(by: f, transposeOther: true) + hq
        }
        return GaussianState(mean: mean, covariance: GaussianAlgebra.symmetrised(cov))
    }
}
