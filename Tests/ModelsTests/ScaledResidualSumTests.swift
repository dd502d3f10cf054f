import Testing

@testable import Models
@testable import TensorCore

/// The fused QSF residual update a + b + γ·c against the broadcasting ops it replaces.
@Suite struct ScaledResidualSumTests {
    /// Value and the gradients of a, b, c, γ under ⟨f, W⟩, fused or composed.
    static func run<S: TensorScalar>(_ inputs: [Tensor<S>], weights: Tensor<S>, fused: Bool) -> [Tensor<S>] {
        let tape = Tape<S>()
        let v = inputs.map { tape.variable($0) }
        let y = fused ? v[0].adding(v[1], plus: v[2], scaledBy: v[3]) : v[0] + (v[1] + v[2] * v[3])
        tape.backward(from: (y * tape.constant(weights)).sum())
        return [y.value] + v.map { $0.gradient! }
    }

    static func relative<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
        Double(a.maxAbsDifference(b)) / max(1, b.scalars.map { abs(Double($0)) }.max() ?? 0)
    }

    /// Below and above the size where the work is split into pieces (2¹⁵ elements).
    @Test(arguments: [[3, 5, 7], [4, 100, 96]])
    func fusedEqualsComposedInDoubleAndFloat(shape: [Int]) {
        var rng = SeededRNG(seed: 41)
        let inputs = (0..<3).map { _ in Tensor<Double>.randomNormal(shape, rng: &rng) } + [Tensor<Double>(shape: [1], scalars: [0.7])]
        let weights = Tensor<Double>.randomNormal(shape, rng: &rng)
        let fused = Self.run(inputs, weights: weights, fused: true)
        let composed = Self.run(inputs, weights: weights, fused: false)
        for (a, b) in zip(fused, composed) { #expect(Self.relative(a, b) < 1e-12) }
        // ∂γ = ⟨W, c⟩, a sum over every element.
        let expected = zip(weights.scalars, inputs[2].scalars).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(fused[4].scalars[0] - expected) < 1e-9 * max(1, abs(expected)))
        let fusedF = Self.run(inputs.map { Tensor<Float>($0) }, weights: Tensor<Float>(weights), fused: true)
        let composedF = Self.run(inputs.map { Tensor<Float>($0) }, weights: Tensor<Float>(weights), fused: false)
        for (a, b) in zip(fusedF.prefix(4), composedF.prefix(4)) { #expect(Self.relative(a, b) < 1e-6) }
        // The Float ∂γ sums in Double: closer to the exact sum than the composed Float reduction.
        #expect(abs(Double(fusedF[4].scalars[0]) - expected) < 1e-5 * max(1, abs(expected)))
    }

    @Test func gradientMatchesFiniteDifferences() {
        var rng = SeededRNG(seed: 42)
        let inputs = (0..<3).map { _ in Tensor<Double>.randomNormal([2, 3, 4], rng: &rng) } + [Tensor<Double>(shape: [1], scalars: [-1.3])]
        let error = GradientCheck.maxRelativeError(inputs) { _, v in v[0].adding(v[1], plus: v[2], scaledBy: v[3]) }
        #expect(error < 1e-8)
    }
}
