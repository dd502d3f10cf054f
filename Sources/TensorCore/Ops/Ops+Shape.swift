/// Reshape, axis permutation, slicing and concatenation.
extension Variable {
    /// The same elements under a new shape (no copy); one size may be −1.
    public func reshaped(_ newShape: [Int]) -> Variable {
        let x = self
        let out = value.reshaped(newShape)
        return tape.record(out, inputs: [x]) { tape, g in tape.accumulateGradient(x, adding: g) }
    }

    /// Axes reordered: result axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) -> Variable {
        let xv = value
        precondition(order.sorted() == Array(0..<rank), "permute: \(order) is not a permutation of the \(rank) axes of \(shape)")
        let outShape = order.map { xv.shape[$0] }
        let out = tape.makeTensor(outShape)
        // Input strides, listed in output axis order.
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * xv.shape[i + 1] }
        let strides = order.map { inStrides[$0] }
        permuteCopy(xv.ptr, out.mptr, shape: outShape, strides: strides, accumulate: false)
        let x = self
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { dx in scatterPermuted(g.ptr, dx, shape: outShape, strides: strides) }
        }
    }

    /// Swaps the last two axes.
    public func transposedLastTwo() -> Variable {
        precondition(rank >= 2, "transpose: rank \(rank) < 2")
        var order = Array(0..<rank)
        order.swapAt(rank - 1, rank - 2)
        return permuted(order)
    }

    /// Elements `range` along `axis`.
    public func sliced(axis: Int, _ range: Range<Int>) -> Variable {
        let a = resolveAxis(axis, "slice")
        let xv = value
        precondition(
            range.lowerBound >= 0 && range.upperBound <= xv.shape[a],
            "slice: \(range) outside 0..<\(xv.shape[a]) on axis \(axis) of \(xv.shape)")
        let (outer, n, inner) = splitShape(xv.shape, axis: a)
        var outShape = xv.shape
        outShape[a] = range.count
        let out = tape.makeTensor(outShape)
        let width = range.count * inner
        for o in 0..<outer {
            (out.mptr + o * width).copy(from: xv.ptr + (o * n + range.lowerBound) * inner, count: width)
        }
        let x = self
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { dx in
                for o in 0..<outer {
                    scaledAccumulate(g.ptr + o * width, dx + (o * n + range.lowerBound) * inner, width, 1)
                }
            }
        }
    }

    /// Concatenation along `axis`; all other sizes must agree.
    public static func concatenate(_ parts: [Variable], axis: Int) -> Variable {
        precondition(!parts.isEmpty, "concatenate: no inputs")
        let first = parts[0]
        let a = first.resolveAxis(axis, "concatenate")
        let tape = first.tape
        let values = parts.map { $0.value }
        for v in values {
            var s = v.shape, f = first.shape
            precondition(s.count == f.count, "concatenate: ranks differ: \(v.shape) vs \(first.shape)")
            s[a] = 0; f[a] = 0
            precondition(s == f, "concatenate: shapes \(v.shape) and \(first.shape) differ off axis \(axis)")
        }
        var outShape = first.shape
        outShape[a] = values.reduce(0) { $0 + $1.shape[a] }
        let out = tape.makeTensor(outShape)
        let (outer, total, inner) = splitShape(outShape, axis: a)
        var offset = 0
        var offsets: [Int] = []
        for v in values {
            offsets.append(offset)
            let width = v.shape[a] * inner
            for o in 0..<outer { (out.mptr + (o * total + offset) * inner).copy(from: v.ptr + o * width, count: width) }
            offset += v.shape[a]
        }
        return tape.record(out, inputs: parts) { tape, g in
            for (p, part) in parts.enumerated() {
                let width = values[p].shape[a] * inner
                tape.accumulateGradient(part) { dx in
                    for o in 0..<outer { scaledAccumulate(g.ptr + (o * total + offsets[p]) * inner, dx + o * width, width, 1) }
                }
            }
        }
    }
}

/// Calls `row(dense, strided)` for every row along the last axis of `shape` (rank ≥ 1, no size 0),
/// in row-major order: `dense` is where the row starts in the row-major layout of `shape`,
/// `strided` where it starts in the layout with `strides` (Σ i_k · strides[k], kept by an odometer
/// over the leading axes).
@inline(__always)
private func forEachStridedRow(shape: [Int], strides: [Int], _ row: (_ dense: Int, _ strided: Int) -> Void) {
    let rank = shape.count, inner = shape[rank - 1]
    let count = shape.reduce(1, *)
    var index = [Int](repeating: 0, count: rank)
    var dense = 0, strided = 0
    while dense < count {
        row(dense, strided)
        dense += inner
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            strided += strides[axis]
            if index[axis] < shape[axis] { break }
            strided -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}

/// out[i₀, …] = x[Σ i_k · strides[k]] for the output's row-major index (i₀, …).
@_specialize(where S == Float)
@_specialize(where S == Double)
func permuteCopy<S: TensorScalar>(_ x: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>, shape: [Int], strides: [Int], accumulate: Bool) {
    let rank = shape.count
    let count = shape.reduce(1, *)
    if count == 0 { return }
    if rank == 0 { out[0] = accumulate ? out[0] + x[0] : x[0]; return }
    let inner = shape[rank - 1], innerStride = strides[rank - 1]
    forEachStridedRow(shape: shape, strides: strides) { dst, src in
        for j in 0..<inner {
            if accumulate { out[dst + j] += x[src + j * innerStride] } else { out[dst + j] = x[src + j * innerStride] }
        }
    }
}

/// The adjoint of `permuteCopy`: dx[Σ i_k · strides[k]] += g[i₀, …].
@_specialize(where S == Float)
@_specialize(where S == Double)
func scatterPermuted<S: TensorScalar>(_ g: UnsafePointer<S>, _ dx: UnsafeMutablePointer<S>, shape: [Int], strides: [Int]) {
    let rank = shape.count
    let count = shape.reduce(1, *)
    if count == 0 { return }
    if rank == 0 { dx[0] += g[0]; return }
    let inner = shape[rank - 1], innerStride = strides[rank - 1]
    forEachStridedRow(shape: shape, strides: strides) { src, dst in
        for j in 0..<inner { dx[dst + j * innerStride] += g[src + j] }
    }
}
