import CLinearAlgebra
import Foundation

/// Which BLAS attnlab runs on, which kernel it uses, and the choice of that kernel.
///
/// Debian 12's OpenBLAS 0.3.21 selects its kernel from cpuid when it loads and falls back to
/// the generic "Prescott" kernel on CPUs it does not know, 5–10× slower than the CPU allows.
/// On first use attnlab compares the kernel OpenBLAS chose with the best one the CPU supports
/// (Cooperlake for AVX-512 with BF16, SkylakeX for AVX-512, Haswell for AVX2 + FMA) and switches
/// when OpenBLAS's choice is weaker. Nothing is changed when the user set `OPENBLAS_CORETYPE`
/// themselves. `ATTNLAB_BLAS_KERNEL` overrides the choice: `keep` keeps OpenBLAS's own choice,
/// any other value names the kernel to use.
public enum BLASRuntime {
    /// What happened when the kernel was chosen.
    public struct Selection: Sendable, Codable, Equatable {
        /// The kernel OpenBLAS chose by itself when it loaded.
        public var detected: String
        /// The kernel in use after attnlab's choice.
        public var active: String
        /// The best kernel the CPU supports, by cpuid (nil when none is known to be better).
        public var bestSupported: String?
        /// One sentence on why `active` is what it is.
        public var reason: String
    }

    private static let selection: Selection = select()

    /// Makes sure the kernel choice has been made (once per process; cheap afterwards).
    @inline(__always)
    public static func ensureConfigured() { _ = selection }

    /// The kernel choice made for this process.
    public static var kernelSelection: Selection { selection }

    /// The kernel OpenBLAS is running now ("Cooperlake", "Prescott", …).
    public static var activeKernel: String {
        ensureConfigured()
        return CBLAS.corename
    }

    /// OpenBLAS's build configuration string.
    public static var configuration: String { CBLAS.config }

    /// Who computes single-precision GEMMs. oneDNN's JIT sgemm ran 13 of 15 shapes of a training
    /// step 4–55% faster than OpenBLAS's best kernel on an AVX-512 Xeon, and the step used 5–15%
    /// less CPU time (docs/BENCHMARKS.md); double precision and LAPACK always run on OpenBLAS.
    public enum SGEMMBackend: String, Sendable, Codable, CaseIterable {
        case onednn, openblas
    }

    /// The sgemm backend: oneDNN unless `ATTNLAB_SGEMM=openblas` was set when the process started
    /// (benchmarks switch it to compare). Do not change it while other threads run GEMMs.
    public static var sgemmBackend: SGEMMBackend {
        get { ensureConfigured(); return CBLAS.sgemmBackend == Int32(ALAB_SGEMM_OPENBLAS) ? .openblas : .onednn }
        set { ensureConfigured(); CBLAS.sgemmBackend = Int32(newValue == .openblas ? ALAB_SGEMM_OPENBLAS : ALAB_SGEMM_ONEDNN) }
    }

    /// Threads a large GEMM is split across (attnlab's own threads; OpenBLAS runs single-threaded
    /// inside each part). Defaults to `Parallel.defaultThreads`.
    public static var threads: Int {
        get { ensureConfigured(); return gemmThreads.value }
        set { ensureConfigured(); gemmThreads.value = max(1, newValue) }
    }

    /// OpenBLAS's own thread count (1 unless a benchmark compares its internal threading).
    public static var openBLASThreads: Int {
        get { ensureConfigured(); return CBLAS.openBLASThreads }
        set { ensureConfigured(); CBLAS.setOpenBLASThreads(max(1, newValue)) }
    }

    private static let gemmThreads = LockedValue(Parallel.defaultThreads)

    /// Runs `body` with every single-precision GEMM counted by shape: calls and the calling
    /// threads' CPU seconds (each call reads its thread's CPU clock twice, which charges it about
    /// one clock read, ≈ 0.24 µs on the Xeon of docs/BENCHMARKS.md: it matters only for calls
    /// of a few µs, such as linear attention's 32 × 32 × 32 products). For finding the
    /// products that run slowly inside a training step, where a sampling profiler sees only
    /// oneDNN's unsymbolised JIT code. Do not nest or run two at once.
    public static func profilingSGEMMs<R>(_ body: () throws -> R) rethrows -> (R, [GEMMProfileRow]) {
        ensureConfigured()
        CBLAS.profileSGEMMs(true)
        defer { CBLAS.profileSGEMMs(false) }
        let result = try body()
        let rows = CBLAS.sgemmProfile.map {
            GEMMProfileRow(
                m: $0.m, n: $0.n, k: $0.k, transA: $0.trans_a != 0, transB: $0.trans_b != 0,
                accumulates: $0.accumulates != 0, calls: $0.calls, cpuSeconds: $0.seconds)
        }
        return (result, rows)
    }

    /// How many parts a GEMM of this size is split into: one below ~4 MFLOP, when a part would
    /// be thinner than 32 rows/columns, or inside a parallel loop — there the parts would run one
    /// after another on the calling thread (`Parallel.forEach` nests serially), smaller and
    /// slower GEMMs for nothing (a config-B attention's 256 × 256 × 32 scores ran as two
    /// 128-row halves at 68 GFLOP/s against 73 whole). A row or column split gives every
    /// element of C the same sum, so this changes no result.
    @inline(__always)
    static func gemmParts(m: Int, n: Int, k: Int, threads: Int = gemmThreads.value) -> Int {
        guard threads > 1, 2 * m * n * k >= 1 << 22, !Parallel.isInsideParallelRegion else { return 1 }
        return max(1, min(threads, max(m, n) / 32))
    }

    /// Switches to the named kernel for the rest of the process (benchmarks compare kernels
    /// this way). Do not call while other threads run BLAS.
    public static func useKernel(_ name: String) throws {
        ensureConfigured()
        switch CBLAS.forceCore(name) {
        case 0: return
        case -1: throw BLASRuntimeError.cannotSwitch(blas: CBLAS.config)
        default: throw BLASRuntimeError.unknownKernel(name, active: CBLAS.corename)
        }
    }

    /// CPU vector features, by cpuid.
    public static var cpuHasAVX512: Bool { CBLAS.cpuFeatures & 2 != 0 }
    public static var cpuHasAVX2: Bool { CBLAS.cpuFeatures & 1 != 0 }
    public static var cpuHasAVX512BF16: Bool { CBLAS.cpuFeatures & 4 != 0 }

    /// The best OpenBLAS kernel for this CPU's vector features, or nil.
    static var bestSupportedKernel: String? {
        if cpuHasAVX512BF16 { return "Cooperlake" }
        if cpuHasAVX512 { return "SkylakeX" }
        if cpuHasAVX2 { return "Haswell" }
        return nil
    }

    /// How capable an OpenBLAS x86-64 kernel is: 0 for SSE-era generic kernels up to 4 for
    /// AVX-512 + BF16. Kernels not in the table are newer than 0.3.21 and left alone.
    static func rank(ofKernel name: String) -> Int {
        switch name.lowercased() {
        case "cooperlake", "sapphirerapids": return 4
        case "skylakex": return 3
        case "haswell", "zen": return 2
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": return 1
        case "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn",
            "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "bobcat", "nano":
            return 0
        default: return 5
        }
    }

    private static func select() -> Selection {
        CBLAS.setOpenBLASThreads(1)
        let detected = CBLAS.corename
        let best = bestSupportedKernel
        let environment = ProcessInfo.processInfo.environment
        if environment["ATTNLAB_SGEMM"]?.lowercased() == SGEMMBackend.openblas.rawValue {
            CBLAS.sgemmBackend = Int32(ALAB_SGEMM_OPENBLAS)
        }
        func keep(_ reason: String) -> Selection {
            Selection(detected: detected, active: detected, bestSupported: best, reason: reason)
        }
        if let request = environment["ATTNLAB_BLAS_KERNEL"], !request.isEmpty {
            if request.lowercased() == "keep" { return keep("ATTNLAB_BLAS_KERNEL=keep: OpenBLAS's own choice kept") }
            let status = CBLAS.forceCore(request)
            return Selection(
                detected: detected, active: CBLAS.corename, bestSupported: best,
                reason: status == 0
                    ? "ATTNLAB_BLAS_KERNEL=\(request)"
                    : "ATTNLAB_BLAS_KERNEL=\(request) could not be applied (status \(status))")
        }
        if let user = environment["OPENBLAS_CORETYPE"], !user.isEmpty {
            return keep("OPENBLAS_CORETYPE=\(user) set by the user")
        }
        guard let best else { return keep("no AVX2/AVX-512 kernel applies to this CPU") }
        guard rank(ofKernel: detected) < rank(ofKernel: best) else {
            return keep("OpenBLAS's own choice is as good as the CPU allows")
        }
        let status = CBLAS.forceCore(best)
        if status == 0 {
            return Selection(
                detected: detected, active: CBLAS.corename, bestSupported: best,
                reason: "OpenBLAS chose \(detected); switched to \(best), which the CPU supports")
        }
        return keep("OpenBLAS chose \(detected) and cannot switch kernels at run time (status \(status))")
    }
}

/// Runs `body` with `BLASRuntime.threads` = 1 (no GEMM split across threads), restoring the
/// previous count afterwards.
///
/// For drivers that run many small independent problems through `Parallel` (a training per
/// (load, seed) cell of the capacity curves, an exact diagonalisation per (system, Γ)): letting
/// every concurrent GEMM also split itself oversubscribes the cores (measured when OpenBLAS
/// threaded internally: 4× more CPU time for the capacity curves on 2 cores). The thread count is
/// process-wide, so only drivers that own the process's BLAS use while they run (experiments,
/// CLI commands) call this.
public func withSerialBLAS<T>(_ body: () throws -> T) rethrows -> T {
    let saved = BLASRuntime.threads
    BLASRuntime.threads = 1
    defer { BLASRuntime.threads = saved }
    return try body()
}

public enum BLASRuntimeError: Error, CustomStringConvertible {
    case cannotSwitch(blas: String)
    case unknownKernel(String, active: String)

    public var description: String {
        switch self {
        case .cannotSwitch(let blas): "this BLAS (\(blas)) cannot switch kernels at run time"
        case .unknownKernel(let name, let active): "OpenBLAS did not accept kernel '\(name)' (still \(active))"
        }
    }
}

/// A value behind a lock, for the few process-wide settings.
final class LockedValue<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// One GEMM shape in a profile (`BLASRuntime.profilingSGEMMs`): C (m × n) = op(A) (m × k) ·
/// op(B) (k × n), added to C when `accumulates` (β ≠ 0).
public struct GEMMProfileRow: Codable, Sendable, Equatable {
    public var m: Int
    public var n: Int
    public var k: Int
    public var transA: Bool
    public var transB: Bool
    public var accumulates: Bool
    public var calls: Int
    public var cpuSeconds: Double

    /// Rate of this shape's calls: 2·m·n·k FLOPs each over their CPU time.
    public var gflops: Double { cpuSeconds > 0 ? 2 * Double(m * n * k) * Double(calls) / cpuSeconds / 1e9 : 0 }
}
