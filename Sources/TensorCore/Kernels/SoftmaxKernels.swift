import CLinearAlgebra
import RealModule

/// Row-wise softmax and its relatives over the last axis, as (rows, n). Rows are spread over
/// the cores when there are many elements; Float rows run the C kernels of vector_kernels.c
/// (the Swift code is kept as Double's kernel and as their reference).

/// y[j] = exp(x[j] − shift) for j < n (x may equal y); returns Σ y[j] (Float: the C kernel).
@_specialize(where S == Float)
@_specialize(where S == Double)
@inline(__always)
package func expShifted<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int, shift: S) -> S {
    if S.self == Float.self { return scalarValue(alab_exp_shifted_f32(asFloat(x), asFloat(y), n, floatValue(shift))) }
    return expShiftedReference(x, y, n, shift: shift)
}

/// expShifted in Swift: Float through FastMath's 8-lane exp, Double through libm.
@_specialize(where S == Float)
@_specialize(where S == Double)
func expShiftedReference<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int, shift: S) -> S {
    if S.self == Float.self {
        let xf = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
        let yf = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
        let s = FastMath.V(repeating: unsafeBitCast(shift, to: Float.self))
        FastMath.map(xf, yf, n) { FastMath.exp($0 - s) }
        var total: Float = 0
        var acc = FastMath.V(repeating: 0)
        var i = 0
        while i + 8 <= n { acc += UnsafeRawPointer(yf + i).loadUnaligned(as: FastMath.V.self); i += 8 }
        total = acc.sum()
        while i < n { total += yf[i]; i += 1 }
        return unsafeBitCast(total, to: S.self)
    }
    var total: S = 0
    for j in 0..<n { let e = S.exp(x[j] - shift); y[j] = e; total += e }
    return total
}

/// Runs `body(rows)` over 0..<rows, split across cores when rows × width is large.
@inline(__always)
func chunkedRows(_ rows: Int, width: Int, _ body: @Sendable (Range<Int>) -> Void) {
    if rows * width < parallelElementThreshold || rows < 2 { body(0..<rows) } else { Parallel.forEachChunk(rows, body) }
}

/// The shift of a max-subtracted softmax row: max_j x[j], or 0 when every entry is −∞ (where
/// x − max would be −∞ − (−∞) = NaN).
@inline(__always)
func softmaxShift<S: TensorScalar>(_ x: UnsafePointer<S>, _ n: Int) -> S {
    var top = -S.infinity
    for j in 0..<n where x[j] > top { top = x[j] }
    return top == -S.infinity ? 0 : top
}

/// y = softmax(x) per row (max-subtracted, so any finite logits are safe; −∞ entries give 0).
@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxForward<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, rows: Int, n: Int) {
    if S.self == Float.self {
        let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(x))), py = UnsafeSendablePointer(asFloat(y))
        chunkedRows(rows, width: n) { range in
            alab_softmax_rows_f32(px.pointer + range.lowerBound * n, py.pointer + range.lowerBound * n, range.count, n)
        }
        return
    }
    softmaxForwardReference(x, y, rows: rows, n: n)
}

/// softmaxForward in Swift (Double's kernel; the reference for the Float C kernel).
@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxForwardReference<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, rows: Int, n: Int) {
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x)), py = UnsafeSendablePointer(y)
    chunkedRows(rows, width: n) { range in
        for r in range {
            let xr = px.pointer + r * n, yr = py.pointer + r * n
            let top = softmaxShift(xr, n)
            let inv = 1 / expShiftedReference(xr, yr, n, shift: top)
            for j in 0..<n { yr[j] *= inv }
        }
    }
}

/// dx += y ⊙ (g − ⟨g, y⟩) per row.
@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxBackward<S: TensorScalar>(_ g: UnsafePointer<S>, _ y: UnsafePointer<S>, _ dx: UnsafeMutablePointer<S>, rows: Int, n: Int) {
    for r in 0..<rows {
        let gr = g + r * n, yr = y + r * n, dr = dx + r * n
        var dot: S = 0
        for j in 0..<n { dot += gr[j] * yr[j] }
        for j in 0..<n { dr[j] += yr[j] * (gr[j] - dot) }
    }
}

/// y = x − logsumexp(x) per row.
@_specialize(where S == Float)
@_specialize(where S == Double)
func logSoftmaxForward<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, rows: Int, n: Int) {
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x)), py = UnsafeSendablePointer(y)
    chunkedRows(rows, width: n) { range in
        for r in range {
            let xr = px.pointer + r * n, yr = py.pointer + r * n
            let top = softmaxShift(xr, n)
            let lse = top + S.log(expShifted(xr, yr, n, shift: top))
            for j in 0..<n { yr[j] = xr[j] - lse }
        }
    }
}

/// dx += g − softmax(x) · Σ g per row, with softmax = exp(y).
@_specialize(where S == Float)
@_specialize(where S == Double)
func logSoftmaxBackward<S: TensorScalar>(_ g: UnsafePointer<S>, _ y: UnsafePointer<S>, _ dx: UnsafeMutablePointer<S>, rows: Int, n: Int) {
    for r in 0..<rows {
        let gr = g + r * n, yr = y + r * n, dr = dx + r * n
        var total: S = 0
        for j in 0..<n { total += gr[j] }
        for j in 0..<n { dr[j] += gr[j] - S.exp(yr[j]) * total }
    }
}

/// Mean cross-entropy of rows of logits against integer targets (fused log-softmax + NLL).
/// Writes the per-row probabilities into `probs` for the backward pass. Rows whose target is
/// negative are ignored. Returns (Σ loss over counted rows, number of counted rows).
@_specialize(where S == Float)
@_specialize(where S == Double)
package func crossEntropyForward<S: TensorScalar>(
    _ logits: UnsafePointer<S>, _ targets: UnsafePointer<Int32>,
    _ probs: UnsafeMutablePointer<S>, rows: Int, n: Int
) -> (Double, Int) {
    guard S.self == Float.self else { return crossEntropyForwardReference(logits, targets, probs, rows: rows, n: n) }
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(logits))), pp = UnsafeSendablePointer(asFloat(probs))
    let pt = UnsafeSendablePointer(UnsafeMutablePointer(mutating: targets))
    let losses = UnsafeSendablePointer(UnsafeMutablePointer<Double>.allocate(capacity: max(1, rows)))
    defer { losses.pointer.deallocate() }
    chunkedRows(rows, width: n) { range in
        let r = range.lowerBound
        alab_cross_entropy_forward_f32(px.pointer + r * n, pt.pointer + r, pp.pointer + r * n, losses.pointer + r, range.count, n)
    }
    return countedLossSum(losses.pointer, targets, rows: rows)
}

/// Σ losses[r] over the rows with a target (≥ 0), in row order — the same on any thread count —
/// and how many rows that is.
private func countedLossSum(_ losses: UnsafePointer<Double>, _ targets: UnsafePointer<Int32>, rows: Int) -> (Double, Int) {
    var loss = 0.0, counted = 0
    for r in 0..<rows where targets[r] >= 0 {
        loss += losses[r]
        counted += 1
    }
    return (loss, counted)
}

/// crossEntropyForward in Swift (Double's kernel; the reference for the Float C kernel).
@_specialize(where S == Float)
@_specialize(where S == Double)
func crossEntropyForwardReference<S: TensorScalar>(
    _ logits: UnsafePointer<S>, _ targets: UnsafePointer<Int32>,
    _ probs: UnsafeMutablePointer<S>, rows: Int, n: Int
) -> (Double, Int) {
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: logits)), pp = UnsafeSendablePointer(probs)
    let pt = UnsafeSendablePointer(UnsafeMutablePointer(mutating: targets))
    let losses = UnsafeSendablePointer(UnsafeMutablePointer<Double>.allocate(capacity: max(1, rows)))
    defer { losses.pointer.deallocate() }
    chunkedRows(rows, width: n) { range in
        for r in range {
            let xr = px.pointer + r * n, pr = pp.pointer + r * n
            var top = -S.infinity
            for j in 0..<n where xr[j] > top { top = xr[j] }
            let total = expShiftedReference(xr, pr, n, shift: top)
            let inv = 1 / total
            for j in 0..<n { pr[j] *= inv }
            let t = Int(pt[r])
            losses[r] = t >= 0 ? Double(top + S.log(total) - xr[t]) : 0
        }
    }
    return countedLossSum(losses.pointer, targets, rows: rows)
}

/// dlogits += (p − onehot(target)) · scale per counted row.
@_specialize(where S == Float)
@_specialize(where S == Double)
func crossEntropyBackward<S: TensorScalar>(
    _ probs: UnsafePointer<S>, _ targets: UnsafePointer<Int32>,
    _ dx: UnsafeMutablePointer<S>, rows: Int, n: Int, scale: S
) {
    guard S.self == Float.self else { return crossEntropyBackwardReference(probs, targets, dx, rows: rows, n: n, scale: scale) }
    let pp = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(probs))), pd = UnsafeSendablePointer(asFloat(dx))
    let pt = UnsafeSendablePointer(UnsafeMutablePointer(mutating: targets))
    let s: Float = floatValue(scale)
    chunkedRows(rows, width: n) { range in  // rows are independent
        let r = range.lowerBound
        alab_cross_entropy_backward_f32(pp.pointer + r * n, pt.pointer + r, pd.pointer + r * n, range.count, n, s)
    }
}

/// crossEntropyBackward in Swift (Double's kernel; the reference for the Float C kernel).
@_specialize(where S == Float)
@_specialize(where S == Double)
func crossEntropyBackwardReference<S: TensorScalar>(
    _ probs: UnsafePointer<S>, _ targets: UnsafePointer<Int32>,
    _ dx: UnsafeMutablePointer<S>, rows: Int, n: Int, scale: S
) {
    let pp = UnsafeSendablePointer(UnsafeMutablePointer(mutating: probs)), pd = UnsafeSendablePointer(dx)
    let pt = UnsafeSendablePointer(UnsafeMutablePointer(mutating: targets))
    chunkedRows(rows, width: n) { range in  // rows are independent
        for r in range {
            let t = Int(pt[r])
            if t < 0 { continue }
            let pr = pp.pointer + r * n, dr = pd.pointer + r * n
            for j in 0..<n { dr[j] += scale * pr[j] }
            dr[t] -= scale
        }
    }
}
