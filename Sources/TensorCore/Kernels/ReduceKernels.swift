import CLinearAlgebra

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
        let lo = columns.lowerBound
        columnSumsAccumulate(UnsafePointer(pg.pointer) + lo, ldx: n, rows: rows, n: columns.count, into: pd.pointer + lo)
    }
}

/// sums[j] += Σ_r x[r, j] over `rows` rows of n entries, rows `ldx` apart, added row by row in
/// order on this thread (Float: the C kernel alab_column_sums_accumulate_f32, bit-identical to
/// `columnSumsAccumulateReference`).
@_specialize(where S == Float)
@_specialize(where S == Double)
package func columnSumsAccumulate<S: TensorScalar>(
    _ x: UnsafePointer<S>, ldx: Int, rows: Int, n: Int, into sums: UnsafeMutablePointer<S>
) {
    guard S.self == Float.self else { return columnSumsAccumulateReference(x, ldx: ldx, rows: rows, n: n, into: sums) }
    alab_column_sums_accumulate_f32(asFloat(x), ldx, rows, n, asFloat(sums))
}

/// The Swift loop of `columnSumsAccumulate` (Double's kernel, the Float kernel's reference).
@_specialize(where S == Float)
@_specialize(where S == Double)
package func columnSumsAccumulateReference<S: TensorScalar>(
    _ x: UnsafePointer<S>, ldx: Int, rows: Int, n: Int, into sums: UnsafeMutablePointer<S>
) {
    for r in 0..<rows {
        let row = x + r * ldx
        for j in 0..<n { sums[j] += row[j] }
    }
}

/// y[r, j] = x[r, j]·a_r + shift over `rows` rows of n entries, rows `ldx` and `ldy` apart, with
/// a_r = scales[r] or `scale`; in place when x and y are the same rows. Pass shift −0 to only
/// scale (x·a + (−0) is x·a exactly, the sign of a zero included). Float: the C kernel
/// alab_rows_scale_shift_f32, bit-identical to `rowsScaleShiftReference`.
@_specialize(where S == Float)
@_specialize(where S == Double)
package func rowsScaleShift<S: TensorScalar>(
    _ x: UnsafePointer<S>, ldx: Int, _ y: UnsafeMutablePointer<S>, ldy: Int, rows: Int, n: Int,
    scales: UnsafePointer<S>? = nil, scale: S = 1, shift: S
) {
    guard S.self == Float.self else {
        return rowsScaleShiftReference(x, ldx: ldx, y, ldy: ldy, rows: rows, n: n, scales: scales, scale: scale, shift: shift)
    }
    alab_rows_scale_shift_f32(
        asFloat(x), ldx, asFloat(y), ldy, rows, n, scales.map { asFloat($0) }, floatValue(scale), floatValue(shift))
}

/// The Swift loop of `rowsScaleShift` (Double's kernel, the Float kernel's reference).
@_specialize(where S == Float)
@_specialize(where S == Double)
package func rowsScaleShiftReference<S: TensorScalar>(
    _ x: UnsafePointer<S>, ldx: Int, _ y: UnsafeMutablePointer<S>, ldy: Int, rows: Int, n: Int,
    scales: UnsafePointer<S>? = nil, scale: S = 1, shift: S
) {
    for r in 0..<rows {
        let a = scales?[r] ?? scale, xr = x + r * ldx, yr = y + r * ldy
        for j in 0..<n { yr[j] = xr[j] * a + shift }
    }
}
