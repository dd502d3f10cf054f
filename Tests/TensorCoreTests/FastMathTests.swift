import Foundation
import Testing

@testable import TensorCore

/// The vectorised Float exp/tanh/GELU against libm, and the Float element-wise ops against
/// their Double reference (fast-vs-naive).
@Suite struct FastMathTests {
    @Test func expMatchesLibmWithinTwoUlp() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let v = FastMath.exp(SIMD8(repeating: x))[0]
            let reference = Foundation.exp(x)
            worst = max(worst, abs(v - reference) / reference.ulp)
            x += 0.0137
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        let special = FastMath.exp(SIMD8<Float>(-.infinity, -200, -87.5, 0, 1, 88.7, 100, -1e-30))
        #expect(special[0] == 0 && special[1] == 0 && special[2] == 0)
        #expect(special[3] == 1 && abs(special[4] - Float(M_E)) <= Float(M_E).ulp)
        #expect(special[5].isFinite && special[6].isFinite && special[7] == 1)
    }

    @Test func tanhAndGeluMatchExactFunctions() {
        var worstTanh: Float = 0, worstGelu: Float = 0
        let xs = stride(from: Float(-12), through: 12, by: 0.001).map { $0 }
        var y = [Float](repeating: 0, count: xs.count), t = y
        xs.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { out in
                t.withUnsafeMutableBufferPointer { th in FastMath.gelu(x.baseAddress!, out.baseAddress!, th.baseAddress!, xs.count) }
            }
        }
        for (i, x) in xs.enumerated() {
            worstTanh = max(worstTanh, abs(FastMath.tanh(SIMD8(repeating: x))[0] - Foundation.tanh(x)))
            let c = Double(geluScale), v = Double(x)
            let gelu = 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v)))
            worstGelu = max(worstGelu, Float(abs(Double(y[i]) - gelu)))
        }
        #expect(worstTanh < 3e-7, "tanh error \(worstTanh)")
        #expect(worstGelu < 3e-6, "GELU error \(worstGelu)")
    }

    @Test func floatOpsAgreeWithTheDoubleReference() {
        var rng = SeededRNG(seed: 3)
        let big = Tensor<Double>.randomUniform([300, 257], low: -6, high: 6, rng: &rng)  // above the parallel threshold
        let weights = Tensor<Double>.randomNormal([300, 257], rng: &rng)
        for op in ["exp", "tanh", "sigmoid", "gelu"] {
            func run<S: TensorScalar>(_ x: Tensor<S>) -> (Tensor<S>, Tensor<S>) {
                let tape = Tape<S>()
                let v = tape.variable(x)
                let y: Variable<S> =
                    switch op {
                    case "exp": v.exp()
                    case "tanh": v.tanh()
                    case "sigmoid": v.sigmoid()
                    default: v.gelu()
                    }
                tape.backward(from: (y * tape.constant(Tensor<S>(weights))).sum())
                return (y.value, v.gradient!)
            }
            let (yd, gd) = run(big)
            let (yf, gf) = run(Tensor<Float>(big))
            let scale = op == "exp" ? Foundation.exp(6.0) : 1
            #expect(Tensor<Double>(yf).maxAbsDifference(yd) / scale < 1e-6, "\(op) value")
            #expect(Tensor<Double>(gf).maxAbsDifference(gd) / scale < 2e-5, "\(op) gradient")
        }
    }
}
