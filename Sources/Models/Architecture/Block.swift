import TensorCore

/// One residual block. The token mixer depends on the architecture:
///
///     transformer:         h ← h + Attn(N₁(h));                     h ← h + FFN(N₂(h))
///     fnet:                h ← h + Fourier(N₁(h));                  h ← h + FFN(N₂(h))
///     koopman:             h ← h + Koopman(N₁(h));                  h ← h + FFN(N₂(h))
///     qsf / hamiltonian:   h ← h + Koopman(N₁(h)) + γ·LinAttn(N₁(h)); h ← h + FFN(N₂(h))
///     linear:              h ← h + LinAttn(N₁(h));                  h ← h + FFN(N₂(h))
public struct Block<Scalar: TensorScalar> {
    public let index: Int
    public let norm1: LayerNorm<Scalar>
    public let norm2: LayerNorm<Scalar>
    public let attention: CausalSelfAttention<Scalar>?
    public let fourier: FourierMixer<Scalar>?
    public let koopman: KoopmanMixer<Scalar>?
    public let linearAttention: LinearAttention<Scalar>?
    /// γ_l, the learned measurement strength (initialised to 1).   (1)
    public let gamma: Parameter<Scalar>?
    public let feedForward: FeedForward<Scalar>

    public init(index: Int, config: ModelConfig, rng: inout SeededRNG) {
        let name = "blocks.\(index)"
        let c = config.width
        let std = config.initStd, residualStd = config.initStd / (2 * Double(config.layers)).squareRoot()
        self.index = index
        norm1 = LayerNorm("\(name).norm1", width: c)
        norm2 = LayerNorm("\(name).norm2", width: c)
        norm1.centring = config.annealedNormCentring
        norm2.centring = config.annealedNormCentring
        let arch = config.architecture
        attention = arch == .transformer
            ? CausalSelfAttention("\(name).attn", width: c, heads: config.heads, std: std, residualStd: residualStd, rng: &rng)
            : nil
        fourier = arch == .fnet
            ? FourierMixer(contextLength: config.contextLength, width: c, outputScale: residualStd * Double(c).squareRoot())
            : nil
        koopman = arch.hasKoopman
            ? KoopmanMixer("\(name).koopman", width: c, skewSymmetric: arch == .hamiltonian,
                           initDecay: config.koopmanInitDecay, initScale: config.koopmanInitScale,
                           std: std, residualStd: residualStd, rng: &rng)
            : nil
        linearAttention = arch.hasLinearAttention
            ? LinearAttention("\(name).linattn", width: c, heads: config.heads,
                              normalisation: config.linearAttentionNormalisation, std: std, residualStd: residualStd, rng: &rng)
            : nil
        gamma = arch.hasLinearAttention && arch.hasKoopman ? Parameter("\(name).gamma", Tensor(shape: [1], repeating: 1), decays: false) : nil
        feedForward = FeedForward("\(name).ffn", width: c, hidden: config.feedForward, std: std, residualStd: residualStd, rng: &rng)
    }

    /// Parameters in a fixed order.
    public var parameters: [Parameter<Scalar>] {
        var list = norm1.parameters
        list += attention?.parameters ?? []
        list += koopman?.parameters ?? []
        list += linearAttention?.parameters ?? []
        list += gamma.map { [$0] } ?? []
        list += norm2.parameters
        list += feedForward.parameters
        return list
    }

    public var norms: [LayerNorm<Scalar>] { [norm1, norm2] }

    /// (B, T, C) → (B, T, C). `propagator`: the Koopman mixer's exp(A) when already computed.
    public func callAsFunction(_ h: Variable<Scalar>, training: Bool, trace: ModelTrace<Scalar>?,
                               propagator: PadeExponential<Scalar>? = nil) -> Variable<Scalar> {
        let tape = h.tape
        let x = norm1(h, track: training)
        let h1: Variable<Scalar>
        if let attention {
            h1 = h + attention(x, trace: trace.map { t in { t.record(.attentionScores, layer: index, $0) } })
        } else if let fourier {
            h1 = h + fourier(x)
        } else if let linearAttention, koopman == nil {
            h1 = h + linearAttention(x)
        } else if let linearAttention, let gamma {
            // h + Koopman(x) + γ·LinAttn(x) in one pass (ScaledResidualSum.swift).
            h1 = h.adding(koopman!(x, propagator: propagator), plus: linearAttention(x), scaledBy: tape.parameter(gamma))
        } else {
            h1 = h + koopman!(x, propagator: propagator)
        }
        return h1 + feedForward(norm2(h1, track: training))
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
