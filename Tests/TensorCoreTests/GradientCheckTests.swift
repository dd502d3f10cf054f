import Testing

@testable import TensorCore

/// Finite-difference gradient checks in Double for every primitive op (STYLE.md habit 9).
@Suite struct GradientCheckTests {
    static let tolerance = 1e-6

    func random(_ shape: [Int], seed: UInt64, low: Double = -1, high: Double = 1) -> Tensor<Double> {
        var rng = SeededRNG(seed: seed)
        return Tensor.randomUniform(shape, low: low, high: high, rng: &rng)
    }

    func check(
        _ inputs: [Tensor<Double>], _ f: (Tape<Double>, [Variable<Double>]) -> Variable<Double>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = GradientCheck.maxRelativeError(inputs, f)
        #expect(error < Self.tolerance, "relative gradient error \(error)", sourceLocation: sourceLocation)
    }

    @Test(
        arguments: [
            ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1, 4], [3, 1]), ([4], [2, 3, 4]), ([2, 3], []), ([1], [5]),
        ] as [([Int], [Int])])
    func broadcastingArithmetic(shapes: ([Int], [Int])) {
        let a = random(shapes.0, seed: 1), b = random(shapes.1, seed: 2, low: 0.5, high: 2)
        check([a, b]) { _, v in v[0] + v[1] }
        check([a, b]) { _, v in v[0] - v[1] }
        check([a, b]) { _, v in v[0] * v[1] }
        check([a, b]) { _, v in v[0] / v[1] }
        check([b, a]) { _, v in v[1] / v[0] }
    }

    @Test func scalarAffine() {
        check([random([3, 4], seed: 3)]) { _, v in (v[0] * 2.5 + 1) / 4 - 0.5 }
        check([random([3, 4], seed: 3)]) { _, v in -v[0] }
    }

    @Test func unaryFunctions() {
        let x = random([2, 5], seed: 4, low: -2, high: 2)
        let positive = random([2, 5], seed: 5, low: 0.2, high: 3)
        check([x]) { _, v in v[0].exp() }
        check([positive]) { _, v in v[0].log() }
        check([x]) { _, v in v[0].tanh() }
        check([x]) { _, v in v[0].gelu() }
        check([x]) { _, v in v[0].sigmoid() }
        check([positive]) { _, v in v[0].relu() }
        check([x.scalars.map { $0 < 0 ? $0 - 0.1 : $0 + 0.1 }].map { Tensor(shape: x.shape, scalars: $0) }) { _, v in v[0].relu() }
        check([positive]) { _, v in v[0].sqrt() }
        check([x]) { _, v in v[0].squared() }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulShared(transposes: (Bool, Bool)) {
        let (tA, tB) = transposes
        let a = random(tA ? [2, 4, 3] : [2, 3, 4], seed: 6)
        let b = random(tB ? [5, 4] : [4, 5], seed: 7)
        check([a, b]) { _, v in v[0].matmul(v[1], transposeSelf: tA, transposeOther: tB) }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulBatched(transposes: (Bool, Bool)) {
        let (tA, tB) = transposes
        let a = random(tA ? [2, 2, 4, 3] : [2, 2, 3, 4], seed: 8)
        let b = random(tB ? [2, 2, 5, 4] : [2, 2, 4, 5], seed: 9)
        check([a, b]) { _, v in v[0].matmul(v[1], transposeSelf: tA, transposeOther: tB) }
    }

    @Test func fusedLinear() {
        let x = random([2, 3, 4], seed: 22), w = random([4, 5], seed: 23), b = random([5], seed: 24)
        check([x, w, b]) { _, v in v[0].linear(v[1], bias: v[2]) }
        check([x, w]) { _, v in v[0].linear(v[1], bias: nil) }
        // equals the composed matmul + broadcast add
        let tape = Tape<Double>()
        let (vx, vw, vb) = (tape.constant(x), tape.constant(w), tape.constant(b))
        #expect(vx.linear(vw, bias: vb).value.maxAbsDifference((vx.matmul(vw) + vb).value) < 1e-14)
    }

    @Test func reductions() {
        let x = random([2, 3, 4], seed: 10)
        check([x]) { _, v in v[0].sum() }
        check([x]) { _, v in v[0].sum(axis: 1) }
        check([x]) { _, v in v[0].sum(axes: [0, 2], keepDims: true) }
        check([x]) { _, v in v[0].mean(axis: -1) }
        check([x]) { _, v in v[0].mean() }
        check([x]) { _, v in v[0].max(axis: 1) }
        check([x]) { _, v in v[0].max(axis: 2, keepDims: true) }
    }

    @Test func shapes() {
        let x = random([2, 3, 4], seed: 11)
        check([x]) { _, v in v[0].reshaped([6, 4]).squared() }
        check([x]) { _, v in v[0].permuted([2, 0, 1]) }
        check([x]) { _, v in v[0].permuted([1, 0, 2]) }
        check([x]) { _, v in v[0].transposedLastTwo() }
        check([x]) { _, v in v[0].sliced(axis: 1, 1..<3) }
        check([x]) { _, v in v[0].sliced(axis: 2, 0..<1) }
        let y = random([2, 2, 4], seed: 12)
        check([x, y]) { _, v in Variable.concatenate([v[0], v[1], v[0]], axis: 1) }
        check([x, y]) { _, v in Variable.concatenate([v[1], v[0]], axis: -2) }
    }

    @Test func gatherAndMask() {
        let table = random([5, 3], seed: 13)
        check([table]) { _, v in v[0].gatherRows([4, 0, 4, 2], shape: [2, 2]) }
        let x = random([2, 3, 3], seed: 14)
        check([x]) { _, v in v[0].causallyMasked(fill: 0) * v[0] }
        check([x]) { _, v in v[0].causallyMasked().softmax() }
    }

    @Test func softmaxFamily() {
        let x = random([3, 6], seed: 15, low: -3, high: 3)
        check([x]) { _, v in v[0].softmax() }
        check([x]) { _, v in v[0].logSoftmax() }
        check([x]) { _, v in v[0].crossEntropy(targets: [2, 5, 0]) }
        check([x]) { _, v in v[0].crossEntropy(targets: [2, -1, 0]) }
    }

    @Test func layerNorm() {
        let x = random([4, 6], seed: 16, low: -2, high: 2)
        let w = random([6], seed: 17, low: 0.5, high: 1.5), b = random([6], seed: 18)
        check([x, w, b]) { _, v in v[0].layerNorm(weight: v[1], bias: v[2]) }
        check([x]) { _, v in v[0].layerNorm(weight: nil, bias: nil) }
    }

    @Test func matrixExponential() {
        // A generator with both oscillatory and dissipative parts, large enough to need squaring.
        var rng = SeededRNG(seed: 19)
        let a = Tensor<Double>.randomNormal([4, 4], std: 1.5, rng: &rng)
        check([a]) { _, v in v[0].matrixExp() }
        check([random([3, 3], seed: 20, low: -0.01, high: 0.01)]) { _, v in v[0].matrixExp() }
    }

    @Test func composedGraphReusesVariables() {
        // A variable used several times accumulates gradients from every use.
        let x = random([3, 3], seed: 21)
        check([x]) { _, v in (v[0].matmul(v[0]) + v[0]).tanh() * v[0] }
    }

    @Test func parameterGradientsAccumulateAcrossPasses() {
        let p = Parameter<Double>("w", Tensor(shape: [2], scalars: [1, 2]))
        for _ in 0..<2 {
            let tape = Tape<Double>()
            tape.backward(from: (tape.parameter(p) * 3).sum())
        }
        #expect(p.grad.scalars == [6, 6])
    }
}
