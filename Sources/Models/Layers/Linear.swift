import TensorCore

/// y = x·W + b over the last axis. W is stored (in, out), as GPT-2's Conv1D.
public struct Linear<Scalar: TensorScalar> {
    public let weight: Parameter<Scalar>  // (in, out)
    public let bias: Parameter<Scalar>?  // (out)

    public init(_ name: String, inputs: Int, outputs: Int, bias: Bool = true, std: Double, rng: inout SeededRNG) {
        weight = Parameter("\(name).weight", Tensor.randomNormal([inputs, outputs], std: std, rng: &rng))
        self.bias = bias ? Parameter("\(name).bias", Tensor.zeros([outputs])) : nil
    }

    public var parameters: [Parameter<Scalar>] { [weight] + (bias.map { [$0] } ?? []) }

    /// x (…, in) → (…, out)
    public func callAsFunction(_ x: Variable<Scalar>) -> Variable<Scalar> {
        let tape = x.tape
        return x.linear(tape.parameter(weight), bias: bias.map { tape.parameter($0) })
    }
}

/// Token (and position) embeddings: rows of a (V, C) table.
public struct Embedding<Scalar: TensorScalar> {
    public let table: Parameter<Scalar>  // (V, C)

    public init(_ name: String, count: Int, width: Int, std: Double, rng: inout SeededRNG) {
        table = Parameter("\(name).weight", Tensor.randomNormal([count, width], std: std, rng: &rng), decays: false)
    }

    /// indices (B·T) → (B, T, C)
    public func callAsFunction(_ tape: Tape<Scalar>, _ indices: [Int32], batch: Int, length: Int) -> Variable<Scalar> {
        tape.parameter(table).gatherRows(indices, shape: [batch, length])
    }
}
