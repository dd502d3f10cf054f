import Testing

@testable import Models
@testable import TensorCore

/// The fused LM head + cross-entropy against the composition it replaces (`matmul` then
/// `crossEntropy`): loss, dX and dW, tied (W is (V, C), used transposed) and untied (W is
/// (C, V)), with ignored rows, chunks that do not divide the rows, and an incoming gradient ≠ 1.
@Suite struct LMHeadCrossEntropyTests {
    static func run<S: TensorScalar>(
        _ x: Tensor<S>, _ w: Tensor<S>, transposed: Bool, targets: [Int32], fused: Bool,
        chunk: Int, seed: S
    ) -> (S, Tensor<S>, Tensor<S>) {
        let tape = Tape<S>()
        let xv = tape.variable(x), wv = tape.variable(w)
        let loss =
            fused
            ? xv.lmHeadCrossEntropy(weight: wv, transposedWeight: transposed, targets: targets, chunkRows: chunk)
            : xv.matmul(wv, transposeOther: transposed).reshaped([targets.count, transposed ? w.shape[0] : w.shape[1]])
                .crossEntropy(targets: targets)
        tape.backward(from: loss, seed: seed)
        return (loss.value.scalar, xv.gradient ?? .zeros(x.shape), wv.gradient ?? .zeros(w.shape))  // nil: no counted row
    }

    static func gap<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
        var worst = 0.0, scale = 0.0
        for i in 0..<a.count {
            worst = max(worst, abs(Double(a.scalars[i]) - Double(b.scalars[i])))
            scale = max(scale, abs(Double(b.scalars[i])))
        }
        return worst / max(scale, 1e-300)
    }

    /// (rows as (B, T), width, vocabulary, chunk): one chunk, several with a partial last one, chunk of 1.
    static let cases: [(b: Int, t: Int, c: Int, v: Int, chunk: Int)] = [(2, 5, 8, 11, 256), (3, 7, 6, 13, 4), (1, 9, 5, 7, 1)]

    @Test(arguments: [true, false])
    func doubleMatchesTheComposition(transposed: Bool) {
        for (i, s) in Self.cases.enumerated() {
            var rng = SeededRNG(seed: UInt64(10 + i))
            let x = Tensor<Double>.randomNormal([s.b, s.t, s.c], std: 1, rng: &rng)
            let w = Tensor<Double>.randomNormal(transposed ? [s.v, s.c] : [s.c, s.v], std: 0.7, rng: &rng)
            let targets: [Int32] = (0..<(s.b * s.t)).map { r in r % 4 == 3 ? -1 : Int32(rng.int(below: s.v)) }
            let fused = Self.run(x, w, transposed: transposed, targets: targets, fused: true, chunk: s.chunk, seed: 0.5)
            let plain = Self.run(x, w, transposed: transposed, targets: targets, fused: false, chunk: s.chunk, seed: 0.5)
            #expect(abs(fused.0 - plain.0) <= 1e-13 * abs(plain.0), "loss \(fused.0) vs \(plain.0)")
            #expect(Self.gap(fused.1, plain.1) <= 1e-13, "dX, case \(i)")
            #expect(Self.gap(fused.2, plain.2) <= 1e-13, "dW, case \(i)")
            #expect(fused.1.shape == x.shape && fused.2.shape == w.shape)
        }
    }

    /// Float (the C cross-entropy kernel and sgemm): to single precision at a training-like size.
    @Test func floatMatchesTheComposition() {
        var rng = SeededRNG(seed: 3)
        let (n, c, v) = (600, 32, 301)
        let x = Tensor<Float>.randomNormal([n, c], std: 1, rng: &rng)
        let w = Tensor<Float>.randomNormal([v, c], std: 0.3, rng: &rng)
        let targets: [Int32] = (0..<n).map { _ in Int32(rng.int(below: v)) }
        let fused = Self.run(x, w, transposed: true, targets: targets, fused: true, chunk: 256, seed: 1)
        let plain = Self.run(x, w, transposed: true, targets: targets, fused: false, chunk: 256, seed: 1)
        #expect(abs(fused.0 - plain.0) <= 1e-5 * abs(plain.0))
        #expect(Self.gap(fused.1, plain.1) <= 1e-5 && Self.gap(fused.2, plain.2) <= 1e-5)
    }

    /// No counted row: loss 0 and zero gradients, as the composition.
    @Test func allRowsIgnoredGivesZero() {
        var rng = SeededRNG(seed: 4)
        let x = Tensor<Double>.randomNormal([3, 4], std: 1, rng: &rng), w = Tensor<Double>.randomNormal([5, 4], std: 1, rng: &rng)
        let fused = Self.run(x, w, transposed: true, targets: [-1, -1, -1], fused: true, chunk: 2, seed: 1)
        #expect(fused.0 == 0 && fused.1.scalars.allSatisfy { $0 == 0 } && fused.2.scalars.allSatisfy { $0 == 0 })
    }
}
