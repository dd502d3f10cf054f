import TensorCore

/// Fused multi-head causal linear attention over a packed (B, T, 3C) projection (seed 001
/// Eq. 34–36, φ(x) = 1 + x): per (batch, head) pair the chunked GEMM kernels
/// (`ChunkedLinearAttention`, CausalLinearAttentionChunked.swift) read that head's q, k, v
/// columns in place through a leading dimension of 3C and write its y columns straight into
/// the (B, T, C) output (leading dimension C), so there are no permutes, slices or copies of
/// the heads around the kernel. The backward pass writes dq, dk, dv into the matching columns
/// of the projection's gradient.
///
///     qkv[b, t] = (q_1 … q_H | k_1 … k_H | v_1 … v_H),   each block D = C/H wide
///     y[b, t, h·D ..< (h+1)·D] = causal linear attention of (q_h, k_h, v_h) at t
///
/// Legend: B batch, T positions, C width, H heads, D = C/H head width.
/// `LinearAttention.reference` composes the same computation from reshape, permute, slice and
/// `causalLinearAttention`; the tests compare the two.
extension Variable {
    /// qkv (B, T, 3C) → y (B, T, C) with `heads` heads of width D = C/H.
    public func fusedCausalLinearAttention(heads: Int, normalisation: LinearAttentionNormalisation) -> Variable {
        let qkv = self, x = value
        precondition(
            heads > 0 && x.rank == 3 && x.shape[2] % (3 * heads) == 0,
            "fusedCausalLinearAttention: expects (B, T, 3C) with C divisible by \(heads) heads, got \(x.shape)")
        let (b, t, c3) = (x.shape[0], x.shape[1], x.shape[2])
        let c = c3 / 3, d = c / heads, pairs = b * heads
        let out = tape.makeTensor([b, t, c])
        // Scratch shared by forward and backward, from the tape's pool (no allocation per step).
        let denominators = tape.scratch([pairs, t])
        let chunk = ChunkedLinearAttention.chunkLength(t: t)
        let scratchSize = ChunkedLinearAttention.scratchSize(t: t, d: d, chunk: chunk)
        let scratch = tape.scratch([pairs, scratchSize])
        let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x.ptr)), po = UnsafeSendablePointer(out.mptr)
        let (pn, ps) = (UnsafeSendablePointer(denominators.mptr), UnsafeSendablePointer(scratch.mptr))
        Parallel.forEach(pairs) { pair in  // (batch, head) pairs are independent
            let item = pair / heads, h = pair % heads
            let q = UnsafePointer(px.pointer) + item * t * c3 + h * d
            ChunkedLinearAttention.forward(
                q, q + c, q + 2 * c, ldx: c3, po.pointer + item * t * c + h * d, ldy: c,
                pn.pointer + pair * t, ps.pointer + pair * scratchSize,
                t: t, d: d, chunk: chunk, normalisation: normalisation)
        }
        return tape.record(out, inputs: [qkv]) { tape, g in
            // Every pair writes its head's dq, dk, dv columns whole: a fresh gradient is written, not zeroed and added to.
            tape.updateGradient(qkv) { dx, accumulate in
                let pdx = UnsafeSendablePointer(dx), pg = UnsafeSendablePointer(UnsafeMutablePointer(mutating: g.ptr))
                let py = UnsafeSendablePointer(UnsafeMutablePointer(mutating: out.ptr))
                // The closure owns the forward's scratch and denominators (the pointers alone would not keep them alive).
                let (pn, ps) = (UnsafeSendablePointer(denominators.mptr), UnsafeSendablePointer(scratch.mptr))
                // Pairs write disjoint column blocks of dx (their head's q, k, v columns), so they run in parallel.
                Parallel.forEach(pairs) { pair in
                    let item = pair / heads, h = pair % heads
                    let v = UnsafePointer(px.pointer) + item * t * c3 + 2 * c + h * d
                    let dq = pdx.pointer + item * t * c3 + h * d
                    let yOffset = item * t * c + h * d
                    ChunkedLinearAttention.backward(
                        v, ldx: c3,
                        UnsafePointer(py.pointer) + yOffset, UnsafePointer(pg.pointer) + yOffset, ldy: c,
                        UnsafePointer(pn.pointer) + pair * t, dq, dq + c, dq + 2 * c,
                        ps.pointer + pair * scratchSize, t: t, d: d, chunk: chunk, normalisation: normalisation, accumulate: accumulate)
                }
            }
        }
    }
}
