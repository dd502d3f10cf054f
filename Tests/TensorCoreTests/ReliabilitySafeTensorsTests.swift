import Foundation
import Testing

@testable import TensorCore

/// Malformed and truncated safetensors files: each is refused with `SafeTensorsError` naming
/// the file and what was expected (docs/RELIABILITY.md, bad-input table).
@Suite struct ReliabilitySafeTensorsTests {
    /// The bytes of a safetensors file with `header` as its JSON header and `body` after it.
    static func file(_ header: String, body: [UInt8] = []) -> Data {
        var length = UInt64(header.utf8.count).littleEndian
        return Data(bytes: &length, count: 8) + Data(header.utf8) + Data(body)
    }

    static let valid = file(
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}"#,
        body: [UInt8](repeating: 1, count: 16))

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var bytes: Data
        /// A phrase the error must contain.
        var expected: String
    }

    static let cases: [Case] = [
        Case(description: "empty file", bytes: Data(), expected: "file is 0 bytes, shorter than the 8-byte header length"),
        Case(description: "7 bytes", bytes: Data([1, 2, 3, 4, 5, 6, 7]), expected: "shorter than the 8-byte header length"),
        Case(description: "header length past the end", bytes: valid.prefix(40), expected: "exceeds the 32 bytes after it"),
        Case(
            description: "header length 2^64-1", bytes: Data([UInt8](repeating: 0xFF, count: 8)) + Data("{}".utf8),
            expected: "header length 18446744073709551615 exceeds"),
        Case(description: "header not JSON", bytes: file("{\"a\": [1, 2"), expected: "header is not a JSON object"),
        Case(description: "header a JSON array", bytes: file("[1, 2]"), expected: "header is not a JSON object"),
        Case(description: "entry not an object", bytes: file(#"{"a": 3}"#), expected: "entry 'a' is not an object with dtype, shape and data_offsets"),
        Case(
            description: "unknown dtype", bytes: file(#"{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#, body: [0, 0]),
            expected: "entry 'a' has unsupported dtype 'BF16'"),
        Case(
            description: "negative shape", bytes: file(#"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}"#),
            expected: "entry 'a' has a shape that is not a list of non-negative integers"),
        Case(
            description: "offsets missing", bytes: file(#"{"a":{"dtype":"U8","shape":[1]}}"#, body: [0]),
            expected: "entry 'a' needs data_offsets [begin, end]"),
        Case(
            description: "offsets past the data", bytes: file(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#, body: [0, 0]),
            expected: "entry 'a' data_offsets [0, 4] outside the 2-byte data section"),
        Case(
            description: "offsets reversed", bytes: file(#"{"a":{"dtype":"U8","shape":[0],"data_offsets":[2,1]}}"#, body: [0, 0]),
            expected: "data_offsets [2, 1] outside"),
        Case(
            description: "size does not match the shape",
            bytes: file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, body: [UInt8](repeating: 0, count: 8)),
            expected: "entry 'a': F32 [3] needs 12 bytes, data_offsets span 8"),
        Case(
            description: "shape product overflows",
            bytes: file(#"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, body: [UInt8](repeating: 0, count: 8)),
            expected: "needs too many bytes"),
        Case(
            description: "overlapping tensors",
            bytes: file(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}"#, body: [0, 0, 0]),
            expected: "entry 'b' overlaps the previous tensor"),
        Case(
            description: "gap between tensors", bytes: file(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, body: [0, 0]),
            expected: "gap in the data section before entry 'a'"),
        Case(description: "trailing bytes", bytes: valid + Data([0, 0]), expected: "data section is 18 bytes but tensors cover 16"),
        Case(description: "metadata not strings", bytes: file(#"{"__metadata__":{"k":1}}"#), expected: "__metadata__ is not a map of strings"),
        Case(description: "truncated body", bytes: valid.dropLast(3), expected: "outside the 13-byte data section"),
        // The same name twice: JSON decoders keep one entry; the other would go unchecked and
        // could overlap another tensor's bytes.
        Case(
            description: "duplicate tensor name",
            bytes: file(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, body: [0, 0]),
            expected: "header names the tensor 'a' twice"),
        Case(
            description: "duplicate name by escape",
            bytes: file(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, body: [0]),
            expected: "header names the tensor 'a' twice"),
        Case(
            description: "duplicate key inside an entry", bytes: file(#"{"a":{"dtype":"U8","shape":[1],"shape":[2],"data_offsets":[0,1]}}"#, body: [0]),
            expected: "header entry 'a' has the key 'shape' twice"),
        Case(description: "duplicate metadata key", bytes: file(#"{"__metadata__":{"k":"1","k":"2"}}"#), expected: "has the key 'k' twice"),
    ]

    @Test(arguments: cases) func malformedFilesAreRefusedWithFileAndReason(_ c: Case) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-bad-\(getpid())-\(abs(c.description.hashValue)).safetensors")
        try c.bytes.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.read(url) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix(url.path + ": invalid safetensors: "), "\(text)")
        #expect(text.contains(c.expected), "\(text)")
    }

    @Test func theValidFileOfTheTableReads() throws {
        let st = try SafeTensors.decode(Self.valid)
        #expect(st.names == ["a", "b"])
    }

    /// An accessor's error names the file it was read from (a wrong dtype in a checkpoint).
    @Test func accessorErrorsOfAReadFileNameTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-dtype-\(getpid()).safetensors")
        try Self.valid.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let st = try SafeTensors.read(url)
        #expect(throws: SafeTensorsError.file(url.path, .wrongDType(name: "b", expected: "F32 or F64", found: "I64"))) {
            _ = try st.tensor("b") as Tensor<Float>
        }
        #expect(throws: SafeTensorsError.file(url.path, .missingTensor("c"))) { _ = try st.integers("c") }
        let text = "\(SafeTensorsError.file(url.path, .wrongDType(name: "b", expected: "F32 or F64", found: "I64")))"
        #expect(text == "\(url.path): safetensors: tensor 'b' is I64, expected F32 or F64")
    }

    @Test func missingFilesAndWrongTypesAreNamed() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/model.safetensors")
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(missing) }
        let st = try SafeTensors.decode(Self.valid)
        #expect(throws: SafeTensorsError.missingTensor("c")) { _ = try st.tensor("c") as Tensor<Float> }
        #expect(throws: SafeTensorsError.wrongDType(name: "b", expected: "F32 or F64", found: "I64")) { _ = try st.tensor("b") as Tensor<Float> }
        #expect(throws: SafeTensorsError.wrongDType(name: "a", expected: "an integer type", found: "F32")) { _ = try st.integers("a") }
    }
}
