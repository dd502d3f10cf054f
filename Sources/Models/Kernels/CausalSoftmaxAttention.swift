import TensorCore

/// Fused causal softmax attention over a packed (B, T, 3C) projection: per (batch, head) pair
/// three GEMMs read Q, K, V in place through leading dimensions (no permutes or copies), and
/// the scale, causal mask and softmax are one row pass. The (B, H, T, T) probabilities are kept
/// for the backward pass.
///
///     S = Q Kᵀ / √D,  P = softmax(mask(S)),  Y = P V
///     dP = dY Vᵀ,  dV = Pᵀ dY,  dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √D,  dQ = dS K,  dK = dSᵀ Q
///
/// The naive composition (reshape, permute, matmul, mask, softmax) in `CausalSelfAttention`
/// is the reference the tests compare against.
extension Variable {
    /// qkv (B, T, 3C) → y (B, T, C), heads of width D = C/H. `scores` receives S (B, H, T, T)
    /// (scaled, before the mask) when given.
    public func fusedCausalAttention(heads: Int, scores: ((Tensor<Scalar>) -> Void)? = nil) -> Variable {
        let qkv = self, x = value
        precondition(
            x.rank == 3 && x.shape[2] % (3 * heads) == 0,
            "fusedCausalAttention: expects (B, T, 3C) with C divisible by \(heads) heads, got \(x.shape)")
        let (b, t, c3) = (x.shape[0], x.shape[1], x.shape[2])
        let c = c3 / 3, d = c / heads
        let scale = 1 / Scalar(d).squareRoot()
        let probabilities = tape.scratch([b, heads, t, t])
        let out = tape.makeTensor([b, t, c])
        let raw = scores == nil ? nil : tape.makeTensor([b, heads, t, t])
        let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x.ptr)), pp = UnsafeSendablePointer(probabilities.mptr)
        let po = UnsafeSendablePointer(out.mptr), pr = raw.map { UnsafeSendablePointer($0.mptr) }
        Parallel.forEach(b * heads) { pair in  // (batch, head) pairs are independent
            let item = pair / heads, h = pair % heads
            let q = UnsafePointer(px.pointer) + item * t * c3 + h * d, k = q + c, v = q + 2 * c
            let p = pp.pointer + pair * t * t
            Scalar.gemm(
                transA: false, transB: true, m: t, n: t, k: d, alpha: scale, a: q, lda: c3, b: k, ldb: c3,
                beta: 0, c: p, ldc: t)
            if let pr { (pr.pointer + pair * t * t).copy(from: p, count: t * t) }
            causalSoftmaxRows(p, t: t)
            Scalar.gemm(
                transA: false, transB: false, m: t, n: d, k: t, alpha: 1, a: p, lda: t, b: v, ldb: c3,
                beta: 0, c: po.pointer + item * t * c + h * d, ldc: c)
        }
        if let raw { scores?(raw) }
        return tape.record(out, inputs: [qkv]) { tape, g in
            // Every pair writes its head's dq, dk, dv columns whole: a fresh gradient is written (β = 0), not zeroed and added to.
            tape.updateGradient(qkv) { dx, accumulate in
                let beta: Scalar = accumulate ? 1 : 0
                let dps = tape.scratch([b * heads, t, t])
                let pdx = UnsafeSendablePointer(dx), pdp = UnsafeSendablePointer(dps.mptr)
                let pg = UnsafeSendablePointer(UnsafeMutablePointer(mutating: g.ptr))
                let pprob = UnsafeSendablePointer(UnsafeMutablePointer(mutating: probabilities.ptr))
                // Pairs write disjoint column blocks of dx (their head's q, k, v columns), so they run in parallel.
                Parallel.forEach(b * heads) { pair in
                    let item = pair / heads, h = pair % heads
                    let q = UnsafePointer(px.pointer) + item * t * c3 + h * d, k = q + c, v = q + 2 * c
                    let dq = pdx.pointer + item * t * c3 + h * d, dk = dq + c, dv = dq + 2 * c
                    let p = UnsafePointer(pprob.pointer) + pair * t * t
                    let gy = UnsafePointer(pg.pointer) + item * t * c + h * d
                    let dp = pdp.pointer + pair * t * t
                    Scalar.gemm(
                        transA: false, transB: true, m: t, n: t, k: d, alpha: 1, a: gy, lda: c, b: v, ldb: c3,
                        beta: 0, c: dp, ldc: t)  // dP = dY Vᵀ
                    Scalar.gemm(
                        transA: true, transB: false, m: t, n: d, k: t, alpha: 1, a: p, lda: t, b: gy, ldb: c,
                        beta: beta, c: dv, ldc: c3)  // dV += Pᵀ dY
                    causalSoftmaxBackwardRows(p, dp, t: t, scale: scale)  // dS in place
                    Scalar.gemm(
                        transA: false, transB: false, m: t, n: d, k: t, alpha: 1, a: dp, lda: t, b: k, ldb: c3,
                        beta: beta, c: dq, ldc: c3)  // dQ += dS K
                    Scalar.gemm(
                        transA: true, transB: false, m: t, n: d, k: t, alpha: 1, a: dp, lda: t, b: q, ldb: c3,
                        beta: beta, c: dk, ldc: c3)  // dK += dSᵀ Q
                }
            }
        }
    }
}

/// Row t of a (T, T) score block: softmax over columns 0…t, zeros after. Float runs the C
/// kernel (alab_causal_softmax_rows_f32); the loop below is Double's kernel and its reference.
@_specialize(where S == Float)
@_specialize(where S == Double)
func causalSoftmaxRows<S: TensorScalar>(_ p: UnsafeMutablePointer<S>, t: Int) {
    if S.self == Float.self {
        FloatRowKernels.causalSoftmaxRows(UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self), t: t)
        return
    }
    for row in 0..<t {
        let r = p + row * t
        var top = r[0]
        for j in 1..<(row + 1) where r[j] > top { top = r[j] }
        let inv = 1 / expShifted(r, r, row + 1, shift: top)
        for j in 0...row { r[j] *= inv }
        (r + row + 1).zero(count: t - row - 1)
    }
}

/// dS = P ⊙ (dP − rowsum(dP ⊙ P)) · scale, written over dP (causal rows: columns > t stay 0).
/// Float runs the C kernel; the loop below is Double's kernel and its reference.
@_specialize(where S == Float)
@_specialize(where S == Double)
func causalSoftmaxBackwardRows<S: TensorScalar>(_ p: UnsafePointer<S>, _ dp: UnsafeMutablePointer<S>, t: Int, scale: S) {
    if S.self == Float.self {
        FloatRowKernels.causalSoftmaxBackwardRows(
            UnsafeRawPointer(p).assumingMemoryBound(to: Float.self),
            UnsafeMutableRawPointer(dp).assumingMemoryBound(to: Float.self),
            t: t, scale: unsafeBitCast(scale, to: Float.self))
        return
    }
    for row in 0..<t {
        let pr = p + row * t, dr = dp + row * t
        var dot: S = 0
        for j in 0...row { dot += pr[j] * dr[j] }
        for j in 0...row { dr[j] = pr[j] * (dr[j] - dot) * scale }
        for j in (row + 1)..<t { dr[j] = 0 }
    }
}
