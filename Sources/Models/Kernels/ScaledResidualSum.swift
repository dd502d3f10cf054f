import TensorCore

/// The QSF block's residual update h + Koopman(x) + γ·LinAttn(x) (seed 001 Stage III; `Block`)
/// as one element-wise pass, with γ a learned scalar:
///
///     y = a + b + γ·c                    a, b, c, y of one shape, γ of shape [1]
///     ∂a = ∂b = ∂y,   ∂c = γ·∂y,   ∂γ = Σᵢ ∂yᵢ cᵢ
///
/// The composition `a + (b + c * γ)` costs three passes forward and a broadcast reduction
/// with a loop-carried sum backward; here the forward is one pass and the backward one scaled
/// copy plus one dot product (∂a and ∂b take ∂y's storage). The tests compare the two.
extension Variable {
    /// self + b + γ·c, γ of shape [1].
    public func adding(_ b: Variable, plus c: Variable, scaledBy gamma: Variable) -> Variable {
        let a = self, av = value, bv = b.value, cv = c.value, gv = gamma.value
        precondition(
            av.shape == bv.shape && av.shape == cv.shape,
            "adding(_:plus:scaledBy:): a, b, c must share a shape, got \(av.shape), \(bv.shape), \(cv.shape)")
        precondition(gv.count == 1, "adding(_:plus:scaledBy:): γ must hold one scalar, got shape \(gv.shape)")
        let n = av.count, gammaValue = gv.ptr[0]
        let out = tape.makeTensor(av.shape)
        scaledSumForward(av.ptr, bv.ptr, cv.ptr, gammaValue, out.mptr, n)
        return tape.record(out, inputs: [a, b, c, gamma]) { tape, g in
            tape.accumulateGradient(a, adding: g)
            tape.accumulateGradient(b, adding: g)
            tape.accumulateGradient(c) { scaledSumAccumulate(g.ptr, gammaValue, $0, n) }
            guard tape.requiresGradient(gamma) else { return }
            let sum = scaledSumDot(g.ptr, cv.ptr, n)
            tape.accumulateGradient(gamma) { $0[0] += Scalar(sum) }
        }
    }
}

/// Pieces the element-wise work and the γ reduction of n elements are cut into: a function of
/// n alone (one piece below 2¹⁵ elements, else 16), so the reduction's order (hence its
/// rounding) does not depend on the thread count.
@inline(__always)
func scaledSumPieces(_ n: Int) -> Int { n < 1 << 15 ? 1 : 16 }

/// y = a + b + γ·c over n elements.
@_specialize(where S == Float)
@_specialize(where S == Double)
func scaledSumForward<S: TensorScalar>(
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ c: UnsafePointer<S>, _ gamma: S,
    _ y: UnsafeMutablePointer<S>, _ n: Int
) {
    let (pa, pb, pc, py) = (
        UnsafeSendablePointer(UnsafeMutablePointer(mutating: a)), UnsafeSendablePointer(UnsafeMutablePointer(mutating: b)),
        UnsafeSendablePointer(UnsafeMutablePointer(mutating: c)), UnsafeSendablePointer(y)
    )
    let pieces = scaledSumPieces(n)
    Parallel.forEach(pieces) { piece in
        let lo = n * piece / pieces, hi = n * (piece + 1) / pieces
        let a = pa.pointer, b = pb.pointer, c = pc.pointer, y = py.pointer
        for i in lo..<hi { y[i] = a[i] + b[i] + gamma * c[i] }
    }
}

/// dc += γ·g over n elements.
@_specialize(where S == Float)
@_specialize(where S == Double)
func scaledSumAccumulate<S: TensorScalar>(_ g: UnsafePointer<S>, _ gamma: S, _ dc: UnsafeMutablePointer<S>, _ n: Int) {
    let (pg, pd) = (UnsafeSendablePointer(UnsafeMutablePointer(mutating: g)), UnsafeSendablePointer(dc))
    let pieces = scaledSumPieces(n)
    Parallel.forEach(pieces) { piece in
        let lo = n * piece / pieces, hi = n * (piece + 1) / pieces
        let g = pg.pointer, d = pd.pointer
        for i in lo..<hi { d[i] += gamma * g[i] }
    }
}

/// Σᵢ xᵢ yᵢ over n elements: per-piece sums in Double, added in piece order.
@_specialize(where S == Float)
@_specialize(where S == Double)
func scaledSumDot<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafePointer<S>, _ n: Int) -> Double {
    let pieces = scaledSumPieces(n)
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: pieces) { partial in
        let (px, py, pp) = (
            UnsafeSendablePointer(UnsafeMutablePointer(mutating: x)),
            UnsafeSendablePointer(UnsafeMutablePointer(mutating: y)), UnsafeSendablePointer(partial.baseAddress!)
        )
        Parallel.forEach(pieces) { piece in
            let lo = n * piece / pieces, hi = n * (piece + 1) / pieces
            pp[piece] = pieceDot(px.pointer + lo, py.pointer + lo, hi - lo)
        }
        return partial.reduce(0, +)
    }
}

/// Σᵢ xᵢ yᵢ over n elements, in Double with four interleaved partial sums.
@_specialize(where S == Float)
@_specialize(where S == Double)
func pieceDot<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafePointer<S>, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var i = 0
    while i + 4 <= n {
        s0 += Double(x[i]) * Double(y[i])
        s1 += Double(x[i + 1]) * Double(y[i + 1])
        s2 += Double(x[i + 2]) * Double(y[i + 2])
        s3 += Double(x[i + 3]) * Double(y[i + 3])
        i += 4
    }
    while i < n { s0 += Double(x[i]) * Double(y[i]); i += 1 }
    return (s0 + s1) + (s2 + s3)
}
