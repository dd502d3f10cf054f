import CLinearAlgebra

/// How a thread treats subnormal numbers (|x| < 2⁻¹²⁶ in Float, 2⁻¹⁰²² in Double).
///
/// IEEE arithmetic underflows gradually: a result too small for a normal number becomes
/// subnormal. Intel cores handle a subnormal operand or result in microcode, about 100× slower
/// than a normal one, so a tensor full of them can dominate a step (docs/BENCHMARKS.md traces
/// where PyTorch's reference step makes them). Flushing sets the thread's MXCSR bits FTZ
/// (subnormal results become ±0) and DAZ (subnormal operands are read as ±0).
///
/// attnlab's policy: a training step (`Trainer.trainStep`) runs flushed, on the calling thread
/// and on every `Parallel` worker of that step (each parallel loop carries its caller's bits to
/// its workers and restores theirs after). OpenBLAS runs single-threaded on those threads, so
/// every GEMM of the step is flushed too. Everything else — gradient checks, physics,
/// evaluation — keeps IEEE gradual underflow. The bits are per thread; nothing here is global.
public enum DenormalMode {
    /// The calling thread's bits as the C layer reports them (0: IEEE).
    @inline(__always)
    static var current: UInt32 { alab_fp_denormal_mode() }

    /// Sets the calling thread's bits; returns the previous ones.
    @inline(__always) @discardableResult
    static func set(_ bits: UInt32) -> UInt32 { alab_fp_set_denormal_mode(bits) }

    /// Whether the calling thread flushes subnormals (FTZ and DAZ both set).
    public static var isFlushing: Bool { current == UInt32(ALAB_FP_FLUSH_DENORMALS) }

    /// Sets FTZ and DAZ on the calling thread and returns what to hand `restore` afterwards.
    public static func beginFlushing() -> UInt32 { set(UInt32(ALAB_FP_FLUSH_DENORMALS)) }

    /// Puts back the bits `beginFlushing` returned.
    public static func restore(_ previous: UInt32) { set(previous) }

    /// Runs `body` with subnormals flushed (`flush == true`) or kept (IEEE) on this thread and
    /// the workers of its parallel loops, then restores the thread's previous setting.
    public static func with<T>(flushing flush: Bool, _ body: () throws -> T) rethrows -> T {
        let previous = set(flush ? UInt32(ALAB_FP_FLUSH_DENORMALS) : 0)
        defer { set(previous) }
        return try body()
    }
}
