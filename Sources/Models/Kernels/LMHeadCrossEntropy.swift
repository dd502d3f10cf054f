import TensorCore

// Size letters: N rows (B·T tokens), C width, V vocabulary, R rows per chunk.

/// The LM head and the mean cross-entropy in one op, a chunk of rows at a time, so the (N, V)
/// logits never exist whole: per chunk of R rows
///
///     Z = X_c · op(W)                  logits (R, V), op(W) = Wᵀ for a tied embedding W (V, C)
///     P = softmax(Z),  ℓ += Σ_r logsumexp(Z_r) − Z_r,t
///     D = (P − onehot(t)) / count      dℓ/dZ for the mean over counted rows
///     dX_c = D · op(W)ᵀ,  dW += (D)ᵀ X_c (tied) or X_cᵀ D (untied)
///
/// The gradients are computed in the forward pass (the chunk's logits are still in cache) and
/// only scaled by the incoming gradient in the backward pass. Rows with target −1 are ignored.
/// Same FLOPs as `matmul` + `crossEntropy`; what it saves is the memory traffic of the logits,
/// their probabilities and their gradient (N·V floats each: 16 MB per pass at config A, 32 MB at
/// B), and the memset of the logits' gradient. The composition `x.matmul(w, transposeOther:)
/// .crossEntropy(targets:)` is the reference the tests compare against (`LMHeadCrossEntropyTests`);
/// the loss adds the rows' terms chunk by chunk, so it may differ from the reference's row-order
/// sum in the last bits.
extension Variable {
    /// x (…, C) and the head weight — (V, C) with `transposedWeight` (a tied embedding table), else
    /// (C, V) — against one target per row of x → the mean cross-entropy (a scalar).
    public func lmHeadCrossEntropy(
        weight: Variable, transposedWeight: Bool, targets: [Int32],
        chunkRows: Int = LMHeadCrossEntropy.chunkRows
    ) -> Variable {
        let x = self, w = weight
        let c = x.shape.last ?? 0, n = x.value.count / Swift.max(1, c)
        precondition(
            w.shape.count == 2 && (transposedWeight ? w.shape[1] : w.shape[0]) == c,
            "lmHeadCrossEntropy: weight \(w.shape) does not match width \(c) (transposedWeight: \(transposedWeight))")
        let v = transposedWeight ? w.shape[0] : w.shape[1]
        precondition(targets.count == n, "lmHeadCrossEntropy: \(targets.count) targets for \(n) rows of \(x.shape)")
        precondition(targets.allSatisfy { $0 < Int32(v) && $0 >= -1 }, "lmHeadCrossEntropy: a target is outside -1..<\(v)")
        precondition(chunkRows > 0, "lmHeadCrossEntropy: chunkRows must be positive, got \(chunkRows)")
        let counted = targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        let wantX = tape.recordsGradients && tape.requiresGradient(x) && counted > 0
        let wantW = tape.recordsGradients && tape.requiresGradient(w) && counted > 0
        let r = Swift.min(chunkRows, Swift.max(1, n))
        let logits = tape.scratch([r, v]), probs = tape.scratch([r, v])
        let dx = wantX ? tape.makeTensor(x.shape) : nil  // (N, C), dℓ/dX for an incoming gradient of 1
        let dw = wantW ? tape.scratch(w.shape, zeroed: true) : nil  // (V, C) or (C, V)
        let px = x.value.ptr, pw = w.value.ptr
        let scale = 1 / Scalar(Swift.max(1, counted))
        var sum = 0.0
        targets.withUnsafeBufferPointer { targets in
            for r0 in stride(from: 0, to: n, by: r) {
                let rows = Swift.min(r, n - r0)
                let xc = px + r0 * c, tc = targets.baseAddress! + r0
                Scalar.gemm(
                    transA: false, transB: transposedWeight, m: rows, n: v, k: c, alpha: 1, a: xc, lda: c,
                    b: pw, ldb: transposedWeight ? c : v, beta: 0, c: logits.mptr, ldc: v)
                sum += crossEntropyRows(logits.ptr, tc, probs.mptr, rows: rows, n: v)
                guard wantX || wantW else { continue }
                crossEntropyGradientRows(probs.mptr, tc, rows: rows, n: v, scale: scale)  // D, in place
                if let dx {
                    Scalar.gemm(
                        transA: false, transB: !transposedWeight, m: rows, n: c, k: v, alpha: 1, a: probs.ptr, lda: v,
                        b: pw, ldb: transposedWeight ? c : v, beta: 0, c: dx.mptr + r0 * c, ldc: c)
                }
                if let dw {
                    if transposedWeight {  // dW (V, C) += Dᵀ X_c
                        Scalar.gemm(
                            transA: true, transB: false, m: v, n: c, k: rows, alpha: 1, a: probs.ptr, lda: v,
                            b: xc, ldb: c, beta: 1, c: dw.mptr, ldc: c)
                    } else {  // dW (C, V) += X_cᵀ D
                        Scalar.gemm(
                            transA: true, transB: false, m: c, n: v, k: rows, alpha: 1, a: xc, lda: c,
                            b: probs.ptr, ldb: v, beta: 1, c: dw.mptr, ldc: v)
                    }
                }
            }
        }
        let out = tape.makeTensor([])
        out.mptr[0] = counted > 0 ? Scalar(sum / Double(counted)) : 0
        return tape.record(out, inputs: [x, w]) { tape, g in
            let s = g.ptr[0]
            if let dx {
                if s != 1 { scaledInPlace(dx.mptr, dx.count, s) }
                tape.accumulateGradient(x, adding: dx)  // takes dx's storage when x has no gradient yet
            }
            if let dw {
                tape.accumulateGradient(w) { scaledAccumulate(dw.ptr, $0, dw.count, s) }
            }
        }
    }
}

/// The chunk length of `lmHeadCrossEntropy`.
public enum LMHeadCrossEntropy {
    /// Rows per chunk: 128 and 256 were the fastest of 128–1024 at config A (CPU time per step 4 %
    /// below the unfused ops, which the 512- and 1024-row chunks only matched), 256 at B
    /// (docs/BENCHMARKS.md).
    public static let chunkRows = 256
}

/// Σ over counted rows of logsumexp(z_r) − z_r,t, in row order; probabilities into `probs`.
@_specialize(where S == Float)
@_specialize(where S == Double)
private func crossEntropyRows<S: TensorScalar>(
    _ logits: UnsafePointer<S>, _ targets: UnsafePointer<Int32>,
    _ probs: UnsafeMutablePointer<S>, rows: Int, n: Int
) -> Double {
    crossEntropyForward(logits, targets, probs, rows: rows, n: n).0
}

/// p ← (p − onehot(t))·scale per row with a target, 0 for rows without.
@_specialize(where S == Float)
@_specialize(where S == Double)
private func crossEntropyGradientRows<S: TensorScalar>(
    _ p: UnsafeMutablePointer<S>, _ targets: UnsafePointer<Int32>,
    rows: Int, n: Int, scale: S
) {
    let pp = UnsafeSendablePointer(p), pt = UnsafeSendablePointer(UnsafeMutablePointer(mutating: targets))
    Parallel.forEachChunk(rows) { range in
        for r in range {
            let row = pp.pointer + r * n, t = Int(pt[r])
            if t < 0 {
                row.zero(count: n)
                continue
            }
            for j in 0..<n { row[j] *= scale }
            row[t] -= scale
        }
    }
}

/// x ← x·s.
@_specialize(where S == Float)
@_specialize(where S == Double)
private func scaledInPlace<S: TensorScalar>(_ x: UnsafeMutablePointer<S>, _ n: Int, _ s: S) {
    for i in 0..<n { x[i] *= s }
}
