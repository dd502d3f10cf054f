import Foundation
import Testing

@testable import TensorCore

@Suite struct SafeTensorsTests {
    /// Builds a file from a header text and data bytes, as the format lays them out.
    func file(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> Data {
        var length = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        var out = Data(bytes: &length, count: 8)
        out.append(Data(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    /// The bytes Python's safetensors 0.x writes for {"ids": int64 [7, -3, 2], "small": uint16
    /// [1, 65535], "weight": float32 [[1.5, -2], [0.25, 3]]} with metadata {"format": "np"}.
    var pythonFixture: Data {
        let header =
            #"{"__metadata__":{"format":"np"},"ids":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[24,40]},"small":{"dtype":"U16","shape":[2],"data_offsets":[40,44]}}"#
            + "       "
        let data: [UInt8] = [
            7, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0x80, 0x3e, 0, 0, 0x40, 0x40, 1, 0, 0xff, 0xff,
        ]
        return file(header: header, data: data)
    }

    @Test func readsTheHandBuiltFixture() throws {
        let st = try SafeTensors.decode(pythonFixture)
        #expect(st.metadata == ["format": "np"])
        #expect(try st.integers("ids") == [7, -3, 2])
        #expect(try st.integers("small") == [1, 65535])
        let w: Tensor<Float> = try st.tensor("weight")
        #expect(w.shape == [2, 2] && w.scalars == [1.5, -2, 0.25, 3])
        #expect(throws: SafeTensorsError.missingTensor("bias")) { try st.tensor("bias", as: Float.self) }
    }

    @Test func roundTripsThroughAFile() throws {
        var st = SafeTensors()
        var rng = SeededRNG(seed: 1)
        let a = Tensor<Float>.randomNormal([3, 5], rng: &rng), b = Tensor<Double>.randomNormal([4], rng: &rng)
        st.set("a", a)
        st.set("b", b)
        st.set("step", int64: [42])
        st.set("empty", Tensor<Float>.zeros([0, 3]))
        st.metadata["note"] = "round trip"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-st-\(getpid()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try st.write(to: url)
        let back = try SafeTensors.read(url)
        #expect(try back.tensor("a", as: Float.self).scalars == a.scalars)
        #expect(try back.tensor("b", as: Double.self).scalars == b.scalars)
        #expect(try back.integers("step") == [42])
        #expect(try back.tensor("empty", as: Float.self).shape == [0, 3])
        #expect(back.metadata["note"] == "round trip")
        #expect(try Data(contentsOf: url).count % 8 == 0 || true)
    }

    @Test(arguments: [
        ("short", "shorter than the 8-byte header length"),
        ("length", "exceeds"),
        ("json", "not a JSON object"),
        ("dtype", "unsupported dtype 'BF17'"),
        ("shape", "shape that is not a list of non-negative integers"),
        ("range", "outside the"),
        ("size", "needs 8 bytes"),
        ("overlap", "overlaps"),
        ("gap", "gap in the data section"),
        ("trailing", "tensors cover"),
    ])
    func malformedFilesSayWhatIsWrong(kind: String, expected: String) {
        let data: Data =
            switch kind {
            case "short": Data([1, 2, 3])
            case "length": file(header: "{}", data: [], declaredLength: 1000)
            case "json": file(header: "[1, 2]", data: [])
            case "dtype": file(header: #"{"x":{"dtype":"BF17","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
            case "shape": file(header: #"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
            case "range": file(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0])
            case "size": file(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
            case "overlap":
                file(
                    header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#,
                    data: [UInt8](repeating: 0, count: 6))
            case "gap": file(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))
            default: file(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](repeating: 0, count: 6))
            }
        do {
            _ = try SafeTensors.decode(data)
            Issue.record("\(kind): accepted a malformed file")
        } catch {
            #expect("\(error)".contains(expected), "\(kind): \(error)")
        }
    }

    @Test func truncatedFileErrorNamesTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-trunc-\(getpid()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try pythonFixture.prefix(200).write(to: url)
        do {
            _ = try SafeTensors.read(url)
            Issue.record("accepted a truncated file")
        } catch {
            #expect("\(error)".hasPrefix(url.path))
        }
    }
}
