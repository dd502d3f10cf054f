/// Reductions over one axis of a tensor viewed as (outer, n, inner).

/// out[o, i] = Σ_j x[o, j, i]
@_specialize(where S == Float)
@_specialize(where S == Double)
func sumAxisForward<S: TensorScalar>(_ x: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>, outer: Int, n: Int, inner: Int) {
    for o in 0..<outer {
        let dst = out + o * inner
        dst.zero(count: inner)
        for j in 0..<n {
            let src = x + (o * n + j) * inner
            for i in 0..<inner { dst[i] += src[i] }
        }
    }
}

/// dx[o, j, i] += α · g[o, i]
@_specialize(where S == Float)
@_specialize(where S == Double)
func sumAxisBackward<S: TensorScalar>(_ g: UnsafePointer<S>, _ dx: UnsafeMutablePointer<S>, outer: Int, n: Int, inner: Int, scale: S) {
    for o in 0..<outer {
        let src = g + o * inner
        for j in 0..<n {
            let dst = dx + (o * n + j) * inner
            for i in 0..<inner { dst[i] += scale * src[i] }
        }
    }
}

/// out[o, i] = max_j x[o, j, i]; arg[o, i] = the first j attaining it.
@_specialize(where S == Float)
@_specialize(where S == Double)
func maxAxisForward<S: TensorScalar>(
    _ x: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>, _ arg: UnsafeMutablePointer<Int32>,
    outer: Int, n: Int, inner: Int
) {
    for o in 0..<outer {
        for i in 0..<inner {
            var best = x[o * n * inner + i], where_ = 0
            for j in 1..<max(1, n) {
                let v = x[(o * n + j) * inner + i]
                if v > best || (best.isNaN && !v.isNaN) { best = v; where_ = j }
            }
            out[o * inner + i] = best
            arg[o * inner + i] = Int32(where_)
        }
    }
}

/// Splits a shape into (outer, n, inner) around `axis`.
func splitShape(_ shape: [Int], axis: Int) -> (outer: Int, n: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}

/// db[j] += Σ_r g[r, j] for a (rows, n) gradient (the bias gradient of a linear map). Large
/// gradients are split by blocks of columns over the cores; every column is still summed in
/// row order on one thread, so the result does not depend on the thread count.
@_specialize(where S == Float)
@_specialize(where S == Double)
func columnSumsAccumulate<S: TensorScalar>(_ g: UnsafePointer<S>, _ db: UnsafeMutablePointer<S>, rows: Int, n: Int) {
    let pg = UnsafeSendablePointer(UnsafeMutablePointer(mutating: g)), pd = UnsafeSendablePointer(db)
    let pieces = rows * n < parallelElementThreshold ? 1 : min(Parallel.defaultThreads, max(1, n / 16))
    Parallel.forEachChunk(n, chunks: pieces) { columns in
        let lo = columns.lowerBound, width = columns.count, d = pd.pointer + lo
        for r in 0..<rows {
            let row = UnsafePointer(pg.pointer) + r * n + lo
            for j in 0..<width { d[j] += row[j] }
        }
    }
}
