import Foundation
import TensorCore

/// Token files in llm.c's `.bin` layout, exchangeable with llm.c's data scripts and loaders.
///
/// Layout (little-endian): a header of 256 int32 — `[0]` the magic 20240520, `[1]` the version,
/// `[2]` the token count, the rest zero — then the tokens. Version 1 stores uint16 tokens (llm.c's
/// GPT-2 files); version 2 stores uint32 tokens (llm.c's Llama 3 files). `write` picks version 1
/// when every id fits in 16 bits (vocabulary ≤ 65535, as the spec asks: uint32 above 65535) and
/// version 2 otherwise. The file size must be exactly 1024 + count × width bytes, as llm.c's
/// dataloader checks.
public enum TokenFile {
    public static let magic: Int32 = 20240520
    public static let headerCount = 256
    public static let headerBytes = headerCount * 4

    /// The version `write` uses for a vocabulary: 1 (uint16) up to 65535 tokens, else 2 (uint32).
    public static func version(vocabularySize: Int) -> Int32 { vocabularySize <= 65535 ? 1 : 2 }

    /// Bytes per token of a version, or nil for an unknown version.
    public static func tokenWidth(version: Int32) -> Int? {
        switch version {
        case 1: return 2
        case 2: return 4
        default: return nil
        }
    }

    /// Writes `tokens` (each in 0..<vocabularySize) to `url` atomically.
    public static func write(_ tokens: some Collection<Int32>, vocabularySize: Int, to url: URL) throws {
        try AtomicFile.write(encode(tokens, vocabularySize: vocabularySize), to: url)
    }

    /// The bytes of a token file holding `tokens` (each in 0..<vocabularySize).
    public static func encode(_ tokens: some Collection<Int32>, vocabularySize: Int) -> Data {
        precondition(vocabularySize > 0, "TokenFile.write: vocabulary size must be positive")
        precondition(tokens.count <= Int(Int32.max), "TokenFile.write: \(tokens.count) tokens do not fit the int32 count")
        let version = version(vocabularySize: vocabularySize)
        let width = tokenWidth(version: version)!
        var data = Data(count: headerBytes + tokens.count * width)
        data.withUnsafeMutableBytes { raw in
            let header = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
            header[0] = magic.littleEndian
            header[1] = version.littleEndian
            header[2] = Int32(tokens.count).littleEndian
            let body = raw.baseAddress! + headerBytes
            for (i, t) in tokens.enumerated() {
                precondition(t >= 0 && Int(t) < vocabularySize, "TokenFile.write: token \(t) at \(i) outside 0..<\(vocabularySize)")
                if width == 2 {
                    body.storeBytes(of: UInt16(t).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                } else {
                    body.storeBytes(of: UInt32(t).littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
            }
        }
        return data
    }

    /// Reads a token file, checking magic, version, count and size.
    /// - Throws: `TokenFileError` naming the file and what was expected.
    public static func read(_ url: URL) throws -> (tokens: [Int32], version: Int32) {
        try decode(try bytes(of: url), path: url.path)
    }

    /// The bytes of `url`, or a `TokenFileError` naming it.
    static func bytes(of url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw TokenFileError(path: url.path, reason: "cannot read the file (\(FileErrorText.reason(error)))")
        }
    }

    /// Decodes the bytes of a token file; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> (tokens: [Int32], version: Int32) {
        func fail(_ reason: String) -> TokenFileError { TokenFileError(path: path, reason: reason) }
        guard data.count >= headerBytes else {
            throw fail("truncated header: an llm.c token file starts with \(headerBytes) bytes (256 int32), this file has \(data.count)")
        }
        return try data.withUnsafeBytes { raw -> (tokens: [Int32], version: Int32) in
            func header(_ i: Int) -> Int32 { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
            guard header(0) == magic else {
                throw fail("bad magic \(header(0)), expected \(magic) (not an llm.c token file)")
            }
            let version = header(1)
            guard let width = tokenWidth(version: version) else {
                throw fail("unknown version \(version), expected 1 (uint16 tokens) or 2 (uint32 tokens)")
            }
            let count = Int(header(2))
            guard count >= 0 else { throw fail("negative token count \(count) in the header") }
            let expected = count * width, actual = data.count - headerBytes
            guard actual >= expected else {
                throw fail("truncated: the header promises \(count) tokens (\(expected) bytes after the header), the file has \(actual)")
            }
            guard actual == expected else {
                throw fail("\(actual - expected) extra bytes after the \(count) tokens the header promises")
            }
            var tokens = [Int32](repeating: 0, count: count)
            tokens.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    let offset = headerBytes + i * width
                    out[i] =
                        width == 2
                        ? Int32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                        : Int32(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                }
            }
            if width == 4, let bad = tokens.first(where: { $0 < 0 }) {
                throw fail("token \(UInt32(bitPattern: bad)) does not fit a signed 32-bit id")
            }
            return (tokens, version)
        }
    }
}

/// A token file that cannot be read, naming the file and the problem.
public struct TokenFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
