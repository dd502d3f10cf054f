import TensorCore

/// One pre-norm residual block: a token mixer (`TokenMixer`, the part the architectures differ
/// in), then the GELU feed-forward.
///
///     transformer:         h ← h + Attn(N₁(h));                       h ← h + FFN(N₂(h))
///     fnet:                h ← h + Fourier(N₁(h));                    h ← h + FFN(N₂(h))
///     koopman:             h ← h + Koopman(N₁(h));                    h ← h + FFN(N₂(h))
///     qsf / hamiltonian:   h ← h + Koopman(N₁(h)) + γ·LinAttn(N₁(h)); h ← h + FFN(N₂(h))
///     linear:              h ← h + LinAttn(N₁(h));                    h ← h + FFN(N₂(h))
///
/// Legend: B batch, T positions, C width.
public struct Block<Scalar: TensorScalar> {
    public let index: Int
    public let norm1: LayerNorm<Scalar>  // (C) weight and bias
    public let mixer: TokenMixer<Scalar>
    public let norm2: LayerNorm<Scalar>  // (C) weight and bias
    public let feedForward: FeedForward<Scalar>  // C → F → C

    public init(index: Int, config: ModelConfig, rng: inout SeededRNG) {
        let name = "blocks.\(index)"
        let std = config.initStd, residualStd = config.residualInitStd
        self.index = index
        norm1 = LayerNorm("\(name).norm1", width: config.width)
        norm2 = LayerNorm("\(name).norm2", width: config.width)
        norm1.centring = config.annealedNormCentring
        norm2.centring = config.annealedNormCentring
        mixer = TokenMixer(block: index, config: config, rng: &rng)
        feedForward = FeedForward(
            "\(name).ffn", width: config.width, hidden: config.feedForward, std: std,
            residualStd: residualStd, rng: &rng)
    }

    /// Parameters in a fixed order (checkpoints and optimizers rely on it).
    public var parameters: [Parameter<Scalar>] {
        norm1.parameters + mixer.parameters + norm2.parameters + feedForward.parameters
    }

    public var norms: [LayerNorm<Scalar>] { [norm1, norm2] }

    /// The Koopman mixer, linear attention and γ of this block's mixer, when it has them.
    public var koopman: KoopmanMixer<Scalar>? { mixer.koopman }
    public var linearAttention: LinearAttention<Scalar>? { mixer.linearAttention }
    public var gamma: Parameter<Scalar>? { mixer.gamma }

    /// h (B, T, C) → (B, T, C). `propagator`: where the Koopman mixer takes exp(A) from
    /// (`KoopmanMixer.Propagator`); `trace` receives softmax attention's scores.
    public func callAsFunction(
        _ h: Variable<Scalar>, training: Bool, trace: ModelTrace<Scalar>?,
        propagator: KoopmanMixer<Scalar>.Propagator = .onTape
    ) -> Variable<Scalar> {
        let x = norm1(h, track: training)  // (B, T, C)
        let mixed: Variable<Scalar>  // h + mix(x)
        switch mixer {
        case .attention(let attention):
            mixed = h + attention(x, trace: trace.map { t in { t.record(.attentionScores, layer: index, $0) } })
        case .fourier(let fourier):
            mixed = h + fourier(x)
        case .koopman(let koopman):
            mixed = h + koopman(x, propagator: propagator)
        case .koopmanAndLinearAttention(let koopman, let attention, let gamma):
            // h + Koopman(x) + γ·LinAttn(x) in one pass (ScaledResidualSum.swift).
            mixed = h.adding(koopman(x, propagator: propagator), plus: attention(x), scaledBy: h.tape.parameter(gamma))
        case .linearAttention(let attention):
            mixed = h + attention(x)
        }
        return mixed + feedForward(norm2(mixed, track: training))
    }
}

/// Intermediate tensors collected during a forward pass, for analysis.
public final class ModelTrace<Scalar: TensorScalar> {
    public enum Kind: String, Sendable { case hidden, attentionScores, finalHidden }
    public private(set) var tensors: [Kind: [Int: Tensor<Scalar>]] = [:]
    public init() {}
    public func record(_ kind: Kind, layer: Int, _ tensor: Tensor<Scalar>) { tensors[kind, default: [:]][layer] = tensor }
    public func tensor(_ kind: Kind, layer: Int) -> Tensor<Scalar>? { tensors[kind]?[layer] }
}
