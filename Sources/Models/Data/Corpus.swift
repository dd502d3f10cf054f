import Foundation
import TensorCore

/// A text corpus: an ordered list of documents.
///
/// Documents are the unit of the train/validation split and of tokenization: a tokenized
/// corpus is each document's tokens preceded by `<|endoftext|>` (as llm.c's data scripts do).
public struct Corpus: Sendable {
    /// Where the corpus came from (a path or `stories`), for messages.
    public var name: String
    public var documents: [String]

    public init(name: String, documents: [String]) {
        self.name = name
        self.documents = documents
    }

    /// Total UTF-8 bytes of the documents (separators excluded).
    public var byteCount: Int { documents.reduce(0) { $0 + $1.utf8.count } }

    /// How a file is cut into documents.
    public enum Format: String, CaseIterable, Sendable {
        /// The whole file is one document, unchanged.
        case text
        /// Documents are separated by blank lines (lines of only spaces/tabs/CR); each is
        /// trimmed of surrounding whitespace.
        case paragraphs
        /// TinyStories: documents separated by `<|endoftext|>`; each is trimmed of surrounding
        /// whitespace, and empty ones are dropped.
        case tinystories

        /// How documents are separated, for messages.
        public var separatorDescription: String {
            switch self {
            case .text: "to be the whole file"
            case .paragraphs: "separated by blank lines"
            case .tinystories: "separated by \(BPETokenizer.endOfText)"
            }
        }
    }

    /// What to do with bytes that are not UTF-8.
    public enum InvalidUTF8: String, CaseIterable, Sendable {
        /// Stop with an error naming the file and the byte offset (the default).
        case error
        /// Replace each maximal ill-formed subsequence by U+FFFD (the Unicode standard's
        /// recommended practice, as Python's `errors="replace"`).
        case replace
    }

    /// Loads a UTF-8 text file and cuts it into documents. A leading byte-order mark is dropped.
    /// - Throws: `CorpusError` if the file cannot be read, is not UTF-8 (under `.error`), or
    ///   holds no non-blank document.
    public static func load(path: String, format: Format = .text, invalidUTF8: InvalidUTF8 = .error) throws -> Corpus {
        let text = try readText(path: path, invalidUTF8: invalidUTF8)
        let corpus = Corpus(name: path, documents: split(text, format: format))
        guard corpus.documents.contains(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            throw CorpusError.empty(path: path, format: format)
        }
        return corpus
    }

    /// The text of a UTF-8 file, exactly (a leading byte-order mark is kept unless
    /// `dropByteOrderMark`).
    /// - Throws: `CorpusError.unreadable`, or `.invalidUTF8` with the byte offset and line of
    ///   the first ill-formed sequence (under `.error`).
    public static func readText(path: String, invalidUTF8: InvalidUTF8 = .error, dropByteOrderMark: Bool = true) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CorpusError.unreadable(path: path, reason: error.localizedDescription)
        }
        var bytes = [UInt8](data)
        let bom = dropByteOrderMark && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bom > 0 { bytes.removeFirst(bom) }
        if invalidUTF8 == .error, let offset = bytes.withUnsafeBufferPointer(UTF8Validation.firstInvalidOffset) {
            let line = bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw CorpusError.invalidUTF8(path: path, offset: offset + bom, line: line, byte: bytes[offset])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Cuts a text into documents according to `format`.
    public static func split(_ text: String, format: Format) -> [String] {
        switch format {
        case .text:
            return text.isEmpty ? [] : [text]
        case .tinystories:
            return text.components(separatedBy: BPETokenizer.endOfText)
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }
        case .paragraphs:
            // Lines are cut at U+000A only (working on scalars: "\r\n" is one Character), so a
            // CRLF line keeps its "\r" and joining the lines back restores the text exactly.
            var documents: [String] = [], current: [String] = []
            func flush() {
                if !current.isEmpty {
                    documents.append(current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
                    current = []
                }
            }
            for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                    flush()
                } else {
                    current.append(String(String.UnicodeScalarView(line)))
                }
            }
            flush()
            return documents.filter { !$0.isEmpty }
        }
    }

    /// A deterministic document-level split.
    ///
    /// `round(validationFraction · n)` documents, at least 1 and at most n − 1, chosen by a
    /// permutation drawn from `SeededRNG(seed:)`, go to validation; both parts keep the
    /// corpus order. The same seed, fraction and documents give the same split.
    /// - Throws: `CorpusError.tooFewDocuments` if there are fewer than 2 documents.
    public func split(validationFraction: Double, seed: UInt64) throws -> (train: Corpus, validation: Corpus) {
        precondition(
            validationFraction > 0 && validationFraction < 1,
            "Corpus.split: validation fraction must be in (0, 1), got \(validationFraction)")
        let n = documents.count
        guard n >= 2 else { throw CorpusError.tooFewDocuments(name: name, count: n) }
        let isValidation = Self.validationMask(documents: n, validationFraction: validationFraction, seed: seed)
        let train = documents.indices.filter { !isValidation[$0] }.map { documents[$0] }
        let validation = documents.indices.filter { isValidation[$0] }.map { documents[$0] }
        return (Corpus(name: name + " (train)", documents: train), Corpus(name: name + " (validation)", documents: validation))
    }

    /// Which of `n` ≥ 2 documents go to validation under `split(validationFraction:seed:)`.
    public static func validationMask(documents n: Int, validationFraction: Double, seed: UInt64) -> [Bool] {
        let count = min(n - 1, max(1, Int((validationFraction * Double(n)).rounded())))
        var rng = SeededRNG(seed: seed)
        let permutation = rng.permutation(n)
        var isValidation = [Bool](repeating: false, count: n)
        for i in permutation.prefix(count) { isValidation[i] = true }
        return isValidation
    }
}

/// A corpus that cannot be used, naming the file and what was expected.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case invalidUTF8(path: String, offset: Int, line: Int, byte: UInt8)
    case empty(path: String, format: Corpus.Format)
    case tooFewDocuments(name: String, count: Int)
    case noSeparator(path: String, format: Corpus.Format, bytes: Int)
    case documentTooLong(path: String, offset: Int, limit: Int, format: Corpus.Format)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read the corpus (\(reason))"
        case .invalidUTF8(let path, let offset, let line, let byte):
            return "\(path): not valid UTF-8 at byte offset \(offset) (line \(line), byte 0x\(String(byte, radix: 16, uppercase: true))); "
                + "fix the file or load it with invalid UTF-8 replaced by U+FFFD (--invalid-utf8 replace)"
        case .empty(let path, let format):
            return "\(path): the corpus is empty (no non-blank document in format '\(format.rawValue)')"
        case .tooFewDocuments(let name, let count):
            return "\(name): a document-level train/validation split needs at least 2 documents, the corpus has \(count)"
                + " (use the 'paragraphs' or 'tinystories' format to cut a file into documents)"
        case .noSeparator(let path, let format, let bytes):
            return "\(path): no document separator in \(bytes) bytes: format '\(format.rawValue)' expects documents "
                + "\(format.separatorDescription); the file is one document, and a train/validation split needs at least 2"
        case .documentTooLong(let path, let offset, let limit, let format):
            return "\(path): the document starting at byte offset \(offset) runs past \(limit) bytes without a separator: "
                + "format '\(format.rawValue)' expects documents \(format.separatorDescription)"
        }
    }
}
