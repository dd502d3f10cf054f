/// One line of metrics.jsonl: a training step or a validation evaluation.
public struct TrainingRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case train, eval }
    public var kind: Kind
    public var step: Int
    /// Training loss of this step (nats/token), averaged over micro-batches.
    public var loss: Double?
    public var learningRate: Double?
    /// Gradient norm before clipping.
    public var gradientNorm: Double?
    public var tokensPerSecond: Double?
    /// LayerNorm annealing α.
    public var annealing: Double?
    /// Learned γ per layer (qsf / hamiltonian).
    public var gamma: [Double]?
    /// Validation loss (nats/token), perplexity and bits per byte.
    public var validationLoss: Double?
    public var perplexity: Double?
    public var bitsPerByte: Double?

    public init(kind: Kind, step: Int) {
        self.kind = kind
        self.step = step
    }
}

/// The result of evaluating a model on a token stream.
public struct Evaluation: Codable, Sendable, Equatable {
    /// Mean next-token cross-entropy, nats/token.
    public var loss: Double
    public var perplexity: Double
    /// Bits per UTF-8 byte of text (comparable across tokenizers), if the byte count is known.
    public var bitsPerByte: Double?
    /// Tokens scored.
    public var tokens: Int

    public init(loss: Double, perplexity: Double, bitsPerByte: Double?, tokens: Int) {
        (self.loss, self.perplexity, self.bitsPerByte, self.tokens) = (loss, perplexity, bitsPerByte, tokens)
    }

    // exp(loss) overflows to +∞ above 709.78 nats while the loss itself is finite (a model that
    // has gone badly wrong without diverging), and JSON has no ∞: it is written as null and read
    // back as +∞.
    private enum CodingKeys: String, CodingKey { case loss, perplexity, bitsPerByte, tokens }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        loss = try c.decode(Double.self, forKey: .loss)
        perplexity = try c.decodeIfPresent(Double.self, forKey: .perplexity) ?? .infinity
        bitsPerByte = try c.decodeIfPresent(Double.self, forKey: .bitsPerByte)
        tokens = try c.decode(Int.self, forKey: .tokens)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(loss, forKey: .loss)
        try c.encodeIfPresent(perplexity.isFinite ? perplexity : nil, forKey: .perplexity)
        try c.encodeIfPresent(bitsPerByte, forKey: .bitsPerByte)
        try c.encode(tokens, forKey: .tokens)
    }
}

/// What a finished training run reports.
public struct TrainingSummary: Codable, Sendable {
    public var steps: Int
    public var parameters: Int
    public var finalTrainingLoss: Double
    public var validation: Evaluation
    /// Median training throughput over the timed steps (the first steps are warm-up).
    public var tokensPerSecond: Double
    public var seconds: Double
    public var stoppedEarly: Bool
}
