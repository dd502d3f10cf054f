/// Sums, means and maxima over axes.
extension Variable {
    /// Normalises negative axes and checks the range.
    func resolveAxis(_ axis: Int, _ op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "\(op): axis \(axis) out of range for shape \(shape)")
        return a
    }

    private func reduceAxis(_ axis: Int, keepDims: Bool, scale: Scalar) -> Variable {
        let x = self, xv = value
        let (outer, n, inner) = splitShape(xv.shape, axis: axis)
        var outShape = xv.shape
        if keepDims { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        let out = tape.makeTensor(outShape)
        sumAxisForward(xv.ptr, out.mptr, outer: outer, n: n, inner: inner)
        if scale != 1 { affineForward(out.ptr, out.mptr, out.count, scale, 0) }
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { sumAxisBackward(g.ptr, $0, outer: outer, n: n, inner: inner, scale: scale) }
        }
    }

    /// Σ over the given axes (all axes when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        var result = self
        let resolved = Set((axes ?? Array(0..<rank)).map { resolveAxis($0, "sum") }).sorted(by: >)
        for a in resolved { result = result.reduceAxis(a, keepDims: keepDims, scale: 1) }
        if resolved.isEmpty { result = result.affine(scale: 1) }
        return result
    }

    /// Σ over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Variable { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over the given axes (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let resolved = Set((axes ?? Array(0..<rank)).map { resolveAxis($0, "mean") }).sorted(by: >)
        let n = resolved.reduce(1) { $0 * shape[$1] }
        precondition(n > 0, "mean: reducing over an empty axis of \(shape)")
        return sum(axes: resolved, keepDims: keepDims) * (1 / Scalar(n))
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Variable { mean(axes: [axis], keepDims: keepDims) }

    /// Maximum over one axis; the gradient goes to the first maximal element.
    public func max(axis: Int, keepDims: Bool = false) -> Variable {
        let a = resolveAxis(axis, "max")
        let x = self, xv = value
        let (outer, n, inner) = splitShape(xv.shape, axis: a)
        precondition(n > 0, "max: empty axis \(axis) in \(xv.shape)")
        var outShape = xv.shape
        if keepDims { outShape[a] = 1 } else { outShape.remove(at: a) }
        let out = tape.makeTensor(outShape)
        var arg = [Int32](repeating: 0, count: outer * inner)
        arg.withUnsafeMutableBufferPointer { maxAxisForward(xv.ptr, out.mptr, $0.baseAddress!, outer: outer, n: n, inner: inner) }
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { dx in
                for o in 0..<outer {
                    for i in 0..<inner { dx[(o * n + Int(arg[o * inner + i])) * inner + i] += g.ptr[o * inner + i] }
                }
            }
        }
    }
}
