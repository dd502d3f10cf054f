import TensorCore

/// Multi-head causal linear attention with φ(x) = 1 + x (seed 001 Stage III, Eq. 34–36):
/// the "measurement" term of the QSF block. q, k, v come from one projection W_qkv, whose
/// columns are (W_Q | W_K | W_V), each C wide (head h's q columns are h·D ..< (h+1)·D of the
/// first third, as `fusedCausalLinearAttention` and `reference` read them); the value
/// projection W_V, the last third, is the measurement matrix of the seed's Gaussian picture.
public struct LinearAttention<Scalar: TensorScalar> {
    public let qkv: Linear<Scalar>  // (C, 3C)
    public let output: Linear<Scalar>  // (C, C)
    public let heads: Int
    public let normalisation: LinearAttentionNormalisation

    public init(
        _ name: String, width: Int, heads: Int, normalisation: LinearAttentionNormalisation,
        std: Double, residualStd: Double, rng: inout SeededRNG
    ) {
        qkv = Linear("\(name).qkv", inputs: width, outputs: 3 * width, std: std, rng: &rng)
        output = Linear("\(name).out", inputs: width, outputs: width, std: residualStd, rng: &rng)
        self.heads = heads
        self.normalisation = normalisation
    }

    public var parameters: [Parameter<Scalar>] { qkv.parameters + output.parameters }

    /// (B, T, C) → (B, T, C). Runs the fused kernel (`fusedCausalLinearAttention`), which reads
    /// the heads in place from the (B, T, 3C) projection.
    public func callAsFunction(_ x: Variable<Scalar>) -> Variable<Scalar> {
        output(qkv(x).fusedCausalLinearAttention(heads: heads, normalisation: normalisation))
    }

    /// The same attention composed from reshape, permute, slice and the per-head kernel: the
    /// reference the fused kernel is tested against.
    public func reference(_ x: Variable<Scalar>) -> Variable<Scalar> {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let (q, k, v) = qkv(x).splitHeads(heads)  // (B, H, T, D) each
        let y = Variable.causalLinearAttention(q: q, k: k, v: v, normalisation: normalisation)
        return output(y.permuted([0, 2, 1, 3]).reshaped([b, t, c]))
    }

    /// W_V, the value projection (C, C): the last C columns of W_qkv, as a Double matrix.
    public func valueProjection() -> Matrix {
        let w = Matrix(qkv.weight.value)  // (C, 3C)
        let c = w.rows
        return w.block(rows: 0..<c, cols: (2 * c)..<(3 * c))
    }
}
