import RealModule

/// Row-wise softmax and its relatives over the last axis, as (rows, n).

/// y = softmax(x) per row (max-subtracted, so any finite logits are safe; −∞ entries give 0).
@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxForward<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, rows: Int, n: Int) {
    for r in 0..<rows {
        let xr = x + r * n, yr = y + r * n
        var top = -S.infinity
        for j in 0..<n where xr[j] > top { top = xr[j] }
        if top == -S.infinity { top = 0 }
        var total: S = 0
        for j in 0..<n { let e = S.exp(xr[j] - top); yr[j] = e; total += e }
        let inv = 1 / total
        for j in 0..<n { yr[j] *= inv }
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
    for r in 0..<rows {
        let xr = x + r * n, yr = y + r * n
        var top = -S.infinity
        for j in 0..<n where xr[j] > top { top = xr[j] }
        if top == -S.infinity { top = 0 }
        var total: S = 0
        for j in 0..<n { total += S.exp(xr[j] - top) }
        let lse = top + S.log(total)
        for j in 0..<n { yr[j] = xr[j] - lse }
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
func crossEntropyForward<S: TensorScalar>(_ logits: UnsafePointer<S>, _ targets: UnsafePointer<Int32>,
                                          _ probs: UnsafeMutablePointer<S>, rows: Int, n: Int) -> (Double, Int) {
    var loss = 0.0
    var counted = 0
    for r in 0..<rows {
        let xr = logits + r * n, pr = probs + r * n
        var top = -S.infinity
        for j in 0..<n where xr[j] > top { top = xr[j] }
        var total: S = 0
        for j in 0..<n { let e = S.exp(xr[j] - top); pr[j] = e; total += e }
        let inv = 1 / total
        for j in 0..<n { pr[j] *= inv }
        let t = Int(targets[r])
        if t >= 0 {
            loss += Double(top + S.log(total) - xr[t])
            counted += 1
        }
    }
    return (loss, counted)
}

/// dlogits += (p − onehot(target)) · scale per counted row.
@_specialize(where S == Float)
@_specialize(where S == Double)
func crossEntropyBackward<S: TensorScalar>(_ probs: UnsafePointer<S>, _ targets: UnsafePointer<Int32>,
                                           _ dx: UnsafeMutablePointer<S>, rows: Int, n: Int, scale: S) {
    for r in 0..<rows {
        let t = Int(targets[r])
        if t < 0 { continue }
        let pr = probs + r * n, dr = dx + r * n
        for j in 0..<n { dr[j] += scale * pr[j] }
        dr[t] -= scale
    }
}
