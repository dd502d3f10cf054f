extension Tensor {
    /// The storage as a read-only pointer. Valid while this tensor (or a copy sharing its
    /// storage) is alive; ops use it on values the tape holds.
    @inline(__always) package var ptr: UnsafePointer<Scalar> { UnsafePointer(buffer.base) }
    /// The storage as a mutable pointer, bypassing copy-on-write: only for tensors the caller
    /// has just created and nobody else holds (an op's output before it is recorded). Workspace
    /// an op keeps while the tape holds it is a `Scratch` (`Tape.scratch`), not a tensor.
    @inline(__always) package var mptr: UnsafeMutablePointer<Scalar> { buffer.base }
}
