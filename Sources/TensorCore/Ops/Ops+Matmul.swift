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
        precondition(
            shared || Array(bv.shape.dropLast(2)) == batchShape,
            "matmul: batch axes differ: \(av.shape) vs \(bv.shape)")
        let batch = batchShape.reduce(1, *)
        let out = tape.makeTensor(batchShape + [m, n])
        let lda = tA ? m : k, ldb = tB ? k : n
        let strideA = m * k, strideB = shared ? 0 : k * n, strideC = m * n

        if shared && !tA {
            // One GEMM over all batch rows: (B·M, K) · op(B).
            Scalar.gemm(
                transA: false, transB: tB, m: batch * m, n: n, k: k, alpha: 1, a: av.ptr, lda: k,
                b: bv.ptr, ldb: ldb, beta: 0, c: out.mptr, ldc: n)
        } else {
            for i in 0..<batch {
                Scalar.gemm(
                    transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1, a: av.ptr + i * strideA, lda: lda,
                    b: bv.ptr + i * strideB, ldb: ldb, beta: 0, c: out.mptr + i * strideC, ldc: n)
            }
        }
        return tape.record(out, inputs: [a, b]) { tape, g in
            tape.accumulateGradient(a) { da in
                if shared && !tA {
                    Scalar.gemm(
                        transA: false, transB: !tB, m: batch * m, n: k, k: n, alpha: 1, a: g.ptr, lda: n,
                        b: bv.ptr, ldb: ldb, beta: 1, c: da, ldc: k)
                    return
                }
                for i in 0..<batch {
                    if tA {  // dA (K×M) += op(B) · Gᵀ
                        Scalar.gemm(
                            transA: tB, transB: true, m: k, n: m, k: n, alpha: 1, a: bv.ptr + i * strideB, lda: ldb,
                            b: g.ptr + i * strideC, ldb: n, beta: 1, c: da + i * strideA, ldc: m)
                    } else {  // dA (M×K) += G · op(B)ᵀ
                        Scalar.gemm(
                            transA: false, transB: !tB, m: m, n: k, k: n, alpha: 1, a: g.ptr + i * strideC, lda: n,
                            b: bv.ptr + i * strideB, ldb: ldb, beta: 1, c: da + i * strideA, ldc: k)
                    }
                }
            }
            tape.accumulateGradient(b) { db in
                if shared && !tA {
                    if tB {  // dB (N×K) += Gᵀ · A over all rows
                        Scalar.gemm(
                            transA: true, transB: false, m: n, n: k, k: batch * m, alpha: 1, a: g.ptr, lda: n,
                            b: av.ptr, ldb: k, beta: 1, c: db, ldc: k)
                    } else {  // dB (K×N) += Aᵀ · G over all rows
                        Scalar.gemm(
                            transA: true, transB: false, m: k, n: n, k: batch * m, alpha: 1, a: av.ptr, lda: k,
                            b: g.ptr, ldb: n, beta: 1, c: db, ldc: n)
                    }
                    return
                }
                for i in 0..<batch {
                    if tB {  // dB (N×K) += Gᵀ · op(A)
                        Scalar.gemm(
                            transA: true, transB: tA, m: n, n: k, k: m, alpha: 1, a: g.ptr + i * strideC, lda: n,
                            b: av.ptr + i * strideA, ldb: lda, beta: 1, c: db + i * strideB, ldc: k)
                    } else {  // dB (K×N) += op(A)ᵀ · G
                        Scalar.gemm(
                            transA: !tA, transB: false, m: k, n: n, k: m, alpha: 1, a: av.ptr + i * strideA, lda: lda,
                            b: g.ptr + i * strideC, ldb: n, beta: 1, c: db + i * strideB, ldc: n)
                    }
                }
            }
        }
    }
}

extension Variable {
    /// x·W + b over the last axis, fused: x (…, K), W (K, N), b (N) → (…, N). The output starts
    /// as rows of b and one GEMM adds x·W onto it (beta = 1); backward is two GEMMs and a column
    /// sum for b. Saves the separate broadcast addition's forward and backward passes.
    public func linear(_ weight: Variable, bias: Variable?) -> Variable {
        precondition(tape === weight.tape, "linear: operands on different tapes")
        let x = self, xv = value, wv = weight.value, bv = bias?.value
        precondition(
            xv.rank >= 1 && wv.rank == 2 && xv.shape.last == wv.shape[0],
            "linear: input \(xv.shape) does not match weight \(wv.shape)")
        let (k, n) = (wv.shape[0], wv.shape[1])
        precondition(bv == nil || bv!.shape == [n], "linear: bias \(bv!.shape) for \(n) outputs")
        let rows = k == 0 ? 0 : xv.count / k
        let out = tape.makeTensor(Array(xv.shape.dropLast()) + [n])
        if let bv {
            for r in 0..<rows { (out.mptr + r * n).copy(from: bv.ptr, count: n) }
        }
        Scalar.gemm(
            transA: false, transB: false, m: rows, n: n, k: k, alpha: 1, a: xv.ptr, lda: k, b: wv.ptr, ldb: n,
            beta: bv == nil ? 0 : 1, c: out.mptr, ldc: n)
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return tape.record(out, inputs: inputs) { tape, g in
            tape.updateGradient(x) { dx, accumulate in  // dX (+)= G·Wᵀ
                Scalar.gemm(
                    transA: false, transB: true, m: rows, n: k, k: n, alpha: 1, a: g.ptr, lda: n, b: wv.ptr, ldb: n,
                    beta: accumulate ? 1 : 0, c: dx, ldc: k)
            }
            tape.accumulateGradient(weight) { dw in  // dW += Xᵀ·G
                Scalar.gemm(
                    transA: true, transB: false, m: k, n: n, k: rows, alpha: 1, a: xv.ptr, lda: k, b: g.ptr, ldb: n,
                    beta: 1, c: dw, ldc: n)
            }
            if let bias {
                tape.accumulateGradient(bias) { db in columnSumsAccumulate(g.ptr, db, rows: rows, n: n) }
            }
        }
    }
}
