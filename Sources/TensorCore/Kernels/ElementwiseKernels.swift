import CLinearAlgebra
import RealModule

/// Element-wise kernels. Each is generic and pre-specialised for Float and Double, so calls
/// from unspecialised generic code (and from other modules) run the specialised loop.

enum BinaryOp: Sendable { case add, sub, mul, div }

/// out = a ∘ b with broadcasting. Operands of one shape (a single contiguous run) take a
/// unit-stride loop that vectorises, split over the cores when large (element-wise: the same
/// result on any thread count).
@_specialize(where S == Float)
@_specialize(where S == Double)
func binaryForward<S: TensorScalar>(
    _ op: BinaryOp, _ plan: BroadcastPlan,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>
) {
    let n = plan.sizes.last!, sa = plan.stridesA.last!, sb = plan.stridesB.last!
    if plan.sizes.count == 1 && sa == 1 && sb == 1 {
        let pa = UnsafeSendablePointer(UnsafeMutablePointer(mutating: a)), pb = UnsafeSendablePointer(UnsafeMutablePointer(mutating: b))
        let po = UnsafeSendablePointer(out)
        chunked(n) { r in
            let x = pa.pointer, y = pb.pointer, z = po.pointer
            switch op {
            case .add: for j in r { z[j] = x[j] + y[j] }
            case .sub: for j in r { z[j] = x[j] - y[j] }
            case .mul: for j in r { z[j] = x[j] * y[j] }
            case .div: for j in r { z[j] = x[j] / y[j] }
            }
        }
        return
    }
    plan.forEachRow { o, ia, ib in
        let x = a + ia, y = b + ib, z = out + o
        switch op {
        case .add: for j in 0..<n { z[j] = x[j * sa] + y[j * sb] }
        case .sub: for j in 0..<n { z[j] = x[j * sa] - y[j * sb] }
        case .mul: for j in 0..<n { z[j] = x[j * sa] * y[j * sb] }
        case .div: for j in 0..<n { z[j] = x[j * sa] / y[j * sb] }
        }
    }
}

/// Gradient of a binary op into operand A (`intoA`) or B, summing over broadcast axes:
/// add: dA += g, dB += g; sub: dA += g, dB −= g; mul: dA += g·b, dB += g·a;
/// div: dA += g/b, dB −= g·a/b². Operands of one shape take a unit-stride loop split over
/// the cores (no sums over broadcast axes there, so the result is independent of threads).
@_specialize(where S == Float)
@_specialize(where S == Double)
func binaryBackward<S: TensorScalar>(
    _ op: BinaryOp, _ plan: BroadcastPlan, intoA: Bool,
    _ g: UnsafePointer<S>, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>,
    _ grad: UnsafeMutablePointer<S>
) {
    let n = plan.sizes.last!, sa = plan.stridesA.last!, sb = plan.stridesB.last!
    if plan.sizes.count == 1 && sa == 1 && sb == 1 {  // one shape: element-wise, split over the cores
        let pg = UnsafeSendablePointer(UnsafeMutablePointer(mutating: g)), pa = UnsafeSendablePointer(UnsafeMutablePointer(mutating: a))
        let pb = UnsafeSendablePointer(UnsafeMutablePointer(mutating: b)), pd = UnsafeSendablePointer(grad)
        chunked(n) { r in
            let gg = pg.pointer, x = pa.pointer, y = pb.pointer, d = pd.pointer
            switch (op, intoA) {
            case (.add, _), (.sub, true): for j in r { d[j] += gg[j] }
            case (.sub, false): for j in r { d[j] -= gg[j] }
            case (.mul, true): for j in r { d[j] += gg[j] * y[j] }
            case (.mul, false): for j in r { d[j] += gg[j] * x[j] }
            case (.div, true): for j in r { d[j] += gg[j] / y[j] }
            case (.div, false): for j in r { let yj = y[j]; d[j] -= gg[j] * x[j] / (yj * yj) }
            }
        }
        return
    }
    plan.forEachRow { o, ia, ib in
        let gg = g + o, x = a + ia, y = b + ib
        if intoA {
            let d = grad + ia
            switch op {
            case .add, .sub: for j in 0..<n { d[j * sa] += gg[j] }
            case .mul: for j in 0..<n { d[j * sa] += gg[j] * y[j * sb] }
            case .div: for j in 0..<n { d[j * sa] += gg[j] / y[j * sb] }
            }
        } else {
            let d = grad + ib
            switch op {
            case .add: for j in 0..<n { d[j * sb] += gg[j] }
            case .sub: for j in 0..<n { d[j * sb] -= gg[j] }
            case .mul: for j in 0..<n { d[j * sb] += gg[j] * x[j * sa] }
            case .div: for j in 0..<n { let yj = y[j * sb]; d[j * sb] -= gg[j] * x[j * sa] / (yj * yj) }
            }
        }
    }
}

enum UnaryOp: Sendable { case exp, log, tanh, gelu, sigmoid, relu, sqrt, square, negate }

/// √(2/π), the constant of GELU's tanh approximation.
let geluScale = 0.7978845608028654

/// Element-wise kernels over more elements than this run on all cores.
let parallelElementThreshold = 1 << 15

/// Runs `body(range)` over 0..<n, split across cores when n is large.
@inline(__always)
func chunked(_ n: Int, _ body: @Sendable (Range<Int>) -> Void) {
    if n < parallelElementThreshold { body(0..<n) } else { Parallel.forEachChunk(n, body) }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func unaryForward<S: TensorScalar>(_ op: UnaryOp, _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int) {
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x)), py = UnsafeSendablePointer(y)
    if S.self == Float.self, op == .exp || op == .tanh || op == .sigmoid {
        let fx = UnsafeSendablePointer(UnsafeMutableRawPointer(px.pointer).assumingMemoryBound(to: Float.self))
        let fy = UnsafeSendablePointer(UnsafeMutableRawPointer(py.pointer).assumingMemoryBound(to: Float.self))
        chunked(n) { r in  // the C kernels (vector_kernels.c); FastMath is their reference
            let a = fx.pointer + r.lowerBound, b = fy.pointer + r.lowerBound
            switch op {
            case .exp: alab_exp_f32(a, b, r.count)
            case .tanh: alab_tanh_f32(a, b, r.count)
            default: alab_sigmoid_f32(a, b, r.count)
            }
        }
        return
    }
    chunked(n) { r in
        let x = px.pointer, y = py.pointer
        switch op {
        case .exp: for i in r { y[i] = S.exp(x[i]) }
        case .log: for i in r { y[i] = S.log(x[i]) }
        case .tanh: for i in r { y[i] = S.tanh(x[i]) }
        case .gelu:
            let c = S(geluScale), k = S(0.044715)
            for i in r {
                let v = x[i]
                y[i] = S(0.5) * v * (1 + S.tanh(c * (v + k * v * v * v)))
            }
        case .sigmoid: for i in r { y[i] = 1 / (1 + S.exp(-x[i])) }
        case .relu: for i in r { y[i] = x[i] > 0 ? x[i] : 0 }
        case .sqrt: for i in r { y[i] = x[i].squareRoot() }
        case .square: for i in r { y[i] = x[i] * x[i] }
        case .negate: for i in r { y[i] = -x[i] }
        }
    }
}

/// GELU (tanh form) forward; `t` receives tanh(√(2/π)(x + 0.044715x³)) for the backward pass.
/// Float may pass nil for `t` (its backward recomputes it); Double needs it.
@_specialize(where S == Float)
@_specialize(where S == Double)
func geluForward<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ t: UnsafeMutablePointer<S>?, _ n: Int) {
    let px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x)), py = UnsafeSendablePointer(y)
    if S.self == Float.self {  // the C kernel; FastMath.gelu is its reference
        let pt = t.map(UnsafeSendablePointer.init)
        chunked(n) { r in
            alab_gelu_forward_f32(
                asFloat(px.pointer + r.lowerBound), asFloat(py.pointer + r.lowerBound),
                pt.map { asFloat($0.pointer + r.lowerBound) }, r.count)
        }
        return
    }
    guard let t else { preconditionFailure("geluForward: Double keeps tanh for its backward pass") }
    let pt = UnsafeSendablePointer(t)
    let c = S(geluScale), k = S(0.044715)
    chunked(n) { r in
        for i in r {
            let v = px[i]
            let th = S.tanh(c * (v + k * v * v * v))
            pt[i] = th
            py[i] = S(0.5) * v * (1 + th)
        }
    }
}

/// dx += g · GELU′(x) from the saved tanh values, or dx = g · GELU′(x) when not `accumulate`
/// (Float: the C kernel, which recomputes the tanh values from x, exactly, when `t` is nil).
@_specialize(where S == Float)
@_specialize(where S == Double)
func geluBackward<S: TensorScalar>(
    _ g: UnsafePointer<S>, _ x: UnsafePointer<S>, _ t: UnsafePointer<S>?,
    _ dx: UnsafeMutablePointer<S>, _ n: Int, accumulate: Bool = true
) {
    guard S.self == Float.self else {
        guard let t else { preconditionFailure("geluBackward: Double needs the saved tanh values") }
        return geluBackwardReference(g, x, t, dx, n, accumulate: accumulate)
    }
    let pg = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(g))), px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(x)))
    let pt = t.map { UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat($0))) }, pd = UnsafeSendablePointer(asFloat(dx))
    chunked(n) { r in
        let o = r.lowerBound
        alab_gelu_backward_f32(pg.pointer + o, px.pointer + o, pt.map { $0.pointer + o }, pd.pointer + o, r.count, accumulate ? 1 : 0)
    }
}

/// geluBackward in Swift (Double's kernel; the reference for the Float C kernel).
@_specialize(where S == Float)
@_specialize(where S == Double)
func geluBackwardReference<S: TensorScalar>(
    _ g: UnsafePointer<S>, _ x: UnsafePointer<S>, _ t: UnsafePointer<S>,
    _ dx: UnsafeMutablePointer<S>, _ n: Int, accumulate: Bool = true
) {
    let pg = UnsafeSendablePointer(UnsafeMutablePointer(mutating: g)), px = UnsafeSendablePointer(UnsafeMutablePointer(mutating: x))
    let pt = UnsafeSendablePointer(UnsafeMutablePointer(mutating: t)), pd = UnsafeSendablePointer(dx)
    let c = S(geluScale), k3 = S(3 * 0.044715)
    chunked(n) { r in
        for i in r {
            let v = px[i], th = pt[i]
            let dt = (1 - th * th) * c * (1 + k3 * v * v)
            let d = pg[i] * (S(0.5) * (1 + th) + S(0.5) * v * dt)
            pd[i] = accumulate ? pd[i] + d : d
        }
    }
}

/// dx += g · f′(x), using the saved input x and output y.
@_specialize(where S == Float)
@_specialize(where S == Double)
func unaryBackward<S: TensorScalar>(
    _ op: UnaryOp, _ g: UnsafePointer<S>, _ x: UnsafePointer<S>, _ y: UnsafePointer<S>,
    _ dx: UnsafeMutablePointer<S>, _ n: Int
) {
    switch op {
    case .exp: for i in 0..<n { dx[i] += g[i] * y[i] }
    case .log: for i in 0..<n { dx[i] += g[i] / x[i] }
    case .tanh: for i in 0..<n { dx[i] += g[i] * (1 - y[i] * y[i]) }
    case .gelu:
        let c = S(geluScale), k = S(0.044715)
        for i in 0..<n {
            let v = x[i]
            let t = S.tanh(c * (v + k * v * v * v))
            let dt = (1 - t * t) * c * (1 + 3 * k * v * v)
            dx[i] += g[i] * (S(0.5) * (1 + t) + S(0.5) * v * dt)
        }
    case .sigmoid: for i in 0..<n { dx[i] += g[i] * y[i] * (1 - y[i]) }
    case .relu: for i in 0..<n { dx[i] += x[i] > 0 ? g[i] : 0 }
    case .sqrt: for i in 0..<n { dx[i] += g[i] / (2 * y[i]) }
    case .square: for i in 0..<n { dx[i] += 2 * g[i] * x[i] }
    case .negate: for i in 0..<n { dx[i] -= g[i] }
    }
}

/// y = α·x + β.
@_specialize(where S == Float)
@_specialize(where S == Double)
package func affineForward<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int, _ alpha: S, _ beta: S) {
    for i in 0..<n { y[i] = alpha * x[i] + beta }
}

/// dx += α·g.
@_specialize(where S == Float)
@_specialize(where S == Double)
package func scaledAccumulate<S: TensorScalar>(_ g: UnsafePointer<S>, _ dx: UnsafeMutablePointer<S>, _ n: Int, _ alpha: S) {
    for i in 0..<n { dx[i] += alpha * g[i] }
}
