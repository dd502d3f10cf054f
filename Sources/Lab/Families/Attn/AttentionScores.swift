import Foundation
import Models
import TensorCore

// Size letters: L layers, B batch, H heads, T sequence length, D head width.

/// The pre-softmax attention scores of every transformer layer for one batch, in Double:
/// the glue between a `LanguageModel` and the Physics estimators, which see only arrays.
///
/// `scores[l]` is (B, H, T, T) row-major with the model's 1/√D scale and without the causal
/// mask: row t of a head is meaningful on columns 0…t only.
struct AttentionScores: Sendable {
    var layers: Int
    var batch: Int
    var heads: Int
    var length: Int
    /// D = C / H.
    var headWidth: Int
    /// (L) × (B, H, T, T).
    var scores: [[Double]]

    /// Runs the model forward (no gradients) on `tokens` (B, T) and collects every layer's scores.
    static func capture(_ model: LanguageModel<Float>, tokens: [Int32], batch: Int, length: Int) -> AttentionScores {
        precondition(
            model.config.architecture == .transformer,
            "AttentionScores.capture: softmax attention needs a transformer, got \(model.config.architecture.rawValue)")
        let tape = Tape<Float>()
        tape.recordsGradients = false
        let trace = ModelTrace<Float>()
        _ = model.logits(tape, tokens: tokens, batch: batch, length: length, trace: trace)
        let scores = (0..<model.config.layers).map { l -> [Double] in
            guard let t = trace.tensor(.attentionScores, layer: l) else {
                preconditionFailure("AttentionScores.capture: layer \(l) recorded no attention scores")
            }
            precondition(
                t.shape == [batch, model.config.heads, length, length],
                "AttentionScores.capture: layer \(l) scores have shape \(t.shape)")
            return t.withUnsafeBufferPointer { p in p.map { Double($0) } }
        }
        tape.reset()
        return AttentionScores(
            layers: model.config.layers, batch: batch, heads: model.config.heads, length: length,
            headWidth: model.config.width / model.config.heads, scores: scores)
    }

    /// The first `batch` non-overlapping validation windows of `length` tokens: (B, T) tokens and
    /// B, which is smaller than `batch` when the split holds fewer windows.
    static func validationBatch(_ data: PreparedData, batch: Int, length: Int) throws -> (tokens: [Int32], batch: Int) {
        guard let first = data.validation.evaluationBatches(batchSize: batch, contextLength: length, maxBatches: 1).first else {
            throw LabError.badFile("validation split", "is shorter than one window of \(length) tokens")
        }
        return (first.inputs, first.batchSize)
    }

    /// Offset of the (T, T) block of (layer l, sequence b, head h) within `scores[l]`.
    func offset(sequence b: Int, head h: Int) -> Int { (b * heads + h) * length * length }

    /// Causal softmax weights of one (T, T) block at β multiplier `beta` (entries above the
    /// diagonal are 0).
    func weights(layer l: Int, sequence b: Int, head h: Int, beta: Double = 1) -> [Double] {
        let t = length
        var w = [Double](repeating: 0, count: t * t)
        scores[l].withUnsafeBufferPointer { s in
            let base = offset(sequence: b, head: h)
            for q in 0..<t {
                var top = -Double.infinity
                for k in 0...q where s[base + q * t + k] > top { top = s[base + q * t + k] }
                var z = 0.0
                for k in 0...q {
                    let e = Foundation.exp(beta * (s[base + q * t + k] - top))
                    w[q * t + k] = e
                    z += e
                }
                for k in 0...q { w[q * t + k] /= z }
            }
        }
        return w
    }
}
