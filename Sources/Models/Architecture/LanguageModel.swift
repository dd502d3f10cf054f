import TensorCore

/// A decoder-only language model of any of the five architectures (SPEC.md §1.2):
/// embeddings → blocks → final norm → LM head (tied to the token embedding by default).
public final class LanguageModel<Scalar: TensorScalar> {
    public let config: ModelConfig
    public let tokenEmbedding: Embedding<Scalar>  // (V, C)
    public let positionEmbedding: Embedding<Scalar>?  // (T_max, C)
    public let blocks: [Block<Scalar>]
    public let finalNorm: LayerNorm<Scalar>
    public let head: Linear<Scalar>?  // (C, V) when embeddings are not tied

    public init(config: ModelConfig, rng: inout SeededRNG) throws {
        try config.validate()
        self.config = config
        tokenEmbedding = Embedding("embed.tokens", count: config.vocabularySize, width: config.width, std: config.initStd, rng: &rng)
        positionEmbedding =
            config.learnedPositions
            ? Embedding("embed.positions", count: config.contextLength, width: config.width, std: config.initStd / 2, rng: &rng)
            : nil
        blocks = (0..<config.layers).map { Block(index: $0, config: config, rng: &rng) }
        finalNorm = LayerNorm("norm", width: config.width)
        finalNorm.centring = config.annealedNormCentring
        head =
            config.tiedEmbeddings
            ? nil : Linear("head", inputs: config.width, outputs: config.vocabularySize, bias: false, std: config.initStd, rng: &rng)
    }

    /// Every parameter, in a fixed order (checkpoints and optimizers rely on it).
    public var parameters: [Parameter<Scalar>] {
        var list = [tokenEmbedding.table]
        if let positionEmbedding { list.append(positionEmbedding.table) }
        for block in blocks { list += block.parameters }
        list += finalNorm.parameters
        if let head { list += head.parameters }
        return list
    }

    /// Exact number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Every LayerNorm, in order (the annealing schedule drives them all).
    public var norms: [LayerNorm<Scalar>] { blocks.flatMap(\.norms) + [finalNorm] }

    /// Logits (B, T, V) for tokens given row-major as (B, T).
    public func logits(
        _ tape: Tape<Scalar>, tokens: [Int32], batch: Int, length: Int, training: Bool = false,
        trace: ModelTrace<Scalar>? = nil
    ) -> Variable<Scalar> {
        let final = finalHidden(tape, tokens: tokens, batch: batch, length: length, training: training, trace: trace)
        if let head { return head(final) }
        return final.matmul(tape.parameter(tokenEmbedding.table), transposeOther: true)  // (B, T, V)
    }

    /// The final normalised hidden states (B, T, C), which the LM head maps to logits.
    /// `propagators`: one per block, where its Koopman mixer takes exp(A) from; by default each
    /// forward pass computes them (`KoopmanMixer.propagators`).
    func finalHidden(
        _ tape: Tape<Scalar>, tokens: [Int32], batch: Int, length: Int, training: Bool,
        trace: ModelTrace<Scalar>?, propagators: [KoopmanMixer<Scalar>.Propagator]? = nil
    ) -> Variable<Scalar> {
        precondition(tokens.count == batch * length, "logits: \(tokens.count) tokens for batch \(batch) × length \(length)")
        precondition(length <= config.contextLength, "logits: length \(length) exceeds the context \(config.contextLength)")
        precondition(
            tokens.allSatisfy { $0 >= 0 && Int($0) < config.vocabularySize },
            "logits: a token is outside the vocabulary 0..<\(config.vocabularySize)")
        var h = tokenEmbedding(tape, tokens, batch: batch, length: length)  // (B, T, C)
        if let positionEmbedding {
            let positions = tape.parameter(positionEmbedding.table).sliced(axis: 0, 0..<length)  // (T, C)
            h = h + positions
        }
        precondition(propagators.map { $0.count == blocks.count } ?? true, "logits: one propagator per block")
        for (block, propagator) in zip(blocks, propagators ?? KoopmanMixer.propagators(blocks.map(\.koopman))) {
            h = block(h, training: training, trace: trace, propagator: propagator)
            trace?.record(.hidden, layer: block.index, h.value)
        }
        let final = finalNorm(h, track: training)
        trace?.record(.finalHidden, layer: config.layers, final.value)
        return final
    }

    /// Mean next-token cross-entropy (nats) of `targets` given `inputs`, both (B, T).
    public func loss(
        _ tape: Tape<Scalar>, inputs: [Int32], targets: [Int32], batch: Int, length: Int,
        training: Bool = false
    ) -> Variable<Scalar> {
        loss(tape, inputs: inputs, targets: targets, batch: batch, length: length, training: training, propagators: nil)
    }

    /// `loss`, with the Koopman propagators given (`finalHidden`); `.leaf` propagators leave A's
    /// gradient to the caller (`SharedPropagators`).
    func loss(
        _ tape: Tape<Scalar>, inputs: [Int32], targets: [Int32], batch: Int, length: Int,
        training: Bool, propagators: [KoopmanMixer<Scalar>.Propagator]?
    ) -> Variable<Scalar> {
        let final = finalHidden(
            tape, tokens: inputs, batch: batch, length: length, training: training, trace: nil, propagators: propagators)
        // The head and the loss fused (Kernels/LMHeadCrossEntropy.swift): the (B·T, V) logits are never stored whole.
        if let head { return final.lmHeadCrossEntropy(weight: tape.parameter(head.weight), transposedWeight: false, targets: targets) }
        return final.lmHeadCrossEntropy(weight: tape.parameter(tokenEmbedding.table), transposedWeight: true, targets: targets)
    }
}
