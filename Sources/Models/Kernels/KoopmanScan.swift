import TensorCore

/// The Koopman scan: s_t = K s_{t−1} + u_t along the sequence, s_{−1} = 0.
///
/// Row-vector form over a batch: S_t = S_{t−1}·Kᵀ + U_t with S_t, U_t (B, S) — one GEMM per
/// time step. Backward (adjoint recursion): λ_{T−1} = g_{T−1}, λ_t = g_t + λ_{t+1}·K;
/// ∂ℓ/∂u_t = λ_t; ∂ℓ/∂K = Σ_{t≥1} λ_tᵀ s_{t−1}.
extension Variable {
    /// u (B, T, S), k (S, S) → states (B, T, S).
    public func koopmanScan(_ k: Variable<Scalar>) -> Variable<Scalar> {
        let u = self, uv = value, kv = k.value
        precondition(uv.rank == 3, "koopmanScan: inputs must be (B, T, S), got \(uv.shape)")
        let (b, t, s) = (uv.shape[0], uv.shape[1], uv.shape[2])
        precondition(kv.shape == [s, s], "koopmanScan: K must be (\(s), \(s)), got \(kv.shape)")
        let out = tape.makeTensor(uv.shape)
        out.mptr.copy(from: uv.ptr, count: uv.count)
        let ld = t * s
        let po = UnsafeSendablePointer(out.mptr), pk = UnsafeSendablePointer(UnsafeMutablePointer(mutating: kv.ptr))
        // Batch items are independent sequences: split them across cores, each half scanning in time.
        let chunks = b * s * s >= 1 << 14 ? Parallel.defaultThreads : 1
        Parallel.forEachChunk(b, chunks: chunks) { items in
            let base = po.pointer + items.lowerBound * ld
            for step in 1..<Swift.max(1, t) {
                Scalar.gemm(
                    transA: false, transB: true, m: items.count, n: s, k: s, alpha: 1, a: base + (step - 1) * s, lda: ld,
                    b: pk.pointer, ldb: s, beta: 1, c: base + step * s, ldc: ld)
            }
        }
        return tape.record(out, inputs: [u, k]) { tape, g in
            // λ = g, then λ_t += λ_{t+1}·K backwards in time. ∂ℓ/∂u = λ, so λ is computed in u's
            // gradient itself when none has reached it yet, else in scratch and added to it.
            func adjoint(into lambda: UnsafeMutablePointer<Scalar>) {
                lambda.copy(from: g.ptr, count: g.count)
                let pl = UnsafeSendablePointer(lambda)
                Parallel.forEachChunk(b, chunks: chunks) { items in
                    let base = pl.pointer + items.lowerBound * ld
                    for step in stride(from: t - 2, through: 0, by: -1) {
                        Scalar.gemm(
                            transA: false, transB: false, m: items.count, n: s, k: s, alpha: 1, a: base + (step + 1) * s, lda: ld,
                            b: pk.pointer, ldb: s, beta: 1, c: base + step * s, ldc: ld)
                    }
                }
            }
            var lambda: UnsafeMutablePointer<Scalar>?
            tape.updateGradient(u) { du, accumulate in
                lambda = accumulate ? tape.scratch(uv.shape).mptr : du
                adjoint(into: lambda!)
                if accumulate { scaledAccumulate(lambda!, du, g.count, 1) }
            }
            guard t > 1, tape.requiresGradient(k) else { return }
            if lambda == nil {  // u needs no gradient, K does
                lambda = tape.scratch(uv.shape).mptr
                adjoint(into: lambda!)
            }
            tape.accumulateGradient(k) { dk in
                for item in 0..<b {  // dK += Λ[item, 1:]ᵀ · S[item, :−1]
                    Scalar.gemm(
                        transA: true, transB: false, m: s, n: s, k: t - 1, alpha: 1,
                        a: lambda! + item * ld + s, lda: s, b: out.ptr + item * ld, ldb: s,
                        beta: 1, c: dk, ldc: s)
                }
            }
        }
    }
}
