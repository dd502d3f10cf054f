/// A trainable tensor with its gradient.
///
/// Models hold their parameters as `Parameter` objects and list them explicitly; the tape
/// accumulates gradients straight into `grad` (so several backward passes sum, which is how
/// gradient accumulation works); optimizers update `value` in place.
public final class Parameter<Scalar: TensorScalar>: @unchecked Sendable {
    /// Dotted name, unique within a model ("blocks.3.attn.qkv.weight").
    public let name: String
    public var value: Tensor<Scalar>
    public var grad: Tensor<Scalar>
    /// Whether decoupled weight decay applies (by default: tensors of rank ≥ 2, i.e. matrices).
    public var decays: Bool

    public init(_ name: String, _ value: Tensor<Scalar>, decays: Bool? = nil) {
        self.name = name
        self.value = value
        self.grad = Tensor(shape: value.shape, repeating: 0)
        self.decays = decays ?? (value.rank >= 2)
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }

    /// Sets the gradient to zero.
    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { g in g.baseAddress!.zero(count: g.count) }
    }
}
