import ArgumentParser
import Foundation
import Lab
import Models
import TensorCore

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

        @Flag(help: "Print the registry section of docs/CLAIMS.md instead: every claim with its seed, claimed value, evidence, experiment and verdict rule.")
        var markdown = false

        @Option(
            help: ArgumentHelp("Rewrite the registry section of this Markdown file (docs/CLAIMS.md) in place, keeping the prose around it.", valueName: "file"))
        var updateDocs: String?

        func run() throws {
            if let updateDocs {
                let url = URL(fileURLWithPath: updateDocs)
                let text: String
                do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                    throw ValidationError("--update-docs: cannot read '\(updateDocs)' (\(error.localizedDescription))")
                }
                try AtomicFile.write(Data(ClaimsCatalog.replacingRegistry(in: text).utf8), to: url)
                print("updated the registry section of \(updateDocs)")
                return
            }
            print(markdown ? ClaimsCatalog.markdown() : ClaimsCatalog.listing(), terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the experiments behind claims and report a verdict for each.",
            discussion: """
                Writes a run directory (default runs/<timestamp>-<scale>) with config.json, metrics.jsonl, results.json, \
                figures/*.svg, report.md and report.html. Every experiment that trains or samples runs at --seeds seeds \
                derived from the master seed; each verdict is judged on the measurements pooled over them and at each \
                seed. Experiments run --jobs at a time, each in its own child process, so a crash is reported as that \
                experiment's failure and the others still run. Under `mpirun -np N` the N ranks share the experiments \
                (the run directory must be on a filesystem every rank mounts) and rank 0 writes the results. A run that \
                was killed continues with --resume. Exit status: 0 when every experiment ran (whatever the verdicts), 1 \
                when an experiment failed.
                """
        )

        @Argument(help: "Claim ids to check (see `attnlab claims`).")
        var ids: [String] = []

        @Flag(help: "Check every registered claim.")
        var all = false

        @Option(help: "How big the experiments run: smoke, quick, small or paper. (default: quick)")
        var scale: String?

        @OptionGroup var target: SeedAndRunDirectory

        @Option(help: "Repeat the run described by a run directory's config.json (scale and seed can be overridden).")
        var config: String?

        @Option(
            help: ArgumentHelp(
                "Continue a run that was interrupted (killed, or a rank died) in its own directory: experiments that finished keep their outputs, the rest run.",
                valueName: "RUN_DIR"))
        var resume: String?

        @OptionGroup var replication: ReplicationOptions

        @OptionGroup var corpus: RunCorpusOptions

        func validate() throws {
            let modes = (ids.isEmpty ? 0 : 1) + (all ? 1 : 0) + (config == nil ? 0 : 1) + (resume == nil ? 0 : 1)
            if modes == 0 { throw ValidationError("name claim ids, or pass --all, --config FILE or --resume RUN_DIR") }
            if modes > 1 {
                let given = ids.isEmpty ? "" : " (claim ids given: \(ids.joined(separator: " ")))"
                throw ValidationError("claim ids, --all, --config and --resume exclude each other\(given)")
            }
            if resume != nil {
                let fixed = [
                    ("--scale", scale != nil), ("--seed", target.seed != nil), ("--out", target.out != nil), ("--seeds", replication.seeds != nil),
                    ("--threads", replication.threads != nil), ("--data", corpus.data != nil), ("--corpus", corpus.corpus != nil),
                ]
                if let (option, _) = fixed.first(where: { $0.1 }) {
                    throw ValidationError("--resume continues the run as its config.json describes it; \(option) cannot change it")
                }
            }
            if let scale { _ = try parseScale(scale) }
        }

        func run() throws {
            if let resume {
                let directory = RunDirectory(existing: URL(fileURLWithPath: resume, isDirectory: true))
                let file = directory.url.appendingPathComponent("config.json")
                guard FileManager.default.fileExists(atPath: file.path) else {
                    throw ValidationError("--resume expects a run directory written by `attnlab claims check`; \(file.path) does not exist")
                }
                let loaded = try RunConfiguration.load(file)
                let plan = try RunPlan.resolve(claimIDs: loaded.claims, experimentIDs: loaded.experiments)
                try executeRun(
                    plan: plan, configuration: loaded, out: nil, isolation: replication.isolation(threads: loaded.threadsPerExperiment),
                    resume: directory)
                return
            }
            let plan: RunPlan
            var configuration: RunConfiguration
            var corpusRequest = corpus.request, expectedCorpus: RunCorpus? = nil
            if let config {
                let loaded = try RunConfiguration.load(URL(fileURLWithPath: config))
                plan = try RunPlan.resolve(claimIDs: loaded.claims, experimentIDs: loaded.experiments)
                let scale = scale.flatMap(Scale.init(rawValue:)) ?? loaded.scale
                // A repeated run keeps the seeds and threads that fixed its numbers unless told otherwise.
                configuration = replication.configuration(
                    scale: scale, seed: target.seed ?? loaded.seed, plan: plan, all: loaded.all,
                    defaultSeeds: loaded.seeds, defaultThreads: loaded.threadsPerExperiment)
                // …and the corpus, checked to be the same bytes, unless another one is named.
                if corpusRequest == nil, let recorded = loaded.corpus { (corpusRequest, expectedCorpus) = (recorded.request, recorded) }
            } else {
                plan = try RunPlan.resolve(claimIDs: ids, all: all)
                configuration = replication.configuration(
                    scale: scale.flatMap(Scale.init(rawValue:)) ?? .quick, seed: target.masterSeed,
                    plan: plan, all: all)
            }
            try executeRun(
                plan: plan, configuration: configuration, out: target.out, isolation: replication.isolation,
                corpus: corpusRequest, expectedCorpus: expectedCorpus)
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

        @Option(help: "The task's folder inside the run directory.")
        var folder: String

        @Option(help: "Scale.")
        var scale: String

        @Option(help: "The task's seed.")
        var seed: UInt64

        @Option(help: "Replicate number (1…K), for a replicated experiment.")
        var replicate: Int?

        @Option(help: "A dependency's output file, as ID=FILE (repeatable).")
        var dependency: [String] = []

        func run() throws {
            guard let scale = Scale(rawValue: scale) else { throw ValidationError("unknown scale '\(self.scale)'") }
            var files: [String: URL] = [:]
            for entry in dependency {
                guard let eq = entry.firstIndex(of: "=") else { throw ValidationError("--dependency expects ID=FILE, got '\(entry)'") }
                files[String(entry[..<eq])] = URL(fileURLWithPath: String(entry[entry.index(after: eq)...]))
            }
            let status = ExperimentHost.runAsChild(
                id: id, runDirectory: URL(fileURLWithPath: runDir, isDirectory: true),
                folder: URL(fileURLWithPath: folder, isDirectory: true), scale: scale, seed: seed,
                replicate: replicate, dependencyFiles: files)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// Runs a plan into a new run directory, prints the verdict table and where the report is, and
/// exits with status 1 when an experiment failed. Returns the run's summary.
///
/// Under `mpirun -np N` every rank calls this: rank 0 creates the run directory (and prepares the
/// corpus), the others learn its path from rank 0, and the ranks share the run's tasks
/// (`Runner.group`); only rank 0 prints the verdicts. An error on any rank ends the whole job
/// with a message naming the rank; what was already written stays (continue with `--resume`).
@discardableResult
func executeRun(
    plan: RunPlan, configuration: RunConfiguration, out: String?, isolation: Runner.Isolation,
    corpus: RunCorpus.Request? = nil, expectedCorpus: RunCorpus? = nil, resume: RunDirectory? = nil
) throws -> Runner.Summary {
    let group = ProcessGroup.launchedRanks(ProcessInfo.processInfo.environment) > 1 ? ProcessGroup.world : .single
    let rankTag = group.isDistributed ? "rank \(group.rank): " : ""
    func onEveryRank<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            guard group.isDistributed else { throw error }
            group.abort("\(AttnLab.readable(error))")
        }
    }
    var configuration = configuration
    var directory = resume ?? RunDirectory(existing: URL(fileURLWithPath: "/"))
    if resume == nil && group.rank == 0 {
        directory = try onEveryRank {
            let created = try RunDirectory.create(requested: out.map { URL(fileURLWithPath: $0, isDirectory: true) }, scale: configuration.scale)
            if let corpus {
                do {
                    configuration.corpus = try RunCorpus.prepare(
                        corpus, scale: configuration.scale, into: created.url,
                        expected: expectedCorpus, log: { printError("attnlab: " + $0) })
                } catch {
                    try? FileManager.default.removeItem(at: created.url.appendingPathComponent(RunCorpus.folderName))
                    throw error
                }
                printError("attnlab: corpus \(configuration.corpus!.label)")
            }
            return created
        }
    }
    if group.isDistributed {
        directory = RunDirectory(existing: URL(fileURLWithPath: group.broadcast(directory.url.path), isDirectory: true))
    }
    let jobs: String
    if case .childProcess(_, let n) = isolation { jobs = ", \(n) at a time" } else { jobs = ", in process" }
    let ranks = group.isDistributed ? " on each of \(group.size) ranks" : ""
    if group.rank == 0 {
        printError(
            "attnlab: \(resume == nil ? "" : "resuming ")\(plan.claims.count) claims, \(plan.experiments.count) experiments at scale "
                + "\(configuration.scale.rawValue), master seed \(configuration.seed), \(configuration.seeds) seeds per experiment that "
                + "trains or samples, \(configuration.threadsPerExperiment) thread\(configuration.threadsPerExperiment == 1 ? "" : "s") each\(jobs)\(ranks) "
                + "→ \(directory.url.path)")
    }
    let runner = Runner(
        plan: plan, configuration: configuration, directory: directory, isolation: isolation, group: group,
        resume: resume != nil, progress: { printError(rankTag + $0) })
    let summary = try onEveryRank { try runner.run() }
    guard group.rank == 0 else { return summary }
    print(ClaimsCatalog.verdictTable(summary.outcomes))
    print("Verdicts: " + ClaimEvaluation.summary(summary.outcomes).map { "\($0.count) \($0.label)" }.joined(separator: ", "))
    print("By evidence: " + ClaimEvaluation.summaryText(summary.outcomes))
    print("Report: \(directory.url.appendingPathComponent("report.html").path)")
    if summary.results.hasFailures {
        let failed = summary.results.experiments.filter { $0.status != .succeeded }.map(\.id)
        printError("attnlab: experiment(s) failed: \(failed.joined(separator: ", ")) (details in the report)")
        throw ExitCode(1)
    }
    return summary
}

/// The master seed of a claims run and the run directory it creates (`claims check`, `reproduce qsf`).
struct SeedAndRunDirectory: ParsableArguments {
    @Option(help: "Master random seed. (default: 1)")
    var seed: UInt64?

    @Option(help: "Run directory to create (must not exist or be empty).")
    var out: String?

    /// `--seed`, or 1 when it is not given.
    var masterSeed: UInt64 { seed ?? 1 }
}

/// How a claims run replicates and schedules its experiments (`claims check`, `reproduce`).
struct ReplicationOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Seeds per experiment that trains or samples: each runs at this many seeds derived from the master seed, and every verdict is judged on the pooled measurements and at each seed. (default: smoke 2, quick 4, small 3, paper 3)",
            valueName: "K"))
    var seeds: Int?

    @Option(help: ArgumentHelp("Experiments run at once, each in its own process. (default: processors ÷ threads)", valueName: "N"))
    var jobs: Int?

    @Option(
        help: ArgumentHelp("Threads each experiment computes with. Numbers depend on it, not on --jobs; config.json records it. (default: 1)", valueName: "T"))
    var threads: Int?

    @Flag(help: "Run every experiment inside this process, one after another (a crash ends the run; threads as the process has them).")
    var inProcess = false

    func validate() throws {
        if let seeds, !(1...1000).contains(seeds) { throw ValidationError("--seeds expects 1 to 1000, got \(seeds)") }
        if let jobs, !(1...4096).contains(jobs) { throw ValidationError("--jobs expects 1 to 4096, got \(jobs)") }
        if let threads, !(1...4096).contains(threads) { throw ValidationError("--threads expects 1 to 4096, got \(threads)") }
        if inProcess && (jobs != nil || threads != nil) {
            throw ValidationError("--in-process runs one experiment at a time with this process's threads; drop --jobs/--threads")
        }
    }

    var threadsPerExperiment: Int { inProcess ? Parallel.defaultThreads : (threads ?? 1) }

    var isolation: Runner.Isolation { isolation(threads: threadsPerExperiment) }

    /// Child processes of `threads` threads each, `--jobs` at a time (default: this node's
    /// processors ÷ threads, shared among the ranks mpirun started on the node), or in process.
    func isolation(threads: Int) -> Runner.Isolation {
        if inProcess { return .inProcess }
        let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let ranksHere = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
        return .childProcess(executable: currentExecutable(), jobs: jobs ?? max(1, processors / max(1, threads) / max(1, ranksHere)))
    }

    func configuration(
        scale: Scale, seed: UInt64, plan: RunPlan, all: Bool, defaultSeeds: Int? = nil,
        defaultThreads: Int? = nil
    ) -> RunConfiguration {
        let threadCount = inProcess ? Parallel.defaultThreads : (threads ?? defaultThreads ?? 1)
        var c = RunConfiguration(
            scale: scale, seed: seed, seeds: seeds ?? defaultSeeds, threadsPerExperiment: threadCount,
            claims: plan.claims.map(\.id), experiments: plan.experiments.map(\.id), all: all,
            isolation: inProcess ? .inProcess : .process)
        c.command = CommandLine.arguments
        return c
    }
}

/// The corpus a claims run trains on, when not the built-in generated stories.
struct RunCorpusOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Train every trained-model experiment on this folder written by `attnlab data prepare` (its files are linked into the run directory).",
            valueName: "DIR"))
    var data: String?

    @Option(
        help: ArgumentHelp(
            "Train every trained-model experiment on this text corpus, prepared into the run directory with a BPE tokenizer of the scale's vocabulary.",
            valueName: "FILE"))
    var corpus: String?

    @Option(
        help: ArgumentHelp(
            "How --corpus separates documents: tinystories (<|endoftext|> between stories), paragraphs (blank lines) or text (one document). (default: paragraphs, as `data prepare`)",
            valueName: "FORMAT"))
    var format: String?

    func validate() throws {
        if data != nil && corpus != nil { throw ValidationError("--data and --corpus exclude each other: name a prepared folder or a text file") }
        if let format {
            guard corpus != nil else { throw ValidationError("--format describes --corpus FILE; it has no effect without it") }
            let _: Corpus.Format = try parseChoice(format, option: "--format")
        }
        if let data {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--data expects a folder written by `attnlab data prepare`; \(data) is not a folder")
            }
        }
        if let corpus, !FileManager.default.isReadableFile(atPath: corpus) {
            throw ValidationError("--corpus expects a readable UTF-8 text file; cannot read \(corpus)")
        }
    }

    var request: RunCorpus.Request? {
        if let data { return .prepared(URL(fileURLWithPath: data, isDirectory: true)) }
        if let corpus { return .file(URL(fileURLWithPath: corpus), format.flatMap(Corpus.Format.init(rawValue:)) ?? .paragraphs) }
        return nil
    }
}

/// The path of the running attnlab executable, for re-invoking it as a child process.
func currentExecutable() -> URL {
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return URL(fileURLWithPath: target)
    }
    return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
}
