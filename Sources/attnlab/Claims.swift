import ArgumentParser
import Foundation
import Lab

extension AttnLab {
    struct Claims: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the seeds' claims, or check them by running their experiments.",
            discussion: """
            `attnlab claims` lists every claim with its seed section and whether an experiment measures it.
            `attnlab claims check ID… | --all` runs the experiments and writes a run directory with report.html.
            """,
            subcommands: [List.self, Check.self, RunExperiment.self],
            defaultSubcommand: List.self
        )
    }
}

extension AttnLab.Claims {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every claim: id, seed section, and whether it is implemented."
        )

        @Flag(help: "Print docs/CLAIMS.md instead: every claim with its seed, claimed value, experiment and verdict rule.")
        var markdown = false

        func run() throws {
            print(markdown ? ClaimsCatalog.markdown() : ClaimsCatalog.listing(), terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the experiments behind claims and report a verdict for each.",
            discussion: """
            Writes a run directory (default runs/<timestamp>-<scale>) with config.json, metrics.jsonl, results.json, \
            figures/*.svg, report.md and report.html. Each experiment runs in its own child process, so a crash is \
            reported as that experiment's failure and the others still run. Exit status: 0 when every experiment ran \
            (whatever the verdicts), 1 when an experiment failed.
            """
        )

        @Argument(help: "Claim ids to check (see `attnlab claims`).")
        var ids: [String] = []

        @Flag(help: "Check every registered claim.")
        var all = false

        @Option(help: "How big the experiments run: smoke, quick, small or paper. (default: quick)")
        var scale: String?

        @Option(help: "Master random seed. (default: 1)")
        var seed: UInt64?

        @Option(help: "Run directory to create (must not exist or be empty).")
        var out: String?

        @Option(help: "Repeat the run described by a run directory's config.json (scale and seed can be overridden).")
        var config: String?

        @Flag(help: "Run every experiment inside this process (faster start, but a crash ends the run).")
        var inProcess = false

        func validate() throws {
            let modes = (ids.isEmpty ? 0 : 1) + (all ? 1 : 0) + (config == nil ? 0 : 1)
            if modes == 0 { throw ValidationError("name claim ids, or pass --all or --config FILE") }
            if modes > 1 {
                let given = ids.isEmpty ? "" : " (claim ids given: \(ids.joined(separator: " ")))"
                throw ValidationError("claim ids, --all and --config exclude each other\(given)")
            }
            if let scale, Scale(rawValue: scale) == nil {
                throw ValidationError("--scale expects one of \(Scale.allCases.map(\.rawValue).joined(separator: ", ")), got '\(scale)'")
            }
        }

        func run() throws {
            let plan: RunPlan
            var configuration: RunConfiguration
            let isolation: Runner.Isolation = inProcess ? .inProcess : .childProcess(executable: currentExecutable())
            if let config {
                let loaded = try RunConfiguration.load(URL(fileURLWithPath: config))
                plan = try RunPlan.resolve(claimIDs: loaded.claims, experimentIDs: loaded.experiments)
                configuration = RunConfiguration(scale: scale.flatMap(Scale.init(rawValue:)) ?? loaded.scale, seed: seed ?? loaded.seed,
                                                 claims: plan.claims.map(\.id), experiments: plan.experiments.map(\.id),
                                                 all: loaded.all, isolation: inProcess ? .inProcess : .process)
            } else {
                plan = try RunPlan.resolve(claimIDs: ids, all: all)
                configuration = RunConfiguration(scale: scale.flatMap(Scale.init(rawValue:)) ?? .quick, seed: seed ?? 1,
                                                 claims: plan.claims.map(\.id), experiments: plan.experiments.map(\.id),
                                                 all: all, isolation: inProcess ? .inProcess : .process)
            }
            configuration.command = CommandLine.arguments
            try executeRun(plan: plan, configuration: configuration, out: out, isolation: isolation)
        }
    }

    /// The child-process side of `claims check` (not for direct use).
    struct RunExperiment: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run-experiment",
            abstract: "Run one experiment into an existing run directory (used by `claims check`).",
            shouldDisplay: false
        )

        @Argument(help: "Experiment id.")
        var id: String

        @Option(help: "The run directory.")
        var runDir: String

        @Option(help: "Scale.")
        var scale: String

        @Option(help: "Master seed.")
        var seed: UInt64

        func run() throws {
            guard let scale = Scale(rawValue: scale) else { throw ValidationError("unknown scale '\(self.scale)'") }
            let status = ExperimentHost.runAsChild(id: id, runDirectory: URL(fileURLWithPath: runDir, isDirectory: true),
                                                   scale: scale, seed: seed)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// Runs a plan into a new run directory, prints the verdict table and where the report is, and
/// exits with status 1 when an experiment failed. Returns the run's summary.
@discardableResult
func executeRun(plan: RunPlan, configuration: RunConfiguration, out: String?, isolation: Runner.Isolation) throws -> Runner.Summary {
    let directory = try RunDirectory.create(requested: out.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                            scale: configuration.scale)
    let stderr = StandardError()
    stderr.line("attnlab: \(plan.claims.count) claims, \(plan.experiments.count) experiments at scale "
                + "\(configuration.scale.rawValue), seed \(configuration.seed) → \(directory.url.path)")
    let runner = Runner(plan: plan, configuration: configuration, directory: directory, isolation: isolation,
                        progress: { stderr.line($0) })
    let summary = try runner.run()
    print(ClaimsCatalog.verdictTable(summary.outcomes))
    print("Verdicts: " + ClaimEvaluation.summary(summary.outcomes).map { "\($0.count) \($0.label)" }.joined(separator: ", "))
    print("Report: \(directory.url.appendingPathComponent("report.html").path)")
    if summary.results.hasFailures {
        let failed = summary.results.experiments.filter { $0.status != .succeeded }.map(\.id)
        stderr.line("attnlab: experiment(s) failed: \(failed.joined(separator: ", ")) (details in the report)")
        throw ExitCode(1)
    }
    return summary
}

/// The path of the running attnlab executable, for re-invoking it as a child process.
func currentExecutable() -> URL {
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return URL(fileURLWithPath: target)
    }
    return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
}

/// Line-buffered writes to stderr, safe from any thread.
struct StandardError: Sendable {
    func line(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
