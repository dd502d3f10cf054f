import Foundation

/// Reads a corpus file in chunks and hands out its documents in file order, cut exactly as
/// `Corpus.load` + `Corpus.split` cut the whole text, holding at most a chunk and the
/// document in progress.
///
/// Documents are found on bytes: `<|endoftext|>` (tinystories) and line feeds (paragraphs) are
/// ASCII, so a document's bytes end where a separator starts whatever chunk it arrives in, and
/// decoding each document alone (`String(decoding:as:)`, ill-formed bytes → U+FFFD) gives the
/// characters the whole-file decoding gives. UTF-8 is checked (under `.error`) up to the last
/// ASCII byte of what has arrived, where no sequence can be cut in two, so the first ill-formed
/// byte is reported with the same offset and line as the whole-file check.
///
/// Memory: one chunk plus the longest document; a document longer than `maximumDocumentBytes`
/// (a file without separators) is an error naming the file, not an unbounded buffer.
public struct CorpusReader: Sendable {
    public var path: String
    public var format: Corpus.Format
    public var invalidUTF8: Corpus.InvalidUTF8
    /// Bytes read per system call and handed out per batch (about).
    public var chunkBytes = 8 << 20
    /// Longest document accepted, in bytes.
    public var maximumDocumentBytes = 256 << 20

    public init(path: String, format: Corpus.Format, invalidUTF8: Corpus.InvalidUTF8 = .error) {
        (self.path, self.format, self.invalidUTF8) = (path, format, invalidUTF8)
    }

    /// Size of the file in bytes.
    public func fileSize() throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CorpusError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw CorpusError.unreadable(path: path, reason: "is a folder, expected a text file") }
        return Int(info.st_size)
    }

    /// What a reading found beyond the documents handed out.
    public struct Totals: Sendable, Equatable {
        /// Bytes read (the BOM included).
        public var bytesRead = 0
        /// `text` format: whether the file is one document (not empty) and whether it is blank.
        /// That document is not handed out: it is never enough to split (`Corpus.split` needs two).
        public var textDocument = false, textBlank = true
    }

    /// Calls `body(documents, bytesRead)` with the documents each chunk completes, in file
    /// order; `body` returns false to stop reading.
    @discardableResult
    public func forEachBatch(_ body: ([String], Int) throws -> Bool) throws -> Totals {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CorpusError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var state = SplitState(format: format)
        var buffer: [UInt8] = []  // bytes not yet consumed; buffer[0] is at file offset `base`
        var base = 0, validated = 0, newlines = 0, bytesRead = 0, first = true
        var chunk = [UInt8](repeating: 0, count: max(16, chunkBytes))
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CorpusError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            let atEnd = n == 0
            bytesRead += n
            buffer.append(contentsOf: chunk[..<n])
            if first, buffer.count >= 3 || atEnd {
                first = false
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3); base = 3 }
            }
            if first { continue }
            // Check UTF-8 up to the last ASCII byte (or the end): no sequence straddles that cut.
            if invalidUTF8 == .error {
                let cut = atEnd ? buffer.count : (buffer.lastIndex(where: { $0 < 0x80 }).map { $0 + 1 } ?? validated)
                if cut > validated {
                    let bad = buffer.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset(UnsafeBufferPointer(rebasing: $0[validated..<cut])) }
                    if let bad {
                        let line = 1 + newlines + buffer[validated..<(validated + bad)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                        throw CorpusError.invalidUTF8(path: path, offset: base + validated + bad, line: line, byte: buffer[validated + bad])
                    }
                    newlines += buffer[validated..<cut].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    validated = cut
                }
            } else {
                validated = buffer.count
            }
            let documents = try state.cut(buffer, upTo: validated, atEnd: atEnd, path: path)
            if !(try body(documents, bytesRead)) || atEnd {
                return Totals(bytesRead: bytesRead, textDocument: state.textBytes > 0, textBlank: state.textBlank)
            }
            let keep = state.keepFrom
            if keep > 0 {
                buffer.removeFirst(keep)
                base += keep
                validated -= keep
                state.shift(keep)
            }
            if buffer.count - validated > maximumDocumentBytes || state.openLength(buffer.count) > maximumDocumentBytes {
                throw CorpusError.documentTooLong(path: path, offset: base, limit: maximumDocumentBytes, format: format)
            }
        }
    }

    /// Where the documents are in the buffer between chunks.
    struct SplitState {
        let format: Corpus.Format
        /// Start of the document in progress (tinystories) or of the line in progress (paragraphs).
        var start = 0
        /// Paragraphs: the first and end byte of the open document's lines, if one is open.
        var paragraph: (start: Int, end: Int)?
        /// Tinystories: where the next search for the separator begins.
        var searchFrom = 0
        /// Text: whether any document has been seen (the whole file is one).
        var textBlank = true, textBytes = 0

        init(format: Corpus.Format) { self.format = format }

        static let separator = Array(BPETokenizer.endOfText.utf8)

        /// The first byte still needed.
        var keepFrom: Int {
            switch format {
            case .text: return start
            case .tinystories: return start
            case .paragraphs: return paragraph?.start ?? start
            }
        }

        /// Bytes of the document in progress.
        func openLength(_ count: Int) -> Int { format == .text ? 0 : count - keepFrom }

        mutating func shift(_ k: Int) {
            start -= k
            searchFrom = max(0, searchFrom - k)
            if let p = paragraph { paragraph = (p.start - k, p.end - k) }
        }

        /// The first occurrence of `pattern` within `bytes[from..<to]`: `memchr` for its first
        /// byte, then a comparison.
        static func find(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
            var i = from
            let last = to - pattern.count
            while i <= last {
                guard let p = memchr(bytes.baseAddress! + i, Int32(pattern[0]), last - i + 1) else { return nil }
                let at = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - bytes.baseAddress!
                if memcmp(bytes.baseAddress! + at, pattern, pattern.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }

        /// The documents complete in `buffer[..<limit]` (everything, at the end of the file).
        mutating func cut(_ buffer: [UInt8], upTo limit: Int, atEnd: Bool, path: String) throws -> [String] {
            var documents: [String] = []
            func emit(_ range: Range<Int>, trim: Bool = true) {
                let text = String(decoding: buffer[range], as: UTF8.self)
                let document = trim ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
                if !document.isEmpty { documents.append(document) }
            }
            switch format {
            case .text:
                // The whole file is one document; only whether it is blank and its size are kept.
                if textBlank, !String(decoding: buffer[start..<limit], as: UTF8.self).allSatisfy(\.isWhitespace) { textBlank = false }
                textBytes += limit - start
                start = limit
            case .tinystories:
                let separator = Self.separator
                buffer.withUnsafeBufferPointer { bytes in
                    while let at = Self.find(separator, in: bytes, from: searchFrom, to: limit) {
                        emit(start..<at)
                        start = at + separator.count
                        searchFrom = start
                    }
                }
                searchFrom = max(start, limit - separator.count + 1)
                if atEnd { emit(start..<limit); start = limit }
            case .paragraphs:
                func line(_ range: Range<Int>) {
                    if buffer[range].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                        if let p = paragraph { emit(p.start..<p.end); paragraph = nil }
                    } else {
                        paragraph = (paragraph?.start ?? range.lowerBound, range.upperBound)
                    }
                }
                buffer.withUnsafeBytes { raw in
                    while start < limit, let p = memchr(raw.baseAddress! + start, 0x0A, limit - start) {
                        let at = raw.baseAddress!.distance(to: UnsafeRawPointer(p))
                        line(start..<at)
                        start = at + 1
                    }
                }
                if atEnd {
                    line(start..<limit)
                    start = limit
                    if let p = paragraph { emit(p.start..<p.end); paragraph = nil }
                }
            }
            return documents
        }
    }
}
