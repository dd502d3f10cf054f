import Foundation
import Models
import Testing

@testable import Lab

/// A run folder is untrusted input to `attnlab report` (docs/RELIABILITY.md): figures are read
/// only from inside it and embedded so that nothing in them runs; and the one metrics.jsonl
/// writer keeps the format of both of its files.
@Suite struct ReliabilityReportTests {
    static let hostileSVG = """
        <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert('x')</script>\
        <foreignObject><iframe src="http://example.invalid/"></iframe></foreignObject><image href="http://example.invalid/x.png"/>\
        </svg></figure><script>alert(2)</script>
        """

    /// One figure entry of results.json and whether the report may show it.
    struct FigureCase: Sendable, CustomStringConvertible {
        var file: String
        var shown: Bool
        var description: String { file.isEmpty ? "(empty path)" : file }
    }

    static func cases(outside: String) -> [FigureCase] {
        [
            .init(file: "figures/ok.svg", shown: true),
            .init(file: "figures/hostile.svg", shown: true),
            .init(file: "figures/link-in.svg", shown: true),  // a symbolic link to another file of the run
            .init(file: "figures/link-out.svg", shown: false),  // a symbolic link leading out of the run
            .init(file: "figures/dir-out/secret.txt", shown: false),  // through a linked folder leading out
            .init(file: "../secret.txt", shown: false),
            .init(file: "figures/../../secret.txt", shown: false),
            .init(file: "figures/./ok.svg", shown: false),
            .init(file: "figures//ok.svg", shown: false),
            .init(file: outside, shown: false),  // an absolute path
            .init(file: "figures", shown: false),  // a folder
            .init(file: "", shown: false),
            .init(file: "figures/missing.svg", shown: false),
        ]
    }

    @Test func figuresComeOnlyFromInsideTheRunAndNothingInThemRuns() throws {
        let temp = TemporaryDirectory()
        let run = temp.url.appendingPathComponent("run"), figures = run.appendingPathComponent("figures")
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        let secret = temp.url.appendingPathComponent("secret.txt")
        try Data("SECRET-OUTSIDE-THE-RUN".utf8).write(to: secret)
        try Data(#"<svg xmlns="http://www.w3.org/2000/svg"><text>inside</text></svg>"#.utf8).write(to: figures.appendingPathComponent("ok.svg"))
        try Data(Self.hostileSVG.utf8).write(to: figures.appendingPathComponent("hostile.svg"))
        try FileManager.default.createSymbolicLink(atPath: figures.appendingPathComponent("link-in.svg").path, withDestinationPath: "ok.svg")
        try FileManager.default.createSymbolicLink(atPath: figures.appendingPathComponent("link-out.svg").path, withDestinationPath: "../../secret.txt")
        try FileManager.default.createSymbolicLink(atPath: figures.appendingPathComponent("dir-out").path, withDestinationPath: temp.url.path)
        let cases = Self.cases(outside: secret.path)
        for c in cases {
            #expect((UntrustedFigure.read(c.file, in: run) != nil) == c.shown, "\(c)")
        }

        let records = cases.enumerated().map { FigureRecord(name: "f\($0.offset)", caption: "caption \($0.offset)", file: $0.element.file) }
        let results = RunResults(
            config: RunConfiguration(scale: .smoke, seed: 1, claims: [], experiments: ["x"], all: false, isolation: .inProcess),
            startedAt: "start", finishedAt: "end", seconds: 1,
            experiments: [ExperimentRecord(id: "x", title: "X", status: .succeeded, figures: records)], claims: [])
        try LabJSON.encoder.encode(results).write(to: run.appendingPathComponent("results.json"))
        try ReportWriter.rerender(run, registry: [])
        let html = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.contains("SECRET-OUTSIDE") && !html.contains(Data("SECRET-OUTSIDE-THE-RUN".utf8).base64EncodedString()))
        for active in ["<script", "onload", "<foreignObject", "<iframe", "example.invalid"] { #expect(!html.contains(active), "\(active)") }
        let images = html.components(separatedBy: "<img src=\"data:image/svg+xml;base64,").dropFirst()
        #expect(images.count == cases.filter(\.shown).count)
        let decoded = images.compactMap { $0.split(separator: "\"").first.flatMap { Data(base64Encoded: String($0)) } }
        #expect(decoded.contains(Data(Self.hostileSVG.utf8)), "the hostile figure is shown as an image of itself")
        #expect(html.components(separatedBy: "class=\"missing\"").count - 1 == cases.filter { !$0.shown }.count)
    }

    /// A run's results.json and config.json naming a key twice are refused with the file named
    /// (JSONDecoder kept one of the two values, so a report could show what the run never wrote).
    @Test func runFilesWithAKeyTwiceAreRefused() throws {
        let temp = TemporaryDirectory()
        let config = RunConfiguration(scale: .smoke, seed: 1, claims: [], experiments: ["x"], all: false, isolation: .inProcess)
        let results = RunResults(
            config: config, startedAt: "start", finishedAt: "end", seconds: 1,
            experiments: [ExperimentRecord(id: "x", title: "X", status: .succeeded)], claims: [])
        for (name, encoded) in [("results.json", try LabJSON.encoder.encode(results)), ("config.json", try LabJSON.encoder.encode(config))] {
            let url = temp.url.appendingPathComponent(name)
            try encoded.write(to: url)
            func load() throws { if name == "results.json" { _ = try RunResults.load(url) } else { _ = try RunConfiguration.load(url) } }
            try load()
            var text = try #require(String(data: encoded, encoding: .utf8))
            text.removeLast(text.hasSuffix("\n") ? 2 : 1)  // the closing brace
            text += ", \"scale\": \"paper\", \"startedAt\": \"forged\"}"
            try Data(text.utf8).write(to: url)
            let key = name == "results.json" ? "startedAt" : "scale"
            let expected = LabError.badFile(url.path, "is not an attnlab \(name): the key \"\(key)\" appears twice in the top-level object")
            #expect(throws: expected) { try load() }
        }
    }

    /// `attnlab train` writes its metrics.jsonl through `MetricsLog`: the lines are the JSON
    /// `TrainingRecord` lines they always were (sorted keys), `keepRecords` trims after a step,
    /// and a write that fails is reported once, not trapped.
    @Test func oneMetricsWriterKeepsTheTrainingFormat() throws {
        let temp = TemporaryDirectory()
        let url = temp.url.appendingPathComponent("metrics.jsonl")
        var record = TrainingRecord(kind: .train, step: 1)
        record.loss = 2.5
        record.learningRate = 0.001
        var eval = TrainingRecord(kind: .eval, step: 2)
        eval.validationLoss = 2.25
        do {
            let log = try MetricsLog.opening(url, truncating: true)
            log.append(record)
            log.append(eval)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let expected = try [record, eval].map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
        #expect(try String(contentsOf: url, encoding: .utf8) == expected)
        try MetricsLog.keepRecords(throughStep: 1, in: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == expected.split(separator: "\n")[0] + "\n")
        do {
            let log = try MetricsLog.opening(url, truncating: false)
            log.append(eval)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == expected)
        #expect(throws: (any Error).self) { try MetricsLog.opening(temp.url.appendingPathComponent("no/such/folder/m.jsonl"), truncating: true) }
        // /dev/full fails every write with ENOSPC: reported once through onFailure.
        if FileManager.default.fileExists(atPath: "/dev/full") {
            let reports = Reports()
            let full = try MetricsLog.opening(URL(fileURLWithPath: "/dev/full"), truncating: false) { reports.add($0) }
            full.append(record)
            full.append(record)
            #expect(reports.lines == ["cannot append to /dev/full: No space left on device"])
        }
    }

    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func add(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
        var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
