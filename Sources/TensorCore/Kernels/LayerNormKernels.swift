import CLinearAlgebra

/// Layer normalisation over the last axis (llm.c's layernorm_forward/backward), as (rows, C).

/// y = (x − μ)·rstd ⊙ w + b per row; saves μ and rstd = 1/√(σ² + ε). Float rows run the C
/// kernel (alab_layernorm_forward_f32), a block of rows per thread.
@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormForward<S: TensorScalar>(
    _ x: UnsafePointer<S>, _ w: UnsafePointer<S>?, _ b: UnsafePointer<S>?,
    _ y: UnsafeMutablePointer<S>, _ mean: UnsafeMutablePointer<S>,
    _ rstd: UnsafeMutablePointer<S>, rows: Int, c: Int, eps: S
) {
    guard S.self == Float.self else {
        return layerNormForwardReference(x, w, b, y, mean, rstd, rows: rows, c: c, eps: eps)
    }
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(x))), py = UnsafeSendablePointer(asFloat(y))
    let pw = w.map { UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat($0))) }
    let pb = b.map { UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat($0))) }
    let pm = UnsafeSendablePointer(asFloat(mean)), ps = UnsafeSendablePointer(asFloat(rstd))
    let e: Float = floatValue(eps)
    chunkedRows(rows, width: c) { range in
        let o = range.lowerBound * c
        alab_layernorm_forward_f32(
            px.pointer + o, pw?.pointer, pb?.pointer, py.pointer + o, pm.pointer + range.lowerBound,
            ps.pointer + range.lowerBound, range.count, c, e)
    }
}

/// The Swift layer-norm forward: Double's kernel and the reference for the Float C kernel.
@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormForwardReference<S: TensorScalar>(
    _ x: UnsafePointer<S>, _ w: UnsafePointer<S>?, _ b: UnsafePointer<S>?,
    _ y: UnsafeMutablePointer<S>, _ mean: UnsafeMutablePointer<S>,
    _ rstd: UnsafeMutablePointer<S>, rows: Int, c: Int, eps: S
) {
    let invC = 1 / S(c)
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x)), py = UnsafeSendablePointer(y)
    let pw = w.map { UnsafeSendablePointer(UnsafeMutablePointer(mutating: $0)) }
    let pb = b.map { UnsafeSendablePointer(UnsafeMutablePointer(mutating: $0)) }
    let pm = UnsafeSendablePointer(mean), ps = UnsafeSendablePointer(rstd)
    chunkedRows(rows, width: c) { range in  // rows are independent: the same result on any thread count
        for r in range {
            let xr = px.pointer + r * c, yr = py.pointer + r * c
            var m: S = 0
            for i in 0..<c { m += xr[i] }
            m *= invC
            var v: S = 0
            for i in 0..<c { let d = xr[i] - m; v += d * d }
            v *= invC
            let s = 1 / (v + eps).squareRoot()
            for i in 0..<c {
                var o = (xr[i] - m) * s
                if let pw { o *= pw[i] }
                if let pb { o += pb[i] }
                yr[i] = o
            }
            pm[r] = m
            ps[r] = s
        }
    }
}

/// Accumulates dx, dw, db from dy (any of the outputs may be nil). Float runs the C kernels:
/// dw, db by blocks of columns (each column summed over rows in row order), dx by blocks of
/// rows — the same result on any thread count.
@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormBackward<S: TensorScalar>(
    _ dy: UnsafePointer<S>, _ x: UnsafePointer<S>, _ w: UnsafePointer<S>?,
    _ mean: UnsafePointer<S>, _ rstd: UnsafePointer<S>,
    _ dx: UnsafeMutablePointer<S>?, _ dw: UnsafeMutablePointer<S>?,
    _ db: UnsafeMutablePointer<S>?, rows: Int, c: Int
) {
    guard S.self == Float.self else {
        return layerNormBackwardReference(dy, x, w, mean, rstd, dx, dw, db, rows: rows, c: c)
    }
    let pdy = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(dy)))
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(x)))
    let pw = w.map { UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat($0))) }
    let pm = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(mean)))
    let ps = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(rstd)))
    if dw != nil || db != nil {
        let pdw = dw.map { UnsafeSendablePointer(asFloat($0)) }, pdb = db.map { UnsafeSendablePointer(asFloat($0)) }
        let pieces = columnPieces(rows: rows, c: c)
        Parallel.forEachChunk(c, chunks: pieces) { columns in
            alab_layernorm_backward_dwdb_f32(
                pdy.pointer, px.pointer, pm.pointer, ps.pointer, pdw?.pointer, pdb?.pointer,
                rows, c, columns.lowerBound, columns.upperBound)
        }
    }
    guard let dx else { return }
    let pdx = UnsafeSendablePointer(asFloat(dx))
    chunkedRows(rows, width: c) { range in
        let o = range.lowerBound * c
        alab_layernorm_backward_dx_f32(
            pdy.pointer + o, px.pointer + o, pw?.pointer, pm.pointer + range.lowerBound,
            ps.pointer + range.lowerBound, pdx.pointer + o, range.count, c)
    }
}

/// The Swift layer-norm backward: Double's kernel and the reference for the Float C kernels.
@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormBackwardReference<S: TensorScalar>(
    _ dy: UnsafePointer<S>, _ x: UnsafePointer<S>, _ w: UnsafePointer<S>?,
    _ mean: UnsafePointer<S>, _ rstd: UnsafePointer<S>,
    _ dx: UnsafeMutablePointer<S>?, _ dw: UnsafeMutablePointer<S>?,
    _ db: UnsafeMutablePointer<S>?, rows: Int, c: Int
) {
    let invC = 1 / S(c)
    let pdy = UnsafeSendablePointer(UnsafeMutablePointer(mutating: dy)), px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x))
    let pw = w.map { UnsafeSendablePointer(UnsafeMutablePointer(mutating: $0)) }
    let pm = UnsafeSendablePointer(UnsafeMutablePointer(mutating: mean)), ps = UnsafeSendablePointer(UnsafeMutablePointer(mutating: rstd))
    // dw, db: sums over rows, split by columns so that every column is summed in row order on
    // one thread (the same result on any thread count).
    if dw != nil || db != nil {
        let pdw = dw.map { UnsafeSendablePointer($0) }, pdb = db.map { UnsafeSendablePointer($0) }
        let pieces = columnPieces(rows: rows, c: c)
        Parallel.forEachChunk(c, chunks: pieces) { columns in
            for r in 0..<rows {
                let dyr = pdy.pointer + r * c, xr = px.pointer + r * c
                let m = pm[r], s = ps[r]
                for i in columns {
                    if let pdw { pdw[i] += dyr[i] * ((xr[i] - m) * s) }
                    if let pdb { pdb[i] += dyr[i] }
                }
            }
        }
    }
    guard let dx else { return }
    let pdx = UnsafeSendablePointer(dx)
    chunkedRows(rows, width: c) { range in  // dx rows are independent
        for r in range {
            let dyr = pdy.pointer + r * c, xr = px.pointer + r * c
            let m = pm[r], s = ps[r]
            var meanD: S = 0, meanDN: S = 0
            for i in 0..<c {
                let n = (xr[i] - m) * s
                let d = pw.map { $0[i] * dyr[i] } ?? dyr[i]
                meanD += d
                meanDN += d * n
            }
            meanD *= invC
            meanDN *= invC
            let dxr = pdx.pointer + r * c
            for i in 0..<c {
                let n = (xr[i] - m) * s
                let d = pw.map { $0[i] * dyr[i] } ?? dyr[i]
                dxr[i] += (d - meanD - n * meanDN) * s
            }
        }
    }
}

/// How many column blocks the dw, db sums over rows are split into (one below the parallel
/// threshold, else one per thread with at least 16 columns each).
@inline(__always)
private func columnPieces(rows: Int, c: Int) -> Int {
    rows * c < parallelElementThreshold ? 1 : min(Parallel.defaultThreads, max(1, c / 16))
}
