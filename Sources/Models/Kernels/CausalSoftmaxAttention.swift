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
    ///
    /// Rows are taken in blocks of `blockRows`: a block of queries multiplies only the keys it
    /// can see, which skips a quarter of the products at T = 256. The masked probabilities are
    /// exact zeros, so the skipped terms added nothing; with oneDNN's sums running in order over
    /// k, the result was bit for bit that of whole-row products on this machine
    /// (docs/BENCHMARKS.md). Scores requested for analysis are computed whole, masked entries
    /// included.
    public func fusedCausalAttention(
        heads: Int, scores: ((Tensor<Scalar>) -> Void)? = nil, blockRows: Int = 128
    ) -> Variable {
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
        precondition(blockRows > 0, "fusedCausalAttention: blockRows must be positive, got \(blockRows)")
        let blocks = causalRowBlocks(t, rows: raw == nil ? blockRows : t)
        let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x.ptr)), pp = UnsafeSendablePointer(probabilities.mptr)
        let po = UnsafeSendablePointer(out.mptr), pr = raw.map { UnsafeSendablePointer($0.mptr) }
        Parallel.forEach(b * heads) { pair in  // (batch, head) pairs are independent
            let item = pair / heads, h = pair % heads
            let q = UnsafePointer(px.pointer) + item * t * c3 + h * d, k = q + c, v = q + 2 * c
            let p = pp.pointer + pair * t * t, y = po.pointer + item * t * c + h * d
            for (lo, hi) in blocks {  // S's rows lo..<hi need K's rows 0..<hi only
                Scalar.gemm(
                    transA: false, transB: true, m: hi - lo, n: hi, k: d, alpha: scale, a: q + lo * c3, lda: c3,
                    b: k, ldb: c3, beta: 0, c: p + lo * t, ldc: t)
            }
            if let pr { (pr.pointer + pair * t * t).copy(from: p, count: t * t) }
            causalSoftmaxRows(p, t: t)  // also zeroes the masked columns the blocks left unwritten
            for (lo, hi) in blocks {
                Scalar.gemm(
                    transA: false, transB: false, m: hi - lo, n: d, k: hi, alpha: 1, a: p + lo * t, lda: t,
                    b: v, ldb: c3, beta: 0, c: y + lo * c, ldc: c)
            }
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
                    for (lo, hi) in blocks {
                        Scalar.gemm(
                            transA: false, transB: true, m: hi - lo, n: hi, k: d, alpha: 1, a: gy + lo * c, lda: c,
                            b: v, ldb: c3, beta: 0, c: dp + lo * t, ldc: t)  // dP = dY Vᵀ
                        // Keys lo..<hi are attended by queries lo..<t only.
                        Scalar.gemm(
                            transA: true, transB: false, m: hi - lo, n: d, k: t - lo, alpha: 1, a: p + lo * t + lo,
                            lda: t, b: gy + lo * c, ldb: c, beta: beta, c: dv + lo * c3, ldc: c3)  // dV += Pᵀ dY
                    }
                    causalSoftmaxBackwardRows(p, dp, t: t, scale: scale)  // dS in place, masked columns zeroed
                    for (lo, hi) in blocks {
                        Scalar.gemm(
                            transA: false, transB: false, m: hi - lo, n: d, k: hi, alpha: 1, a: dp + lo * t, lda: t,
                            b: k, ldb: c3, beta: beta, c: dq + lo * c3, ldc: c3)  // dQ += dS K
                        Scalar.gemm(
                            transA: true, transB: false, m: hi - lo, n: d, k: t - lo, alpha: 1, a: dp + lo * t + lo,
                            lda: t, b: q + lo * c3, ldb: c3, beta: beta, c: dk + lo * c3, ldc: c3)  // dK += dSᵀ Q
                    }
                }
            }
        }
    }
}

/// Row blocks [lo, hi) of `rows` rows covering 0..<t.
func causalRowBlocks(_ t: Int, rows: Int) -> [(Int, Int)] {
    stride(from: 0, to: t, by: rows).map { ($0, min($0 + rows, t)) }
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
