import Foundation
import Testing

@testable import Lab

/// A temporary directory removed when the test ends.
final class TemporaryDirectory {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-test-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Synthetic experiments for the runner: one measures, one throws, one depends on each.
struct MeasuringStub: Experiment {
    var id = "stub.measure"
    var title = "Measures x = 1.0 ± 0.1 <with markup & quotes \">"
    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        context.log("measuring at scale \(context.scale.rawValue)")
        context.metrics.log(["loss": 2.5, "nan-loss": .nan], step: 3)
        var chart = Chart(title: "stub", xLabel: "x", yLabel: "y")
        chart.add(.scatter([1, 2, 3], [1, 4, 9], errors: [0.1, 0.2, 0.3], label: "squares"))
        try Data("artefact".utf8).write(to: context.directory.appendingPathComponent("data.txt"))
        return ExperimentOutput(
            measurements: [
                "x": Measurement(1.0, error: 0.1, samples: 500, label: "the x"),
                "weird": Measurement(.infinity),
            ],
            figures: [
                Figure(name: "squares", caption: "Squares.", svg: chart.svg()),
                Figure(name: "squares", caption: "Same name.", svg: chart.svg()),
            ],
            tables: [ReportTable(title: "T", header: ["a", "b"], rows: [["1", "2|3"]])],
            notes: ["a note"], artifacts: ["data": context.artifactPath(context.directory.appendingPathComponent("data.txt"))])
    }
}

struct ThrowingStub: Experiment {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom: the input file is malformed" } }
    var id = "stub.throw"
    var title = "Throws"
    func run(_ context: ExperimentContext) throws -> ExperimentOutput { throw Boom() }
}

struct DependentStub: Experiment {
    var id: String
    var title: String { "Depends on \(dependencies[0])" }
    var dependencies: [String]
    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let upstream = try #require(context.dependencyOutputs[dependencies[0]])
        return ExperimentOutput(measurements: ["y": Measurement(2 * upstream.measurements["x"]!.value, error: 0.2, samples: 500)])
    }
}

enum StubRegistry {
    static let experiments: [any Experiment] = [
        MeasuringStub(), ThrowingStub(), DependentStub(id: "stub.after-measure", dependencies: ["stub.measure"]),
        DependentStub(id: "stub.after-throw", dependencies: ["stub.throw"]),
    ]
    static let claims: [Claim] = [
        Claim(
            id: "stub.x-is-one", seed: Seed.bornRule, section: "§1", statement: "x is one", claimed: "1.0 ± 0.05",
            experiment: "stub.measure", evidence: .simulation, rule: .agrees("x", with: 1.0, claimedError: 0.05)),
        Claim(
            id: "stub.y-is-two", seed: Seed.bornRule, section: "§2", statement: "y is two", claimed: "2",
            experiment: "stub.after-measure", evidence: .simulation, rule: .agrees("y", with: 2).requiringSamples(5000, of: "y")),
        Claim(
            id: "stub.thrown", seed: Seed.nnqft, section: "§3", statement: "throws", claimed: "—", experiment: "stub.throw",
            evidence: .simulation, rule: .atMost("z", 1)),
        Claim(
            id: "stub.downstream", seed: Seed.nnqft, section: "§4", statement: "after a failure", claimed: "—",
            experiment: "stub.after-throw", evidence: .simulation, rule: .atMost("y", 1)),
        Claim(
            id: "stub.pending", seed: Seed.pathIntegral, section: "§5", statement: "not yet", claimed: "—", experiment: nil,
            evidence: .simulation, rule: .pending),
    ]

    static func run(into directory: URL) throws -> Runner.Summary {
        let plan = try RunPlan.resolve(claimIDs: [], all: true, claims: claims, experiments: experiments)
        let configuration = RunConfiguration(
            scale: .smoke, seed: 7, claims: plan.claims.map(\.id),
            experiments: plan.experiments.map(\.id), all: true, isolation: .inProcess)
        let run = try RunDirectory.create(requested: directory, scale: .smoke)
        return try Runner(plan: plan, configuration: configuration, directory: run, isolation: .inProcess).run()
    }
}

@Suite struct RunnerTests {
    @Test func aFailureDoesNotStopTheOthersAndEverythingIsWritten() throws {
        let temp = TemporaryDirectory()
        let out = temp.url.appendingPathComponent("run")
        let summary = try StubRegistry.run(into: out)
        let status = Dictionary(uniqueKeysWithValues: summary.results.experiments.map { ($0.id, $0.status) })
        #expect(
            status == [
                "stub.measure": .succeeded, "stub.after-measure": .succeeded, "stub.throw": .failed,
                "stub.after-throw": .skipped,
            ])
        #expect(summary.results.hasFailures)
        #expect(summary.results.experiment("stub.throw")?.error?.contains("replicate 1 (seed ") == true)
        #expect(summary.results.experiment("stub.throw")?.error?.contains("boom: the input file is malformed") == true)
        let verdicts = Dictionary(uniqueKeysWithValues: summary.outcomes.map { ($0.claim.id, $0.verdict.label) })
        #expect(
            verdicts == [
                "stub.x-is-one": "reproduced", "stub.y-is-two": "inconclusive", "stub.thrown": "failed",
                "stub.downstream": "failed", "stub.pending": "not yet implemented",
            ])
        // The dependency's output reached the dependent experiment.
        #expect(summary.results.experiment("stub.after-measure")?.measurements["y"]?.value == 2)

        let fm = FileManager.default
        for file in [
            "config.json", "metrics.jsonl", "results.json", "report.md", "report.html", "figures/squares.svg",
            "figures/stub.measure-squares.svg", "experiments/stub.measure/replicate-1/output.json",
            "experiments/stub.measure/replicate-2/output.json", "experiments/stub.measure/replicate-1/data.txt",
        ] {
            #expect(fm.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        // No temporary files are left behind by the atomic writes.
        let leftovers = try fm.subpathsOfDirectory(atPath: out.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("boom: the input file is malformed"))
        #expect(html.contains("&lt;with markup &amp; quotes &quot;&gt;"))
        #expect(!html.contains("<script"))
        #expect(html.contains("<img src=\"data:image/svg+xml;base64,"))  // figures are embedded as images (UntrustedFigure)
        // The claims table comes before the experiment sections.
        let claimsAt = try #require(html.range(of: "id=\"claims\"")), firstExperiment = try #require(html.range(of: "class=\"experiment\""))
        #expect(claimsAt.lowerBound < firstExperiment.lowerBound)
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("| [`stub.x-is-one`](#experiment-stub.measure) |"))
        #expect(md.contains("2\\|3"))

        let metrics = MetricsLog.read(out.appendingPathComponent("metrics.jsonl"))
        #expect(metrics.contains { $0.experiment == "stub.measure" && $0.step == 3 && $0.values?["loss"] == 2.5 && $0.values?["nan-loss"]?.isNaN == true })
        #expect(metrics.contains { $0.event == "experiment-end" && $0.fields?["status"] == "failed" })
        #expect(metrics.first?.event == "run-start" && metrics.last?.event == "run-end")
    }

    @Test func aResumedRunKeepsWhatSucceededAndRunsTheRest() throws {
        let temp = TemporaryDirectory()
        let out = temp.url.appendingPathComponent("run")
        let first = try StubRegistry.run(into: out)
        let fm = FileManager.default
        let kept = out.appendingPathComponent("experiments/stub.measure/replicate-1/\(TaskBoard.outcomeFile)")
        let keptOutcome = try Data(contentsOf: kept)
        // As a killed run leaves it: no results, one task that never ended (claimed, no outcome).
        let unfinished = out.appendingPathComponent("experiments/stub.after-measure/replicate-2")
        for file in [TaskBoard.outcomeFile, "output.json"] { try fm.removeItem(at: unfinished.appendingPathComponent(file)) }
        try fm.removeItem(at: out.appendingPathComponent("results.json"))

        let plan = try RunPlan.resolve(claimIDs: [], all: true, claims: StubRegistry.claims, experiments: StubRegistry.experiments)
        let configuration = try RunConfiguration.load(out.appendingPathComponent("config.json"))
        let lines = LinesBox()
        let resumed = try Runner(
            plan: plan, configuration: configuration, directory: RunDirectory(existing: out), isolation: .inProcess,
            resume: true, progress: { lines.append($0) }
        ).run()
        #expect(lines.all.contains { $0.contains("resuming: 3 of 8 tasks finished before") }, "\(lines.all)")
        #expect(try Data(contentsOf: kept) == keptOutcome, "a task that had succeeded ran again")
        #expect(fm.fileExists(atPath: unfinished.appendingPathComponent("output.json").path))
        #expect(resumed.results.experiments.map(\.status) == first.results.experiments.map(\.status))
        #expect(resumed.outcomes.map(\.verdict.label) == first.outcomes.map(\.verdict.label))
        #expect(
            resumed.results.experiment("stub.after-measure")?.measurements["y"]?.value
                == first.results.experiment("stub.after-measure")?.measurements["y"]?.value)
        #expect(fm.fileExists(atPath: out.appendingPathComponent("results.json").path))
    }

    @Test func resultsRoundTripThroughJSON() throws {
        let temp = TemporaryDirectory()
        let out = temp.url.appendingPathComponent("run")
        let summary = try StubRegistry.run(into: out)
        let loaded = try RunResults.load(out.appendingPathComponent("results.json"))
        #expect(loaded.config == summary.results.config)
        #expect(loaded.experiments == summary.results.experiments)
        #expect(loaded.claims == summary.results.claims)
        #expect(loaded.experiment("stub.measure")?.measurements["weird"]?.value == .infinity)
        // Re-encoding gives the same bytes.
        #expect(try LabJSON.encoder.encode(loaded) == (try Data(contentsOf: out.appendingPathComponent("results.json"))))
        // The configuration reloads too.
        let config = try RunConfiguration.load(out.appendingPathComponent("config.json"))
        #expect(config.scale == .smoke && config.seed == 7 && config.isolation == .inProcess)
    }

    @Test func malformedFilesGiveErrorsNamingThem() throws {
        let temp = TemporaryDirectory()
        let bad = temp.url.appendingPathComponent("results.json")
        try Data("{\"schemaVersion\": 1}".utf8).write(to: bad)
        do {
            _ = try RunResults.load(bad)
            Issue.record("expected an error")
        } catch let error as LabError {
            #expect(error.description.contains(bad.path) && error.description.contains("missing key"), "\(error)")
        }
        #expect(throws: LabError.self) { try RunConfiguration.load(temp.url.appendingPathComponent("nowhere.json")) }
    }

    @Test func reRenderingRecomputesVerdictsWithTheCurrentRules() throws {
        let temp = TemporaryDirectory()
        let out = temp.url.appendingPathComponent("run")
        _ = try StubRegistry.run(into: out)
        // A stricter rule for the same claim now contradicts the stored measurement.
        var claims = StubRegistry.claims
        claims[0] = Claim(
            id: "stub.x-is-one", seed: Seed.bornRule, section: "§1", statement: "x is one", claimed: "1.5",
            experiment: "stub.measure", evidence: .simulation, rule: .agrees("x", with: 1.5))
        let (outcomes, dropped) = try ReportWriter.rerender(out, registry: Array(claims.prefix(4)))
        #expect(outcomes.first { $0.claim.id == "stub.x-is-one" }?.verdict.label == "contradicted")
        #expect(dropped == ["stub.pending"])
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("**contradicted**"))
    }

    @Test func runDirectoriesNeverOverwriteAnotherRun() throws {
        let temp = TemporaryDirectory()
        let out = temp.url.appendingPathComponent("run")
        _ = try StubRegistry.run(into: out)
        #expect(throws: LabError.directoryNotEmpty(out.path)) { try RunDirectory.create(requested: out, scale: .smoke) }
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try RunDirectory.create(requested: nil, base: temp.url, scale: .quick, now: now)
        let second = try RunDirectory.create(requested: nil, base: temp.url, scale: .quick, now: now)
        #expect(first.url.lastPathComponent == "20231114-221320-quick")
        #expect(second.url.lastPathComponent == "20231114-221320-quick-2")
    }

    @Test func childProcessCrashesAndErrorsBecomeFailures() throws {
        let temp = TemporaryDirectory()
        let run = try RunDirectory.create(requested: temp.url.appendingPathComponent("run"), scale: .smoke)
        func script(_ name: String, _ body: String) throws -> URL {
            let url = temp.url.appendingPathComponent(name)
            try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            return url
        }
        // Arguments: claims run-experiment ID --run-dir DIR --folder F --scale S --seed N.
        func child(_ id: String, _ executable: URL, forward: @escaping @Sendable (String) -> Void = { _ in }) -> ExperimentHost.Result {
            ExperimentHost.runInChild(
                id: id, executable: executable, run: run, folder: run.experimentDirectory(id), scale: .smoke, seed: 1,
                replicate: nil, dependencyFiles: [:], threads: 1, forward: forward)
        }
        let crash = try script("crash.sh", "echo 'working…' >&2\necho 'Fatal error: index out of range' >&2\nkill -ILL $$")
        let lines = LinesBox()
        let crashed = child("x", crash) { lines.append($0) }
        guard case .failed(let message) = crashed else { Issue.record("crash not detected"); return }
        #expect(message.contains("signal 4") && message.contains("Fatal error: index out of range"), "\(message)")
        #expect(lines.all == ["working…", "Fatal error: index out of range"])
        #expect(
            try String(contentsOf: run.experimentDirectory("x").appendingPathComponent("stderr.log"), encoding: .utf8)
                .contains("index out of range"))

        let thrower = try script("throw.sh", "mkdir -p \"$7\"\nprintf 'bad input: x.csv line 3' > \"$7/error.txt\"\nexit 3")
        guard case .failed(let thrown) = child("y", thrower)
        else { Issue.record("error not detected"); return }
        #expect(thrown == "bad input: x.csv line 3")

        let silent = try script("silent.sh", "exit 0")
        guard case .failed(let missing) = child("z", silent)
        else { Issue.record("missing output not detected"); return }
        #expect(missing.contains("cannot be read"))

        let exits = try script("exit.sh", "exit 42")
        guard case .failed(let status) = child("w", exits)
        else { Issue.record("exit status not detected"); return }
        #expect(status.contains("exit status 42"))
    }
}

final class LinesBox: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
