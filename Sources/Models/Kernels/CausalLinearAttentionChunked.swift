import TensorCore

/// Causal linear attention in chunks of L positions, with GEMMs (the fast path; the running-sum
/// loops in CausalLinearAttention.swift are its reference). Per (batch, head) pair, with
/// φ(x) = 1 + x and chunk c covering positions [c₀, c₀ + l):
///
///     A_c = φ(Q_c) φ(K_c)ᵀ ∘ M          (l, l), M the causal mask
///     O_c = A_c V_c + φ(Q_c) S_{c−1}     (l, D),   S_c = S_{c−1} + φ(K_c)ᵀ V_c   (D, D)
///     n_c = A_c 1 + φ(Q_c) z_{c−1},      z_c = z_{c−1} + φ(K_c)ᵀ 1             (katharopoulos)
///     y_t = O_t · c_t
///
/// Backward, with ∂O_t = c_t ∂y_t (and for katharopoulos ∂n_t = −∂y_t·y_t / n_t), sweeping
/// chunks in reverse with R = Σ_{later} φ(Q)ᵀ∂O and r = Σ_{later} ∂n φ(Q):
///     ∂A = (∂O V_cᵀ + ∂n 1ᵀ) ∘ M
///     ∂φ(Q_c) = ∂A φ(K_c) + ∂O S_{c−1}ᵀ + ∂n z_{c−1}ᵀ
///     ∂φ(K_c) = ∂Aᵀ φ(Q_c) + V_c Rᵀ + 1 rᵀ,   ∂V_c = A_cᵀ ∂O + φ(K_c) R
/// Cost: O(T·L·D + T·D²) per pair in GEMMs of size L and D.
///
/// Rows are strided: q, k, v (and dq, dk, dv) advance `ldx` scalars per position, y (and its
/// gradient g) `ldy`, so the kernels read heads in place from a packed (B, T, 3C) projection
/// (ldx = 3C, ldy = C) as well as from contiguous (T, D) blocks (ldx = ldy = D).
enum ChunkedLinearAttention {
    /// Positions per chunk: 32. Measured fastest at the benchmark shapes (64 pairs, D = 32,
    /// forward + backward): T = 128 took 2.7 ms at 32 and 64, 3.9 ms as one chunk of 128;
    /// T = 256 took 6.1 ms at 32, 6.2 at 64, 8.4 at 128 and 15.3 as one chunk.
    static func chunkLength(t: Int) -> Int { min(max(1, t), 32) }

    /// Scalars of scratch one pair needs (forward and backward share it).
    static func scratchSize(t: Int, d: Int, chunk: Int) -> Int {
        let chunks = (t + chunk - 1) / chunk
        return 4 * t * d + 2 * chunk * chunk + 2 * d * d + 2 * d + 2 * t + chunks * (d * d + d)
    }

    /// φ(x) = 1 + x of t strided rows into a contiguous (T, D) block.
    @inline(__always)
    static func feature<S: TensorScalar>(_ x: UnsafePointer<S>, ldx: Int, into out: UnsafeMutablePointer<S>, t: Int, d: Int) {
        rowsScaleShift(x, ldx: ldx, out, ldy: d, rows: t, n: d, shift: 1)
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func forward<S: TensorScalar>(
        _ q: UnsafePointer<S>, _ k: UnsafePointer<S>, _ v: UnsafePointer<S>, ldx: Int,
        _ y: UnsafeMutablePointer<S>, ldy: Int, _ denominators: UnsafeMutablePointer<S>,
        _ scratch: UnsafeMutablePointer<S>, t: Int, d: Int, chunk: Int,
        normalisation: LinearAttentionNormalisation
    ) {
        // φ(Q) and φ(K) first: the backward pass reads them from here.
        let qt = scratch, kt = qt + t * d, a = kt + t * d, s = a + chunk * chunk, z = s + d * d
        feature(q, ldx: ldx, into: qt, t: t, d: d)
        feature(k, ldx: ldx, into: kt, t: t, d: d)
        s.zero(count: d * d)
        z.zero(count: d)
        var c0 = 0
        while c0 < t {
            let l = min(chunk, t - c0)
            let qc = qt + c0 * d, kc = kt + c0 * d, vc = v + c0 * ldx, yc = y + c0 * ldy
            S.gemm(transA: false, transB: true, m: l, n: l, k: d, alpha: 1, a: qc, lda: d, b: kc, ldb: d, beta: 0, c: a, ldc: l)
            for i in 0..<l { (a + i * l + i + 1).zero(count: l - i - 1) }
            S.gemm(transA: false, transB: false, m: l, n: d, k: l, alpha: 1, a: a, lda: l, b: vc, ldb: ldx, beta: 0, c: yc, ldc: ldy)
            S.gemm(transA: false, transB: false, m: l, n: d, k: d, alpha: 1, a: qc, lda: d, b: s, ldb: d, beta: 1, c: yc, ldc: ldy)
            if normalisation == .katharopoulos {
                for i in 0..<l {
                    var n: S = 0
                    for j in 0...i { n += a[i * l + j] }
                    for j in 0..<d { n += qc[i * d + j] * z[j] }
                    denominators[c0 + i] = n
                }
            }
            if c0 + l < t {  // the state after the last chunk is not needed
                S.gemm(transA: true, transB: false, m: d, n: d, k: l, alpha: 1, a: kc, lda: d, b: vc, ldb: ldx, beta: 1, c: s, ldc: d)
                columnSumsAccumulate(kc, ldx: d, rows: l, n: d, into: z)
            }
            if normalisation != .none {
                withUnsafeTemporaryAllocation(of: S.self, capacity: l) { c in
                    for i in 0..<l { c[i] = normalisation == .count ? 1 / S(c0 + i + 1) : 1 / denominators[c0 + i] }
                    // y·c + (−0) is y·c exactly.
                    rowsScaleShift(yc, ldx: ldy, yc, ldy: ldy, rows: l, n: d, scales: c.baseAddress!, shift: -0.0)
                }
            }
            c0 += l
        }
    }

    /// Adds the gradients of one pair into dq, dk, dv (stride `ldx`, as v's), or writes them there
    /// when not `accumulate` (whatever they held: a fresh gradient); `y` and `denominators` are
    /// the forward's, `g` the gradient of y (both stride `ldy`). Q and K are not passed: `scratch`
    /// must be the one the forward pass of this pair filled, whose first 2·T·D scalars, φ(Q) and
    /// φ(K), are read from there (the backward pass does not write them).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func backward<S: TensorScalar>(
        _ v: UnsafePointer<S>, ldx: Int,
        _ y: UnsafePointer<S>, _ g: UnsafePointer<S>, ldy: Int, _ denominators: UnsafePointer<S>,
        _ dq: UnsafeMutablePointer<S>, _ dk: UnsafeMutablePointer<S>, _ dv: UnsafeMutablePointer<S>,
        _ scratch: UnsafeMutablePointer<S>, t: Int, d: Int, chunk: Int,
        normalisation: LinearAttentionNormalisation, accumulate: Bool = true
    ) {
        let chunks = (t + chunk - 1) / chunk
        let first: S = accumulate ? 1 : 0  // β of the first product into each chunk's rows of dq, dk, dv
        let qt = scratch, kt = qt + t * d, go = kt + t * d, a = go + t * d, da = a + chunk * chunk
        let r = da + chunk * chunk, rv = r + d * d, gn = rv + d
        let states = gn + 2 * t  // (chunks, D·D + D): S_{c−1}, z_{c−1}
        // qt and kt: φ(Q), φ(K) as the forward pass left them.
        // Forward sweep of the states before each chunk.
        let stateSize = d * d + d
        states.zero(count: stateSize)
        for c in 1..<max(1, chunks) {
            let prev = states + (c - 1) * stateSize, cur = states + c * stateSize
            cur.copy(from: prev, count: stateSize)
            let c0 = (c - 1) * chunk, l = min(chunk, t - c0)
            S.gemm(
                transA: true, transB: false, m: d, n: d, k: l, alpha: 1, a: kt + c0 * d, lda: d, b: v + c0 * ldx, ldb: ldx,
                beta: 1, c: cur, ldc: d)
            columnSumsAccumulate(kt + c0 * d, ldx: d, rows: l, n: d, into: cur + d * d)
        }
        // ∂O and ∂n (g·1 + (−0) copies g exactly).
        switch normalisation {
        case .none: rowsScaleShift(g, ldx: ldy, go, ldy: d, rows: t, n: d, shift: -0.0)
        case .count:
            withUnsafeTemporaryAllocation(of: S.self, capacity: t) { c in
                for i in 0..<t { c[i] = 1 / S(i + 1) }
                rowsScaleShift(g, ldx: ldy, go, ldy: d, rows: t, n: d, scales: c.baseAddress!, shift: -0.0)
            }
        case .katharopoulos:
            for i in 0..<t {
                let gi = g + i * ldy, goi = go + i * d, n = denominators[i], yi = y + i * ldy
                var dot: S = 0
                for j in 0..<d { goi[j] = gi[j] / n; dot += gi[j] * yi[j] }
                gn[i] = -dot / n
            }
        }
        r.zero(count: d * d)
        rv.zero(count: d)
        for c in stride(from: chunks - 1, through: 0, by: -1) {
            let c0 = c * chunk, l = min(chunk, t - c0)
            let qc = qt + c0 * d, kc = kt + c0 * d, vc = v + c0 * ldx, goc = go + c0 * d
            let sPrev = states + c * stateSize, zPrev = sPrev + d * d
            S.gemm(transA: false, transB: true, m: l, n: l, k: d, alpha: 1, a: qc, lda: d, b: kc, ldb: d, beta: 0, c: a, ldc: l)
            S.gemm(transA: false, transB: true, m: l, n: l, k: d, alpha: 1, a: goc, lda: d, b: vc, ldb: ldx, beta: 0, c: da, ldc: l)
            for i in 0..<l {
                (a + i * l + i + 1).zero(count: l - i - 1)
                (da + i * l + i + 1).zero(count: l - i - 1)
                if normalisation == .katharopoulos { for j in 0...i { da[i * l + j] += gn[c0 + i] } }
            }
            let dqc = dq + c0 * ldx, dkc = dk + c0 * ldx, dvc = dv + c0 * ldx
            S.gemm(transA: false, transB: false, m: l, n: d, k: l, alpha: 1, a: da, lda: l, b: kc, ldb: d, beta: first, c: dqc, ldc: ldx)
            S.gemm(transA: false, transB: true, m: l, n: d, k: d, alpha: 1, a: goc, lda: d, b: sPrev, ldb: d, beta: 1, c: dqc, ldc: ldx)
            S.gemm(transA: true, transB: false, m: l, n: d, k: l, alpha: 1, a: da, lda: l, b: qc, ldb: d, beta: first, c: dkc, ldc: ldx)
            S.gemm(transA: false, transB: true, m: l, n: d, k: d, alpha: 1, a: vc, lda: ldx, b: r, ldb: d, beta: 1, c: dkc, ldc: ldx)
            S.gemm(transA: true, transB: false, m: l, n: d, k: l, alpha: 1, a: a, lda: l, b: goc, ldb: d, beta: first, c: dvc, ldc: ldx)
            S.gemm(transA: false, transB: false, m: l, n: d, k: d, alpha: 1, a: kc, lda: d, b: r, ldb: d, beta: 1, c: dvc, ldc: ldx)
            if normalisation == .katharopoulos {
                for i in 0..<l {
                    let gi = gn[c0 + i], dqi = dqc + i * ldx, dki = dkc + i * ldx
                    for j in 0..<d { dqi[j] += gi * zPrev[j]; dki[j] += rv[j] }
                }
                if c > 0 { for i in 0..<l { for j in 0..<d { rv[j] += gn[c0 + i] * qc[i * d + j] } } }
            }
            if c > 0 {  // R and r feed earlier chunks only
                S.gemm(transA: true, transB: false, m: d, n: d, k: l, alpha: 1, a: qc, lda: d, b: goc, ldb: d, beta: 1, c: r, ldc: d)
            }
        }
    }
}
