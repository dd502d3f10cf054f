/// Layer normalisation over the last axis (fused forward and backward).
extension Variable {
    /// (x − μ)/√(σ² + ε) ⊙ weight + bias over the last axis (size C); weight and bias are (C)
    /// and optional.
    public func layerNorm(weight: Variable?, bias: Variable?, eps: Scalar = 1e-5) -> Variable {
        let x = self, xv = value
        let c = xv.shape.last ?? 0
        let rows = c == 0 ? 0 : xv.count / c
        let wv = weight?.value, bv = bias?.value
        precondition(wv == nil || wv!.shape == [c], "layerNorm: weight \(wv!.shape) for width \(c)")
        precondition(bv == nil || bv!.shape == [c], "layerNorm: bias \(bv!.shape) for width \(c)")
        let out = tape.makeTensor(xv.shape)
        let mean = tape.scratch([rows]), rstd = tape.scratch([rows])
        layerNormForward(xv.ptr, wv?.ptr, bv?.ptr, out.mptr, mean.mptr, rstd.mptr, rows: rows, c: c, eps: eps)
        let inputs = [x] + [weight, bias].compactMap { $0 }
        return tape.record(out, inputs: inputs) { tape, g in
            let dx = tape.gradientPointer(x)
            let dw = weight.flatMap { tape.gradientPointer($0) }
            let db = bias.flatMap { tape.gradientPointer($0) }
            layerNormBackward(g.ptr, xv.ptr, wv?.ptr, mean.ptr, rstd.ptr, dx, dw, db, rows: rows, c: c)
        }
    }
}
