import TensorCore

/// Causal softmax multi-head attention (the transformer baseline).
///
///     qkv = x·W_qkv + b            (B, T, 3C)
///     A_h = softmax(mask(q_h k_hᵀ / √D))   (B, H, T, T)
///     y   = concat_h(A_h v_h)·W_o + b_o
public struct CausalSelfAttention<Scalar: TensorScalar> {
    public let qkv: Linear<Scalar>  // (C, 3C)
    public let output: Linear<Scalar>  // (C, C)
    public let heads: Int

    public init(_ name: String, width: Int, heads: Int, std: Double, residualStd: Double, rng: inout SeededRNG) {
        qkv = Linear("\(name).qkv", inputs: width, outputs: 3 * width, std: std, rng: &rng)
        output = Linear("\(name).out", inputs: width, outputs: width, std: residualStd, rng: &rng)
        self.heads = heads
    }

    public var parameters: [Parameter<Scalar>] { qkv.parameters + output.parameters }

    /// (B, T, C) → (B, T, C); the pre-softmax scores (B, H, T, T) go to `trace` when given.
    /// Runs the fused kernel (`fusedCausalAttention`).
    public func callAsFunction(_ x: Variable<Scalar>, trace: ((Tensor<Scalar>) -> Void)? = nil) -> Variable<Scalar> {
        output(qkv(x).fusedCausalAttention(heads: heads, scores: trace))
    }

    /// The same attention composed from primitive ops: the reference the fused kernel is tested against.
    public func reference(_ x: Variable<Scalar>, trace: ((Tensor<Scalar>) -> Void)? = nil) -> Variable<Scalar> {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let d = c / heads
        let (q, k, v) = qkv(x).splitHeads(heads)  // (B, H, T, D) each
        let scores = q.matmul(k, transposeOther: true) * (1 / Scalar(d).squareRoot())  // (B, H, T, T)
        trace?(scores.value)
        let weights = scores.causallyMasked().softmax()
        let y = weights.matmul(v).permuted([0, 2, 1, 3]).reshaped([b, t, c])  // (B, T, C)
        return output(y)
    }
}

extension Variable {
    /// (B, T, 3C) → q, k, v, each (B, H, T, D) with D = C / H: q is the first third of the last
    /// axis, k the second, v the last, each split into H heads of width D. The layout of the fused
    /// kernels, read by the attention layers' composed references.
    func splitHeads(_ heads: Int) -> (q: Variable, k: Variable, v: Variable) {
        let (b, t, c) = (shape[0], shape[1], shape[2] / 3)
        let d = c / heads
        let split = reshaped([b, t, 3, heads, d]).permuted([2, 0, 3, 1, 4])  // (3, B, H, T, D)
        let q = split.sliced(axis: 0, 0..<1).reshaped([b, heads, t, d])
        let k = split.sliced(axis: 0, 1..<2).reshaped([b, heads, t, d])
        let v = split.sliced(axis: 0, 2..<3).reshaped([b, heads, t, d])
        return (q, k, v)
    }
}
