import CLinearAlgebra

/// Float views of generic kernel pointers, for handing Float tensors to the C kernels of
/// vector_kernels.c (`alab_*_f32`). Callers check `S.self == Float.self` first; the checks and
/// casts fold away in the Float and Double specialisations.
///
/// The C kernels are compiled for AVX-512, AVX2 + FMA and baseline x86-64, and the loader
/// binds the best version for the CPU (Swift itself only targets baseline x86-64, where
/// SIMD8<Float> becomes 4-wide SSE). Each one has the Swift code it replaces as its reference
/// (the `…Reference` functions), compared in VectorKernelTests.
@inline(__always) func asFloat<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always) func asFloat<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always) func asDouble<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Double> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
}

@inline(__always) func asDouble<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
}

/// A scalar known to be Float, as Float (and back).
@inline(__always) func floatValue<S: TensorScalar>(_ x: S) -> Float { unsafeBitCast(x, to: Float.self) }

@inline(__always) func scalarValue<S: TensorScalar>(_ x: Float) -> S { unsafeBitCast(x, to: S.self) }

/// The C causal-softmax row kernels for `Models` (which does not import CLinearAlgebra).
package enum FloatRowKernels {
    /// Row i of a (T, T) block becomes softmax over columns 0…i, zeros after (in place).
    @inline(__always)
    package static func causalSoftmaxRows(_ p: UnsafeMutablePointer<Float>, t: Int) {
        alab_causal_softmax_rows_f32(p, t)
    }

    /// dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale written over dP (columns after the diagonal 0).
    @inline(__always)
    package static func causalSoftmaxBackwardRows(_ p: UnsafePointer<Float>, _ dp: UnsafeMutablePointer<Float>, t: Int, scale: Float) {
        alab_causal_softmax_backward_rows_f32(p, dp, t, scale)
    }
}
