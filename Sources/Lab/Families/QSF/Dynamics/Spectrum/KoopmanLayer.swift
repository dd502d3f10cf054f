import Foundation
import Models
import Physics
import TensorCore

/// One layer's Koopman operators as plain matrices — what the spectral analysis needs from a
/// trained `koopman`, `qsf` or `hamiltonian` model (seed 001 §II–IV, XII).
///
/// Size letters: d = state dimension (= the model width C).
///
/// Conventions. The Koopman scan is s_t = K s_{t−1} + u_t on column vectors (Models'
/// KoopmanScan), with u_t = (x_t W_U)ᵀ and x_t = N₁(h_t) the block's normalised input, so K itself
/// is the operator whose left eigenvectors measure a token's excitation of each mode. Linear
/// attention computes row vectors v = x·W_V with W_V the (in, out) value block of W_qkv, so the
/// measurement matrix of the seed's column form y = W x is W = W_Vᵀ.
public struct KoopmanLayer: Sendable {
    /// Layer index (0 = first).
    public var index: Int
    /// Generator A (d, d), when known (K = exp(A)).
    public var generator: Matrix?
    /// Propagator K (d, d).
    public var propagator: Matrix
    /// The seed's measurement matrix W = W_Vᵀ (d, d) of the layer's linear attention (qsf, hamiltonian).
    public var valueProjection: Matrix?
    /// Learned measurement strength γ_l (qsf, hamiltonian).
    public var gamma: Double?

    /// From a generator: K = exp(A).
    public init(index: Int, generator: Matrix, valueProjection: Matrix? = nil, gamma: Double? = nil) throws {
        self.index = index
        self.generator = generator
        self.propagator = try generator.exponential()
        self.valueProjection = valueProjection
        self.gamma = gamma
    }

    /// From a propagator alone (no generator quantities are then reported).
    public init(index: Int, propagator: Matrix, valueProjection: Matrix? = nil, gamma: Double? = nil) {
        self.index = index
        self.generator = nil
        self.propagator = propagator
        self.valueProjection = valueProjection
        self.gamma = gamma
    }

    /// Per block of a `koopman`, `qsf` or `hamiltonian` model: A (the Hamiltonian model's
    /// effective generator, the skew part), K = exp(A), W = W_Vᵀ and γ_l. Throws for a model
    /// without a Koopman mixer.
    public static func layers(of model: LanguageModel<Float>) throws -> [KoopmanLayer] {
        guard model.config.architecture.hasKoopman else {
            throw ModelConfigError.mismatch("a \(model.config.architecture.rawValue) model has no Koopman generator to analyse")
        }
        return try model.blocks.compactMap { block in
            guard let koopman = block.koopman else { return nil }
            return try KoopmanLayer(
                index: block.index, generator: koopman.generatorMatrix(),
                valueProjection: block.linearAttention.map { $0.valueProjection().transposed },
                gamma: block.gamma.map { Double($0.value.scalars[0]) })
        }
    }
}
