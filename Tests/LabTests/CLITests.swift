import Foundation
import Testing

@testable import Lab
@testable import attnlab

/// The built `attnlab` executable next to the test bundle (`swift build --build-tests` builds both).
func builtExecutable() -> URL? {
    let me =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map(URL.init(fileURLWithPath:))
        ?? URL(fileURLWithPath: CommandLine.arguments[0])
    var folder = me.deletingLastPathComponent()
    // On Linux the test binary is <build>/attnlabPackageTests.xctest; on macOS it is inside a bundle.
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("attnlab")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return candidate
        }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}

/// Runs a process and returns (exit status, stdout, stderr).
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let errBox = LinesBox()
    let reader = Thread { errBox.append(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) }
    reader.start()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    while errBox.all.isEmpty { usleep(1000) }
    return (process.terminationStatus, stdout, errBox.all.joined())
}

@Suite struct CLITests {
    @Test func claimsHelpIsPinned() {
        let help = AttnLab.helpMessage(for: AttnLab.Claims.self, columns: 100)
        #expect(
            help == """
                OVERVIEW: List the seeds' claims, or check them by running their experiments.

                `attnlab claims` lists every claim with its seed section and whether an experiment measures it.
                `attnlab claims check ID… | --all` runs the experiments and writes a run directory with report.html.

                USAGE: attnlab claims <subcommand>

                OPTIONS:
                  -h, --help              Show help information.

                SUBCOMMANDS:
                  list (default)          List every claim: id, seed section, and whether it is implemented.
                  check                   Run the experiments behind claims and report a verdict for each.

                  See 'attnlab help claims <subcommand>' for detailed help.
                """)
        let check = AttnLab.helpMessage(for: AttnLab.Claims.Check.self, columns: 100)
        #expect(
            check == """
                OVERVIEW: Run the experiments behind claims and report a verdict for each.

                Writes a run directory (default runs/<timestamp>-<scale>) with config.json, metrics.jsonl,
                results.json, figures/*.svg, report.md and report.html. Every experiment that trains or samples
                runs at --seeds seeds derived from the master seed; each verdict is judged on the measurements
                pooled over them and at each seed. Experiments run --jobs at a time, each in its own child process,
                so a crash is reported as that experiment's failure and the others still run. Under `mpirun -np N`
                the N ranks share the experiments (the run directory must be on a filesystem every rank mounts) and
                rank 0 writes the results. A run that was killed continues with --resume. Exit status: 0 when every
                experiment ran (whatever the verdicts), 1 when an experiment failed.

                USAGE: attnlab claims check [<options>] [<ids> ...]

                ARGUMENTS:
                  <ids>                   Claim ids to check (see `attnlab claims`).

                OPTIONS:
                  --all                   Check every registered claim.
                  --scale <scale>         How big the experiments run: smoke, quick, small or paper. (default:
                                          quick)
                  --seed <seed>           Master random seed. (default: 1)
                  --out <out>             Run directory to create (must not exist or be empty).
                  --config <config>       Repeat the run described by a run directory's config.json (scale and seed
                                          can be overridden).
                  --resume <RUN_DIR>      Continue a run that was interrupted (killed, or a rank died) in its own
                                          directory: experiments that finished keep their outputs, the rest run.
                  --seeds <K>             Seeds per experiment that trains or samples: each runs at this many seeds
                                          derived from the master seed, and every verdict is judged on the pooled
                                          measurements and at each seed. (default: smoke 2, quick 4, small 3, paper
                                          3)
                  --jobs <N>              Experiments run at once, each in its own process. (default: processors ÷
                                          threads)
                  --threads <T>           Threads each experiment computes with. Numbers depend on it, not on
                                          --jobs; config.json records it. (default: 1)
                  --in-process            Run every experiment inside this process, one after another (a crash ends
                                          the run; threads as the process has them).
                  --data <DIR>            Train every trained-model experiment on this folder written by `attnlab
                                          data prepare` (its files are linked into the run directory).
                  --corpus <FILE>         Train every trained-model experiment on this text corpus, prepared into
                                          the run directory with a BPE tokenizer of the scale's vocabulary.
                  --format <FORMAT>       How --corpus separates documents: tinystories (<|endoftext|> between
                                          stories), paragraphs (blank lines) or text (one document). (default:
                                          paragraphs, as `data prepare`)
                  -h, --help              Show help information.

                """)
        let list = AttnLab.helpMessage(for: AttnLab.Claims.List.self, columns: 100)
        #expect(list.contains("--markdown") && list.contains("USAGE: attnlab claims list [--markdown]"))
        let report = AttnLab.helpMessage(for: AttnLab.Report.self, columns: 100)
        #expect(report.contains("USAGE: attnlab report [<run-directories> ...] [--out <out>]"))
    }

    @Test func benchTrainRanksValidatesItsArguments() {
        #expect(throws: (any Error).self) { try AttnLab.Bench.Train.parse(["--ranks", "3"]) }  // 16 sequences do not split 3 ways
        #expect(throws: (any Error).self) { try AttnLab.Bench.Train.parse(["--ranks", "1"]) }
        #expect(throws: (any Error).self) { try AttnLab.Bench.Train.parse(["--ranks", "2", "--memory", "--steps", "200"]) }
        #expect(throws: (any Error).self) { try AttnLab.Bench.Train.parse(["--ranks", "2", "--rounds", "0"]) }
        #expect((try? AttnLab.Bench.Train.parse(["--ranks", "8", "--config", "b"])) != nil)
    }

    @Test func checkValidatesItsArguments() {
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse([]) }
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--all", "softmax.max-entropy"]) }
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--all", "--scale", "huge"]) }
        // --resume continues a run as its config.json says: nothing else may change it.
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--resume", "runs/x", "--all"]) }
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--resume", "runs/x", "--scale", "small"]) }
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--resume", "runs/x", "--seeds", "2"]) }
        #expect((try? AttnLab.Claims.Check.parse(["--resume", "runs/x", "--jobs", "1"])) != nil)
        #expect((try? AttnLab.Claims.Check.parse(["--all", "--scale", "smoke", "--seed", "3"])) != nil)
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--all", "--seeds", "0"]) }
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--all", "--jobs", "-1"]) }
        #expect(throws: (any Error).self) { try AttnLab.Claims.Check.parse(["--all", "--in-process", "--threads", "2"]) }
        #expect((try? AttnLab.Claims.Check.parse(["--all", "--seeds", "3", "--jobs", "2", "--threads", "1"])) != nil)
    }

    /// `attnlab claims check --all --scale smoke` through the built executable: every experiment
    /// in its own child process, exit status 0, a complete run directory; then `attnlab report`
    /// and a re-run from config.json.
    @Test(.tags(.slow), .skippedInFastRuns) func checkAllAtSmokeScaleCompletes() throws {
        let executable = try #require(builtExecutable(), "the attnlab executable should sit next to the test binary")
        let temp = TemporaryDirectory()
        let out = temp.url.appendingPathComponent("smoke")
        let (status, stdout, stderr) = try runProcess(executable, ["claims", "check", "--all", "--scale", "smoke", "--out", out.path])
        #expect(status == 0, "stderr:\n\(stderr)")
        #expect(stdout.contains("Report: \(out.path)/report.html"))
        for claim in ClaimRegistry.all { #expect(stdout.contains(claim.id)) }
        let results = try RunResults.load(out.appendingPathComponent("results.json"))
        #expect(results.config.isolation == .process)
        #expect(results.experiments.count == ExperimentRegistry.all.count)
        #expect(results.experiments.allSatisfy { $0.status == .succeeded }, "\(results.experiments.map { ($0.id, $0.error ?? "") })")
        for experiment in results.experiments { #expect(stderr.contains(experiment.id), "progress line for \(experiment.id)") }
        #expect(results.claims.count == ClaimRegistry.all.count)

        // Re-render from results.json.
        let (reportStatus, reportOut, _) = try runProcess(executable, ["report", out.path])
        #expect(reportStatus == 0 && reportOut.contains("report.html"))
        // Refuse to overwrite another run's directory.
        let (again, _, againErr) = try runProcess(executable, ["claims", "check", "softmax.max-entropy", "--scale", "smoke", "--out", out.path])
        #expect(again != 0 && againErr.contains("not empty"))
        let (unknown, _, unknownErr) = try runProcess(executable, ["claims", "check", "softmax.gibs-identity"])
        #expect(unknown != 0 && unknownErr.contains("softmax.gibbs-identity"))
    }

    /// A run repeated from its config.json alone gives the same measurements.
    @Test(.tags(.slow), .skippedInFastRuns) func aRunRepeatsFromItsConfiguration() throws {
        let executable = try #require(builtExecutable())
        let temp = TemporaryDirectory()
        let first = temp.url.appendingPathComponent("first"), second = temp.url.appendingPathComponent("second")
        let (status, _, stderr) = try runProcess(
            executable,
            [
                "claims", "check", "softmax.gibbs-identity", "softmax.max-entropy",
                "--scale", "smoke", "--seed", "5", "--out", first.path,
            ])
        #expect(status == 0, "\(stderr)")
        let (rerun, _, rerunErr) = try runProcess(
            executable,
            [
                "claims", "check", "--config", first.appendingPathComponent("config.json").path,
                "--out", second.path,
            ])
        #expect(rerun == 0, "\(rerunErr)")
        let a = try RunResults.load(first.appendingPathComponent("results.json"))
        let b = try RunResults.load(second.appendingPathComponent("results.json"))
        #expect(b.config.claims == a.config.claims && b.config.seed == 5 && b.config.scale == .smoke)
        #expect(b.experiments.map(\.id) == a.experiments.map(\.id))
        for e in a.experiments { #expect(b.experiment(e.id)?.measurements == e.measurements, "\(e.id) is not reproducible") }
    }

    /// `attnlab reproduce qsf --scale smoke`: the pipeline's claims, Tables 2 and 3 on the console,
    /// and a run directory `attnlab spectrum RUN_DIR` can read.
    @Test(.tags(.slow), .skippedInFastRuns) func reproduceQSFPrintsTheTablesAndFeedsSpectrum() throws {
        let executable = try #require(builtExecutable())
        let temp = TemporaryDirectory()
        let out = temp.url.appendingPathComponent("qsf")
        let (status, stdout, stderr) = try runProcess(executable, ["reproduce", "qsf", "--scale", "smoke", "--out", out.path])
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("Table 2 analogue") && stdout.contains("Table 3 analogue"))
        for stage in ["transformer", "fnet", "koopman", "qsf", "hamiltonian"] { #expect(stdout.contains(stage)) }
        for claim in ["qsf.loss-ordering", "qsf.hamiltonian-degrades", "qsf.layernorm-anneal", "qsf.throughput"] {
            #expect(stdout.contains(claim))
        }
        let (spectrumStatus, spectrum, spectrumErr) = try runProcess(executable, ["spectrum", out.path, "--stage", "hamiltonian"])
        #expect(spectrumStatus == 0, "\(spectrumErr)")
        #expect(spectrum.contains("Per-layer Koopman spectra") && spectrum.contains("spectrum.model.maxModulus"))
        let (missing, _, missingErr) = try runProcess(executable, ["spectrum", temp.url.path])
        #expect(missing != 0 && missingErr.contains("neither a run directory"))
    }

    @Test(.tags(.slow), .skippedInFastRuns) func listingAndMarkdown() throws {
        let executable = try #require(builtExecutable())
        let (status, stdout, _) = try runProcess(executable, ["claims"])
        #expect(status == 0 && stdout.contains("softmax.gibbs-identity") && stdout.contains("implemented"))
        let (mdStatus, markdown, _) = try runProcess(executable, ["claims", "--markdown"])
        #expect(mdStatus == 0 && markdown.hasPrefix(ClaimsCatalog.registryBegin))
    }
}
