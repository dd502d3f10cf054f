/// Broadcasting arithmetic, unary functions and scalar affine maps on tape variables.
extension Variable {
    private static func binary(_ op: BinaryOp, _ a: Variable, _ b: Variable, name: String) -> Variable {
        precondition(a.tape === b.tape, "\(name): operands on different tapes")
        let tape = a.tape
        let av = a.value, bv = b.value
        let plan = BroadcastPlan(av.shape, bv.shape, op: name)
        let out = tape.makeTensor(plan.shape)
        binaryForward(op, plan, av.ptr, bv.ptr, out.mptr)
        let passA = (op == .add || op == .sub) && av.count == plan.count  // ∂(a ± b)/∂a = 1, no broadcast
        let passB = op == .add && bv.count == plan.count
        return tape.record(out, inputs: [a, b]) { tape, g in
            if passA {
                tape.accumulateGradient(a, adding: g)
            } else {
                tape.accumulateGradient(a) { binaryBackward(op, plan, intoA: true, g.ptr, av.ptr, bv.ptr, $0) }
            }
            if passB {
                tape.accumulateGradient(b, adding: g)
            } else {
                tape.accumulateGradient(b) { binaryBackward(op, plan, intoA: false, g.ptr, av.ptr, bv.ptr, $0) }
            }
        }
    }

    /// a + b with broadcasting.
    public static func + (a: Variable, b: Variable) -> Variable { binary(.add, a, b, name: "+") }
    /// a − b with broadcasting.
    public static func - (a: Variable, b: Variable) -> Variable { binary(.sub, a, b, name: "-") }
    /// a ⊙ b (element-wise) with broadcasting.
    public static func * (a: Variable, b: Variable) -> Variable { binary(.mul, a, b, name: "*") }
    /// a ⊘ b (element-wise) with broadcasting.
    public static func / (a: Variable, b: Variable) -> Variable { binary(.div, a, b, name: "/") }

    /// α·x + β element-wise.
    public func affine(scale alpha: Scalar, shift beta: Scalar = 0) -> Variable {
        let x = self, xv = value
        let out = tape.makeTensor(xv.shape)
        affineForward(xv.ptr, out.mptr, xv.count, alpha, beta)
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { scaledAccumulate(g.ptr, $0, g.count, alpha) }
        }
    }

    public static func * (a: Variable, s: Scalar) -> Variable { a.affine(scale: s) }
    public static func * (s: Scalar, a: Variable) -> Variable { a.affine(scale: s) }
    public static func / (a: Variable, s: Scalar) -> Variable { a.affine(scale: 1 / s) }
    public static func + (a: Variable, s: Scalar) -> Variable { a.affine(scale: 1, shift: s) }
    public static func - (a: Variable, s: Scalar) -> Variable { a.affine(scale: 1, shift: -s) }
    public static prefix func - (a: Variable) -> Variable { a.unary(.negate) }

    func unary(_ op: UnaryOp) -> Variable {
        let x = self, xv = value
        let out = tape.makeTensor(xv.shape)
        unaryForward(op, xv.ptr, out.mptr, xv.count)
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { unaryBackward(op, g.ptr, xv.ptr, out.ptr, $0, g.count) }
        }
    }

    /// eˣ element-wise.
    public func exp() -> Variable { unary(.exp) }
    /// ln x element-wise.
    public func log() -> Variable { unary(.log) }
    /// tanh x element-wise.
    public func tanh() -> Variable { unary(.tanh) }
    /// GELU, tanh approximation as in GPT-2: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Double's
    /// forward pass keeps the tanh values for the backward pass; Float's backward kernel
    /// recomputes them from x (the same values, and a pass over memory less each way).
    public func gelu() -> Variable {
        let x = self, xv = value
        let out = tape.makeTensor(xv.shape), t = Scalar.self == Float.self ? nil : tape.scratch(xv.shape)
        geluForward(xv.ptr, out.mptr, t?.mptr, xv.count)
        return tape.record(out, inputs: [x]) { tape, g in
            tape.updateGradient(x) { dx, accumulate in geluBackward(g.ptr, xv.ptr, t?.ptr, dx, g.count, accumulate: accumulate) }
        }
    }
    /// 1/(1 + e⁻ˣ).
    public func sigmoid() -> Variable { unary(.sigmoid) }
    /// max(x, 0); the gradient at 0 is 0.
    public func relu() -> Variable { unary(.relu) }
    /// √x.
    public func sqrt() -> Variable { unary(.sqrt) }
    /// x².
    public func squared() -> Variable { unary(.square) }
}
