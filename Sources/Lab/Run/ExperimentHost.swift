import Foundation
import TensorCore

/// Runs one experiment, either inside this process or in a child process, and turns whatever
/// happens — an output, a thrown error, a crash — into an `ExperimentResult`.
///
/// Child-process protocol (`attnlab claims run-experiment ID --run-dir DIR --folder F --scale S
/// --seed N [--replicate R] [--dependency DEP=FILE]…`, a hidden subcommand): the child reads each
/// dependency's output from its FILE, runs the experiment in folder F (inside DIR) with
/// `ATTNLAB_THREADS` threads, and writes `F/output.json` (exit 0) or `F/error.txt` (exit 3). Any other exit — a
/// precondition failure, a signal — is a crash; the parent reports the exit status and the last
/// lines the child wrote to stderr (all of which are kept in `stderr.log`).
public enum ExperimentHost {
    /// Exit status of a child whose experiment threw.
    public static let thrownErrorStatus: Int32 = 3

    public enum Result: Sendable {
        case succeeded(ExperimentOutput)
        case failed(String)
    }

    // MARK: In process

    /// Runs `experiment` here; a thrown error becomes `.failed`.
    public static func runInProcess(_ experiment: any Experiment, context: ExperimentContext) -> Result {
        do { return .succeeded(try experiment.run(context)) } catch { return .failed(describe(error)) }
    }

    // MARK: Child side

    /// The body of the hidden `run-experiment` subcommand. Returns the process exit status.
    public static func runAsChild(
        id: String, runDirectory: URL, folder: URL, scale: Scale, seed: UInt64, replicate: Int?,
        dependencyFiles: [String: URL], experiments: [any Experiment] = ExperimentRegistry.all
    ) -> Int32 {
        let run = RunDirectory(existing: runDirectory)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func fail(_ message: String) -> Int32 {
            try? AtomicFile.write(Data(message.utf8), to: folder.appendingPathComponent("error.txt"))
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            return thrownErrorStatus
        }
        guard let experiment = experiments.first(where: { $0.id == id }) else {
            return fail(LabError.unknownExperiment(id, referencedBy: "run-experiment").description)
        }
        var dependencies: [String: ExperimentOutput] = [:]
        for dependency in experiment.dependencies {
            guard let file = dependencyFiles[dependency] else {
                return fail("no output file was given for dependency '\(dependency)' (--dependency \(dependency)=FILE)")
            }
            do {
                dependencies[dependency] = try LabJSON.decoder.decode(ExperimentOutput.self, from: Data(contentsOf: file))
            } catch {
                return fail("cannot read the output of dependency '\(dependency)' (\(file.path)): \(LabJSON.describe(error))")
            }
        }
        let metrics = MetricsLog(url: run.metricsFile)
        var context = ExperimentContext(
            scale: scale, seed: seed, replicate: replicate, directory: folder, runDirectory: run.url,
            dependencyOutputs: dependencies,
            log: { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            })
        context.metrics = metrics.sink(experiment: id, replicate: replicate)
        switch runInProcess(experiment, context: context) {
        case .failed(let message):
            return fail(message)
        case .succeeded(let output):
            do {
                try AtomicFile.write(try LabJSON.encoder.encode(output), to: folder.appendingPathComponent("output.json"))
            } catch {
                return fail("cannot write the experiment's output: \(error)")
            }
            return 0
        }
    }

    // MARK: Parent side

    /// Runs experiment `id` (replicate `replicate` at `seed`, in `folder`) in a child process of
    /// `executable` computing with `threads` threads, forwarding the child's stderr lines to
    /// `forward` as they come.
    public static func runInChild(
        id: String, executable: URL, run: RunDirectory, folder: URL, scale: Scale, seed: UInt64,
        replicate: Int?, dependencyFiles: [String: URL], threads: Int,
        forward: @escaping @Sendable (String) -> Void
    ) -> Result {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for stale in ["output.json", "error.txt"] { try? FileManager.default.removeItem(at: folder.appendingPathComponent(stale)) }
        let process = Process()
        process.executableURL = executable
        var arguments = [
            "claims", "run-experiment", id, "--run-dir", run.url.path, "--folder", folder.path, "--scale", scale.rawValue,
            "--seed", String(seed),
        ]
        if let replicate { arguments += ["--replicate", String(replicate)] }
        for (dependency, file) in dependencyFiles.sorted(by: { $0.key < $1.key }) { arguments += ["--dependency", "\(dependency)=\(file.path)"] }
        process.arguments = arguments
        // A rank's child is a plain process, never a rank: without the launcher's variables it
        // cannot join (or hang waiting for) the MPI job its parent belongs to.
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !["OMPI_", "PMIX_", "OPAL_", "PRTE_"].contains { key.hasPrefix($0) }
        }
        environment["ATTNLAB_THREADS"] = String(threads)
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        let collector = LineCollector(log: folder.appendingPathComponent("stderr.log"), forward: forward)
        let done = DispatchSemaphore(value: 0)
        let reader = pipe.fileHandleForReading
        let thread = Thread {
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                collector.consume(data)
            }
            collector.finish()
            done.signal()
        }
        do { try process.run() } catch {
            return .failed("cannot start '\(executable.path)' for experiment '\(id)': \(error.localizedDescription)")
        }
        thread.start()
        process.waitUntilExit()
        try? pipe.fileHandleForWriting.close()
        done.wait()

        let status = process.terminationStatus
        let tail = collector.tail.joined(separator: "\n")
        if process.terminationReason == .uncaughtSignal {
            return .failed("crashed: terminated by signal \(status) (\(signalName(status)))\(tail.isEmpty ? "" : "; last output:\n\(tail)")")
        }
        if status == thrownErrorStatus, let message = try? String(contentsOf: folder.appendingPathComponent("error.txt"), encoding: .utf8) {
            return .failed(message)
        }
        if status != 0 {
            return .failed("crashed: exit status \(status)\(tail.isEmpty ? "" : "; last output:\n\(tail)")")
        }
        let file = folder.appendingPathComponent("output.json")
        do {
            return .succeeded(try LabJSON.decoder.decode(ExperimentOutput.self, from: Data(contentsOf: file)))
        } catch {
            return .failed("finished but its output (\(file.path)) cannot be read: \(LabJSON.describe(error))")
        }
    }

    /// A thrown error as text: `LocalizedError` descriptions and `CustomStringConvertible` both work.
    public static func describe(_ error: Error) -> String {
        if let e = error as? LocalizedError, let d = e.errorDescription { return d }
        return String(describing: error)
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case 4: "SIGILL, a failed precondition or assertion"
        case 5: "SIGTRAP, a failed precondition or assertion"
        case 6: "SIGABRT"
        case 7: "SIGBUS"
        case 8: "SIGFPE"
        case 9: "SIGKILL, possibly out of memory"
        case 11: "SIGSEGV"
        case 15: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}

/// Splits a child's output into lines, forwards them, keeps the last few, and logs all of them.
private final class LineCollector: @unchecked Sendable {
    private var pending = Data()
    private(set) var tail: [String] = []
    private let forward: @Sendable (String) -> Void
    private let handle: FileHandle?
    private let keep = 40

    init(log: URL, forward: @escaping @Sendable (String) -> Void) {
        self.forward = forward
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        handle = try? FileHandle(forWritingTo: log)
    }

    func consume(_ data: Data) {
        try? handle?.write(contentsOf: data)
        pending.append(data)
        while let newline = pending.firstIndex(of: 0x0A) {
            emit(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending.removeSubrange(pending.startIndex...newline)
        }
    }

    func finish() {
        if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)); pending.removeAll() }
        try? handle?.close()
    }

    private func emit(_ line: String) {
        forward(line)
        tail.append(line)
        if tail.count > keep { tail.removeFirst(tail.count - keep) }
    }
}
