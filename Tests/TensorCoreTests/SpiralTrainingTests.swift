import Foundation
import Testing

@testable import TensorCore

/// A tiny MLP must learn the three-arm 2-D spiral (cs231n's classic non-linear toy problem)
/// with AdamW + OneCycle: a test that the tape, the ops and the optimizer work together.
@Suite struct SpiralTrainingTests {
    static func spiral(pointsPerClass n: Int, classes: Int, rng: inout SeededRNG) -> (Tensor<Float>, [Int32]) {
        var xs: [Float] = [], ys: [Int32] = []
        for c in 0..<classes {
            for i in 0..<n {
                let r = Double(i) / Double(n)
                let t = Double(c) * 4 + 4 * r + 0.2 * rng.normal()
                xs += [Float(r * sin(t)), Float(r * cos(t))]
                ys.append(Int32(c))
            }
        }
        return (Tensor(shape: [n * classes, 2], scalars: xs), ys)
    }

    @Test func mlpLearnsTheSpiral() {
        var rng = SeededRNG(seed: 2024)
        let (x, y) = Self.spiral(pointsPerClass: 100, classes: 3, rng: &rng)
        let h = 64
        let params = [
            Parameter("w1", Tensor<Float>.randomNormal([2, h], std: 1, rng: &rng)),
            Parameter("b1", Tensor<Float>.zeros([h])),
            Parameter("w2", Tensor<Float>.randomNormal([h, h], std: 1 / Double(h).squareRoot(), rng: &rng)),
            Parameter("b2", Tensor<Float>.zeros([h])),
            Parameter("w3", Tensor<Float>.randomNormal([h, 3], std: 1 / Double(h).squareRoot(), rng: &rng)),
            Parameter("b3", Tensor<Float>.zeros([3])),
        ]
        let steps = 400
        let schedule = OneCycleSchedule(maxLR: 0.02, totalSteps: steps)
        var adam = AdamW<Float>(weightDecay: 1e-4)
        let tape = Tape<Float>()
        func logits() -> Variable<Float> {
            let p = params.map { tape.parameter($0) }
            let input = tape.constant(x)
            let h1 = (input.matmul(p[0]) + p[1]).tanh()
            let h2 = (h1.matmul(p[2]) + p[3]).gelu()
            return h2.matmul(p[4]) + p[5]
        }
        var first = 0.0, last = 0.0
        for step in 0..<steps {
            params.forEach { $0.zeroGrad() }
            let loss = logits().crossEntropy(targets: y)
            if step == 0 { first = Double(loss.value.scalar) }
            last = Double(loss.value.scalar)
            tape.backward(from: loss)
            tape.reset()
            GradientClipping.clip(params, maxNorm: 1)
            adam.update(params, learningRate: schedule.learningRate(at: step), beta1: schedule.momentum(at: step))
        }
        tape.recordsGradients = false
        let out = logits().value
        var correct = 0
        for i in 0..<y.count {
            let row = (0..<3).map { out[i, $0] }
            if row.firstIndex(of: row.max()!) == Int(y[i]) { correct += 1 }
        }
        let accuracy = Double(correct) / Double(y.count)
        #expect(first > 1.0 && last < 0.15, "loss \(first) → \(last)")
        #expect(accuracy > 0.95, "accuracy \(accuracy)")
    }
}
