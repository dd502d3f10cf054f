import TensorCore

/// Token mixing by a learned linear dynamical system (seed 001 Stage II):
///
///     s_t = K s_{t−1} + U x_t,   y_t = V s_t,   s_{−1} = 0,   K = exp(A)
///
/// with a learned generator A (S, S). For the Hamiltonian ablation the generator is the skew
/// part (P − Pᵀ)/2 of the learned P, so K is orthogonal. The gradient through exp is exact
/// (Fréchet derivative, `Variable.matrixExp`).
public struct KoopmanMixer<Scalar: TensorScalar> {
    /// The learned generator A (or P for the skew-symmetric variant).   (S, S)
    public let generator: Parameter<Scalar>
    public let input: Linear<Scalar>  // U: (C, S), no bias
    public let output: Linear<Scalar>  // V: (S, C), no bias
    /// Use (A − Aᵀ)/2 as the generator.
    public let skewSymmetric: Bool

    public init(
        _ name: String, width: Int, skewSymmetric: Bool, initDecay: Double, initScale: Double,
        std: Double, residualStd: Double, rng: inout SeededRNG
    ) {
        var a = Tensor<Scalar>.randomNormal([width, width], std: initScale / Double(width).squareRoot(), rng: &rng)
        if !skewSymmetric { for i in 0..<width { a[i, i] -= Scalar(initDecay) } }
        generator = Parameter("\(name).A", a, decays: false)
        input = Linear("\(name).U", inputs: width, outputs: width, bias: false, std: std, rng: &rng)
        output = Linear("\(name).V", inputs: width, outputs: width, bias: false, std: residualStd, rng: &rng)
        self.skewSymmetric = skewSymmetric
    }

    public var parameters: [Parameter<Scalar>] { [generator] + input.parameters + output.parameters }

    /// The generator actually used: A, or (A − Aᵀ)/2.
    public func effectiveGenerator(_ tape: Tape<Scalar>) -> Variable<Scalar> {
        let a = tape.parameter(generator)
        return skewSymmetric ? (a - a.transposedLastTwo()) * 0.5 : a
    }

    /// Where a forward pass takes K = exp(A) from.
    public enum Propagator {
        /// Computed on the tape from the generator.
        case onTape
        /// exp(A) already computed from the current (effective) generator
        /// (`KoopmanMixer.propagators`); the tape records it as the exponential of the generator
        /// it forms, so A receives its gradient.
        case precomputed(PadeExponential<Scalar>)
        /// K itself, as a leaf holding exp(A): its gradient collects in the parameter (or the
        /// tape's own copy) and the caller turns it into A's, once for several tapes
        /// (`SharedPropagators`).
        case leaf(Parameter<Scalar>)
    }

    /// The value of `effectiveGenerator`, computed off the tape with the same arithmetic.
    func effectiveGeneratorValue() -> Tensor<Scalar> {
        guard skewSymmetric else { return generator.value }
        let a = generator.value, n = a.shape[0]
        return Tensor(shape: a.shape, scalars: (0..<n * n).map { i in (a[i / n, i % n] - a[i % n, i / n]) * 0.5 })
    }

    /// Adds ∂ℓ/∂A, given ∂ℓ/∂(effective generator) row-major, to the generator's gradient: as
    /// is, or through (A − Aᵀ)/2 for the skew-symmetric variant.
    func accumulateGeneratorGradient(_ d: [Scalar]) {
        let n = generator.shape[0]
        precondition(d.count == n * n, "KoopmanMixer: generator gradient of \(d.count) for \(n)×\(n)")
        generator.grad.withUnsafeMutableBufferPointer { g in
            for i in 0..<n {
                for j in 0..<n { g[i * n + j] += skewSymmetric ? d[i * n + j] * 0.5 - d[j * n + i] * 0.5 : d[i * n + j] }
            }
        }
    }

    /// (B, T, C) → (B, T, C).
    public func callAsFunction(_ x: Variable<Scalar>, propagator: Propagator = .onTape) -> Variable<Scalar> {
        let k: Variable<Scalar>
        switch propagator {
        case .onTape: k = effectiveGenerator(x.tape).matrixExp()
        case .precomputed(let e): k = effectiveGenerator(x.tape).matrixExp(precomputed: e)
        case .leaf(let p): k = x.tape.parameter(p)
        }
        return output(input(x).koopmanScan(k))
    }

    /// exp(A) of every mixer's generator, computed side by side on the worker threads: the
    /// propagators depend on the parameters only, so a model computes them all before its
    /// forward pass instead of one per block in turn. `.onTape` for absent mixers, and for all
    /// when there is only one.
    public static func propagators(_ mixers: [KoopmanMixer?]) -> [Propagator] {
        guard mixers.filter({ $0 != nil }).count > 1 else { return mixers.map { _ in .onTape } }
        return exponentials(mixers).map { $0.map { .precomputed($0) } ?? .onTape }
    }

    /// The exponential of each present mixer's effective generator (A, or (A − Aᵀ)/2), side by
    /// side on the worker threads; nil for absent mixers.
    static func exponentials(_ mixers: [KoopmanMixer?]) -> [PadeExponential<Scalar>?] {
        let slots = mixers.indices.filter { mixers[$0] != nil }
        let exponentials: [PadeExponential<Scalar>]
        do { exponentials = try PadeExponential.batch(slots.map { mixers[$0]!.effectiveGeneratorValue() }) } catch {
            preconditionFailure("KoopmanMixer: \(error)")
        }
        var out = [PadeExponential<Scalar>?](repeating: nil, count: mixers.count)
        for (slot, e) in zip(slots, exponentials) { out[slot] = e }
        return out
    }

    /// K = exp(A) as a Double matrix, for analysis.
    public func propagator() throws -> Matrix {
        var a = Matrix(generator.value)
        if skewSymmetric { a = a.antisymmetricPart }
        return try a.exponential()
    }

    /// The generator as a Double matrix, for analysis.
    public func generatorMatrix() -> Matrix {
        let a = Matrix(generator.value)
        return skewSymmetric ? a.antisymmetricPart : a
    }
}
