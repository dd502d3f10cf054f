import TensorCore

/// Sampling text from a language model: temperature, top-k, a seed.
public enum Generator {
    /// Continues `prompt` by `count` tokens. The context is truncated to the model's length on
    /// the left. Temperature 0 is greedy decoding; +∞ is not allowed (callers pass a finite
    /// temperature ≥ 0).
    ///
    /// - Throws: `GenerationError` for an empty prompt, a prompt token outside the vocabulary, a
    ///   temperature that is not finite and ≥ 0, or logits that are not finite (weights that
    ///   overflow Float in the forward pass) — never a NUL token or a trap.
    public static func sample(
        _ model: LanguageModel<Float>, prompt: [Int32], count: Int, temperature: Double = 1,
        topK: Int? = nil, seed: UInt64
    ) throws -> [Int32] {
        let v = model.config.vocabularySize
        guard !prompt.isEmpty else { throw GenerationError.emptyPrompt }
        if let bad = prompt.firstIndex(where: { $0 < 0 || Int($0) >= v }) {
            throw GenerationError.promptOutsideVocabulary(position: bad, token: Int(prompt[bad]), vocabularySize: v)
        }
        guard temperature.isFinite, temperature >= 0 else { throw GenerationError.temperature(temperature) }
        guard count >= 0 else { throw GenerationError.count(count) }
        var rng = SeededRNG(seed: seed)
        var tokens = prompt
        let tape = Tape<Float>()
        tape.recordsGradients = false
        for generated in 0..<count {
            let context = Array(tokens.suffix(model.config.contextLength))
            let logits = model.logits(tape, tokens: context, batch: 1, length: context.count).value
            let last = logits.withUnsafeBufferPointer { Array($0[((context.count - 1) * v)..<(context.count * v)]) }
            tape.reset()
            if let bad = last.firstIndex(where: { !$0.isFinite }) {
                throw GenerationError.nonFiniteLogits(token: generated, index: bad, value: Double(last[bad]))
            }
            var scores = last.map(Double.init)
            if let topK, topK > 0, topK < v {
                let threshold = scores.sorted(by: >)[topK - 1]
                scores = scores.map { $0 >= threshold ? $0 : -.infinity }
            }
            let next: Int
            if temperature == 0 {
                next = scores.indices.max { scores[$0] < scores[$1] }!
            } else {
                next = try rng.categorical(logits: scores, temperature: temperature)
            }
            tokens.append(Int32(next))
        }
        return Array(tokens.dropFirst(prompt.count))
    }
}

/// Why `Generator.sample` cannot generate.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    case emptyPrompt
    case promptOutsideVocabulary(position: Int, token: Int, vocabularySize: Int)
    case temperature(Double)
    case count(Int)
    /// The logits for the `token`-th generated token (0-based) hold a NaN or ±∞ at vocabulary index `index`.
    case nonFiniteLogits(token: Int, index: Int, value: Double)

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt must have at least one token"
        case .promptOutsideVocabulary(let position, let token, let v):
            "prompt token \(token) at position \(position) is outside the model's vocabulary 0..<\(v)"
        case .temperature(let t): "the temperature must be a finite number ≥ 0, got \(t)"
        case .count(let n): "the number of tokens to generate must be ≥ 0, got \(n)"
        case .nonFiniteLogits(let token, let index, let value):
            "the model's logits for generated token \(token + 1) are not finite (logit \(index) is \(value)): "
                + "its weights overflow Float arithmetic"
        }
    }
}
