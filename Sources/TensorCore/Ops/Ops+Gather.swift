/// Row gathering (embedding lookup) and masking.
extension Variable {
    /// Rows of a (V, C) table: result (indices.count, C), reshaped to `shape + [C]` when given.
    /// The gradient scatter-adds into the table's rows.
    public func gatherRows(_ indices: [Int32], shape: [Int]? = nil) -> Variable {
        let table = self, tv = value
        precondition(tv.rank == 2, "gatherRows: table must be (V, C), got \(tv.shape)")
        let (v, c) = (tv.shape[0], tv.shape[1])
        precondition(indices.allSatisfy { $0 >= 0 && Int($0) < v }, "gatherRows: an index is outside 0..<\(v)")
        let outShape = (shape ?? [indices.count]) + [c]
        precondition(outShape.reduce(1, *) == indices.count * c, "gatherRows: shape \(shape ?? []) for \(indices.count) indices")
        let out = tape.makeTensor(outShape)
        for (r, i) in indices.enumerated() { (out.mptr + r * c).copy(from: tv.ptr + Int(i) * c, count: c) }
        return tape.record(out, inputs: [table]) { tape, g in
            tape.accumulateGradient(table) { dt in
                for (r, i) in indices.enumerated() { scaledAccumulate(g.ptr + r * c, dt + Int(i) * c, c, 1) }
            }
        }
    }

    /// Replaces entries where `mask` is true with `fill` (gradient 0 there). `mask` covers the
    /// last `maskShape.count` axes and is repeated over the leading ones.
    public func masked(_ mask: [Bool], maskShape: [Int], fill: Scalar) -> Variable {
        let x = self, xv = value
        precondition(mask.count == maskShape.reduce(1, *), "masked: mask of \(mask.count) for shape \(maskShape)")
        precondition(Array(xv.shape.suffix(maskShape.count)) == maskShape, "masked: mask shape \(maskShape) does not end \(xv.shape)")
        let period = mask.count
        let out = tape.makeTensor(xv.shape)
        for i in 0..<xv.count { out.mptr[i] = mask[i % period] ? fill : xv.ptr[i] }
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { dx in
                for i in 0..<g.count where !mask[i % period] { dx[i] += g.ptr[i] }
            }
        }
    }

    /// Causal mask on the last two axes (T, T): entries above the diagonal become `fill`.
    public func causallyMasked(fill: Scalar = -.infinity) -> Variable {
        precondition(rank >= 2 && shape[rank - 1] == shape[rank - 2], "causallyMasked: needs (…, T, T), got \(shape)")
        let t = shape[rank - 1]
        var mask = [Bool](repeating: false, count: t * t)
        for i in 0..<t { for j in (i + 1)..<Swift.max(i + 1, t) { mask[i * t + j] = true } }
        return masked(mask, maskShape: [t, t], fill: fill)
    }
}
