import Foundation
import Models
import TensorCore

// Size letters: B sequences, T positions (sequence length L), C width, H heads, D = C/H.

/// What the seed-000 experiments read from a language model beyond its logits: a freshly
/// initialised twin of a configuration, a Double twin (for finite differences), validation
/// windows, the hidden states after every block and the embedded input. The trained models and
/// the corpus themselves come from `RunModels`.
enum ModelProbes {
    /// A freshly initialised model of `config` (the state before training).
    static func initialModel(_ config: ModelConfig, seed: UInt64) throws -> LanguageModel<Float> {
        var rng = SeededRNG(seed: seed)
        return try LanguageModel<Float>(config: config, rng: &rng)
    }

    /// The same model in Double: every parameter converted, LayerNorm statistics and annealing
    /// state copied. Central differences of a Float network drown in rounding (ε·‖f′‖ against
    /// 1e-7·‖f‖), a Double twin resolves them to ≈ 1e-10.
    static func doubleTwin(_ model: LanguageModel<Float>) throws -> LanguageModel<Double> {
        var rng = SeededRNG(seed: 0)
        let twin = try LanguageModel<Double>(config: model.config, rng: &rng)
        for (mine, theirs) in zip(twin.parameters, model.parameters) {
            precondition(mine.name == theirs.name && mine.shape == theirs.shape, "doubleTwin: parameter \(mine.name) does not match \(theirs.name)")
            mine.value = Tensor<Double>(theirs.value)
        }
        for (mine, theirs) in zip(twin.norms, model.norms) {
            mine.restore(
                runningMean: theirs.runningMean, runningStd: theirs.runningStd,
                frozen: theirs.frozen.map { ($0.mean, $0.std) }, annealing: theirs.annealing)
            mine.centring = theirs.centring
        }
        return twin
    }

    /// Up to `count` non-overlapping validation windows of `length` tokens, in stream order.
    static func validationWindows(_ data: PreparedData, count: Int, length: Int) throws -> [[Int32]] {
        let tokens = data.validation.tokens
        let available = (tokens.count - 1) / length
        guard available >= 1 else {
            throw LabError.badFile("validation split", "has \(tokens.count) tokens, fewer than one window of \(length)")
        }
        return (0..<min(count, available)).map { Array(tokens[($0 * length)..<(($0 + 1) * length)]) }
    }

    /// Hidden states after every block, (B, T, C) per layer, for B sequences of T tokens.
    static func hiddenStates<S: TensorScalar>(_ model: LanguageModel<S>, sequences: [[Int32]]) -> [Tensor<S>] {
        precondition(!sequences.isEmpty, "hiddenStates: no sequences")
        let t = sequences[0].count
        precondition(sequences.allSatisfy { $0.count == t }, "hiddenStates: sequences of different lengths")
        let tape = Tape<S>()
        tape.recordsGradients = false
        let trace = ModelTrace<S>()
        _ = model.logits(tape, tokens: sequences.flatMap { $0 }, batch: sequences.count, length: t, trace: trace)
        return (0..<model.config.layers).map { trace.tensor(.hidden, layer: $0)! }
    }

    /// The embedded input of every sequence, token + position embeddings, (B, T, C).
    static func embedded<S: TensorScalar>(_ model: LanguageModel<S>, sequences: [[Int32]]) -> Tensor<S> {
        let t = sequences[0].count
        let tape = Tape<S>()
        tape.recordsGradients = false
        var h = model.tokenEmbedding(tape, sequences.flatMap { $0 }, batch: sequences.count, length: t)
        if let positions = model.positionEmbedding {
            h = h + tape.parameter(positions.table).sliced(axis: 0, 0..<t)
        }
        return h.value
    }
}
