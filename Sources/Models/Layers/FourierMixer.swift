import Foundation
import TensorCore

/// Causal Fourier token mixing (seed 001 Stage I, causal FNet):
///
///     Y = (C_T ∘ L) · X · C_C,   C_n[j, k] = cos(2πjk/n),
///
/// with L the lower-triangular causal mask and row t scaled by 1/√(t+1). C_T is built for the
/// full context length, so position t's output does not depend on how long the sequence is.
/// No learned weights.
///
/// The output is multiplied by a fixed `outputScale`. Without it the branch adds a unit-variance
/// mixture of every earlier token to a residual stream initialised at σ = 0.02, which buries the
/// current token: a pre-norm causal FNet then never gets past the unigram loss (measured: 5.05
/// nats/token at vocabulary 512 after 200 steps, against 2.37 with the scale). `Block` passes
/// σ·√(C / 2L), the output scale a GPT-2-initialised projection (std σ/√(2L), fan-in C) gives a
/// unit-variance input — the scale the other architectures' mixing branches start from. The
/// learned gain of the LayerNorm in front is a per-channel factor on this linear branch, so the
/// model can still grow it.
public struct FourierMixer<Scalar: TensorScalar> {
    /// (T_max, T_max): rows of the masked, scaled cosine matrix.
    let tokenMixing: Tensor<Scalar>
    /// (C, C)
    let featureMixing: Tensor<Scalar>
    /// Fixed factor on the branch output.
    public let outputScale: Double

    public init(contextLength: Int, width: Int, outputScale: Double = 1) {
        precondition(outputScale > 0, "FourierMixer: outputScale must be positive")
        self.outputScale = outputScale
        var m = Tensor<Scalar>.zeros([contextLength, contextLength])
        for t in 0..<contextLength {
            let scale = 1 / Double(t + 1).squareRoot()
            for s in 0...t { m[t, s] = Scalar(cos(2 * Double.pi * Double(t * s) / Double(contextLength)) * scale) }
        }
        tokenMixing = m
        var f = Tensor<Scalar>.zeros([width, width])
        let norm = 1 / Double(width).squareRoot()
        for j in 0..<width { for k in 0..<width { f[j, k] = Scalar(cos(2 * Double.pi * Double(j * k) / Double(width)) * norm) } }
        featureMixing = f
    }

    /// (B, T, C) → (B, T, C)
    public func callAsFunction(_ x: Variable<Scalar>) -> Variable<Scalar> {
        let tape = x.tape
        let (t, c) = (x.shape[1], x.shape[2])
        let mixedFeatures = x.matmul(tape.constant(featureMixing))  // X·C_C
        let m = tape.constant(tokenMixing).sliced(axis: 0, 0..<t).sliced(axis: 1, 0..<t)  // (T, T)
        // (C_T∘L)·Y per batch item, as (Yᵀ·Mᵀ)ᵀ so the shared matrix is the right operand.
        let mixed = mixedFeatures.permuted([0, 2, 1]).matmul(m, transposeOther: true).permuted([0, 2, 1]).reshaped([x.shape[0], t, c])
        return outputScale == 1 ? mixed : mixed * Scalar(outputScale)
    }
}
