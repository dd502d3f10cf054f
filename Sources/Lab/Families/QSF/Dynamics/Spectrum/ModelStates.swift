import Foundation
import Models
import Physics
import TensorCore

/// What a forward pass of a Koopman-family model shows the dynamics analyses, block by block:
/// the Koopman excitations of every layer, the two terms of the QSF residual update, and the
/// final hidden states. Plain matrices and sums out, nothing else.
///
/// Size letters: B = sequences (validation windows), T = tokens per window, N = B·T tokens,
/// C = width (= the Koopman state size), L = Koopman layers.
///
/// The block (Block.swift) computes h ← h + Koopman(x) + γ·LinAttn(x) with x = N₁(h) (Eq. 60);
/// `koopmanEnergy` and `measurementEnergy` hold Σ_t ‖Koopman(x_t)‖² and Σ_t ‖γ·LinAttn(x_t)‖² per
/// window, the inputs of `MeasurementShare`.
struct ModelStates {
    /// Per Koopman layer, the excitations u_t = (N₁(h_t) W_U)ᵀ, one row per token in window
    /// order.                                                                  (L) × (N, C)
    var excitations: [Matrix]
    /// The final hidden states, after the final norm.                          (N, C)
    var final: Matrix
    /// Per layer with linear attention, per window: Σ_t ‖Koopman(x_t)‖².         (L, B)
    var koopmanEnergy: [[Double]]
    /// Per layer with linear attention, per window: Σ_t ‖γ·LinAttn(x_t)‖².       (L, B)
    var measurementEnergy: [[Double]]

    /// Runs `model` (inference mode) over `sequences` of one length, one block at a time.
    init(_ model: LanguageModel<Float>, sequences: [[Int32]]) {
        precondition(
            !sequences.isEmpty && sequences.allSatisfy { $0.count == sequences[0].count && !$0.isEmpty },
            "ModelStates: needs sequences of one non-zero length")
        let batch = sequences.count, length = sequences[0].count, width = model.config.width
        let tape = Tape<Float>()
        var h = model.tokenEmbedding(tape, sequences.flatMap { $0 }, batch: batch, length: length)  // (B, T, C)
        if let positions = model.positionEmbedding {
            h = h + tape.parameter(positions.table).sliced(axis: 0, 0..<length)
        }
        /// Σ over each window's T·C entries of x², one value per window.           (B)
        func windowEnergy(_ x: Tensor<Float>, scale: Double) -> [Double] {
            let s = x.scalars, perWindow = length * width
            return (0..<batch).map { b in
                var sum = 0.0
                for i in (b * perWindow)..<((b + 1) * perWindow) { let v = Double(s[i]) * scale; sum += v * v }
                return sum
            }
        }
        var excitations: [Matrix] = [], koopmanEnergy: [[Double]] = [], measurementEnergy: [[Double]] = []
        for block in model.blocks {
            if let koopman = block.koopman {
                let x = block.norm1(h)  // (B, T, C)
                let u = koopman.input(x)  // (B, T, C)
                excitations.append(Matrix(u.value.reshaped([batch * length, width])))
                if let attention = block.linearAttention, let gamma = block.gamma {
                    koopmanEnergy.append(windowEnergy(koopman(x).value, scale: 1))
                    measurementEnergy.append(windowEnergy(attention(x).value, scale: Double(gamma.value.scalars[0])))
                }
            }
            h = block(h, training: false, trace: nil)
        }
        let final = model.finalNorm(h)  // (B, T, C)
        self.excitations = excitations
        self.final = Matrix(final.value.reshaped([batch * length, width]))
        self.koopmanEnergy = koopmanEnergy
        self.measurementEnergy = measurementEnergy
    }

    /// Consecutive windows of `length` tokens from `tokens`, at most `count` of them.
    static func windows(_ tokens: [Int32], length: Int, count: Int) -> [[Int32]] {
        let n = min(count, tokens.count / length)
        return (0..<n).map { Array(tokens[($0 * length)..<(($0 + 1) * length)]) }
    }
}
