import Foundation
import Models
import TensorCore

/// Runs a plan's experiments into a run directory and writes the results and reports.
///
/// Order of work: config.json first (so an interrupted run can be repeated), then the plan's
/// tasks — one per experiment that runs once, one per replicate seed of every other
/// (`RunSchedule`) — each after the same replicate of its dependencies, up to `jobs` at a time,
/// with a progress line per task; then results.json, report.md and report.html. A failing task
/// never stops the others; the tasks that depend on it are skipped and the claims of their
/// experiments become `failed`.
///
/// A task runs after its process claims it on the run's `TaskBoard` and publishes its outcome
/// there when it ends, so several processes can share a run: the ranks of an MPI job (each
/// running the tasks it claims first, `jobs` at a time) and a later `--resume` of a run that was
/// killed (the tasks that succeeded keep their outputs). Results depend on the task, never on
/// which process ran it.
public struct Runner: Sendable {
    public enum Isolation: Sendable {
        /// Each task in a child process of this executable (see `ExperimentHost`), up to `jobs`
        /// at a time, each computing with `RunConfiguration.threadsPerExperiment` threads.
        case childProcess(executable: URL, jobs: Int)
        /// Every task in this process, one after another.
        case inProcess
    }

    public var plan: RunPlan
    public var configuration: RunConfiguration
    public var directory: RunDirectory
    public var isolation: Isolation
    /// Progress lines (the CLI prints them on stderr).
    public var progress: @Sendable (String) -> Void
    /// The ranks sharing this run (`mpirun -np N attnlab claims check …`): every rank runs the
    /// tasks it claims on the run's `TaskBoard`; rank 0 writes config.json, results.json, the
    /// figures and the reports. A group of one is a plain run.
    public var group: ProcessGroup
    /// Continue the run already in `directory` (its config.json): tasks that succeeded keep their
    /// outputs, the others run (again).
    public var resume: Bool

    public init(
        plan: RunPlan, configuration: RunConfiguration, directory: RunDirectory, isolation: Isolation,
        group: ProcessGroup = .single, resume: Bool = false, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.plan = plan
        self.configuration = configuration
        self.directory = directory
        self.isolation = isolation
        self.group = group
        self.resume = resume
        self.progress = progress
    }

    /// What a run returns: the results as written, and the claims' outcomes.
    public struct Summary {
        public var results: RunResults
        public var outcomes: [ClaimOutcome]
        public var directory: RunDirectory
    }

    public func run() throws -> Summary {
        let started = Date()
        let board = TaskBoard(directory: directory)
        let schedule = RunSchedule(plan: plan, seeds: configuration.schedule, scale: configuration.scale)
        if group.rank == 0 {
            if resume {
                let kept = try board.prepareResume(schedule.tasks)
                progress("resuming: \(kept) of \(schedule.tasks.count) tasks finished before, the others run")
            } else {
                try directory.write(try LabJSON.encoder.encode(configuration), to: "config.json")
            }
        }
        joinRanks()
        let metrics = MetricsLog(url: directory.metricsFile)
        let runnerSink = metrics.sink(experiment: nil)
        var startFields = ["scale": configuration.scale.rawValue, "seed": String(configuration.seed), "seeds": String(configuration.seeds)]
        if group.isDistributed { startFields["rank"] = String(group.rank) }
        runnerSink.event(resume ? "run-resume" : "run-start", fields: startFields)

        let jobs: Int
        switch isolation {
        case .childProcess(_, let n): jobs = max(1, n)
        case .inProcess: jobs = 1
        }
        let state = SchedulerState(count: schedule.tasks.count)
        let total = schedule.tasks.count
        // Tasks another process may finish (other ranks, or an earlier run when resuming) are
        // read from the board; this process's own results are recorded as they end.
        let shared = group.isDistributed || resume
        func collectPublished() throws {
            for task in schedule.tasks where state.results[task.index] == nil && !state.runningHere.contains(task.index) {
                if let result = try board.result(task) {
                    state.results[task.index] = result
                    state.finished += 1
                }
            }
        }
        // Start the first ready task (plan order, replicates in order) that no process has
        // claimed while a slot is free; a task whose dependency did not succeed is recorded as
        // skipped without running.
        state.condition.lock()
        defer { state.condition.unlock() }
        while true {
            if shared { try collectPublished() }
            if state.finished == total { break }
            var progressed = false
            for task in schedule.tasks where !state.started.contains(task.index) && state.results[task.index] == nil && state.running < jobs {
                if task.dependencies.contains(where: { state.results[$0] == nil }) { continue }
                state.started.insert(task.index)
                guard try board.claim(task, rank: group.rank) else { continue }  // another rank runs it
                progressed = true
                let broken = task.dependencies.filter { state.results[$0]?.succeeded != true }.map { schedule.tasks[$0].label }
                if !broken.isEmpty {
                    let why = "not run: dependency \(broken.map { "'\($0)'" }.joined(separator: ", ")) did not succeed"
                    state.finished += 1
                    progress("[\(state.finished)/\(total)] \(task.label) — skipped, \(why)")
                    runnerSink.event("experiment-skipped", fields: task.fields.merging(["reason": why]) { a, _ in a })
                    let result = TaskResult(task: task, result: .skipped(why), startedAt: Date(), seconds: 0)
                    state.results[task.index] = result
                    try board.publish(result, rank: group.rank)
                    continue
                }
                var dependencyOutputs: [String: ExperimentOutput] = [:]
                for index in task.dependencies {
                    if case .succeeded(let output)? = state.results[index]?.result { dependencyOutputs[schedule.tasks[index].experiment.id] = output }
                }
                state.running += 1
                state.runningHere.insert(task.index)
                progress("[\(state.finished + state.running)/\(total)] \(task.experiment.title) (\(task.label)) …")
                runnerSink.event("experiment-start", fields: task.fields)
                let outputs = dependencyOutputs
                let work: @Sendable () -> Void = { [self] in
                    let begin = Date()
                    let outcome = runOne(task, dependencyOutputs: outputs, metrics: metrics)
                    let seconds = Date().timeIntervalSince(begin)
                    let result = TaskResult(task: task, result: outcome, startedAt: begin, seconds: seconds)
                    // Published before it counts here, so a run never reports a task its board lacks.
                    let published = Result { try board.publish(result, rank: group.rank) }
                    state.condition.lock()
                    state.results[task.index] = result
                    if case .failure(let error) = published { state.errors.append(error) }
                    state.running -= 1
                    state.runningHere.remove(task.index)
                    state.finished += 1
                    let tag = "[\(state.finished)/\(total)]"
                    switch outcome {
                    case .succeeded:
                        progress("\(tag) \(task.label) done in \(Self.duration(seconds))")
                        runnerSink.event(
                            "experiment-end", fields: task.fields.merging(["status": "succeeded"]) { a, _ in a },
                            values: ["seconds": seconds])
                    case .failed(let message):
                        progress("\(tag) \(task.label) FAILED after \(Self.duration(seconds)): \(ClaimEvaluation.firstLine(message))")
                        runnerSink.event(
                            "experiment-end", fields: task.fields.merging(["status": "failed", "error": message]) { a, _ in a },
                            values: ["seconds": seconds])
                    case .skipped: break
                    }
                    state.condition.broadcast()
                    state.condition.unlock()
                }
                if jobs == 1 {
                    state.condition.unlock()
                    work()
                    state.condition.lock()
                } else {
                    Thread.detachNewThread(work)
                }
            }
            if let error = state.errors.first { throw error }
            if state.finished < total && !progressed {
                if shared {
                    // Other processes finish tasks without signalling this one: look again shortly.
                    _ = state.condition.wait(until: Date(timeIntervalSinceNow: Self.boardPollSeconds))
                } else {
                    precondition(state.running > 0, "Runner: no task can start and none is running (a dependency outside the schedule)")
                    state.condition.wait()
                }
            }
        }
        let results = Self.withDependencyScales(state.results.map { $0! })

        var records: [ExperimentRecord] = []
        var usedFigureNames = Set<String>()
        for experiment in plan.experiments {
            let tasks = schedule.tasks.filter { $0.experiment.id == experiment.id }.map { results[$0.index] }
            var record = RunSchedule.record(experiment: experiment, tasks: tasks)
            if let output = tasks.first(where: { $0.succeeded }).flatMap({ if case .succeeded(let o) = $0.result { o } else { nil } }) {
                var figures: [FigureRecord] = []
                for figure in output.figures {
                    let file = "figures/\(uniqueFigureName(figure.name, experiment: experiment.id, used: &usedFigureNames)).svg"
                    if group.rank == 0 { try directory.write(figure.svg, to: file) }
                    figures.append(FigureRecord(name: figure.name, caption: figure.caption, file: file))
                }
                record.figures = figures
            }
            records.append(record)
        }

        let finishedAt = Date()
        let iso = ISO8601DateFormatter()
        var runResults = RunResults(
            config: configuration, startedAt: iso.string(from: started), finishedAt: iso.string(from: finishedAt),
            seconds: finishedAt.timeIntervalSince(started), experiments: records, claims: [])
        let outcomes = ClaimEvaluation.outcomes(plan.claims, in: runResults)
        runResults.claims = outcomes.map(\.record)
        // Every rank holds the same results (read from the board); rank 0 writes them.
        if group.rank == 0 {
            try directory.write(try LabJSON.encoder.encode(runResults), to: "results.json")
            try ReportWriter.write(results: runResults, outcomes: outcomes, to: directory)
            runnerSink.event("run-end", values: ["seconds": runResults.seconds])
        }
        group.barrier()
        return Summary(results: runResults, outcomes: outcomes, directory: directory)
    }

    /// How often a process sharing a run looks for tasks other processes finished.
    static let boardPollSeconds = 0.25

    /// Brings the ranks of a distributed run together after rank 0 wrote config.json: each
    /// rank must read the same bytes there, i.e. see the run directory rank 0 writes (a run
    /// directory on a filesystem every node mounts). A rank that cannot ends the job, naming
    /// itself and the directory.
    private func joinRanks() {
        guard group.isDistributed else { return }
        group.barrier()
        let file = directory.url.appendingPathComponent("config.json")
        guard let bytes = try? Data(contentsOf: file) else {
            group.abort(
                "cannot read \(file.path), which rank 0 wrote: the run directory must be on a filesystem every rank "
                    + "mounts (choose --out on a shared filesystem)")
        }
        var hash = WordHash()
        for byte in bytes { hash.combine(UInt64(byte)) }
        group.requireAgreement(hash.value, on: "the hash of \(file.path) as this rank reads it (is the run directory shared between nodes?)")
    }

    /// Fills the trained scale of every successful task that reports none with the largest of
    /// its dependencies' (an experiment that measured its dependencies' models), in task order so
    /// that chains inherit it.
    static func withDependencyScales(_ results: [TaskResult]) -> [TaskResult] {
        var results = results
        for i in results.indices {
            guard case .succeeded(var output) = results[i].result, output.trainedScale == nil else { continue }
            let scales = results[i].task.dependencies.compactMap { d -> ModelScale? in
                if case .succeeded(let o) = results[d].result { o.trainedScale } else { nil }
            }
            output.trainedScale = scales.max { ($0.parameters ?? 0) < ($1.parameters ?? 0) }
            results[i].result = .succeeded(output)
        }
        return results
    }

    private func runOne(_ task: RunSchedule.Task, dependencyOutputs: [String: ExperimentOutput], metrics: MetricsLog) -> TaskResult.Outcome {
        let progress = self.progress
        let folder = directory.taskDirectory(task.experiment.id, replicate: task.replicate)
        let prefix = task.replicate.map { "    [r\($0)] " } ?? "    "
        switch isolation {
        case .childProcess(let executable, _):
            let dependencyFiles = Dictionary(
                uniqueKeysWithValues: task.dependencyTasks.map { dep in
                    (dep.experiment.id, directory.taskDirectory(dep.experiment.id, replicate: dep.replicate).appendingPathComponent("output.json"))
                })
            let result = ExperimentHost.runInChild(
                id: task.experiment.id, executable: executable, run: directory, folder: folder,
                scale: configuration.scale, seed: task.seed, replicate: task.replicate,
                dependencyFiles: dependencyFiles, threads: configuration.threadsPerExperiment
            ) { line in
                progress(prefix + line)
            }
            return TaskResult.Outcome(result)
        case .inProcess:
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var context = ExperimentContext(
                scale: configuration.scale, seed: task.seed, replicate: task.replicate, directory: folder,
                runDirectory: directory.url, dependencyOutputs: dependencyOutputs,
                log: { line in progress(prefix + line) })
            context.metrics = metrics.sink(experiment: task.experiment.id, replicate: task.replicate)
            let result = ExperimentHost.runInProcess(task.experiment, context: context)
            if case .succeeded(let output) = result {
                // Keep the same files as a child would, so both modes leave identical directories.
                try? AtomicFile.write((try? LabJSON.encoder.encode(output)) ?? Data(), to: folder.appendingPathComponent("output.json"))
            }
            return TaskResult.Outcome(result)
        }
    }

    private func uniqueFigureName(_ name: String, experiment: String, used: inout Set<String>) -> String {
        var candidate = RunDirectory.safeName(name)
        if used.contains(candidate) { candidate = RunDirectory.safeName("\(experiment)-\(name)") }
        let stem = candidate
        var n = 2
        while used.contains(candidate) { candidate = "\(stem)-\(n)"; n += 1 }
        used.insert(candidate)
        return candidate
    }

    /// "0.42 s", "12.3 s", "3 min 05 s".
    public static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 100 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return String(format: "%d min %02d s", s / 60, s % 60)
    }
}

/// The scheduler's shared state; every field is read and written under `condition`.
final class SchedulerState: @unchecked Sendable {
    let condition = NSCondition()
    var results: [TaskResult?]
    /// Tasks this process has tried to claim (whether or not it got them).
    var started = Set<Int>()
    /// Tasks this process is running now.
    var runningHere = Set<Int>()
    /// Errors of publishing outcomes on the board (they end the run).
    var errors: [Error] = []
    var running = 0
    var finished = 0
    init(count: Int) { results = Array(repeating: nil, count: count) }
}

/// One task's outcome.
struct TaskResult: Sendable {
    enum Outcome: Sendable {
        case succeeded(ExperimentOutput)
        case failed(String)
        case skipped(String)

        init(_ r: ExperimentHost.Result) {
            switch r {
            case .succeeded(let o): self = .succeeded(o)
            case .failed(let m): self = .failed(m)
            }
        }
    }
    var task: RunSchedule.Task
    var result: Outcome
    var startedAt: Date
    var seconds: Double
    var succeeded: Bool { if case .succeeded = result { true } else { false } }
}
