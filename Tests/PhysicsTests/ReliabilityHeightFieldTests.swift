import Foundation
import TensorCore
import Testing

@testable import Physics

/// Malformed height-field files (`.npy` and CSV, the inputs of `attnlab kpz`): each refused
/// with `DataFileError` naming the file, the line/column or header entry, and what was
/// expected (docs/RELIABILITY.md, bad-input table).
@Suite struct ReliabilityHeightFieldTests {
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-reliability-heights-\(getpid())")

    /// A `.npy` file with `header` (padded as numpy pads it) and `dataBytes` zero bytes.
    static func npy(_ header: String, dataBytes: Int = 0, major: UInt8 = 1) -> Data {
        var h = Array(header.utf8)
        let prefix = major == 1 ? 10 : 12
        while (prefix + h.count + 1) % 64 != 0 { h.append(0x20) }
        h.append(0x0A)
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
        if major == 1 { out += [UInt8(h.count & 0xFF), UInt8(h.count >> 8)] } else { out += [UInt8(h.count & 0xFF), UInt8(h.count >> 8), 0, 0] }
        return Data(out + h + [UInt8](repeating: 0, count: dataBytes))
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var name: String
        var bytes: Data
        var expected: String
    }

    static let good = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"

    static let cases: [Case] = [
        // .npy
        Case(description: "npy empty", name: "a.npy", bytes: Data(), expected: "not a .npy file: expected the magic bytes \\x93NUMPY"),
        Case(description: "npy bad magic", name: "a.npy", bytes: Data("PK\u{3}\u{4}ziparchive".utf8), expected: "expected the magic bytes"),
        Case(
            description: "npy version 9", name: "a.npy", bytes: npy(good, dataBytes: 48).replacing(Data([1, 0]), with: Data([9, 0]), maxReplacements: 1),
            expected: ".npy format version 9.0 is not supported"),
        Case(
            description: "npy header truncated", name: "a.npy", bytes: npy(good).prefix(40),
            expected: "truncated .npy header: it declares 118 bytes, the file has 30"),
        Case(
            description: "npy no descr", name: "a.npy", bytes: npy("{'fortran_order': False, 'shape': (2, 3), }", dataBytes: 48),
            expected: ".npy header has no 'descr' entry"),
        Case(
            description: "npy integer dtype", name: "a.npy", bytes: npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", dataBytes: 48),
            expected: "dtype '<i8' is not supported; expected float32 or float64"),
        Case(
            description: "npy fortran order", name: "a.npy", bytes: npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", dataBytes: 48),
            expected: "Fortran (column-major) order; expected C order"),
        Case(
            description: "npy shape not a tuple", name: "a.npy", bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3], }", dataBytes: 48),
            expected: "'shape' should be a tuple, got [2"),
        Case(
            description: "npy negative shape", name: "a.npy", bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }"),
            expected: "shape entry '-3' is not a non-negative integer"),
        Case(
            description: "npy shape overflows", name: "a.npy", bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
            expected: "is too large to address"),
        Case(
            description: "npy data truncated", name: "a.npy", bytes: npy(good, dataBytes: 40), expected: "holds 40 data bytes; shape [2, 3] of '<f8' needs 48"),
        Case(description: "npy data too long", name: "a.npy", bytes: npy(good, dataBytes: 56), expected: "holds 56 data bytes"),
        Case(
            description: "npy 1-D", name: "a.npy", bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", dataBytes: 48),
            expected: "array has shape [6]; expected 2-D (times, positions) or 3-D"),
        Case(
            description: "npy one position", name: "a.npy", bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6, 1), }", dataBytes: 48),
            expected: "has 1 position column(s); expected at least 2"),
        Case(
            description: "npy NaN", name: "a.npy",
            bytes: npy(good) + Data([UInt8](repeating: 0, count: 32)) + Data([0, 0, 0, 0, 0, 0, 0xF8, 0x7F]) + Data(count: 8),
            expected: "realisation 0, time row 1, position 1 is NaN or infinite"),
        // CSV
        Case(description: "csv empty", name: "a.csv", bytes: Data(), expected: "holds no numeric rows"),
        Case(
            description: "csv header only", name: "a.csv", bytes: Data("t,x0,x1\n".utf8),
            expected: "holds no numeric rows (its first line was taken as column names"),
        Case(description: "csv not a number", name: "a.csv", bytes: Data("1,2,3\n4,five,6\n".utf8), expected: "line 2, column 2: 'five' is not a number"),
        Case(description: "csv ragged", name: "a.csv", bytes: Data("1,2,3\n4,5\n".utf8), expected: "line 2 has 2 values; the first data line has 3"),
        Case(description: "csv one column", name: "a.csv", bytes: Data("1\n2\n".utf8), expected: "has 1 position column(s); expected at least 2"),
        Case(description: "csv invalid UTF-8", name: "a.csv", bytes: Data([0x31, 0x2C, 0xFF, 0x0A]), expected: "cannot be read as UTF-8 text"),
        Case(
            description: "csv times not increasing", name: "a.csv", bytes: Data("t,x0,x1\n2,0,0\n1,0,0\n".utf8),
            expected: "the CSV time column: times must be positive and strictly increasing"),
        Case(
            description: "csv infinite height", name: "a.csv", bytes: Data("1,2\ninf,3\n".utf8),
            expected: "realisation 0, time row 1, position 0 is NaN or infinite"),
        Case(description: "unknown extension", name: "a.dat", bytes: Data("1,2\n".utf8), expected: "unknown extension '.dat'; expected .npy or .csv"),
    ]

    @Test(arguments: cases) func malformedHeightFieldsAreRefusedWithFileAndReason(_ c: Case) throws {
        let folder = Self.scratch.appendingPathComponent("\(abs(c.description.hashValue))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(c.name)
        try c.bytes.write(to: url)
        let error = #expect(throws: DataFileError.self) { try HeightFieldFile.read(url) }
        #expect(error?.path == url.path, "\(String(describing: error))")
        #expect(error?.reason.contains(c.expected) == true, "\(String(describing: error))")
    }

    @Test func theValidFilesOfTheTableRead() throws {
        try FileManager.default.createDirectory(at: Self.scratch, withIntermediateDirectories: true)
        let url = Self.scratch.appendingPathComponent("good.npy")
        try Self.npy(Self.good, dataBytes: 48).write(to: url)
        #expect(try HeightFieldFile.read(url).fields.first?.length == 3)
        let csv = Self.scratch.appendingPathComponent("good.csv")
        try Data("t,x0,x1\n1,0,1\n2,1,0\n".utf8).write(to: csv)
        #expect(try HeightFieldFile.read(csv).fields.first?.times == [1, 2])
    }

    // MARK: Hostile options and magnitudes given to `SurfaceScaling.analyze` (issue cases of
    // `attnlab kpz analyze`): each throws `invalidOption` naming the field, never traps.

    /// Two realisations of a small random-deposition-like surface, enough to reach the options check.
    static func smallEnsemble(scale: Double = 1) -> [[HeightField]] {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        let times = (1...30).map(Double.init)
        return [
            (0..<4).map { _ in
                var h = [Double](repeating: 0, count: 64)
                var rows: [Double] = []
                for _ in times { for _ in 0..<64 { h[Int(next() * 64)] += 1 }; rows += h.map { $0 * scale } }
                return HeightField(times: times, length: 64, heights: rows)
            }
        ]
    }

    struct OptionCase: Sendable, CustomStringConvertible {
        var description: String
        var field: String
        var apply: @Sendable (inout SurfaceScalingOptions) -> Void
    }

    static let optionCases: [OptionCase] = [
        OptionCase(description: "growth window -5:20", field: "growthWindow") { $0.growthWindow = -5...20 },
        OptionCase(description: "growth window 0:inf", field: "growthWindow") { $0.growthWindow = 0...Double.infinity },
        OptionCase(description: "growth window -1e300:5", field: "growthWindow") { $0.growthWindow = -1e300...5 },
        OptionCase(description: "growth window 3:3", field: "growthWindow") { $0.growthWindow = 3...3 },
        OptionCase(description: "correlation window -5:-1", field: "correlationWindow") { $0.correlationWindow = -5 ... -1 },
        OptionCase(description: "groups 0", field: "jackknifeGroups") { $0.jackknifeGroups = 0 },
        OptionCase(description: "groups -5", field: "jackknifeGroups") { $0.jackknifeGroups = -5 },
        OptionCase(description: "earliest time NaN", field: "earliestTime") { $0.earliestTime = .nan },
        OptionCase(description: "earliest time -inf", field: "earliestTime") { $0.earliestTime = -.infinity },
        OptionCase(description: "confidence level 1", field: "confidenceLevel") { $0.confidenceLevel = 1 },
        OptionCase(description: "saturation fraction 0", field: "saturationFraction") { $0.saturationFraction = 0 },
        OptionCase(description: "growth decades NaN", field: "growthDecades") { $0.growthDecades = .nan },
        OptionCase(description: "smallest separation 0", field: "smallestSeparation") { $0.smallestSeparation = 0 },
        OptionCase(description: "correction exponent 0", field: "growthCorrectionExponent") { $0.growthCorrectionExponent = 0 },
    ]

    @Test(arguments: optionCases) func hostileOptionsAreRefusedByName(_ c: OptionCase) throws {
        var options = SurfaceScalingOptions()
        c.apply(&options)
        let error = #expect(throws: SurfaceGrowthError.self) { try SurfaceScaling.analyze(Self.smallEnsemble(), options: options) }
        guard case .invalidOption(let name, _, let expected)? = error else {
            Issue.record("expected invalidOption, got \(String(describing: error))")
            return
        }
        #expect(name == c.field)
        #expect(!expected.isEmpty)
        #expect(error?.description.contains(c.field) == true)
    }

    @Test func noSizesIsAnErrorNotATrap() {
        #expect(throws: SurfaceGrowthError.noRealisations) { try SurfaceScaling.analyze([]) }
        #expect(throws: SurfaceGrowthError.noRealisations) { try SurfaceScaling.analyze(moments: [], options: .init()) }
    }

    /// Heights of ordinary shape but extreme magnitude: W² of 1e200 overflows, of 1e-200
    /// underflows; the moments are kept in a power-of-two scale, so every exponent and interval
    /// is the same as at magnitude 1.
    @Test(arguments: [1e200, 1e-200, 1e300, 0x1p-1000])
    func extremeMagnitudesGiveTheSameExponents(_ factor: Double) throws {
        let plain = try SurfaceScaling.analyze(Self.smallEnsemble())
        let scaled = try SurfaceScaling.analyze(Self.smallEnsemble(scale: factor))
        let beta = try #require(plain.beta), scaledBeta = try #require(scaled.beta, "\(scaled.notes)")
        // Exact for powers of two; a factor like 1e300 rounds each scaled height once.
        #expect(abs(beta.value - scaledBeta.value) < 1e-9)
        #expect(abs(beta.confidenceInterval.upperBound - scaledBeta.confidenceInterval.upperBound) < 1e-9)
        let w = try #require(plain.sizes.first?.width.last), ws = try #require(scaled.sizes.first?.width.last)
        #expect(abs(ws / (w * factor) - 1) < 1e-9, "W scales with the heights: \(ws) vs \(w) × \(factor)")
        #expect(scaled.sizes[0].widthError.allSatisfy { $0.isFinite })
    }

    /// Heights that differ by less than their floating-point resolution (1e200 + small integers)
    /// are flat: no exponent, and a note saying why, instead of a fit to rounding noise.
    @Test func heightsBelowResolutionAreReportedAsFlat() throws {
        let flat = Self.smallEnsemble().map { $0.map { HeightField(times: $0.times, length: $0.length, heights: $0.heights.map { $0 + 1e200 }) } }
        let result = try SurfaceScaling.analyze(flat)
        #expect(result.beta == nil && result.alpha == nil)
        #expect(result.notes.contains { $0.contains("W(t) = 0 at every recorded time") }, "\(result.notes)")
    }
}
