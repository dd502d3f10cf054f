import Foundation
import Models
import TensorCore

/// `attnlab bench compare`: training tokens/s of every architecture on configs A and B beside the
/// PyTorch references of the same step (benchmarks/pytorch/reference.py), all in one command so
/// that every ratio comes from one run on one machine.
///
/// Each measurement runs in its own process (`attnlab bench train --json`, `python reference.py`),
/// so peak memory and thread pools do not carry over, and the runs are interleaved per config:
/// attnlab transformer, PyTorch SDPA, PyTorch masked softmax, the other attnlab architectures,
/// PyTorch linear attention. The 1-minute load average is recorded before every run.
public struct TrainingComparison: Sendable {
    public var shapes: [TrainingBenchmark.Shape] = [.a, .b]
    public var architectures: [Architecture] = Architecture.allCases
    /// PyTorch mixings: "sdpa", "manual" (hand-written masked softmax), "linear" (cumsum linear attention).
    public var referenceMixings = ["sdpa", "manual", "linear"]
    public var timedSteps = 10
    /// Times the whole sequence of a config runs; each row is its fastest round. Several rounds,
    /// interleaved, keep a minute of interference from another tenant of the machine from
    /// deciding a ratio (back-to-back runs here varied by up to 15%).
    public var rounds = 1
    /// The attnlab executable to run `bench train` with.
    public var executable: String
    /// The python with torch; nil skips the references (`referenceNote` says why).
    public var python: String?
    public var referenceScript = "benchmarks/pytorch/reference.py"
    public var referenceNote: String?
    public var threads = Parallel.defaultThreads
    /// OpenMP wait policies each PyTorch reference runs under; the faster run is its row.
    /// OpenMP's default spin-waiting is fastest on an idle machine (config A SDPA: 16,898 vs
    /// 13,737 tokens/s passive, load 1) and loses about 3× on a machine shared with other work
    /// (1,607 vs 5,031, load 5), so neither alone is PyTorch at its best. nil = OpenMP's default.
    /// An OMP_WAIT_POLICY set in the environment replaces the list.
    public var referenceWaitPolicies: [String?] = [nil, "PASSIVE"]
    /// Data parallelism on the machine's threads, for both sides: attnlab trains with
    /// `--replicas` this many (one thread each) beside its threaded run, and PyTorch SDPA with
    /// DistributedDataParallel over this many processes of one thread each (`--ddp-ranks`)
    /// beside its threaded run. A target compares each side's fastest way. 1: neither.
    public var dataParallel = Parallel.defaultThreads

    public init(executable: String) { self.executable = executable }

    public struct Row: Codable, Sendable {
        /// "attnlab" or "pytorch <version>".
        public var framework: String
        /// Architecture (attnlab) or mixing (PyTorch).
        public var model: String
        public var config: String
        public var parameters: Int?
        public var tokensPerSecond: Double?
        public var secondsPerStep: Double?
        public var gflops: Double?
        public var fractionOfSgemm: Double?
        public var peakResidentMegabytes: Double?
        /// 1-minute load average just before the run.
        public var loadBefore: Double
        /// Why the run produced no figure.
        public var failure: String?
        /// PyTorch: the OMP_WAIT_POLICY of the run kept ("default" when unset).
        public var waitPolicy: String?
        /// PyTorch: tokens/s of the runs under the other wait policies.
        public var otherPolicyTokensPerSecond: [Double]?
        /// Tokens/s of every round, in order, when there were several (the row is the fastest).
        public var roundTokensPerSecond: [Double]?
        /// Whether the run flushed subnormals to zero: attnlab's training threads (FTZ/DAZ), or
        /// PyTorch's torch.set_flush_denormal(True).
        public var flushesDenormals: Bool?
        /// PyTorch: the reference's initialisation ("gpt2" = attnlab's, "torch" = PyTorch's defaults).
        public var initialisation: String?
        /// attnlab: median CPU seconds per step (all threads).
        public var cpuSecondsPerStep: Double?
        /// attnlab: data-parallel replicas inside the process (nil: one, threaded kernels).
        public var replicas: Int?
        /// PyTorch: DistributedDataParallel processes (nil: one process, intra-op threads).
        public var ranks: Int?

        public var isAttnlab: Bool { framework == "attnlab" }
    }

    public struct Report: Codable, Sendable {
        public var threads: Int
        public var cpu: CPUInfo
        public var rows: [Row]
        public var referenceNote: String?
        public var loadAfter: Double
        public var shapes: [TrainingBenchmark.Shape]
        /// The OMP_WAIT_POLICY values the PyTorch references were run under ("default" = unset).
        public var referenceWaitPolicies: [String]?
        /// Rounds per config (nil: one).
        public var rounds: Int?
    }

    public func run(progress: (String) -> Void = { _ in }) -> Report {
        var rows: [Row] = []
        for shape in shapes {
            var runs: [[Row]] = []
            for round in 1...max(1, rounds) {
                if rounds > 1 { progress("config \(shape.name), round \(round) of \(rounds)") }
                var sequence: [Row] = []
                func measure(_ row: Row) {
                    sequence.append(row)
                    progress(Self.describe(row))
                }
                let others = architectures.filter { $0 != .transformer }
                let parallel = dataParallel > 1 && shape.batchSize % dataParallel == 0 ? dataParallel : nil
                if architectures.contains(.transformer) {
                    measure(runAttnlab(.transformer, shape))
                    if let parallel { measure(runAttnlab(.transformer, shape, replicas: parallel)) }
                }
                for mixing in referenceMixings where mixing != "linear" {
                    if let row = runReference(mixing, shape) { measure(row) }
                    if mixing == "sdpa", let parallel, let row = runReference(mixing, shape, ranks: parallel) { measure(row) }
                }
                for arch in others { measure(runAttnlab(arch, shape, replicas: parallel)) }
                if referenceMixings.contains("linear"), let row = runReference("linear", shape) { measure(row) }
                runs.append(sequence)
            }
            rows += Self.fastestRounds(runs)
        }
        return Report(
            threads: threads, cpu: CPUInfo.current(), rows: rows, referenceNote: python == nil ? referenceNote : nil,
            loadAfter: Self.loadAverage(), shapes: shapes,
            referenceWaitPolicies: python == nil ? nil : waitPolicies.map { $0 ?? "default" },
            rounds: rounds > 1 ? rounds : nil)
    }

    /// Row i of the result is the fastest of row i over the rounds (every round runs the same
    /// sequence), with every round's tokens/s kept when there are several.
    static func fastestRounds(_ runs: [[Row]]) -> [Row] {
        guard let first = runs.first else { return [] }
        return first.indices.map { i in
            let candidates = runs.map { $0[i] }
            var best = candidates.max { ($0.tokensPerSecond ?? -1) < ($1.tokensPerSecond ?? -1) } ?? candidates[0]
            if candidates.count > 1 { best.roundTokensPerSecond = candidates.map { $0.tokensPerSecond ?? .nan } }
            return best
        }
    }

    func runAttnlab(_ arch: Architecture, _ shape: TrainingBenchmark.Shape, replicas: Int? = nil) -> Row {
        let load = Self.loadAverage()
        var row = Row(framework: "attnlab", model: arch.rawValue, config: shape.name, loadBefore: load)
        row.replicas = replicas
        let result = Self.runJSON(
            executable,
            [
                "bench", "train", "--arch", arch.rawValue, "--config", shape.name,
                "--steps", "\(timedSteps)", "--json",
            ] + (replicas.map { ["--replicas", "\($0)"] } ?? []))
        switch Self.decode(TrainingBenchmark.Result.self, result, what: "`attnlab bench train --json` output") {
        case .failure(let failure): row.failure = failure.message
        case .success(let r):
            row.parameters = r.parameters
            row.tokensPerSecond = r.tokensPerSecond
            row.secondsPerStep = r.secondsPerStep
            row.gflops = r.gflops
            row.fractionOfSgemm = r.fractionOfSgemm
            row.peakResidentMegabytes = r.peakResidentMegabytes
            row.flushesDenormals = r.flushesDenormals
            row.cpuSecondsPerStep = r.cpuSecondsPerStep
        }
        return row
    }

    /// The wait policies the references run under: an OMP_WAIT_POLICY from the environment, else
    /// `referenceWaitPolicies`.
    var waitPolicies: [String?] {
        ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"].map { [$0] } ?? referenceWaitPolicies
    }

    /// The reference under every wait policy, back to back; the fastest run is the row.
    func runReference(_ mixing: String, _ shape: TrainingBenchmark.Shape, ranks: Int? = nil) -> Row? {
        guard let python else { return nil }
        let runs = waitPolicies.map { runReference(python, mixing, shape, waitPolicy: $0, ranks: ranks) }
        var best = runs.max { ($0.tokensPerSecond ?? -1) < ($1.tokensPerSecond ?? -1) } ?? runs[0]
        let others = runs.filter { $0.waitPolicy != best.waitPolicy }.compactMap(\.tokensPerSecond)
        best.otherPolicyTokensPerSecond = others.isEmpty ? nil : others
        best.loadBefore = runs[0].loadBefore
        return best
    }

    func runReference(_ python: String, _ mixing: String, _ shape: TrainingBenchmark.Shape, waitPolicy: String?, ranks: Int? = nil) -> Row {
        let load = Self.loadAverage()
        var row = Row(framework: "pytorch", model: mixing, config: shape.name, loadBefore: load)
        row.ranks = ranks
        row.waitPolicy = waitPolicy ?? "default"
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_WAIT_POLICY"] = waitPolicy
        let result = Self.runJSON(
            python,
            [
                referenceScript, "--config", shape.name, "--mixing", mixing,
                "--steps", "\(timedSteps)", "--threads", "\(threads)",
            ] + (ranks.map { ["--ddp-ranks", "\($0)"] } ?? []), environment: environment)
        struct Output: Decodable {
            var framework: String
            var parameters: Int
            var tokens_per_second: Double
            var seconds_per_step: Double
            var flops_per_token: Double?
            var peak_rss_mb: Double?
            var flush_denormal: Bool?
            var `init`: String?
        }
        switch Self.decode(Output.self, result, what: "\(referenceScript) output") {
        case .failure(let failure): row.failure = failure.message
        case .success(let o):
            row.framework = o.framework
            row.parameters = o.parameters
            row.tokensPerSecond = o.tokens_per_second
            row.secondsPerStep = o.seconds_per_step
            row.gflops = o.flops_per_token.map { $0 * o.tokens_per_second / 1e9 }
            row.peakResidentMegabytes = o.peak_rss_mb
            row.flushesDenormals = o.flush_denormal
            row.initialisation = o.`init`
        }
        return row
    }

    /// The JSON a run printed, decoded as T; a run that failed or printed something else is a
    /// failure naming `what` was expected.
    static func decode<T: Decodable>(_ type: T.Type, _ result: Result<Data, FailureMessage>, what: String) -> Result<T, FailureMessage> {
        result.flatMap { data in
            (try? JSONDecoder().decode(T.self, from: data)).map { .success($0) } ?? .failure(FailureMessage("could not parse \(what)"))
        }
    }

    /// Runs a program and returns the last line of its standard output (a JSON object), or the
    /// last line of its standard error when it fails.
    public static func runJSON(_ program: String, _ arguments: [String], environment: [String: String]? = nil) -> Result<Data, FailureMessage> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return .failure(FailureMessage("could not start \(program): \(error.localizedDescription)"))
        }
        // Read stderr on another thread so that neither pipe fills up and blocks the child.
        let errBox = SendableBox(Data())
        let reader = Thread { errBox.value = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let errText = String(decoding: errBox.value, as: UTF8.self)
            let last = errText.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            return .failure(FailureMessage(last))
        }
        // The JSON object is the whole output (pretty-printed) or its last line.
        if let start = text.firstIndex(of: "{") { return .success(Data(text[start...].utf8)) }
        return .failure(FailureMessage("no JSON in the output of \(program)"))
    }

    public struct FailureMessage: Error, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    /// The 1-minute load average (/proc/loadavg), or NaN.
    public static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first, let value = Double(first)
        else { return .nan }
        return value
    }

    static func describe(_ row: Row) -> String {
        let name = "\(row.framework) \(row.model)\(layout(row)) config \(row.config)"
        if let failure = row.failure { return "\(name): failed (\(failure))" }
        return String(format: "%@: %.0f tokens/s (load %.2f)", name, row.tokensPerSecond ?? .nan, row.loadBefore)
    }

    /// How a row's run used the threads when data-parallel: " ×2 replicas", " DDP ×2".
    static func layout(_ row: Row) -> String {
        if let replicas = row.replicas { return " ×\(replicas) replicas" }
        if let ranks = row.ranks { return " DDP ×\(ranks)" }
        return ""
    }
}
