import Foundation
import Testing

@testable import TensorCore

@Suite struct TensorTests {
    @Test func copyOnWriteKeepsValueSemantics() {
        var a = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = a
        a[0, 1] = 9
        #expect(b.scalars == [1, 2, 3, 4])
        #expect(a.scalars == [1, 9, 3, 4])
        let r = a.reshaped([4])
        #expect(r.buffer === a.buffer)
        #expect(a.reshaped([-1, 1]).shape == [4, 1])
    }

    @Test func broadcastValues() {
        let tape = Tape<Double>()
        let a = tape.constant(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        let b = tape.constant(Tensor(shape: [3], scalars: [10, 20, 30]))
        let c = tape.constant(Tensor(shape: [2, 1], scalars: [100, 200]))
        #expect((a + b).value.scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * c).value.scalars == [100, 200, 300, 800, 1000, 1200])
        #expect((b - c).value.shape == [2, 3])
        #expect(a.permuted([1, 0]).value.scalars == [1, 4, 2, 5, 3, 6])
        #expect(a.sum(axis: 0).value.scalars == [5, 7, 9])
        #expect(a.max(axis: 1).value.scalars == [3, 6])
    }

    @Test func tapeReusesStorageAfterReset() {
        let tape = Tape<Float>()
        let p = Parameter<Float>("w", Tensor(shape: [64, 64], repeating: 0.01))
        var pooled: [Int] = []
        for _ in 0..<3 {
            let x = tape.constant(Tensor(shape: [8, 64], repeating: 1))
            let y = x.matmul(tape.parameter(p)).tanh().sum()
            tape.backward(from: y)
            tape.reset()
            pooled.append(tape.pooledBytes)
        }
        #expect(pooled[1] == pooled[2] && pooled[0] > 0)
        #expect(p.grad.scalars.allSatisfy { $0 > 0 })
    }

    @Test func wrongBackwardIsCaughtByGradientCheck() {
        // A deliberately wrong gradient (off by a factor 1.01) must fail the check.
        let x = Tensor<Double>(shape: [3], scalars: [0.3, -0.7, 1.1])
        let error = GradientCheck.maxRelativeError([x]) { tape, v in
            let value = v[0].value
            var out = Tensor<Double>(shape: value.shape)
            out.withUnsafeMutableBufferPointer { o in for i in 0..<3 { o[i] = value.scalars[i] * value.scalars[i] } }
            let input = v[0]
            return tape.record(out, inputs: [input]) { tape, g in
                tape.accumulateGradient(input) { d in for i in 0..<3 { d[i] += 2.02 * value.scalars[i] * g.scalars[i] } }
            }
        }
        #expect(error > 1e-3)
    }

    @Test func rngIsDeterministicAndNormal() {
        var a = SeededRNG(seed: 42), b = SeededRNG(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var c = SeededRNG(seed: 42).stream(1), d = SeededRNG(seed: 42).stream(2)
        #expect(c.next() != d.next())
        // A stream of a stream is not one of the parent's streams.
        var nested = SeededRNG(seed: 42).stream(1).stream(1), sibling = SeededRNG(seed: 42).stream(1)
        var other = SeededRNG(seed: 42).stream(2)
        let first = nested.next()
        #expect(first != sibling.next() && first != other.next())
        var rng = SeededRNG(seed: 7)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0, sum4 = 0.0
        for _ in 0..<n { let x = rng.normal(); sum += x; sumSq += x * x; sum4 += x * x * x * x }
        #expect(abs(sum / Double(n)) < 5 / sqrt(Double(n)))
        #expect(abs(sumSq / Double(n) - 1) < 5 * sqrt(2 / Double(n)))
        #expect(abs(sum4 / Double(n) - 3) < 5 * sqrt(96 / Double(n)))
        var counts = [0, 0, 0]
        for _ in 0..<30_000 { counts[rng.categorical(weights: [1, 2, 3])] += 1 }
        #expect(abs(Double(counts[2]) / 30_000 - 0.5) < 0.015)
        #expect(rng.permutation(10).sorted() == Array(0..<10))
    }

    @Test func blasUsesAFastKernelWhenTheCPUHasOne() {
        BLASRuntime.ensureConfigured()
        let selection = BLASRuntime.kernelSelection
        #expect(BLASRuntime.rank(ofKernel: "Prescott") < BLASRuntime.rank(ofKernel: "SkylakeX"))
        #expect(BLASRuntime.rank(ofKernel: "SapphireRapidsFuture") > BLASRuntime.rank(ofKernel: "Cooperlake"))
        let environment = ProcessInfo.processInfo.environment
        if environment["OPENBLAS_CORETYPE"] == nil && environment["ATTNLAB_BLAS_KERNEL"] == nil,
            let best = BLASRuntime.bestSupportedKernel
        {
            #expect(
                BLASRuntime.rank(ofKernel: selection.active) >= BLASRuntime.rank(ofKernel: best),
                "active \(selection.active), CPU supports \(best): \(selection.reason)")
        }
    }
}
