import Foundation
import TensorCore

/// Runs a plan's experiments into a run directory and writes the results and reports.
///
/// Order of work: config.json first (so an interrupted run can be repeated), then each
/// experiment after its dependencies — with a progress line per experiment — then
/// results.json, report.md and report.html. A failing experiment never stops the others; the
/// experiments that depend on it are skipped and the claims they measure become `failed`.
public struct Runner {
    public enum Isolation: Sendable {
        /// Each experiment in a child process of this executable (see `ExperimentHost`).
        case childProcess(executable: URL)
        /// Every experiment in this process.
        case inProcess
    }

    public var plan: RunPlan
    public var configuration: RunConfiguration
    public var directory: RunDirectory
    public var isolation: Isolation
    /// Progress lines (the CLI prints them on stderr).
    public var progress: @Sendable (String) -> Void

    public init(plan: RunPlan, configuration: RunConfiguration, directory: RunDirectory, isolation: Isolation,
                progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.plan = plan
        self.configuration = configuration
        self.directory = directory
        self.isolation = isolation
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
        try directory.write(try LabJSON.encoder.encode(configuration), to: "config.json")
        let metrics = MetricsLog(url: directory.metricsFile)
        let runnerSink = metrics.sink(experiment: nil)
        runnerSink.event("run-start", fields: ["scale": configuration.scale.rawValue, "seed": String(configuration.seed)])

        var records: [ExperimentRecord] = []
        var outputs: [String: ExperimentOutput] = [:]
        var usedFigureNames = Set<String>()
        let total = plan.experiments.count
        for (index, experiment) in plan.experiments.enumerated() {
            let tag = "[\(index + 1)/\(total)]"
            let brokenDependencies = experiment.dependencies.filter { dep in records.first { $0.id == dep }?.status != .succeeded }
            if !brokenDependencies.isEmpty {
                let why = "not run: dependency \(brokenDependencies.map { "'\($0)'" }.joined(separator: ", ")) failed"
                progress("\(tag) \(experiment.title) (\(experiment.id)) — skipped, \(why)")
                records.append(ExperimentRecord(id: experiment.id, title: experiment.title, status: .skipped, error: why))
                runnerSink.event("experiment-skipped", fields: ["id": experiment.id, "reason": why])
                continue
            }
            progress("\(tag) \(experiment.title) (\(experiment.id)) …")
            runnerSink.event("experiment-start", fields: ["id": experiment.id])
            let begin = Date()
            let result = runOne(experiment, outputs: outputs, metrics: metrics)
            let seconds = Date().timeIntervalSince(begin)
            let startedAt = ISO8601DateFormatter().string(from: begin)
            switch result {
            case .succeeded(let output):
                outputs[experiment.id] = output
                var figures: [FigureRecord] = []
                for figure in output.figures {
                    let file = "figures/\(uniqueFigureName(figure.name, experiment: experiment.id, used: &usedFigureNames)).svg"
                    try directory.write(figure.svg, to: file)
                    figures.append(FigureRecord(name: figure.name, caption: figure.caption, file: file))
                }
                records.append(ExperimentRecord(id: experiment.id, title: experiment.title, status: .succeeded,
                                                startedAt: startedAt, seconds: seconds, output: output, figures: figures))
                progress("\(tag) \(experiment.id) done in \(Self.duration(seconds))")
                runnerSink.event("experiment-end", fields: ["id": experiment.id, "status": "succeeded"], values: ["seconds": seconds])
            case .failed(let message):
                records.append(ExperimentRecord(id: experiment.id, title: experiment.title, status: .failed, error: message,
                                                startedAt: startedAt, seconds: seconds))
                progress("\(tag) \(experiment.id) FAILED after \(Self.duration(seconds)): \(ClaimEvaluation.firstLine(message))")
                runnerSink.event("experiment-end", fields: ["id": experiment.id, "status": "failed", "error": message],
                                 values: ["seconds": seconds])
            }
        }

        let finished = Date()
        let iso = ISO8601DateFormatter()
        var results = RunResults(config: configuration, startedAt: iso.string(from: started), finishedAt: iso.string(from: finished),
                                 seconds: finished.timeIntervalSince(started), experiments: records, claims: [])
        let outcomes = ClaimEvaluation.outcomes(plan.claims, in: results)
        results.claims = outcomes.map(\.record)
        try directory.write(try LabJSON.encoder.encode(results), to: "results.json")
        try ReportWriter.write(results: results, outcomes: outcomes, to: directory)
        runnerSink.event("run-end", values: ["seconds": results.seconds])
        return Summary(results: results, outcomes: outcomes, directory: directory)
    }

    private func runOne(_ experiment: any Experiment, outputs: [String: ExperimentOutput], metrics: MetricsLog) -> ExperimentHost.Result {
        let progress = self.progress
        switch isolation {
        case .childProcess(let executable):
            return ExperimentHost.runInChild(id: experiment.id, executable: executable, run: directory,
                                             scale: configuration.scale, seed: configuration.seed) { line in progress("    " + line) }
        case .inProcess:
            let folder = directory.experimentDirectory(experiment.id)
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var context = ExperimentContext(scale: configuration.scale, seed: configuration.seed, directory: folder,
                                            runDirectory: directory.url,
                                            dependencyOutputs: outputs.filter { experiment.dependencies.contains($0.key) },
                                            log: { line in progress("    " + line) })
            context.metrics = metrics.sink(experiment: experiment.id)
            let result = ExperimentHost.runInProcess(experiment, context: context)
            if case .succeeded(let output) = result {
                // Keep the same files as a child would, so both modes leave identical directories.
                try? AtomicFile.write((try? LabJSON.encoder.encode(output)) ?? Data(), to: folder.appendingPathComponent("output.json"))
            }
            return result
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
