import Physics
import TensorCore

/// Random systems of the seed's QSF form for the dynamics experiments, at the seed's natural
/// scale (seed 001 §XI.3: σ_m = σ_K = 1; γ in the learned range 1.05–1.35).
///
/// Size letters: d = state dimension, m = value dimension.
public struct SyntheticDynamics: Sendable {
    /// State dimension d.
    public var dimension: Int
    /// Value dimension m (the seed's W_V is square: m = d).
    public var valueDimension: Int
    /// Scale of the skew (oscillatory) part of A.
    public var rotation: Double = 1.0
    /// Scale of the symmetric (dissipative) part of A: indefinite, so growth and decay both occur.
    public var dissipation: Double = 0.6
    /// Shift of A's diagonal (negative: net dissipative).
    public var shift: Double = -0.1
    /// Measurement strength γ.
    public var gamma: Double = 1.2
    /// Measurement noise σ_m.
    public var measurementNoise: Double = 1
    /// Koopman noise σ_K.
    public var koopmanNoise: Double = 1

    public init(dimension: Int, valueDimension: Int? = nil) {
        precondition(dimension > 0, "SyntheticDynamics: dimension must be positive")
        self.dimension = dimension
        self.valueDimension = valueDimension ?? dimension
    }

    /// A = H·rotation + D·dissipation + shift·I with H skew, D symmetric, both with O(1) spectra.
    public func generator(rng: inout SeededRNG) -> Matrix {
        let d = dimension, scale = 1 / Double(d).squareRoot()
        let g = Matrix.randomNormal(rows: d, cols: d, std: scale, rng: &rng)
        let s = Matrix.randomNormal(rows: d, cols: d, std: scale, rng: &rng)
        return g.antisymmetricPart * rotation + s.symmetricPart * dissipation + Matrix.identity(d) * shift
    }

    /// W_V with O(1) singular values.
    public func valueProjection(rng: inout SeededRNG) -> Matrix {
        Matrix.randomNormal(rows: valueDimension, cols: dimension, std: 1 / Double(dimension).squareRoot(), rng: &rng)
    }

    func vector(_ n: Int, std: Double, rng: inout SeededRNG) -> [Double] { (0..<n).map { _ in std * rng.normal() } }

    /// A random measured SDE and a Gaussian start N(m₀, P₀).
    public func measuredSDE(rng: inout SeededRNG) throws -> (sde: MeasuredLinearSDE, start: GaussianState) {
        let d = dimension
        let sde = MeasuredLinearSDE(
            generator: generator(rng: &rng), bias: vector(d, std: 0.3, rng: &rng),
            valueProjection: valueProjection(rng: &rng),
            target: vector(valueDimension, std: 1, rng: &rng),
            gamma: gamma, measurementNoise: measurementNoise, koopmanNoise: koopmanNoise)
        // P₀ = 0.25·(I + G Gᵀ/d): positive definite, not diagonal.
        let g = Matrix.randomNormal(rows: d, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng)
        let p0 = (Matrix.identity(d) + g.multiplied(by: g, transposeOther: true)) * 0.25
        return (sde, GaussianState(mean: vector(d, std: 1, rng: &rng), covariance: p0.symmetricPart))
    }

    /// A random chained Koopman–measurement system (K = exp(A)) with prior mean and precision.
    public func chain(rng: inout SeededRNG) throws -> (chain: KoopmanMeasurementChain, priorMean: [Double], priorPrecision: Matrix) {
        let d = dimension
        let chain = KoopmanMeasurementChain(
            propagator: try generator(rng: &rng).exponential(),
            bias: vector(d, std: 0.3, rng: &rng),
            valueProjection: valueProjection(rng: &rng),
            koopmanNoise: koopmanNoise, measurementNoise: measurementNoise, gamma: gamma)
        let g = Matrix.randomNormal(rows: d, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng)
        let precision = (Matrix.identity(d) + g.multiplied(by: g, transposeOther: true)).symmetricPart
        return (chain, vector(d, std: 1, rng: &rng), precision)
    }

    /// A random fusion problem: prior N(μ, Λ⁻¹), y = W x + noise of variance σ_m²/γ.
    public func fusion(rng: inout SeededRNG) -> GaussianFusion {
        let d = dimension
        let g = Matrix.randomNormal(rows: d, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng)
        let precision = (Matrix.identity(d) + g.multiplied(by: g, transposeOther: true)).symmetricPart
        return GaussianFusion(
            priorMean: vector(d, std: 1, rng: &rng), priorPrecision: precision,
            measurement: valueProjection(rng: &rng),
            noiseVariance: measurementNoise * measurementNoise / gamma)
    }

    /// The seed's SSE on a random system (W square, y of unit scale), with a unit start ψ₀.
    public func sse(rng: inout SeededRNG) -> (sse: NormalisedSSE, start: [Double]) {
        let d = dimension
        let sse = NormalisedSSE(
            generator: generator(rng: &rng), bias: [Double](repeating: 0, count: d),
            valueProjection: Matrix.randomNormal(rows: d, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng),
            target: vector(d, std: 1 / Double(d).squareRoot(), rng: &rng),
            gamma: gamma, measurementNoise: measurementNoise)
        let psi = vector(d, std: 1, rng: &rng)
        let n = psi.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return (sse, psi.map { $0 / n })
    }
}

/// Independent generators for the parts of one experiment: each purpose (a system, its
/// ensemble, a control) gets its own seed, hashed (SplitMix64) from the run seed, a tag and an
/// index, so the routines it is passed to can split it further with `stream(_:)`.
enum DynamicsRandom {
    static func generator(_ seed: UInt64, _ tag: UInt64, _ index: Int = 0) -> SeededRNG {
        var z = seed ^ (tag &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        for _ in 0..<2 {
            z &+= 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
        }
        return SeededRNG(seed: z)
    }
}
