import TensorCore

/// Sampling text from a language model: temperature, top-k, a seed.
public enum Generator {
    /// Continues `prompt` by `count` tokens. The context is truncated to the model's length on
    /// the left. Temperature 0 is greedy decoding.
    public static func sample(_ model: LanguageModel<Float>, prompt: [Int32], count: Int, temperature: Double = 1,
                              topK: Int? = nil, seed: UInt64) -> [Int32] {
        precondition(!prompt.isEmpty, "Generator: the prompt must have at least one token")
        precondition(temperature >= 0, "Generator: temperature must be ≥ 0")
        var rng = SeededRNG(seed: seed)
        var tokens = prompt
        let tape = Tape<Float>()
        tape.recordsGradients = false
        let v = model.config.vocabularySize
        for _ in 0..<count {
            let context = Array(tokens.suffix(model.config.contextLength))
            let logits = model.logits(tape, tokens: context, batch: 1, length: context.count).value
            let last = logits.withUnsafeBufferPointer { Array($0[((context.count - 1) * v)..<(context.count * v)]) }
            tape.reset()
            var scores = last.map(Double.init)
            if let topK, topK > 0, topK < v {
                let threshold = scores.sorted(by: >)[topK - 1]
                scores = scores.map { $0 >= threshold ? $0 : -.infinity }
            }
            let next: Int
            if temperature == 0 {
                next = scores.indices.max { scores[$0] < scores[$1] }!
            } else {
                next = rng.categorical(logits: scores, temperature: temperature)
            }
            tokens.append(Int32(next))
        }
        return Array(tokens.dropFirst(prompt.count))
    }
}
