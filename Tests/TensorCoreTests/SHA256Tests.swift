import Foundation
import Testing

@testable import TensorCore

/// SHA-256 against the FIPS 180-4 example vectors and `sha256sum`'s answer, fed whole and in
/// uneven pieces.
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownAnswers(_ input: String, _ digest: String) {
        #expect(SHA256.hex(Data(input.utf8)) == digest)
    }

    @Test func millionAs() {
        #expect(
            SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func piecesAndFilesAgreeWithWhole() throws {
        var rng = SeededRNG(seed: 7)
        let data = Data((0..<10_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        var pieces = SHA256()
        var start = 0
        for size in [1, 63, 64, 65, 127, 1000, 3] where start < data.count {
            pieces.update(data[start..<min(data.count, start + size)])
            start += size
        }
        pieces.update(data[start...])
        #expect(pieces.hexDigest() == SHA256.hex(data))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString)")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SHA256.hex(file: url) == SHA256.hex(data))
    }
}
