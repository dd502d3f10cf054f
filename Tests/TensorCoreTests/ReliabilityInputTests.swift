import Foundation
import Testing

@testable import TensorCore

/// The TensorCore side of docs/RELIABILITY.md's second round: duplicate JSON keys are found,
/// drawing from weights that are not a distribution throws or degrades instead of trapping,
/// a folder replaced as a set survives a failure midway, and file errors read as words.
@Suite struct ReliabilityInputTests {
    // MARK: StrictJSON

    struct JSONCase: Sendable, CustomStringConvertible {
        var description: String
        var json: String
        var finding: StrictJSON.Finding?
    }

    static let jsonCases: [JSONCase] = [
        .init(description: "no duplicates", json: #"{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}"#, finding: nil),
        .init(description: "top level", json: #"{"step": 3, "model": {}, "step": -5}"#, finding: .duplicateKey(path: "", key: "step")),
        .init(description: "nested", json: #"{"model": {"layers": 2, "layers": 1000000000}}"#, finding: .duplicateKey(path: "model", key: "layers")),
        .init(description: "in an array", json: #"{"x": [1, {"k": 1, "k": 2}]}"#, finding: .duplicateKey(path: "x.1", key: "k")),
        .init(description: "by escape", json: #"{"ab": 1, "a\u0062": 2}"#, finding: .duplicateKey(path: "", key: "ab")),
        .init(description: "escaped quote in a key", json: #"{"a\"b": 1, "a\"b": 2}"#, finding: .duplicateKey(path: "", key: "a\"b")),
        .init(description: "malformed: left to the decoder", json: #"{"a": 1, "b""#, finding: nil),
        .init(
            description: "too deep", json: String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
            finding: .tooDeep(path: (0..<512).map { _ in "0" }.joined(separator: "."))),
    ]

    @Test(arguments: jsonCases) func duplicateKeysAreFound(_ c: JSONCase) {
        #expect(StrictJSON.check(Data(c.json.utf8)) == c.finding)
    }

    // MARK: categorical

    struct WeightsCase: Sendable, CustomStringConvertible {
        var description: String
        var weights: [Double]
        var error: CategoricalError?
        /// Indices the draw may return.
        var allowed: Set<Int>
    }

    static let weightsCases: [WeightsCase] = [
        .init(description: "NaN", weights: [1, .nan, 1], error: .notANumber(index: 1), allowed: [0, 2]),
        .init(description: "negative", weights: [1, -2], error: .negative(index: 1, value: -2), allowed: [0]),
        .init(description: "−∞", weights: [-.infinity, 1], error: .negative(index: 0, value: -.infinity), allowed: [1]),
        .init(description: "all zero", weights: [0, 0, 0], error: .noPositiveWeight(count: 3), allowed: [0, 1, 2]),
        .init(description: "all NaN", weights: [.nan, .nan], error: .notANumber(index: 0), allowed: [0, 1]),
        .init(description: "+∞ shares the draw", weights: [1, .infinity, 5, .infinity], error: nil, allowed: [1, 3]),
        .init(description: "sum overflows", weights: [1e308, 1e308, 0], error: nil, allowed: [0, 1]),
        .init(description: "huge and tiny", weights: [1e300, 1e-300], error: nil, allowed: [0, 1]),
    ]

    /// Bad weights throw from the checking draw and never trap the plain one (before this round
    /// a NaN or +∞ weight stopped the process in a precondition).
    @Test(arguments: weightsCases) func weightsThatAreNotADistributionNeverTrap(_ c: WeightsCase) throws {
        #expect(CategoricalError.check(c.weights) == c.error)
        var rng = SeededRNG(seed: 3)
        for _ in 0..<200 { #expect(c.allowed.contains(rng.categorical(weights: c.weights))) }
        if let error = c.error {
            #expect(throws: error) { _ = try rng.categorical(checking: c.weights) }
            #expect(rng.categorical(weightsIfValid: c.weights) == nil)
        } else {
            for _ in 0..<200 { #expect(c.allowed.contains(try rng.categorical(checking: c.weights))) }
        }
    }

    @Test func logitsAtExtremeTemperaturesAreTheLimits() throws {
        var rng = SeededRNG(seed: 5)
        let logits: [Double] = [3, -.infinity, 1, 2]
        var seen = Set<Int>()
        // T = +∞: uniform over the finite logits; masked (−∞) entries are never drawn.
        for _ in 0..<400 { seen.insert(try rng.categorical(logits: logits, temperature: .infinity)) }
        #expect(seen == [0, 2, 3])
        // +∞ logits take all the mass.
        for _ in 0..<50 { #expect([1, 2].contains(try rng.categorical(logits: [0, .infinity, .infinity], temperature: 1))) }
        #expect(throws: CategoricalError.notANumber(index: 1)) { _ = try rng.categorical(logits: [0, .nan], temperature: 1) }
        #expect(throws: CategoricalError.temperature(0)) { _ = try rng.categorical(logits: [0, 1], temperature: 0) }
        #expect(throws: CategoricalError.temperature(-1)) { _ = try rng.categorical(logits: [0, 1], temperature: -1) }
        #expect(throws: CategoricalError.self) { _ = try rng.categorical(logits: [0, 1], temperature: .nan) }
        #expect(throws: CategoricalError.noPositiveWeight(count: 2)) {
            _ = try rng.categorical(logits: [-.infinity, -.infinity], temperature: 1)
        }
    }

    /// Valid weights draw exactly what the textbook inverse-CDF scan draws (so results that
    /// sample, like the QPF resampling, did not move with this change).
    @Test func validWeightsDrawAsTheInverseCDFScan() {
        var a = SeededRNG(seed: 11), b = SeededRNG(seed: 11)
        let weights = [0.1, 0.0, 2.5, 1.0, 0.4]
        for _ in 0..<1000 {
            let total = weights.reduce(0, +)
            var target = b.uniform() * total, expected = weights.count - 1
            for (i, w) in weights.enumerated() {
                target -= w
                if target < 0 { expected = i; break }
            }
            #expect(a.categorical(weights: weights) == expected)
        }
    }

    // MARK: AtomicFolder

    static func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-input-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct Injected: Error {}

    /// A set that fails midway (the second file) leaves the previous set whole and no
    /// `.partial` behind; a complete one replaces it as a whole.
    @Test func aFolderReplacedAsASetSurvivesAFailureMidway() throws {
        let root = try Self.scratch("folder")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("set")
        try AtomicFolder.replace(folder, marker: "marker") { dir in
            try AtomicFile.write("old a", to: dir.appendingPathComponent("a"))
            try AtomicFile.write("old b", to: dir.appendingPathComponent("b"))
            try AtomicFile.write("", to: dir.appendingPathComponent("marker"))
        }
        #expect(throws: Injected.self) {
            try AtomicFolder.replace(folder, marker: "marker") { dir in
                try AtomicFile.write("new a", to: dir.appendingPathComponent("a"))
                throw Injected()
            }
        }
        #expect(try String(contentsOf: folder.appendingPathComponent("a"), encoding: .utf8) == "old a")
        #expect(try String(contentsOf: folder.appendingPathComponent("b"), encoding: .utf8) == "old b")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["set"])
        try AtomicFolder.replace(folder, marker: "marker") { dir in
            try AtomicFile.write("new a", to: dir.appendingPathComponent("a"))
            try AtomicFile.write("", to: dir.appendingPathComponent("marker"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a", "marker"])
        // A file where the folder should be is refused, not renamed away and deleted.
        let file = root.appendingPathComponent("file")
        try AtomicFile.write("keep me", to: file)
        #expect(throws: AtomicFileError.self) { try AtomicFolder.replace(file, marker: "marker") { _ in } }
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")
    }

    // MARK: file errors in words

    @Test func fileErrorsReadAsTheSystemsWords() throws {
        let root = try Self.scratch("errors")
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("missing/x")
        do {
            _ = try Data(contentsOf: missing)
            Issue.record("read a missing file")
        } catch {
            #expect(FileErrorText.reason(error) == "No such file or directory", "\(error)")
            #expect(!FileErrorText.reason(error).contains("NSCocoaErrorDomain"))
        }
        let blocker = root.appendingPathComponent("blocker")
        try AtomicFile.write("x", to: blocker)
        #expect(throws: AtomicFileError.notAFolder(path: blocker.path)) { try AtomicFile.createFolder(blocker) }
        let below = blocker.appendingPathComponent("sub")
        let error = #expect(throws: AtomicFileError.self) { try AtomicFile.createFolder(below) }
        #expect("\(error.map { "\($0)" } ?? "")".contains(blocker.path))
        #expect(throws: AtomicFileError.self) { try AtomicFile.createFolder(URL(fileURLWithPath: "/proc/attnlab-test")) }
    }
}
