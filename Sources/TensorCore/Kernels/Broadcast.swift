/// NumPy broadcasting of two shapes, with the axes coalesced so that inner loops run over
/// the longest contiguous stretch.
///
/// Shapes are aligned on the right; an axis of size 1 (or a missing axis) is repeated. Each
/// operand gets element strides over the output's axes, 0 where it is broadcast.
struct BroadcastPlan: Sendable {
    /// Output shape (uncoalesced), as the op reports it.
    let shape: [Int]
    /// Coalesced loop sizes and strides (output is contiguous).
    let sizes: [Int]
    let stridesA: [Int]
    let stridesB: [Int]

    init(_ a: [Int], _ b: [Int], op: String) {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            precondition(
                pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1,
                "\(op): shapes \(a) and \(b) do not broadcast (axis \(i): \(pa[i]) vs \(pb[i]))")
            out[i] = pa[i] == 1 ? pb[i] : pa[i]
        }
        shape = out
        func strides(_ s: [Int]) -> [Int] {
            var r = [Int](repeating: 0, count: rank)
            var acc = 1
            for i in stride(from: rank - 1, through: 0, by: -1) {
                r[i] = s[i] == 1 && out[i] != 1 ? 0 : acc
                acc *= s[i]
            }
            return r
        }
        let sa = strides(pa), sb = strides(pb)
        // Coalesce axis i into i+1 when both operands step through them as one axis.
        var sizes: [Int] = [], ca: [Int] = [], cb: [Int] = []
        for i in 0..<rank where out[i] != 1 {
            if let last = sizes.indices.last, ca[last] == sa[i] * out[i], cb[last] == sb[i] * out[i] {
                sizes[last] *= out[i]
                ca[last] = sa[i]
                cb[last] = sb[i]
            } else {
                sizes.append(out[i]); ca.append(sa[i]); cb.append(sb[i])
            }
        }
        if sizes.isEmpty { sizes = [1]; ca = [0]; cb = [0] }
        self.sizes = sizes
        stridesA = ca
        stridesB = cb
    }

    var count: Int { sizes.reduce(1, *) }

    /// Calls `row(outOffset, aOffset, bOffset)` for every run of the last coalesced axis
    /// (length `sizes.last`, operand strides `stridesA.last`, `stridesB.last`).
    @inline(__always)
    func forEachRow(_ row: (Int, Int, Int) -> Void) {
        let rank = sizes.count
        let inner = sizes[rank - 1]
        if rank == 1 { row(0, 0, 0); return }
        var index = [Int](repeating: 0, count: rank - 1)
        var offA = 0, offB = 0, out = 0
        let rows = count / inner
        for _ in 0..<rows {
            row(out, offA, offB)
            out += inner
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offA += stridesA[axis]
                offB += stridesB[axis]
                if index[axis] < sizes[axis] { break }
                offA -= stridesA[axis] * sizes[axis]
                offB -= stridesB[axis] * sizes[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
