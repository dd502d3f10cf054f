import Foundation
import TensorCore

/// Where a run's tasks are claimed and their outcomes published, in the run directory itself, so
/// that several processes can share one run: the ranks of an MPI job (`mpirun -np N attnlab
/// claims check …`, each rank running the tasks it claims) and a run continued with `--resume`.
///
/// ```
/// <task folder>/claim          created exclusively (O_CREAT | O_EXCL) by the process that runs the task
/// <task folder>/outcome.json   written atomically when the task ends: status, error, start, seconds, rank
/// <task folder>/output.json    the experiment's output (written by the process that ran it)
/// ```
/// Exclusive creation is atomic on a local disk and on the filesystems clusters share between
/// nodes (NFS v3+, Lustre, GPFS), so each task runs exactly once whichever rank reaches it first.
struct TaskBoard: Sendable {
    let directory: RunDirectory

    static let claimFile = "claim"
    static let outcomeFile = "outcome.json"

    /// What `outcome.json` holds.
    struct Outcome: Codable {
        enum Status: String, Codable { case succeeded, failed, skipped }
        var status: Status
        var error: String?
        var startedAt: Date
        var seconds: Double
        /// The rank that ran the task (0 in a single process).
        var rank: Int
    }

    func folder(_ task: RunSchedule.Task) -> URL { directory.taskDirectory(task.experiment.id, replicate: task.replicate) }

    /// Claims `task` for this process: true when no process had claimed it.
    func claim(_ task: RunSchedule.Task, rank: Int) throws -> Bool {
        let folder = folder(task)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw LabError.writeFailed(folder.path, error.localizedDescription)
        }
        let path = folder.appendingPathComponent(Self.claimFile).path
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw LabError.writeFailed(path, String(cString: strerror(errno)))
        }
        let text = "rank \(rank) pid \(getpid()) host \(Self.hostName)\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        return true
    }

    /// This machine's name as the kernel has it (`gethostname`; Foundation's `hostName` may wait
    /// on a DNS lookup, which a cluster node without one would pay per task).
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Publishes a finished task's outcome (its output is already in `output.json`).
    func publish(_ result: TaskResult, rank: Int) throws {
        let outcome: Outcome
        switch result.result {
        case .succeeded: outcome = Outcome(status: .succeeded, startedAt: result.startedAt, seconds: result.seconds, rank: rank)
        case .failed(let m): outcome = Outcome(status: .failed, error: m, startedAt: result.startedAt, seconds: result.seconds, rank: rank)
        case .skipped(let m): outcome = Outcome(status: .skipped, error: m, startedAt: result.startedAt, seconds: result.seconds, rank: rank)
        }
        let file = folder(result.task).appendingPathComponent(Self.outcomeFile)
        do { try AtomicFile.write(try LabJSON.encoder.encode(outcome), to: file) } catch {
            throw LabError.writeFailed(file.path, "\(error)")
        }
    }

    /// The task's result when some process has published it; nil while it is unfinished.
    func result(_ task: RunSchedule.Task) throws -> TaskResult? {
        guard let outcome = try outcome(task) else { return nil }
        switch outcome.status {
        case .failed: return TaskResult(task: task, result: .failed(outcome.error ?? "failed"), startedAt: outcome.startedAt, seconds: outcome.seconds)
        case .skipped: return TaskResult(task: task, result: .skipped(outcome.error ?? "skipped"), startedAt: outcome.startedAt, seconds: 0)
        case .succeeded:
            let output = folder(task).appendingPathComponent("output.json")
            do {
                let decoded = try LabJSON.decoder.decode(ExperimentOutput.self, from: Data(contentsOf: output))
                return TaskResult(task: task, result: .succeeded(decoded), startedAt: outcome.startedAt, seconds: outcome.seconds)
            } catch {
                throw LabError.badFile(output.path, "cannot be read as an experiment output: \(LabJSON.describe(error))")
            }
        }
    }

    /// The task's published outcome (without its output); nil while it is unfinished.
    func outcome(_ task: RunSchedule.Task) throws -> Outcome? {
        let file = folder(task).appendingPathComponent(Self.outcomeFile)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do { return try LabJSON.decoder.decode(Outcome.self, from: Data(contentsOf: file)) } catch {
            throw LabError.badFile(file.path, "cannot be read as a task outcome: \(LabJSON.describe(error))")
        }
    }

    /// Prepares an interrupted run to continue: a task that succeeded keeps its output; every
    /// other task (failed, skipped, or claimed by a process that died) loses its claim and outcome
    /// and runs again. A task that wrote its output before runs recorded outcomes counts as
    /// succeeded, timed at 0 s. Returns the number of tasks kept.
    @discardableResult
    func prepareResume(_ tasks: [RunSchedule.Task]) throws -> Int {
        let fm = FileManager.default
        var kept = 0
        for task in tasks {
            let folder = folder(task)
            let output = folder.appendingPathComponent("output.json")
            let published = try outcome(task)
            if published?.status == .succeeded {
                kept += 1
                continue
            }
            if published == nil, fm.fileExists(atPath: output.path),
                (try? LabJSON.decoder.decode(ExperimentOutput.self, from: Data(contentsOf: output))) != nil
            {
                let written = (try? fm.attributesOfItem(atPath: output.path)[.modificationDate] as? Date) ?? Date()
                try publish(TaskResult(task: task, result: .succeeded(ExperimentOutput()), startedAt: written, seconds: 0), rank: 0)
                kept += 1
                continue
            }
            for stale in [Self.claimFile, Self.outcomeFile, "output.json", "error.txt"] {
                try? fm.removeItem(at: folder.appendingPathComponent(stale))
            }
        }
        return kept
    }
}
