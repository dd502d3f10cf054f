/// Workspace an op borrows from its tape (`Tape.scratch`): state its backward function keeps
/// (softmax probabilities, layer-norm statistics, GELU's tanh values) or a buffer it works in —
/// never an op's output or a gradient.
///
/// The op that asked for it is its only user. The tape holds the storage only to keep it out of
/// the pool until `reset()`; it never reads or writes it. So the op writes through `mptr`
/// directly, before and after recording (a `Tensor` would copy on write, because of the tape's
/// reference). Copies of a `Scratch` share the storage and keep it alive: a backward closure
/// that captures one owns the buffer the pointers point into until the tape forgets the node.
/// After `reset()` the storage may be handed to another op; do not use it then.
public struct Scratch<Scalar: TensorScalar> {
    let buffer: TensorBuffer<Scalar>
    /// The shape it was asked for.
    public let shape: [Int]

    init(shape: [Int], buffer: TensorBuffer<Scalar>) {
        self.shape = shape
        self.buffer = buffer
    }

    /// Number of elements.
    @inline(__always) public var count: Int { buffer.count }
    /// The storage, for reading.
    @inline(__always) package var ptr: UnsafePointer<Scalar> { UnsafePointer(buffer.base) }
    /// The storage, for writing: nobody but the borrowing op reads it.
    @inline(__always) package var mptr: UnsafeMutablePointer<Scalar> { buffer.base }
    /// A copy of the elements, row-major.
    public var scalars: [Scalar] { Array(UnsafeBufferPointer(start: buffer.base, count: count)) }
}
