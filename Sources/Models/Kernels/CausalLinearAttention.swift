import TensorCore

/// Causal linear attention with the affine feature map φ(x) = 1 + x in O(T·D²) per head
/// (seed 001 Eq. 34–36; Katharopoulos et al. 2020). `causalLinearAttention` runs the chunked
/// GEMM kernels (CausalLinearAttentionChunked.swift); `causalLinearAttentionReference` the
/// per-position running sums below, which define the computation:
///
///     S_t = Σ_{s≤t} φ(k_s)ᵀ v_s   (D, D),   z_t = Σ_{s≤t} φ(k_s)   (D)
///     o_t = φ(q_t)·S_t,   n_t = φ(q_t)·z_t,   y_t = o_t · c_t
///
/// with c_t = 1/(t+1) (`count`), 1 (`none`) or 1/n_t (`katharopoulos`).
/// Backward recomputes S_t, z_t in a forward sweep (no T·D² storage), then accumulates
/// R_s = Σ_{u≥s} φ(q_u)ᵀ ∂o_u and r_s = Σ_{u≥s} ∂n_u φ(q_u) in a reverse sweep:
/// ∂φ(k_s) = R_s v_s + r_s, ∂v_s = φ(k_s)ᵀR_s, ∂φ(q_t) = S_t ∂o_t + ∂n_t z_t.
extension Variable {
    /// q, k, v (B, H, T, D) → y (B, H, T, D).
    public static func causalLinearAttention(
        q: Variable, k: Variable, v: Variable,
        normalisation: LinearAttentionNormalisation
    ) -> Variable {
        let qv = q.value, kv = k.value, vv = v.value
        precondition(
            qv.rank == 4 && qv.shape == kv.shape && qv.shape == vv.shape,
            "causalLinearAttention: q, k, v must share a (B, H, T, D) shape, got \(qv.shape), \(kv.shape), \(vv.shape)")
        let tape = q.tape
        let (t, d) = (qv.shape[2], qv.shape[3])
        let pairs = qv.shape[0] * qv.shape[1]
        let out = tape.makeTensor(qv.shape)
        let denominators = tape.scratch([pairs, t])
        let chunk = ChunkedLinearAttention.chunkLength(t: t)
        let scratchSize = ChunkedLinearAttention.scratchSize(t: t, d: d, chunk: chunk)
        let scratch = tape.scratch([pairs, scratchSize])
        let (pq, pk, pv, po) = (
            UnsafeSendablePointer(UnsafeMutablePointer(mutating: qv.ptr)),
            UnsafeSendablePointer(UnsafeMutablePointer(mutating: kv.ptr)),
            UnsafeSendablePointer(UnsafeMutablePointer(mutating: vv.ptr)),
            UnsafeSendablePointer(out.mptr)
        )
        let (pn, ps) = (UnsafeSendablePointer(denominators.mptr), UnsafeSendablePointer(scratch.mptr))
        Parallel.forEach(pairs) { pair in
            let offset = pair * t * d
            ChunkedLinearAttention.forward(
                pq.pointer + offset, pk.pointer + offset, pv.pointer + offset, ldx: d,
                po.pointer + offset, ldy: d, pn.pointer + pair * t, ps.pointer + pair * scratchSize,
                t: t, d: d, chunk: chunk, normalisation: normalisation)
        }
        return tape.record(out, inputs: [q, k, v]) { tape, g in
            let dq = tape.gradientPointer(q) ?? tape.scratch(qv.shape, zeroed: true).mptr
            let dk = tape.gradientPointer(k) ?? tape.scratch(qv.shape, zeroed: true).mptr
            let dv = tape.gradientPointer(v) ?? tape.scratch(qv.shape, zeroed: true).mptr
            let (pg, pdq, pdk, pdv) = (
                UnsafeSendablePointer(UnsafeMutablePointer(mutating: g.ptr)),
                UnsafeSendablePointer(dq), UnsafeSendablePointer(dk), UnsafeSendablePointer(dv)
            )
            let py = UnsafeSendablePointer(UnsafeMutablePointer(mutating: out.ptr))
            // The closure owns the forward's scratch and denominators (the pointers alone would not keep them alive).
            let (pn, ps) = (UnsafeSendablePointer(denominators.mptr), UnsafeSendablePointer(scratch.mptr))
            Parallel.forEach(pairs) { pair in
                let offset = pair * t * d
                ChunkedLinearAttention.backward(
                    pv.pointer + offset, ldx: d,
                    py.pointer + offset, pg.pointer + offset, ldy: d, pn.pointer + pair * t,
                    pdq.pointer + offset, pdk.pointer + offset, pdv.pointer + offset,
                    ps.pointer + pair * scratchSize, t: t, d: d, chunk: chunk, normalisation: normalisation)
            }
        }
    }

    /// The same attention with the per-position running sums (the reference the chunked GEMM
    /// form is tested against).
    public static func causalLinearAttentionReference(
        q: Variable, k: Variable, v: Variable,
        normalisation: LinearAttentionNormalisation
    ) -> Variable {
        let qv = q.value, kv = k.value, vv = v.value
        let tape = q.tape
        let (t, d) = (qv.shape[2], qv.shape[3])
        let pairs = qv.shape[0] * qv.shape[1]
        let out = tape.makeTensor(qv.shape)
        for pair in 0..<pairs {
            let offset = pair * t * d
            linearAttentionForward(
                qv.ptr + offset, kv.ptr + offset, vv.ptr + offset, out.mptr + offset,
                t: t, d: d, normalisation: normalisation)
        }
        return tape.record(out, inputs: [q, k, v]) { tape, g in
            let dq = tape.gradientPointer(q) ?? tape.scratch(qv.shape, zeroed: true).mptr
            let dk = tape.gradientPointer(k) ?? tape.scratch(qv.shape, zeroed: true).mptr
            let dv = tape.gradientPointer(v) ?? tape.scratch(qv.shape, zeroed: true).mptr
            for pair in 0..<pairs {
                let offset = pair * t * d
                linearAttentionBackward(
                    qv.ptr + offset, kv.ptr + offset, vv.ptr + offset, g.ptr + offset,
                    dq + offset, dk + offset, dv + offset, t: t, d: d, normalisation: normalisation)
            }
        }
    }
}

/// One (batch, head) pair: q, k, v, y are (T, D) row-major.
@_specialize(where S == Float)
@_specialize(where S == Double)
func linearAttentionForward<S: TensorScalar>(
    _ q: UnsafePointer<S>, _ k: UnsafePointer<S>, _ v: UnsafePointer<S>,
    _ y: UnsafeMutablePointer<S>, t: Int, d: Int, normalisation: LinearAttentionNormalisation
) {
    var s = [S](repeating: 0, count: d * d), z = [S](repeating: 0, count: d)
    s.withUnsafeMutableBufferPointer { s in
        z.withUnsafeMutableBufferPointer { z in
            for step in 0..<t {
                let kt = k + step * d, vt = v + step * d, qt = q + step * d, yt = y + step * d
                for i in 0..<d {
                    let ki = 1 + kt[i]
                    z[i] += ki
                    for j in 0..<d { s[i * d + j] += ki * vt[j] }
                }
                for j in 0..<d { yt[j] = 0 }
                var n: S = 0
                for i in 0..<d {
                    let qi = 1 + qt[i]
                    n += qi * z[i]
                    for j in 0..<d { yt[j] += qi * s[i * d + j] }
                }
                let c: S =
                    switch normalisation {
                    case .count: 1 / S(step + 1)
                    case .none: 1
                    case .katharopoulos: 1 / n
                    }
                for j in 0..<d { yt[j] *= c }
            }
        }
    }
}

/// Adds the gradients of one (batch, head) pair into dq, dk, dv.
@_specialize(where S == Float)
@_specialize(where S == Double)
func linearAttentionBackward<S: TensorScalar>(
    _ q: UnsafePointer<S>, _ k: UnsafePointer<S>, _ v: UnsafePointer<S>,
    _ g: UnsafePointer<S>, _ dq: UnsafeMutablePointer<S>, _ dk: UnsafeMutablePointer<S>,
    _ dv: UnsafeMutablePointer<S>, t: Int, d: Int, normalisation: LinearAttentionNormalisation
) {
    var s = [S](repeating: 0, count: d * d), z = [S](repeating: 0, count: d)
    var go = [S](repeating: 0, count: t * d), gn = [S](repeating: 0, count: t)
    var o = [S](repeating: 0, count: d)
    // Forward sweep: ∂o_t, ∂n_t and ∂φ(q_t) = S_t ∂o_t + ∂n_t z_t.
    for step in 0..<t {
        let kt = k + step * d, vt = v + step * d, qt = q + step * d, gt = g + step * d
        for i in 0..<d {
            let ki = 1 + kt[i]
            z[i] += ki
            for j in 0..<d { s[i * d + j] += ki * vt[j] }
        }
        var n: S = 0
        for j in 0..<d { o[j] = 0 }
        for i in 0..<d {
            let qi = 1 + qt[i]
            n += qi * z[i]
            for j in 0..<d { o[j] += qi * s[i * d + j] }
        }
        switch normalisation {
        case .count:
            for j in 0..<d { go[step * d + j] = gt[j] / S(step + 1) }
        case .none:
            for j in 0..<d { go[step * d + j] = gt[j] }
        case .katharopoulos:
            var dot: S = 0
            for j in 0..<d { go[step * d + j] = gt[j] / n; dot += gt[j] * o[j] }
            gn[step] = -dot / (n * n)
        }
        let dqt = dq + step * d
        for i in 0..<d {
            var acc = gn[step] * z[i]
            for j in 0..<d { acc += s[i * d + j] * go[step * d + j] }
            dqt[i] += acc
        }
    }
    // Reverse sweep: R_s = Σ_{u≥s} φ(q_u)ᵀ ∂o_u, r_s = Σ_{u≥s} ∂n_u φ(q_u).
    var r = [S](repeating: 0, count: d * d), rv = [S](repeating: 0, count: d)
    for step in stride(from: t - 1, through: 0, by: -1) {
        let qt = q + step * d, kt = k + step * d, vt = v + step * d
        for i in 0..<d {
            let qi = 1 + qt[i]
            rv[i] += gn[step] * qi
            for j in 0..<d { r[i * d + j] += qi * go[step * d + j] }
        }
        let dkt = dk + step * d, dvt = dv + step * d
        for i in 0..<d {
            var acc = rv[i]
            for j in 0..<d { acc += r[i * d + j] * vt[j] }
            dkt[i] += acc
        }
        for j in 0..<d {
            var acc: S = 0
            for i in 0..<d { acc += (1 + kt[i]) * r[i * d + j] }
            dvt[j] += acc
        }
    }
}
