import Foundation
import TensorCore

/// Writes an llm.c token file piece by piece: a header with a zero count, the tokens as they
/// come, then the count patched into the header. The bytes equal `TokenFile.encode` of all the
/// tokens at once. Memory: one buffer of `bufferTokens` tokens.
final class TokenFileWriter {
    let url: URL
    let vocabularySize: Int
    let width: Int
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let bufferBytes: Int
    private(set) var count = 0

    /// Creates (or truncates) `url` and writes the header.
    init(url: URL, vocabularySize: Int, bufferTokens: Int = 1 << 20) throws {
        precondition(vocabularySize > 0, "TokenFileWriter: vocabulary size must be positive")
        self.url = url
        self.vocabularySize = vocabularySize
        width = TokenFile.tokenWidth(version: TokenFile.version(vocabularySize: vocabularySize))!
        bufferBytes = max(1, bufferTokens) * width
        fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFileError.cannotCreate(path: url.path, errno: errno) }
        buffer.reserveCapacity(bufferBytes + TokenFile.headerBytes)
        buffer = [UInt8](repeating: 0, count: TokenFile.headerBytes)
    }

    deinit { close(fd) }

    /// Appends tokens (each in 0..<vocabularySize).
    func append(_ tokens: some Collection<Int32>) throws {
        for t in tokens {
            precondition(t >= 0 && Int(t) < vocabularySize, "TokenFile.write: token \(t) at \(count) outside 0..<\(vocabularySize)")
            let u = UInt32(t)
            buffer.append(UInt8(truncatingIfNeeded: u))
            buffer.append(UInt8(truncatingIfNeeded: u >> 8))
            if width == 4 {
                buffer.append(UInt8(truncatingIfNeeded: u >> 16))
                buffer.append(UInt8(truncatingIfNeeded: u >> 24))
            }
            count += 1
            if buffer.count >= bufferBytes { try flush() }
        }
    }

    /// Writes what is buffered, patches the header's count and syncs the file to disk.
    func finish() throws {
        guard count <= Int(Int32.max) else {
            throw TokenFileError(path: url.path, reason: "\(count) tokens do not fit the int32 count of an llm.c token file")
        }
        try flush()
        var header = [Int32](repeating: 0, count: 3)
        header[0] = TokenFile.magic.littleEndian
        header[1] = TokenFile.version(vocabularySize: vocabularySize).littleEndian
        header[2] = Int32(count).littleEndian
        try header.withUnsafeBytes { raw in
            guard pwrite(fd, raw.baseAddress!, raw.count, 0) == raw.count else { throw AtomicFileError.cannotWrite(path: url.path, errno: errno) }
        }
        guard fsync(fd) == 0 else { throw AtomicFileError.cannotWrite(path: url.path, errno: errno) }
    }

    private func flush() throws {
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw AtomicFileError.cannotWrite(path: url.path, errno: errno)
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
