/// The five decoder-only architectures of SPEC.md §1.2, plus `linear`, the linear-attention
/// transformer the throughput benchmark compares with softmax attention. All are pre-norm
/// residual stacks with token embedding, optional learned positions, a final norm and an LM
/// head; they differ in how tokens are mixed.
public enum Architecture: String, Codable, Sendable, CaseIterable {
    /// Causal softmax multi-head attention (the baseline).
    case transformer
    /// Causal Fourier mixing, no learned mixing weights (seed 001 Stage I).
    case fnet
    /// A learned linear dynamical system along the sequence, K = exp(A) (Stage II).
    case koopman
    /// Koopman mixing plus γ-weighted causal linear attention (Stage III, seed Eq. 60).
    case qsf
    /// `qsf` with a skew-symmetric generator, so K is orthogonal (Stage IV ablation).
    case hamiltonian
    /// The transformer with causal linear attention (φ(x) = 1 + x, `linearAttentionNormalisation`)
    /// in place of softmax attention: the linear-attention model of the throughput benchmark
    /// (PyTorch's `linear` reference is the same model), not a stage of the seed's pipeline.
    case linear

    /// Whether blocks have a Koopman mixer.
    public var hasKoopman: Bool { self == .koopman || self == .qsf || self == .hamiltonian }
    /// Whether blocks have linear attention.
    public var hasLinearAttention: Bool { self == .qsf || self == .hamiltonian || self == .linear }
}

/// Normalisation c_t of causal linear attention y_t = Σ_{s≤t} (φ(q_t)·φ(k_s)) v_s · c_t.
public enum LinearAttentionNormalisation: String, Codable, Sendable, CaseIterable {
    /// c_t = 1/(t+1): the running mean (default; constant in q, k, v as the seed requires).
    case count
    /// c_t = 1: the seed's literal unnormalised form (Eq. 34).
    case none
    /// c_t = 1/Σ_s φ(q_t)·φ(k_s): Katharopoulos et al. 2020.
    case katharopoulos
}

/// Everything that fixes a model's shape and initialisation.
///
/// Size letters used in Models: B batch, T sequence length (≤ context), C width (d_model),
/// V vocabulary, H heads, D head width C/H, F feed-forward width, S Koopman state size (= C).
public struct ModelConfig: Codable, Sendable, Equatable {
    public var architecture: Architecture
    /// V: vocabulary size.
    public var vocabularySize: Int
    /// Longest sequence the model reads (learned positions and the Fourier mixer are this long).
    public var contextLength: Int
    /// C: residual stream width.
    public var width: Int
    /// Number of blocks.
    public var layers: Int
    /// H: attention heads (softmax or linear attention).
    public var heads: Int
    /// F: hidden width of the GELU feed-forward.
    public var feedForward: Int
    /// Share the token embedding with the LM head.
    public var tiedEmbeddings: Bool = true
    /// Add learned position embeddings.
    public var learnedPositions: Bool = true
    /// c_t of linear attention.
    public var linearAttentionNormalisation: LinearAttentionNormalisation = .count
    /// Koopman generator initialisation: A = N(0, (scale²)/C) − decay·I, so K ≈ e^{−decay}·I.
    public var koopmanInitDecay: Double = 0.1
    public var koopmanInitScale: Double = 0.1
    /// How annealed LayerNorms centre their input (see `LayerNorm`).
    public var annealedNormCentring: AnnealedNormCentring = .perToken
    /// Standard deviation of weight initialisation (GPT-2: 0.02).
    public var initStd: Double = 0.02

    /// Standard deviation of the projections that write into the residual stream:
    /// initStd/√(2·layers), GPT-2's scaled initialisation.
    public var residualInitStd: Double { initStd / (2 * Double(layers)).squareRoot() }

    public init(
        architecture: Architecture, vocabularySize: Int, contextLength: Int, width: Int, layers: Int,
        heads: Int, feedForward: Int
    ) {
        self.architecture = architecture
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.width = width
        self.layers = layers
        self.heads = heads
        self.feedForward = feedForward
    }

    /// Checks sizes, with errors that name the offending field.
    public func validate() throws {
        func require(_ ok: Bool, _ field: String, _ expected: String) throws {
            if !ok { throw ModelConfigError.invalid(field: field, expected: expected) }
        }
        try require(vocabularySize > 0, "vocabularySize", "a positive vocabulary size, got \(vocabularySize)")
        try require(contextLength > 0, "contextLength", "a positive context length, got \(contextLength)")
        try require(width > 0, "width", "a positive width, got \(width)")
        try require(layers > 0, "layers", "at least one layer, got \(layers)")
        try require(feedForward > 0, "feedForward", "a positive feed-forward width, got \(feedForward)")
        if architecture == .transformer || architecture.hasLinearAttention {
            try require(heads > 0 && width % heads == 0, "heads", "a divisor of width \(width), got \(heads)")
        }
    }
}

public enum ModelConfigError: Error, CustomStringConvertible, Equatable {
    case invalid(field: String, expected: String)
    case mismatch(String)

    public var description: String {
        switch self {
        case .invalid(let field, let expected): "model config: \(field): expected \(expected)"
        case .mismatch(let why): "model config: \(why)"
        }
    }
}
