import Foundation
import Testing

/// `attnlab kpz analyze` and `kpz attention` on hostile options (docs/RELIABILITY.md): every case
/// exits non-zero with a message that names the option and what was expected — before this
/// check, the growth windows trapped in `SurfaceScaling.analyze` and the rest were accepted
/// silently.
@Suite(.tags(.slow), .skippedInFastRuns) struct ReliabilityKPZCommandTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String { arguments.joined(separator: " ") }
        var arguments: [String]
        var expected: [String]
    }

    static let cases: [Case] = [
        Case(arguments: ["--growth-window=-5:20"], expected: ["--growth-window", "0 < a < b"]),
        Case(arguments: ["--growth-window=0:inf"], expected: ["--growth-window", "both finite"]),
        Case(arguments: ["--growth-window=-1e300:5"], expected: ["--growth-window", "0 < a < b"]),
        Case(arguments: ["--groups", "0"], expected: ["--groups", "≥ 2"]),
        Case(arguments: ["--groups=-5"], expected: ["--groups", "≥ 2"]),
        Case(arguments: ["--correlation-window=-5:-1"], expected: ["--correlation-window", "0 < a < b"]),
        Case(arguments: ["--earliest-time", "nan"], expected: ["--earliest-time", "finite"]),
        Case(arguments: ["--t0", "nan"], expected: ["--t0", "finite"]),
        Case(arguments: ["--dt=-1"], expected: ["--dt", "> 0"]),
    ]

    /// A small valid height field, so only the option can be at fault.
    static func heights(in folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("h.csv")
        var text = ""
        for t in 0..<20 { text += (0..<8).map { x in String((t * 7 + x * x) % 5) }.joined(separator: ",") + "\n" }
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: cases) func hostileAnalyzeOptionsAreRefused(_ c: Case) throws {
        let binary = try #require(builtExecutable(), "the attnlab executable is not built next to the tests")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-kpz-options-\(getpid())-\(abs(c.description.hashValue))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try Self.heights(in: folder)
        let (status, out, err) = try runProcess(binary, ["kpz", "analyze", file.path] + c.arguments)
        #expect(status != 0, "exit 0 for \(c): \(out)")
        for text in c.expected { #expect(err.contains(text), "\(c): \(err)") }
    }

    @Test func hostileAttentionOptionsAreRefused() throws {
        let binary = try #require(builtExecutable(), "the attnlab executable is not built next to the tests")
        for (arguments, option) in [(["--growth-window=0:inf"], "--growth-window"), (["--earliest-time", "nan"], "--earliest-time")] {
            let (status, _, err) = try runProcess(binary, ["kpz", "attention", "/nonexistent"] + arguments)
            #expect(status != 0)
            #expect(err.contains(option), "\(arguments): \(err)")
        }
    }
}
