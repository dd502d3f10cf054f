import Foundation
import Models
import Physics
import TensorCore

// Size letters: B batch, H heads, T sequence length, C width, D = d_k head width.

/// Attention entropy of a freshly initialised transformer layer as a function of the head width
/// d_k (seed 000 §1.1: "the softmax temperature 1/√d_k acts as a quantum fluctuation parameter
/// … small d_k: symmetric phase with uniform attention; large d_k: broken-symmetry phase with
/// sparse focus").
///
/// The layer is the first block of a real `LanguageModel` (token + position embeddings →
/// LayerNorm → q, k = x·W_Q, x·W_K → scores q·kᵀ/√D), on random tokens. What is expected:
/// LayerNorm makes |x|² ≈ C, so with weights of standard deviation σ a score q·k/√D has
/// variance σ⁴C² at initialisation, whatever D — the 1/√D scale exists precisely to make the
/// score scale independent of D; without it the variance is σ⁴C²·D and attention sharpens as D
/// grows. The sweep measures this, it does not assume it.
enum DkEntropySweep {
    /// How every weight is initialised.
    enum Initialisation: String, CaseIterable, Sendable {
        /// σ = 0.02 for every weight (GPT-2; the project's default).
        case gpt2
        /// σ = 1/√C, the fan-in (LeCun) scale: variance-preserving projections.
        case fanIn = "fan-in"

        func std(width: Int) -> Double {
            switch self {
            case .gpt2: 0.02
            case .fanIn: 1 / Double(width).squareRoot()
            }
        }

        var label: String {
            switch self {
            case .gpt2: "GPT-2 init σ = 0.02"
            case .fanIn: "fan-in init σ = 1/√C"
            }
        }
    }

    /// How the model width relates to d_k.
    enum Width: Sendable, Equatable {
        /// C fixed, H = C/d_k heads: only the split into heads changes.
        case fixed(Int)
        /// H fixed, C = H·d_k: the model grows with d_k.
        case growing(heads: Int)

        func width(dk: Int) -> Int {
            switch self {
            case .fixed(let c): c
            case .growing(let h): h * dk
            }
        }

        var label: String {
            switch self {
            case .fixed(let c): "fixed width C = \(c), H = C/d_k"
            case .growing(let h): "growing width C = \(h)·d_k"
            }
        }
    }

    /// One initialisation's numbers, averaged over the causal rows t ≥ 1 of every head and sequence.
    struct SeedResult: Sendable {
        /// Mean S_t / log(t + 1) with the 1/√d_k scale (the model as built).
        var scaledEntropy: Double
        /// The same without the scale (scores × √d_k).
        var unscaledEntropy: Double
        var scaledMaxWeight: Double
        var unscaledMaxWeight: Double
        /// Standard deviation of the scaled scores over the causal entries s ≤ t.
        var scoreStd: Double
    }

    struct Setup: Sendable {
        var vocabulary = 512
        var length = 64
        var batch = 4
    }

    /// Builds a one-block transformer with head width `dk` and measures its first layer.
    static func measure(
        dk: Int, width convention: Width, initialisation: Initialisation, setup: Setup,
        rng: inout SeededRNG
    ) throws -> SeedResult {
        let c = convention.width(dk: dk)
        precondition(c % dk == 0, "DkEntropySweep: width \(c) is not a multiple of d_k = \(dk)")
        var config = ModelConfig(
            architecture: .transformer, vocabularySize: setup.vocabulary, contextLength: setup.length,
            width: c, layers: 1, heads: c / dk, feedForward: 1)
        config.initStd = initialisation.std(width: c)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        let tokens = (0..<(setup.batch * setup.length)).map { _ in Int32(rng.int(below: setup.vocabulary)) }
        let captured = AttentionScores.capture(model, tokens: tokens, batch: setup.batch, length: setup.length)
        return summarise(captured, layer: 0, unscaledBeta: Double(dk).squareRoot())
    }

    /// Mean normalised entropy and largest weight at β = 1 and β = `unscaledBeta`, and the score spread.
    static func summarise(_ a: AttentionScores, layer: Int, unscaledBeta: Double) -> SeedResult {
        let t = a.length
        var sums = [0.0, 0.0, 0.0, 0.0]
        var rows = 0
        var s1 = 0.0, s2 = 0.0, count = 0.0
        a.scores[layer].withUnsafeBufferPointer { p in
            for b in 0..<a.batch {
                for h in 0..<a.heads {
                    let base = a.offset(sequence: b, head: h)
                    for q in 0..<t {
                        let row = UnsafeBufferPointer(rebasing: p[(base + q * t)..<(base + q * t + q + 1)])
                        for v in row { s1 += v; s2 += v * v; count += 1 }
                        guard q >= 1 else { continue }
                        let scaled = TemperatureSweep.row(row, beta: 1)
                        let unscaled = TemperatureSweep.row(row, beta: unscaledBeta)
                        sums[0] += scaled.normalisedEntropy
                        sums[1] += unscaled.normalisedEntropy
                        sums[2] += scaled.maxWeight
                        sums[3] += unscaled.maxWeight
                        rows += 1
                    }
                }
            }
        }
        let n = Double(rows)
        let mean = s1 / count
        return SeedResult(
            scaledEntropy: sums[0] / n, unscaledEntropy: sums[1] / n, scaledMaxWeight: sums[2] / n,
            unscaledMaxWeight: sums[3] / n, scoreStd: max(0, s2 / count - mean * mean).squareRoot())
    }
}
