import Foundation

/// An llm.c token file mapped into memory (`mmap`), read in place: opening a file of any size
/// costs its header check and one sequential pass over the ids, and the pages are the page
/// cache's, not the process's heap.
///
/// Opening checks what `TokenFile.decode` checks, with the same errors: the header (magic,
/// version, count), the size (exactly 1024 + count × width bytes), and, for uint32 files, that
/// every id fits a signed 32-bit integer.
public final class MappedTokenFile: @unchecked Sendable {
    public let path: String
    /// 1 (uint16 tokens) or 2 (uint32 tokens).
    public let version: Int32
    /// Tokens in the file.
    public let count: Int
    /// Bytes per token.
    let width: Int
    private let mapping: UnsafeMutableRawPointer
    private let length: Int

    /// Maps `url` and checks it.
    /// - Throws: `TokenFileError` naming the file and what was expected.
    public init(url: URL) throws {
        path = url.path
        func fail(_ reason: String) -> TokenFileError { TokenFileError(path: url.path, reason: reason) }
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw fail("cannot read the file (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("cannot read the file (\(String(cString: strerror(errno))))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw fail("cannot read the file (not a regular file)") }
        let size = Int(info.st_size)
        guard size >= TokenFile.headerBytes else {
            throw fail("truncated header: an llm.c token file starts with \(TokenFile.headerBytes) bytes (256 int32), this file has \(size)")
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw fail("cannot map the file (\(String(cString: strerror(errno))))")
        }
        (mapping, length) = (p, size)
        func header(_ i: Int) -> Int32 { Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
        var width = 0, count = 0
        do {
            guard header(0) == TokenFile.magic else {
                throw fail("bad magic \(header(0)), expected \(TokenFile.magic) (not an llm.c token file)")
            }
            guard let w = TokenFile.tokenWidth(version: header(1)) else {
                throw fail("unknown version \(header(1)), expected 1 (uint16 tokens) or 2 (uint32 tokens)")
            }
            width = w
            count = Int(header(2))
            guard count >= 0 else { throw fail("negative token count \(count) in the header") }
            let expected = count * width, actual = size - TokenFile.headerBytes
            guard actual >= expected else {
                throw fail("truncated: the header promises \(count) tokens (\(expected) bytes after the header), the file has \(actual)")
            }
            guard actual == expected else {
                throw fail("\(actual - expected) extra bytes after the \(count) tokens the header promises")
            }
        } catch {
            munmap(p, size)
            throw error
        }
        (version, self.width, self.count) = (header(1), width, count)
        if width == 4, let bad = firstIndex(where: { $0 < 0 }) {
            throw fail("token \(UInt32(bitPattern: self[bad])) does not fit a signed 32-bit id")
        }
        _ = madvise(p, size, MADV_WILLNEED)
    }

    deinit { munmap(mapping, length) }

    /// Token `i`.
    @inline(__always) public subscript(i: Int) -> Int32 {
        precondition(i >= 0 && i < count, "MappedTokenFile: index \(i) outside 0..<\(count)")
        let offset = TokenFile.headerBytes + i * width
        return width == 2
            ? Int32(UInt16(littleEndian: mapping.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            : Int32(bitPattern: UInt32(littleEndian: mapping.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    /// The first index whose token satisfies `predicate`, scanning in order.
    public func firstIndex(where predicate: (Int32) -> Bool) -> Int? {
        for i in 0..<count where predicate(self[i]) { return i }
        return nil
    }

    /// Calls `body` with consecutive pieces of the stream (at most `tokens` each), in order;
    /// pages already read are released, so a pass over a file larger than memory stays small.
    public func forEachChunk(tokens: Int = 1 << 20, _ body: ([Int32]) throws -> Void) rethrows {
        var start = 0
        while start < count {
            let end = min(count, start + tokens)
            try body((start..<end).map { self[$0] })
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let from = (TokenFile.headerBytes + start * width) / page * page
            let to = (TokenFile.headerBytes + end * width) / page * page
            if to > from { _ = madvise(mapping + from, to - from, MADV_DONTNEED) }
            start = end
        }
    }
}
