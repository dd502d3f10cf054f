import TensorCore

/// How a block mixes information across positions — the one thing the architectures differ in.
/// Each case carries exactly the layers and parameters it uses.
///
/// Legend: B batch, T positions, C width. Every mixer maps (B, T, C) → (B, T, C) causally.
public enum TokenMixer<Scalar: TensorScalar> {
    /// Causal softmax multi-head attention (`transformer`).
    case attention(CausalSelfAttention<Scalar>)
    /// Causal Fourier mixing, no learned weights (`fnet`, seed 001 Stage I).
    case fourier(FourierMixer<Scalar>)
    /// A learned linear dynamical system along the sequence, K = exp(A) (`koopman`, Stage II).
    case koopman(KoopmanMixer<Scalar>)
    /// Koopman mixing plus γ-weighted causal linear attention, the measurement term
    /// (`qsf`, Stage III, seed Eq. 60; `hamiltonian` with a skew-symmetric generator, Stage IV).
    /// γ (1) is learned and starts at 1.
    case koopmanAndLinearAttention(KoopmanMixer<Scalar>, LinearAttention<Scalar>, gamma: Parameter<Scalar>)
    /// Causal linear attention, φ(x) = 1 + x (`linear`, the throughput benchmark's model).
    case linearAttention(LinearAttention<Scalar>)

    /// The mixer of block `index` of a model of `config`, initialised from `rng` (softmax
    /// attention, then the Koopman mixer, then linear attention, as far as the architecture has
    /// them: the draws that fix a seed's initial weights).
    public init(block index: Int, config: ModelConfig, rng: inout SeededRNG) {
        let name = "blocks.\(index)"
        let c = config.width
        let std = config.initStd, residualStd = config.residualInitStd
        func koopman(skewSymmetric: Bool, rng: inout SeededRNG) -> KoopmanMixer<Scalar> {
            KoopmanMixer(
                "\(name).koopman", width: c, skewSymmetric: skewSymmetric, initDecay: config.koopmanInitDecay,
                initScale: config.koopmanInitScale, std: std, residualStd: residualStd, rng: &rng)
        }
        func linearAttention(rng: inout SeededRNG) -> LinearAttention<Scalar> {
            LinearAttention(
                "\(name).linattn", width: c, heads: config.heads, normalisation: config.linearAttentionNormalisation,
                std: std, residualStd: residualStd, rng: &rng)
        }
        switch config.architecture {
        case .transformer:
            self = .attention(
                CausalSelfAttention(
                    "\(name).attn", width: c, heads: config.heads, std: std,
                    residualStd: residualStd, rng: &rng))
        case .fnet:
            self = .fourier(
                FourierMixer(
                    contextLength: config.contextLength, width: c,
                    outputScale: residualStd * Double(c).squareRoot()))
        case .koopman:
            self = .koopman(koopman(skewSymmetric: false, rng: &rng))
        case .qsf, .hamiltonian:
            let dynamics = koopman(skewSymmetric: config.architecture == .hamiltonian, rng: &rng)
            let measurement = linearAttention(rng: &rng)
            self = .koopmanAndLinearAttention(
                dynamics, measurement,
                gamma: Parameter("\(name).gamma", Tensor(shape: [1], repeating: 1), decays: false))
        case .linear:
            self = .linearAttention(linearAttention(rng: &rng))
        }
    }

    /// Parameters in a fixed order (checkpoints and optimizers rely on it).
    public var parameters: [Parameter<Scalar>] {
        switch self {
        case .attention(let attention): attention.parameters
        case .fourier: []
        case .koopman(let koopman): koopman.parameters
        case .koopmanAndLinearAttention(let koopman, let attention, let gamma): koopman.parameters + attention.parameters + [gamma]
        case .linearAttention(let attention): attention.parameters
        }
    }

    /// The Koopman mixer, when there is one (for analysis and the batched propagators).
    public var koopman: KoopmanMixer<Scalar>? {
        switch self {
        case .koopman(let koopman), .koopmanAndLinearAttention(let koopman, _, _): koopman
        case .attention, .fourier, .linearAttention: nil
        }
    }

    /// The linear attention, when there is one (for analysis).
    public var linearAttention: LinearAttention<Scalar>? {
        switch self {
        case .linearAttention(let attention), .koopmanAndLinearAttention(_, let attention, _): attention
        case .attention, .fourier, .koopman: nil
        }
    }

    /// γ, the measurement strength, when the mixer has one (for analysis and training records).
    public var gamma: Parameter<Scalar>? {
        if case .koopmanAndLinearAttention(_, _, let gamma) = self { return gamma }
        return nil
    }
}
