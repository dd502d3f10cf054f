/// Matrix products on the tape, through sgemm/dgemm.
///
/// Size letters: B batch (any number of leading axes, flattened), M rows of the result,
/// N columns of the result, K the contracted size.
extension Variable {
    /// op(self) · op(other), where op transposes the last two axes when asked.
    ///
    /// - self: (…, M, K), or (…, K, M) with `transposeSelf`.
    /// - other: (K, N) shared across the batch, or (…, K, N) with the same leading axes as self;
    ///   (N, K) / (…, N, K) with `transposeOther`.
    /// - result: (…, M, N).
    public func matmul(_ other: Variable, transposeSelf tA: Bool = false, transposeOther tB: Bool = false) -> Variable {
        precondition(tape === other.tape, "matmul: operands on different tapes")
        let a = self, b = other
        let av = a.value, bv = b.value
        precondition(av.rank >= 2 && bv.rank >= 2, "matmul: operands need rank ≥ 2, got \(av.shape) and \(bv.shape)")
        let m = tA ? av.shape[av.rank - 1] : av.shape[av.rank - 2]
        let k = tA ? av.shape[av.rank - 2] : av.shape[av.rank - 1]
        let kb = tB ? bv.shape[bv.rank - 1] : bv.shape[bv.rank - 2]
        let n = tB ? bv.shape[bv.rank - 2] : bv.shape[bv.rank - 1]
        precondition(k == kb, "matmul: contracted sizes differ: \(av.shape)\(tA ? "ᵀ" : "") · \(bv.shape)\(tB ? "ᵀ" : "")")
        let batchShape = Array(av.shape.dropLast(2))
        let shared = bv.rank == 2
        precondition(shared || Array(bv.shape.dropLast(2)) == batchShape,
                     "matmul: batch axes differ: \(av.shape) vs \(bv.shape)")
        let batch = batchShape.reduce(1, *)
        let out = tape.makeTensor(batchShape + [m, n])
        let lda = tA ? m : k, ldb = tB ? k : n
        let strideA = m * k, strideB = shared ? 0 : k * n, strideC = m * n

        if shared && !tA {
            // One GEMM over all batch rows: (B·M, K) · op(B).
            Scalar.gemm(transA: false, transB: tB, m: batch * m, n: n, k: k, alpha: 1, a: av.ptr, lda: k,
                        b: bv.ptr, ldb: ldb, beta: 0, c: out.mptr, ldc: n)
        } else {
            for i in 0..<batch {
                Scalar.gemm(transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1, a: av.ptr + i * strideA, lda: lda,
                            b: bv.ptr + i * strideB, ldb: ldb, beta: 0, c: out.mptr + i * strideC, ldc: n)
            }
        }
        return tape.record(out, inputs: [a, b]) { tape, g in
            tape.accumulateGradient(a) { da in
                if shared && !tA {
                    Scalar.gemm(transA: false, transB: !tB, m: batch * m, n: k, k: n, alpha: 1, a: g.ptr, lda: n,
                                b: bv.ptr, ldb: ldb, beta: 1, c: da, ldc: k)
                    return
                }
                for i in 0..<batch {
                    if tA {   // dA (K×M) += op(B) · Gᵀ
                        Scalar.gemm(transA: tB, transB: true, m: k, n: m, k: n, alpha: 1, a: bv.ptr + i * strideB, lda: ldb,
                                    b: g.ptr + i * strideC, ldb: n, beta: 1, c: da + i * strideA, ldc: m)
                    } else {  // dA (M×K) += G · op(B)ᵀ
                        Scalar.gemm(transA: false, transB: !tB, m: m, n: k, k: n, alpha: 1, a: g.ptr + i * strideC, lda: n,
                                    b: bv.ptr + i * strideB, ldb: ldb, beta: 1, c: da + i * strideA, ldc: k)
                    }
                }
            }
            tape.accumulateGradient(b) { db in
                if shared && !tA {
                    if tB {   // dB (N×K) += Gᵀ · A over all rows
                        Scalar.gemm(transA: true, transB: false, m: n, n: k, k: batch * m, alpha: 1, a: g.ptr, lda: n,
                                    b: av.ptr, ldb: k, beta: 1, c: db, ldc: k)
                    } else {  // dB (K×N) += Aᵀ · G over all rows
                        Scalar.gemm(transA: true, transB: false, m: k, n: n, k: batch * m, alpha: 1, a: av.ptr, lda: k,
                                    b: g.ptr, ldb: n, beta: 1, c: db, ldc: n)
                    }
                    return
                }
                for i in 0..<batch {
                    if tB {   // dB (N×K) += Gᵀ · op(A)
                        Scalar.gemm(transA: true, transB: tA, m: n, n: k, k: m, alpha: 1, a: g.ptr + i * strideC, lda: n,
                                    b: av.ptr + i * strideA, ldb: lda, beta: 1, c: db + i * strideB, ldc: k)
                    } else {  // dB (K×N) += op(A)ᵀ · G
                        Scalar.gemm(transA: !tA, transB: false, m: k, n: n, k: m, alpha: 1, a: av.ptr + i * strideA, lda: lda,
                                    b: g.ptr + i * strideC, ldb: n, beta: 1, c: db + i * strideB, ldc: n)
                    }
                }
            }
        }
    }
}
