/// What kind of evidence decides a claim (SPEC §8, verdict standards).
///
/// The summary counts each kind separately: a reproduced identity is a check of the mathematics
/// and of attnlab's numerics, not a discovery about trained models.
public enum EvidenceKind: String, Sendable, Codable, CaseIterable {
    /// True (or false) by mathematics; checked numerically.
    case identity
    /// A physical or stochastic model that attnlab simulates (random heads, growth models, spins, SDEs).
    case simulation
    /// A model attnlab trains; the report shows its parameters, tokens and corpus beside the seed's.
    case trainedModel = "trained model"
}

/// Of whom a trained-model claim speaks, as the seed states it.
public enum ClaimScope: Sendable {
    /// The seed states it for any model of the kind ("a physical necessity"): any scale may decide it.
    case universal(quote: String)
    /// The seed states it about its own models: measured far below their scale (see
    /// `ModelScale.isFarBelow`), the verdict is inconclusive with the scale as the reason.
    case seedModels(quote: String, scale: ModelScale)

    /// The seed's words that fix the scope.
    public var quote: String {
        switch self {
        case .universal(let q), .seedModels(let q, _): q
        }
    }
}

/// The size of a trained model and of its training, as a claim's evidence reports it, or as a
/// seed states it (a seed may leave parameters or tokens unstated: nil).
public struct ModelScale: Sendable, Codable, Equatable {
    /// Trainable parameters (of the largest model compared).
    public var parameters: Double?
    /// Training tokens seen by that model (per stage, as the seed counts them); a lower bound
    /// where the seed leaves a factor unstated.
    public var tokens: Double?
    /// The corpus ("generated stories, 3,000 documents", "TinyStories").
    public var corpus: String

    public init(parameters: Double?, tokens: Double?, corpus: String) {
        self.parameters = parameters
        self.tokens = tokens
        self.corpus = corpus
    }

    /// How far below a reference scale still counts as "that scale": one order of magnitude in
    /// parameters or in tokens. Fixed before any trained-model verdict was judged with it
    /// (docs/CLAIMS.md, "Scale").
    public static let decisiveFactor = 10.0

    /// Whether this scale is more than `decisiveFactor` below `reference` in parameters or in
    /// tokens, comparing only what both state.
    public func isFarBelow(_ reference: ModelScale) -> Bool {
        func below(_ a: Double?, _ b: Double?) -> Bool {
            guard let a, let b else { return false }
            return a * Self.decisiveFactor < b
        }
        return below(parameters, reference.parameters) || below(tokens, reference.tokens)
    }

    /// "0.22 M parameters, 0.41 M tokens (generated stories)"; unstated parts say so.
    public var text: String {
        let p = parameters.map { "\(Self.count($0)) parameters" } ?? "parameters not stated"
        let t = tokens.map { "\(Self.count($0)) tokens" } ?? "tokens not stated"
        return "\(p), \(t) (\(corpus))"
    }

    /// 223811 → "0.22 M", 2.94e7 → "29.4 M", 1.75e11 → "175 G".
    static func count(_ x: Double) -> String {
        func g(_ v: Double) -> String { formatRuleNumber(v) }
        if x >= 1e9 { return "\(g(x / 1e9)) G" }
        if x >= 1e4 { return "\(g(x / 1e6)) M" }
        return formatRuleNumber(x)
    }
}

/// The seeds' own models, as the seeds state them (the readings are in docs/CLAIMS.md, "Scale").
public enum SeedModelScale {
    /// Seed 001 §XI: ~29 M parameters (Table 2: QSF 29.4 M, transformer 36.3 M), TinyStories
    /// (500,000 stories, GPT-2 tokenizer), 20,000 steps per stage of sequences up to 512 tokens.
    /// The batch size is lost from the text, so 20,000 × 512 ≈ 1.0e7 tokens is a lower bound.
    public static let qsfPaper = ModelScale(
        parameters: 29.4e6, tokens: 20_000 * 512,
        corpus: "TinyStories, 500,000 stories, GPT-2 tokenizer")
    /// Seed 000 §2.1: "Transformer (12L)" of the GPT-3 family; its 12-layer member (GPT-3 Small)
    /// has 125 M parameters. Training tokens are not stated.
    public static let gpt3TwelveLayers = ModelScale(parameters: 125e6, tokens: nil, corpus: "not stated (GPT-3 family)")
    /// Seed 000 §5.1: "modern LLMs … at 175B parameters".
    public static let gpt3 = ModelScale(parameters: 175e9, tokens: nil, corpus: "not stated (GPT-3)")
    /// Seed 003: "our Lojban zooper", a 29-word vocabulary; no size is stated.
    public static let lojban = ModelScale(parameters: nil, tokens: nil, corpus: "Lojban, 29-word vocabulary")
}
