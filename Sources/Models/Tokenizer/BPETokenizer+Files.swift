import Foundation
import TensorCore

/// Hugging Face's (and GPT-2's) vocabulary files: `vocab.json` + `merges.txt`.
///
/// `vocab.json` is one JSON object from token string to id; a token string spells the token's
/// bytes through `ByteUnicode` (a space is `Ġ`), and each string and each id appears once.
/// `merges.txt` starts with `#version: 0.2` and then has one merge per line, `left right` in
/// token strings, in rank order; lines end with LF, CRLF or CR (`mergeLines`). GPT-2's own
/// `encoder.json` and `vocab.bpe` are the same two files under other names. A vocabulary entry
/// that is neither a single byte nor the result of a merge is a special (added) token that
/// stands for its literal text, like GPT-2's `<|endoftext|>` (50256).
extension BPETokenizer {
    public static let vocabularyFileName = "vocab.json"
    public static let mergesFileName = "merges.txt"

    /// Loads `vocab.json` and `merges.txt` from a folder.
    public static func load(directory: URL) throws -> BPETokenizer {
        try load(
            vocabulary: directory.appendingPathComponent(vocabularyFileName),
            merges: directory.appendingPathComponent(mergesFileName))
    }

    /// Loads a vocabulary and its merges; errors name the file and the line or entry.
    public static func load(vocabulary vocabURL: URL, merges mergesURL: URL) throws -> BPETokenizer {
        try decode(vocabulary: try readFile(vocabURL), merges: try readFile(mergesURL), vocabularyURL: vocabURL, mergesURL: mergesURL)
    }

    /// Decodes the bytes of a vocab.json and a merges.txt; the URLs name them in errors.
    public static func decode(
        vocabulary vocabularyData: Data, merges mergesData: Data,
        vocabularyURL vocabURL: URL, mergesURL: URL
    ) throws -> BPETokenizer {
        let entries = try VocabularyJSON.parse(vocabularyData, path: vocabURL.path)
        guard !entries.isEmpty else { throw TokenizerError.invalidFile(path: vocabURL.path, reason: "the vocabulary is empty") }
        let v = entries.count
        var strings = [String?](repeating: nil, count: v)
        var idOfText: [[UInt8]: Int] = [:]
        for (text, id) in entries {
            if let first = idOfText.updateValue(id, forKey: Array(text.utf8)) {
                throw TokenizerError.invalidFile(
                    path: vocabURL.path,
                    reason: "token \(quoted(text)) is given two ids (\(first) and \(id)); each token string must appear once")
            }
            guard (0..<v).contains(id) else {
                throw TokenizerError.invalidFile(
                    path: vocabURL.path,
                    reason: "token \(quoted(text)) has id \(id); ids must be 0..<\(v), one per entry")
            }
            guard strings[id] == nil else {
                throw TokenizerError.invalidFile(path: vocabURL.path, reason: "id \(id) is given to two tokens")
            }
            strings[id] = text
        }
        var idOfBytes: [[UInt8]: Int32] = [:]
        var tokens = [[UInt8]](repeating: [], count: v)
        for id in 0..<v {
            if let b = ByteUnicode.bytes(for: strings[id]!) {
                tokens[id] = b
                if idOfBytes[b] == nil { idOfBytes[b] = Int32(id) }
            }
        }
        var merges: [BPEMerge] = []
        var isMergeResult = [Bool](repeating: false, count: v)
        for (lineIndex, line) in mergeLines(mergesData).enumerated() {
            let trimmed = Substring(line)
            if trimmed.isEmpty || (lineIndex == 0 && trimmed.hasPrefix("#version")) { continue }
            let parts = trimmed.split(separator: " ", omittingEmptySubsequences: false)
            func fail(_ reason: String) -> TokenizerError {
                .invalidFile(path: mergesURL.path, reason: "line \(lineIndex + 1) (\(quoted(String(trimmed)))): \(reason)")
            }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw fail("expected two token strings separated by one space")
            }
            guard let a = ByteUnicode.bytes(for: String(parts[0])), let b = ByteUnicode.bytes(for: String(parts[1])) else {
                throw fail("a token string has a character outside the 256 byte characters")
            }
            guard let left = idOfBytes[a], let right = idOfBytes[b] else { throw fail("a token is not in \(vocabURL.lastPathComponent)") }
            guard let result = idOfBytes[a + b] else { throw fail("the merged token is not in \(vocabURL.lastPathComponent)") }
            merges.append(BPEMerge(left: left, right: right, result: result))
            isMergeResult[Int(result)] = true
        }
        var specials: [(text: String, id: Int)] = []
        for id in 0..<v where !isMergeResult[id] && tokens[id].count != 1 { specials.append((strings[id]!, id)) }
        do {
            return try BPETokenizer(tokens: tokens, merges: merges, specialTokens: specials)
        } catch let error as TokenizerError {
            throw TokenizerError.invalidFile(path: vocabURL.path + " + " + mergesURL.lastPathComponent, reason: error.description)
        }
    }

    /// Writes `vocab.json` and `merges.txt` into `directory` (created if needed), each
    /// atomically. Ids are written in increasing order.
    public func save(directory: URL) throws {
        let files = encodedFiles()
        try AtomicFile.write(files.vocabulary, to: directory.appendingPathComponent(Self.vocabularyFileName))
        try AtomicFile.write(files.merges, to: directory.appendingPathComponent(Self.mergesFileName))
    }

    /// The bytes of `vocab.json` and `merges.txt`.
    public func encodedFiles() -> (vocabulary: Data, merges: Data) {
        var json = "{"
        let special = Dictionary(uniqueKeysWithValues: specialTokens.map { ($0.id, $0.text) })
        for id in 0..<vocabularySize {
            let text = special[id] ?? ByteUnicode.string(for: bytes(of: id))
            json += (id == 0 ? "" : ", ") + VocabularyJSON.quote(text) + ": \(id)"
        }
        json += "}\n"
        var merged = "#version: 0.2\n"
        for m in merges {
            merged += ByteUnicode.string(for: bytes(of: Int(m.left))) + " " + ByteUnicode.string(for: bytes(of: Int(m.right))) + "\n"
        }
        return (Data(json.utf8), Data(merged.utf8))
    }

    /// The lines of a merges.txt, ended by LF, CRLF or a lone CR — as GPT-2's `encoder.py` and
    /// Hugging Face's `GPT2Tokenizer` read the file (Python's universal newlines; the `tokenizers`
    /// library's line reader agrees for LF and CRLF). Splitting a Swift string on "\n" would miss
    /// CRLF, which Swift treats as one character, and read a whole CRLF file as its first line.
    static func mergeLines(_ data: Data) -> [String] {
        var lines: [String] = []
        var start = data.startIndex, i = data.startIndex
        while i < data.endIndex {
            let b = data[i]
            if b == 0x0A || b == 0x0D {
                lines.append(String(decoding: data[start..<i], as: UTF8.self))
                i = b == 0x0D && data.index(after: i) < data.endIndex && data[data.index(after: i)] == 0x0A ? i + 2 : i + 1
                start = i
            } else {
                i += 1
            }
        }
        if start < data.endIndex { lines.append(String(decoding: data[start..<data.endIndex], as: UTF8.self)) }
        return lines
    }

    private static func readFile(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw TokenizerError.invalidFile(path: url.path, reason: "cannot read the file (\(FileErrorText.reason(error)))")
        }
    }

    private static func quoted(_ s: String) -> String { VocabularyJSON.quote(s) }
}
