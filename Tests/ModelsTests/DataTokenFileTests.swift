import Foundation
import TensorCore
import Testing

@testable import Models

@Suite struct DataTokenFileTests {
    func url(_ name: String = "tokens.bin") -> URL { TemporaryDirectory.make().appendingPathComponent(name) }

    @Test func roundTripsInBothVersions() throws {
        var rng = SeededRNG(seed: 2)
        for vocabulary in [50257, 65535, 65536, 128_256] {
            let tokens = (0..<1000).map { _ in Int32(rng.int(below: vocabulary)) } + [Int32(vocabulary - 1), 0]
            let file = url()
            try TokenFile.write(tokens, vocabularySize: vocabulary, to: file)
            let (read, version) = try TokenFile.read(file)
            #expect(read == tokens)
            #expect(version == (vocabulary <= 65535 ? 1 : 2))
            let width = vocabulary <= 65535 ? 2 : 4
            #expect(try Data(contentsOf: file).count == 1024 + tokens.count * width)
        }
        let empty = url()
        try TokenFile.write([], vocabularySize: 10, to: empty)
        #expect(try TokenFile.read(empty).tokens.isEmpty)
    }

    @Test func headerIsLlmcs() throws {
        let file = url()
        try TokenFile.write([50256, 15496, 995], vocabularySize: 50257, to: file)
        let data = try Data(contentsOf: file)
        let ints = data.withUnsafeBytes { raw in (0..<4).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) } }
        #expect(ints == [20240520, 1, 3, 0])
        #expect(Array(data[1024..<1030]) == [0x50, 0xC4, 0x88, 0x3C, 0xE3, 0x03])  // 50256, 15496, 995 little-endian
        #expect(!FileManager.default.fileExists(atPath: file.path + ".tmp"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
        #expect(leftovers == ["tokens.bin"])  // the temporary file was renamed, not left behind
    }

    @Test func malformedFilesGiveErrorsNamingTheProblem() throws {
        func header(_ values: [Int32]) -> Data {
            var ints = [Int32](repeating: 0, count: 256)
            for (i, v) in values.enumerated() { ints[i] = v.littleEndian }
            return ints.withUnsafeBufferPointer { Data(buffer: $0) }
        }
        func expectError(_ data: Data, _ fragment: String) throws {
            let file = url()
            try data.write(to: file)
            #expect { try TokenFile.read(file) } throws: { error in
                let text = "\(error)"
                return text.contains(file.path) && text.contains(fragment)
            }
        }
        try expectError(Data(count: 100), "truncated header")
        try expectError(header([12345, 1, 0]), "bad magic 12345, expected 20240520")
        try expectError(header([20240520, 7, 0]), "unknown version 7")
        try expectError(header([20240520, 1, -3]), "negative token count")
        try expectError(header([20240520, 1, 10]) + Data(count: 6), "promises 10 tokens (20 bytes after the header), the file has 6")
        try expectError(header([20240520, 2, 2]) + Data(count: 12), "4 extra bytes")
        #expect { try TokenFile.read(URL(fileURLWithPath: "/nonexistent/x.bin")) } throws: { "\($0)".contains("/nonexistent/x.bin") }
    }
}
