import TensorCore

/// The GELU feed-forward: x·W₁ + b₁ → GELU → ·W₂ + b₂, widths C → F → C.
public struct FeedForward<Scalar: TensorScalar> {
    public let up: Linear<Scalar>  // (C, F)
    public let down: Linear<Scalar>  // (F, C)

    public init(_ name: String, width: Int, hidden: Int, std: Double, residualStd: Double, rng: inout SeededRNG) {
        up = Linear("\(name).up", inputs: width, outputs: hidden, std: std, rng: &rng)
        down = Linear("\(name).down", inputs: hidden, outputs: width, std: residualStd, rng: &rng)
    }

    public var parameters: [Parameter<Scalar>] { up.parameters + down.parameters }

    /// (B, T, C) → (B, T, C)
    public func callAsFunction(_ x: Variable<Scalar>) -> Variable<Scalar> { down(up(x).gelu()) }
}
