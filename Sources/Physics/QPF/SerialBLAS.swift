// Running GEMMs unsplit while the caller parallelises over independent problems.

import TensorCore

/// Runs `body` with `BLASRuntime.threads` = 1 (no GEMM split across threads), restoring the
/// previous count afterwards.
///
/// The QPF drivers run many small independent problems (a training per (load, seed) cell, an
/// exact diagonalisation per (system, Γ)) through `Parallel`; letting every concurrent GEMM also
/// split itself across threads oversubscribes the cores (measured when OpenBLAS threaded
/// internally: 4× more CPU time for the capacity curves on 2 cores). The thread count is
/// process-wide, so this is only for drivers that own the process's BLAS use while they run
/// (experiments, CLI commands).
public func withSerialBLAS<T>(_ body: () throws -> T) rethrows -> T {
    let saved = BLASRuntime.threads
    BLASRuntime.threads = 1
    defer { BLASRuntime.threads = saved }
    return try body()
}
