import Foundation
import TensorCore

/// `attnlab bench gemm`: sgemm/dgemm throughput of the GEMMs attnlab runs on, per size and
/// thread count: oneDNN's sgemm and OpenBLAS's selected kernel behind attnlab's split,
/// OpenBLAS's own threading, and OpenBLAS's generic kernel, beside the CPU's nominal peak.
/// benchmarks/gemm/compare.sh holds these to OpenBLAS called directly from C.
public struct GemmBenchmark {
    public struct Row: Codable, Sendable {
        public var kernel: String
        /// "attnlab" (GEMM split across attnlab's threads, the backend single-threaded inside) or
        /// "openblas" (OpenBLAS's own threading).
        public var threading: String
        /// Who computed the product: "onednn" or "openblas" (f64 is always OpenBLAS). nil in JSON
        /// written before oneDNN.
        public var backend: String?
        public var precision: String
        public var n: Int
        public var threads: Int
        public var gflops: Double
        public var seconds: Double
    }

    public struct Report: Codable, Sendable {
        public var blas: String
        public var selection: BLASRuntime.Selection
        public var cpu: CPUInfo
        public var rows: [Row]
    }

    public var sizes: [Int] = [256, 512, 1024, 2048]
    public var threadCounts: [Int] = [1, 2]
    /// Also measure the generic kernel OpenBLAS falls back to, in the same run.
    public var compareGeneric = true
    /// Minimum wall time per measurement.
    public var minimumSeconds = 0.5

    public init() {}

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        BLASRuntime.ensureConfigured()
        let selection = BLASRuntime.kernelSelection
        let active = BLASRuntime.activeKernel
        var kernels = [active]
        if compareGeneric && active.lowercased() != "prescott" { kernels.append("Prescott") }
        let originalThreads = BLASRuntime.threads, originalBackend = BLASRuntime.sgemmBackend
        var rows: [Row] = []
        for kernel in kernels {
            if kernel != BLASRuntime.activeKernel { try BLASRuntime.useKernel(kernel) }
            for threads in threadCounts {
                // 1 thread once; more threads both ways: attnlab's split and OpenBLAS's own pool.
                for threading in threads == 1 ? ["attnlab"] : ["attnlab", "openblas"] {
                    BLASRuntime.threads = threading == "attnlab" ? threads : 1
                    BLASRuntime.openBLASThreads = threading == "attnlab" ? 1 : threads
                    warmUp(threads: threads)
                    // oneDNN only behind attnlab's split, and only once (it does not use OpenBLAS's kernel).
                    let f32Backends: [BLASRuntime.SGEMMBackend] =
                        threading == "attnlab" && kernel == active
                        ? [.onednn, .openblas] : [.openblas]
                    for n in sizes {
                        for (precision, backend) in f32Backends.map({ ("f32", $0) }) + [("f64", .openblas)] {
                            BLASRuntime.sgemmBackend = backend
                            let seconds = precision == "f32" ? time(Float.self, n: n) : time(Double.self, n: n)
                            let row = Row(
                                kernel: backend == .onednn ? "oneDNN" : kernel, threading: threading, backend: backend.rawValue,
                                precision: precision, n: n, threads: threads,
                                gflops: 2 * pow(Double(n), 3) / seconds / 1e9, seconds: seconds)
                            progress(
                                row.kernel.padding(toLength: 11, withPad: " ", startingAt: 0)
                                    + String(format: "%@ %@ n=%5d threads=%d  %7.1f GFLOP/s", threading, precision, n, threads, row.gflops))
                            rows.append(row)
                        }
                    }
                    BLASRuntime.sgemmBackend = originalBackend
                }
            }
            BLASRuntime.openBLASThreads = 1
        }
        if BLASRuntime.activeKernel != active { try BLASRuntime.useKernel(active) }
        BLASRuntime.threads = originalThreads
        return Report(blas: BLASRuntime.configuration, selection: selection, cpu: CPUInfo.current(), rows: rows)
    }

    /// Runs sgemm for a quarter of a second so that a new thread count's workers are awake.
    private func warmUp(threads: Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        while DispatchTime.now().uptimeNanoseconds - start < 250_000_000 { _ = time(Float.self, n: 512, repeats: 1) }
    }

    /// Median seconds per n×n×n product over repeated timed runs after one warm-up.
    private func time<S: TensorScalar>(_: S.Type, n: Int, repeats: Int? = nil) -> Double {
        var rng = SeededRNG(seed: 1)
        let a = Tensor<S>.randomUniform([n, n], low: -1, high: 1, rng: &rng)
        let b = Tensor<S>.randomUniform([n, n], low: -1, high: 1, rng: &rng)
        var c = Tensor<S>.zeros([n, n])
        func once() -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        S.gemm(
                            transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
                            b: pb.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        _ = once()
        var samples: [Double] = []
        var total = 0.0
        while samples.count < (repeats ?? 3) || (repeats == nil && total < minimumSeconds) {
            let t = once()
            samples.append(t)
            total += t
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}

/// What the CPU is, and its nominal single-precision peak.
public struct CPUInfo: Codable, Sendable {
    public var model: String
    public var cores: Int
    public var megahertz: Double
    public var vectorBits: Int
    /// cores × GHz × 2 FMA units × (vector bits / 32) lanes × 2 FLOP per FMA.
    public var nominalPeakGFLOPS: Double
    /// The vector features of `CPUInfo.reportedFeatures` that /proc/cpuinfo lists (nil in JSON
    /// written before they were recorded).
    public var features: [String]?

    /// The /proc/cpuinfo flags that decide which kernels run: AVX2 + FMA, AVX-512 and its BF16
    /// and FP16 extensions, VNNI, and Intel AMX.
    public static let reportedFeatures = [
        "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
        "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8",
    ]

    /// "Intel(R) Xeon(R) Processor, 2 cores; avx2 fma avx512f … (no amx_tile amx_bf16 amx_int8)".
    public var summary: String {
        var text = "\(model), \(cores) cores"
        guard let features else { return text }
        let missing = Self.reportedFeatures.filter { !features.contains($0) }
        text += "; " + (features.isEmpty ? "no AVX2/AVX-512" : features.joined(separator: " "))
        if !missing.isEmpty { text += " (no " + missing.joined(separator: " ") + ")" }
        return text
    }

    public static func current() -> CPUInfo {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in text.split(separator: "\n") where line.hasPrefix(name) {
                if let colon = line.firstIndex(of: ":") {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        let model = field("model name") ?? "unknown"
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let mhz = Double(field("cpu MHz") ?? "") ?? 0
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let bits = BLASRuntime.cpuHasAVX512 ? 512 : (BLASRuntime.cpuHasAVX2 ? 256 : 128)
        let peak = Double(cores) * mhz / 1000 * 2 * Double(bits / 32) * 2
        return CPUInfo(
            model: model, cores: cores, megahertz: mhz, vectorBits: bits, nominalPeakGFLOPS: peak,
            features: reportedFeatures.filter(flags.contains))
    }
}

extension GemmBenchmark {
    /// The report as a plain-text table.
    public static func table(_ report: Report) -> String {
        var lines: [String] = []
        lines.append("BLAS: \(report.blas)")
        lines.append("kernel: \(report.selection.active) (OpenBLAS chose \(report.selection.detected); \(report.selection.reason))")
        lines.append(
            String(
                format: "CPU: %@; %.0f MHz, %d-bit vectors; nominal peak %.0f GFLOP/s (f32)",
                report.cpu.summary, report.cpu.megahertz, report.cpu.vectorBits, report.cpu.nominalPeakGFLOPS))
        lines.append("")
        lines.append("kernel      threading  prec  threads      n   GFLOP/s  % of peak")
        for row in report.rows {
            let peak =
                report.cpu.nominalPeakGFLOPS * Double(row.threads) / Double(max(1, report.cpu.cores))
                * (row.precision == "f64" ? 0.5 : 1)
            lines.append(
                row.kernel.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + row.threading.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(
                        format: "%@   %7d  %5d  %8.1f  %8.0f%%", row.precision, row.threads,
                        row.n, row.gflops, 100 * row.gflops / max(peak, 1e-9)))
        }
        return lines.joined(separator: "\n")
    }
}
