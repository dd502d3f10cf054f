import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("Surface growth: height-field files")
struct HeightFieldFileTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-heightfield-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func sampleFields(_ count: Int) -> [HeightField] {
        (0..<count).map { r in
            HeightField(times: [1, 2, 5], length: 4, heights: (0..<12).map { Double($0) * 0.25 + Double(r) })
        }
    }

    @Test func npyRoundTripsOneAndSeveralRealisations() throws {
        for count in [1, 3] {
            for float32 in [false, true] {
                let url = directory.appendingPathComponent("h\(count)\(float32).npy")
                try HeightFieldFile.write(sampleFields(count), to: url, float32: float32)
                let (back, source) = try HeightFieldFile.read(url)
                #expect(back == sampleFields(count))
                #expect(source.contains("times.csv"))
            }
        }
    }

    @Test func csvRoundTripsWithItsTimeColumn() throws {
        let url = directory.appendingPathComponent("h.csv")
        try HeightFieldFile.write(sampleFields(1), to: url)
        let (back, source) = try HeightFieldFile.read(url)
        #expect(back == sampleFields(1))
        #expect(source == "CSV time column")
    }

    @Test func csvWithoutTimesUsesRowNumbers() throws {
        let url = directory.appendingPathComponent("plain.csv")
        try "# comment\n1,2,3\n\n4,5,6\n".write(to: url, atomically: true, encoding: .utf8)
        let (fields, _) = try HeightFieldFile.read(url)
        #expect(fields[0].times == [1, 2])
        #expect(fields[0].heights == [1, 2, 3, 4, 5, 6])
        let (shifted, _) = try HeightFieldFile.read(url, times: .uniform(start: 10, step: 5))
        #expect(shifted[0].times == [10, 15])
    }

    @Test func badCSVNamesTheFileAndLine() throws {
        let ragged = directory.appendingPathComponent("ragged.csv")
        try "1,2,3\n4,5\n".write(to: ragged, atomically: true, encoding: .utf8)
        let error = #expect(throws: DataFileError.self) { try HeightFieldFile.read(ragged) }
        #expect(error?.description.contains("ragged.csv") == true)
        #expect(error?.description.contains("line 2") == true)
        let text = directory.appendingPathComponent("text.csv")
        try "1,2,3\n4,x,6\n".write(to: text, atomically: true, encoding: .utf8)
        let error2 = #expect(throws: DataFileError.self) { try HeightFieldFile.read(text) }
        #expect(error2?.description.contains("'x' is not a number") == true)
    }

    @Test func npyHeaderProblemsAreExplained() throws {
        let good = NPY.encode(NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
        let header = String(decoding: good.prefix(128), as: UTF8.self)
        func variant(_ from: String, _ to: String) -> Data {
            var d = good
            let range = d.range(of: Data(from.utf8))!
            d.replaceSubrange(range, with: Data(to.utf8))
            return d
        }
        #expect(header.contains("'descr': '<f8'"))
        let fortran = #expect(throws: DataFileError.self) { try NPY.decode(variant("False", "True "), path: "f.npy") }
        #expect(fortran?.description.contains("Fortran") == true)
        let dtype = #expect(throws: DataFileError.self) { try NPY.decode(variant("<f8", "<i8"), path: "i.npy") }
        #expect(dtype?.description.contains("float32 or float64") == true)
        let truncated = #expect(throws: DataFileError.self) { try NPY.decode(good.dropLast(8), path: "t.npy") }
        #expect(truncated?.description.contains("t.npy") == true)
        #expect(throws: DataFileError.self) { try NPY.decode(Data("hello".utf8), path: "x.npy") }
        // A 1-D array is a valid .npy but not a height field.
        let url = directory.appendingPathComponent("one-d.npy")
        try NPY.write(NPYArray(shape: [4], values: [1, 2, 3, 4]), to: url)
        let shape = #expect(throws: DataFileError.self) { try HeightFieldFile.read(url) }
        #expect(shape?.description.contains("expected 2-D") == true)
    }

    @Test func bigEndianFloat32IsRead() throws {
        // '>f4' [1.5, -2] by hand.
        var header = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"
        header += String(repeating: " ", count: (64 - (10 + header.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0])
        data.append(Data(header.utf8))
        for v in [Float(1.5), Float(-2)] {
            let bits = v.bitPattern.bigEndian
            withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
        }
        #expect(try NPY.decode(data).values == [1.5, -2])
    }
}
