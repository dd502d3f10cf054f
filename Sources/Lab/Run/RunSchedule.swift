import Foundation

/// The tasks of a run: one per experiment that runs once, one per replicate seed of every
/// other, each with the tasks it waits for.
///
/// Replicate r of an experiment reads replicate r of each dependency that has replicates, and
/// the single run of each that has none. An experiment that depends on a replicated one is
/// itself replicated, whatever it declares: its input differs from seed to seed. A replicated
/// experiment runs at the run's K seeds, or at its `minimumReplicates` if more, and a replicated
/// dependency at least as often as anything that reads it; replicate k's seed is the same
/// whatever the count (`SeedSchedule`).
struct RunSchedule: Sendable {
    struct Task: Sendable {
        var index: Int
        var experiment: any Experiment
        /// 1…K, nil for an experiment that runs once.
        var replicate: Int?
        var seed: UInt64
        /// Indices of the tasks whose outputs this one reads.
        var dependencies: [Int]
        /// The same tasks, for their folders.
        var dependencyTasks: [(experiment: any Experiment, replicate: Int?)]

        /// "qsf.pipeline" or "qsf.pipeline r2".
        var label: String { replicate.map { "\(experiment.id) r\($0)" } ?? experiment.id }

        /// Fields of the task's metrics events.
        var fields: [String: String] {
            var f = ["id": experiment.id, "seed": String(seed)]
            if let replicate { f["replicate"] = String(replicate) }
            return f
        }
    }

    var tasks: [Task] = []

    init(plan: RunPlan, seeds: SeedSchedule, scale: Scale) {
        var replicated: [String: Bool] = [:]
        for experiment in plan.experiments {
            replicated[experiment.id] =
                experiment.replication == .perSeed || experiment.dependencies.contains { replicated[$0] == true }
        }
        // Counts from the readers back to what they read (the plan lists dependencies first).
        var counts: [String: Int] = [:]
        for experiment in plan.experiments.reversed() where replicated[experiment.id] == true {
            let own = max(seeds.count, experiment.minimumReplicates(at: scale) ?? seeds.count, counts[experiment.id] ?? 0)
            counts[experiment.id] = own
            for dep in experiment.dependencies where replicated[dep] == true { counts[dep] = max(counts[dep] ?? 0, own) }
        }
        var taskIndex: [String: [Int?: Int]] = [:]
        for experiment in plan.experiments {
            let count = counts[experiment.id] ?? seeds.count
            let schedule = SeedSchedule(master: seeds.master, count: count)
            let replicates: [Int?] = replicated[experiment.id] == true ? (1...count).map { $0 } : [nil]
            for r in replicates {
                var dependencies: [Int] = []
                var dependencyTasks: [(experiment: any Experiment, replicate: Int?)] = []
                for dep in experiment.dependencies {
                    let depReplicate: Int? = replicated[dep] == true ? r : nil
                    guard let i = taskIndex[dep]?[depReplicate] else {
                        preconditionFailure("RunSchedule: '\(experiment.id)' depends on '\(dep)', which the plan orders later or lacks")
                    }
                    dependencies.append(i)
                    dependencyTasks.append((tasks[i].experiment, depReplicate))
                }
                let index = tasks.count
                tasks.append(
                    Task(
                        index: index, experiment: experiment, replicate: r,
                        seed: r.map { schedule.seed(replicate: $0) } ?? seeds.master,
                        dependencies: dependencies, dependencyTasks: dependencyTasks))
                taskIndex[experiment.id, default: [:]][r] = index
            }
        }
    }

    /// The record of one experiment from its finished tasks: an experiment that ran once keeps
    /// its output as is; replicates are pooled (`SeedPooling`), each kept in `replicates`, and
    /// the experiment counts as failed when any replicate failed or was skipped. Figures,
    /// tables, notes and artefacts are the first successful replicate's.
    static func record(experiment: any Experiment, tasks: [TaskResult]) -> ExperimentRecord {
        let iso = ISO8601DateFormatter()
        let startedAt = tasks.map(\.startedAt).min().map { iso.string(from: $0) }
        let seconds = tasks.map(\.seconds).reduce(0, +)
        func failureText(_ t: TaskResult) -> String? {
            switch t.result {
            case .succeeded: return nil
            case .failed(let m), .skipped(let m): return t.task.replicate == nil ? m : "replicate \(t.task.replicate!) (seed \(t.task.seed)): \(m)"
            }
        }
        let failures = tasks.compactMap(failureText)
        let outputs = tasks.compactMap { t -> (TaskResult, ExperimentOutput)? in
            if case .succeeded(let o) = t.result { return (t, o) } else { return nil }
        }
        let status: ExperimentRecord.Status =
            failures.isEmpty
            ? .succeeded
            : (tasks.allSatisfy { if case .skipped = $0.result { true } else { false } } ? .skipped : .failed)
        let error = failures.isEmpty ? nil : failures.joined(separator: "\n")
        guard tasks.first?.task.replicate != nil else {
            let output = outputs.first?.1 ?? ExperimentOutput()
            return ExperimentRecord(
                id: experiment.id, title: experiment.title, status: status, error: error, startedAt: startedAt,
                seconds: seconds, output: output)
        }
        let replicates = tasks.map { t -> ReplicateRecord in
            switch t.result {
            case .succeeded(let o):
                return ReplicateRecord(
                    index: t.task.replicate!, seed: t.task.seed, status: .succeeded, seconds: t.seconds,
                    measurements: o.measurements, trainedScale: o.trainedScale)
            case .failed(let m):
                return ReplicateRecord(index: t.task.replicate!, seed: t.task.seed, status: .failed, error: m, seconds: t.seconds)
            case .skipped(let m):
                return ReplicateRecord(index: t.task.replicate!, seed: t.task.seed, status: .skipped, error: m, seconds: 0)
            }
        }
        var output = outputs.first?.1 ?? ExperimentOutput()
        output.measurements = SeedPooling.pool(outputs.map(\.1.measurements))
        output.trainedScale = replicates.first { $0.status == .succeeded }?.trainedScale
        return ExperimentRecord(
            id: experiment.id, title: experiment.title, status: status, error: error, startedAt: startedAt,
            seconds: seconds, output: output, replicates: replicates)
    }
}
