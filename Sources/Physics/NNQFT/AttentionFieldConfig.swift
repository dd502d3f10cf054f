/// Whether the random-feature embedding is part of what a draw averages over.
///
/// NN-QFT defines correlators as averages over the random parameters of the network (seed 002,
/// abstract). The embedding (Ω, b) is such a parameter, and only averaging over it makes the
/// field's law exactly Euclidean invariant and E[e(x)·e(y)] exactly the Gaussian kernel. The
/// claim "independent heads suppress G4c as 1/N_h" also needs the heads to be independent,
/// which a shared embedding is not: heads that see the same (Ω, b) are only conditionally
/// independent, and the fluctuation of the shared Gram matrix (O(1/m)) adds a connected part
/// that does not fall with N_h. Hence the default `perHead`; the other two are options.
public enum EmbeddingMode: String, Sendable, Codable, CaseIterable {
    /// Every head of every draw has its own (Ω, b): the heads are independent and the field's law
    /// is exactly E(D)-invariant. Default.
    case perHead = "per-head"
    /// One (Ω, b) per draw, shared by the heads of that draw (a transformer's token embedding).
    case shared
    /// One (Ω, b) for the whole ensemble (quenched): G2 = E[A G Aᵀ] for that draw's Gram matrix,
    /// which is translation invariant only up to O(1/√m).
    case fixed
}

/// How a draw of an attention head is generated.
public enum AttentionSamplerKind: String, Sendable, Codable, CaseIterable {
    /// Exact reparametrisation: given the embedding E (n, m) the head depends on its weights only
    /// through Q = E W_Qᵀ, K = E W_Kᵀ and ψ = E u, whose columns are N(0, σ² G) with G = E Eᵀ;
    /// so draw them as F·z with F Fᵀ = G (F = chol G when n ≤ m, else F = E). Same law as
    /// `weights`, r = min(n, m) instead of m normals per column, and d_k = ∞ is available. Default.
    case gram
    /// Literal: draw W_Q, W_K (d_k, m), W_V (d_v, m), the read-out w (d_v) and multiply out.
    case weights
}

/// One random softmax attention head (or a sum of N_h of them) as a scalar field on n points.
///
/// Tokens are the points x_i ∈ R^D embedded by random Fourier features e(x) = √(2/m)cos(Ωx + b)
/// (|e| ≈ 1). With weights acting on e(x):
///
///     q_i = W_Q e_i,  k_i = W_K e_i,  v_i = W_V e_i,      W_Q, W_K ∈ R^{d_k×m}, W_V ∈ R^{d_v×m}
///     A_ij = softmax_j(q_i·k_j/√d_k),  o_i = Σ_j A_ij v_j,  φ_h(x_i) = w·o_i,   w ∈ R^{d_v}
///     φ(x_i) = (1/√N_h) Σ_h φ_h(x_i)
///
/// with entries of W_Q, W_K ~ N(0, σ_Q²), W_V ~ N(0, σ_V²), w ~ N(0, 1/d_v). This is the usual
/// fan-in normalisation N(0, σ²/m) applied to the O(1)-entry features √m·e(x); it keeps the
/// logits O(1): Var(q_i·k_j/√d_k) = σ_Q²σ_K²|e_i|²|e_j|² ≈ β² at every d_k, β = σ_Qσ_K. (A
/// literal N(0, 1/m) on the unit-norm e(x) is β = 1/m — nearly uniform attention — and is
/// reachable with `logitScale`.) The read-out w has the fan-in variance 1/d_v of o_i.
///
/// As d_k → ∞ the logits tend to a Gaussian matrix with covariance β² G_ik G_jl that stays
/// random, so the attention weights — shared by all d_v value coordinates — stay random: the
/// "independence-breaking" non-Gaussianity of the seed. `keyWidth = nil` samples that limit.
public struct AttentionFieldConfig: Sendable, Codable, Equatable {
    /// Random Fourier features m.
    public var features: Int = 64
    /// Length scale ℓ of the RFF kernel exp(−r²/2ℓ²).
    public var lengthScale: Double = 1
    /// Query/key width d_k; nil samples the d_k → ∞ limit (gram sampler only).
    public var keyWidth: Int? = 64
    /// Value width d_v; nil is d_v → ∞ (the read-out's |w|²/d_v → 1).
    public var valueWidth: Int? = 64
    /// Number of independent heads N_h, summed with 1/√N_h.
    public var heads: Int = 1
    /// β = σ_Q σ_K, the standard deviation of the logits.
    public var logitScale: Double = 1
    /// σ_V, the value weights' standard deviation (G2 scales as σ_V²).
    public var valueScale: Double = 1
    /// Whether (Ω, b) is redrawn per head, per draw, or fixed.
    public var embedding: EmbeddingMode = .perHead
    /// How a draw is generated.
    public var sampler: AttentionSamplerKind = .gram
    /// Seed of the quenched embedding in `.fixed` mode.
    public var fixedEmbeddingSeed: UInt64 = 0x5EED

    public init(
        features: Int = 64, lengthScale: Double = 1, keyWidth: Int? = 64, valueWidth: Int? = nil,
        heads: Int = 1, logitScale: Double = 1, valueScale: Double = 1, embedding: EmbeddingMode = .perHead,
        sampler: AttentionSamplerKind = .gram, fixedEmbeddingSeed: UInt64 = 0x5EED
    ) {
        self.features = features
        self.lengthScale = lengthScale
        self.keyWidth = keyWidth
        self.valueWidth = valueWidth ?? keyWidth
        self.heads = heads
        self.logitScale = logitScale
        self.valueScale = valueScale
        self.embedding = embedding
        self.sampler = sampler
        self.fixedEmbeddingSeed = fixedEmbeddingSeed
    }

    /// A reason the configuration cannot run, or nil.
    public var problem: String? {
        if features < 1 { return "the number of random features m must be at least 1, got \(features)" }
        if !(lengthScale > 0 && lengthScale.isFinite) { return "the length scale ℓ must be positive, got \(lengthScale)" }
        if let k = keyWidth, k < 1 { return "d_k must be at least 1, got \(k)" }
        if let v = valueWidth, v < 1 { return "d_v must be at least 1, got \(v)" }
        if heads < 1 { return "N_h must be at least 1, got \(heads)" }
        if !(logitScale >= 0 && logitScale.isFinite) { return "the logit scale β must be ≥ 0, got \(logitScale)" }
        if !(valueScale > 0 && valueScale.isFinite) { return "σ_V must be positive, got \(valueScale)" }
        if sampler == .weights && (keyWidth == nil || valueWidth == nil) {
            return "the weights sampler needs finite d_k and d_v (d = ∞ exists only for the gram sampler)"
        }
        return nil
    }
}
