import Foundation
import TensorCore
import Testing

@testable import Models

/// Malformed inputs of the Models readers — llm.c `.bin` token files, `vocab.json` /
/// `merges.txt`, corpora (empty, invalid UTF-8), checkpoint manifests and checkpoints of
/// another shape — each refused with an error naming the file, the position where there is
/// one, and what was expected (docs/RELIABILITY.md, bad-input table).
@Suite struct ReliabilityReaderTests {
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-reliability-readers-\(getpid())")

    static func write(_ data: Data, _ name: String) throws -> URL {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let url = scratch.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// An llm.c token file: header words, then raw token bytes.
    static func bin(_ header: [Int32], _ body: [UInt8] = []) -> Data {
        var words = [Int32](repeating: 0, count: 256)
        for (i, w) in header.enumerated() { words[i] = w.littleEndian }
        return words.withUnsafeBufferPointer { Data(buffer: $0) } + Data(body)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var bytes: Data
        var expected: String
    }

    // MARK: llm.c .bin

    static let tokenFiles: [Case] = [
        Case(description: "empty", bytes: Data(), expected: "truncated header: an llm.c token file starts with 1024 bytes (256 int32), this file has 0"),
        Case(description: "half a header", bytes: bin([20240520, 1, 0]).prefix(512), expected: "this file has 512"),
        Case(description: "bad magic", bytes: bin([12345, 1, 0]), expected: "bad magic 12345, expected 20240520"),
        Case(description: "unknown version", bytes: bin([20240520, 7, 0]), expected: "unknown version 7, expected 1 (uint16 tokens) or 2 (uint32 tokens)"),
        Case(description: "negative count", bytes: bin([20240520, 1, -5]), expected: "negative token count -5"),
        Case(
            description: "truncated tokens", bytes: bin([20240520, 1, 4], [1, 0, 2, 0, 3]),
            expected: "the header promises 4 tokens (8 bytes after the header), the file has 5"),
        Case(description: "extra bytes", bytes: bin([20240520, 2, 1], [1, 0, 0, 0, 9]), expected: "1 extra bytes after the 1 tokens"),
        Case(
            description: "uint32 id above Int32.max", bytes: bin([20240520, 2, 1], [0, 0, 0, 0x80]),
            expected: "token 2147483648 does not fit a signed 32-bit id"),
    ]

    @Test(arguments: tokenFiles) func malformedTokenFiles(_ c: Case) throws {
        let url = try Self.write(c.bytes, "bad-\(abs(c.description.hashValue)).bin")
        let error = #expect(throws: TokenFileError.self) { try TokenFile.read(url) }
        #expect(error?.path == url.path)
        #expect(error?.reason.contains(c.expected) == true, "\(String(describing: error))")
    }

    @Test func tokenIdsAboveTheVocabularyAreNamedByPosition() throws {
        let url = try Self.write(Self.bin([20240520, 1, 3], [1, 0, 9, 0, 2, 0]), "ids.bin")
        let error = #expect(throws: (any Error).self) { try TokenDataset(contentsOf: url, vocabularySize: 5) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains(url.path) && text.contains("9"), "\(text)")
    }

    // MARK: vocab.json + merges.txt

    /// The valid pair the malformed cases start from: bytes, "th", "the", <|endoftext|>.
    static let vocabulary: String = {
        var entries = (0..<256).map { ByteUnicode.string(for: [UInt8($0)]) }
        entries += ["th", "the", "<|endoftext|>"]
        return "{" + entries.enumerated().map { "\(VocabularyJSON.quote($1)): \($0)" }.joined(separator: ", ") + "}"
    }()
    static let merges = "#version: 0.2\nt h\nth e\n"

    /// (vocab.json, merges.txt, the file the error must name, phrase).
    struct TokenizerCase: Sendable, CustomStringConvertible {
        var description: String
        var vocabulary: String
        var merges: String
        var blames: String
        var expected: String
    }

    static let tokenizerCases: [TokenizerCase] = [
        .init(description: "vocab empty file", vocabulary: "", merges: merges, blames: "vocab.json", expected: "at byte 0: expected '{'"),
        .init(description: "vocab empty object", vocabulary: "{}", merges: merges, blames: "vocab.json", expected: "the vocabulary is empty"),
        .init(
            description: "vocab truncated", vocabulary: String(vocabulary.prefix(100)), merges: merges, blames: "vocab.json", expected: "unterminated string"),
        .init(
            description: "vocab id not an integer", vocabulary: #"{"a": "x"}"#, merges: "", blames: "vocab.json", expected: "at byte 6: expected an integer id"),
        .init(
            description: "vocab id out of range", vocabulary: #"{"a": 0, "b": 5}"#, merges: "", blames: "vocab.json",
            expected: "token \"b\" has id 5; ids must be 0..<2"),
        .init(description: "vocab duplicate id", vocabulary: #"{"a": 0, "b": 0}"#, merges: "", blames: "vocab.json", expected: "id 0 is given to two tokens"),
        .init(description: "vocab bad escape", vocabulary: #"{"\q": 0}"#, merges: "", blames: "vocab.json", expected: "invalid escape"),
        .init(description: "vocab lone surrogate", vocabulary: #"{"\ud800": 0}"#, merges: "", blames: "vocab.json", expected: "lone surrogate"),
        .init(
            description: "vocab trailing text", vocabulary: vocabulary + " x", merges: merges, blames: "vocab.json",
            expected: "trailing characters after the object"),
        .init(description: "vocab missing a byte", vocabulary: #"{"a": 0}"#, merges: "", blames: "vocab.json", expected: "no token for the byte 0x0"),
        .init(
            description: "merges one token", vocabulary: vocabulary, merges: "#version: 0.2\nt\n", blames: "merges.txt",
            expected: "line 2 (\"t\"): expected two token strings separated by one space"),
        .init(description: "merges three tokens", vocabulary: vocabulary, merges: "t h e\n", blames: "merges.txt", expected: "line 1"),
        .init(
            description: "merges unknown token", vocabulary: vocabulary, merges: "#version: 0.2\nt h\nth x\n", blames: "merges.txt",
            expected: "line 3 (\"th x\"): the merged token is not in vocab.json"),
        .init(
            description: "merges non-byte character", vocabulary: vocabulary, merges: "t ☃\n", blames: "merges.txt",
            expected: "line 1 (\"t ☃\"): a token string has a character outside the 256 byte characters"),
        // One token string with two ids: which id would encode it? (JSON decoders keep one silently.)
        .init(
            description: "vocab duplicate token string", vocabulary: String(vocabulary.dropLast()) + #", "th": 259}"#, merges: merges,
            blames: "vocab.json", expected: "token \"th\" is given two ids (256 and 259)"),
        // Invalid merges after a CRLF or CR #version line are still read and refused (a CRLF
        // file used to be one comment line, so nothing after it was checked).
        .init(
            description: "merges CRLF, bad line", vocabulary: vocabulary, merges: "#version: 0.2\r\nt h\r\nth x\r\n", blames: "merges.txt",
            expected: "line 3 (\"th x\"): the merged token is not in vocab.json"),
        .init(
            description: "merges CR, bad line", vocabulary: vocabulary, merges: "#version: 0.2\rt h\rt\r", blames: "merges.txt",
            expected: "line 3 (\"t\"): expected two token strings separated by one space"),
    ]

    @Test(arguments: tokenizerCases) func malformedTokenizerFiles(_ c: TokenizerCase) throws {
        let folder = Self.scratch.appendingPathComponent("tok-\(abs(c.description.hashValue))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(c.vocabulary.utf8).write(to: folder.appendingPathComponent("vocab.json"))
        try Data(c.merges.utf8).write(to: folder.appendingPathComponent("merges.txt"))
        let error = #expect(throws: TokenizerError.self) { try BPETokenizer.load(directory: folder) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains(folder.path + "/" + c.blames), "\(text)")
        #expect(text.contains(c.expected), "\(text)")
    }

    /// LF, CRLF and lone-CR line endings give the same merges (as GPT-2's encoder.py and Hugging
    /// Face's GPT2Tokenizer read them; before, a CRLF file encoded text to raw bytes).
    @Test(arguments: ["\n", "\r\n", "\r"]) func mergesReadWithAnyLineEnding(_ ending: String) throws {
        let folder = Self.scratch.appendingPathComponent("tok-ending-\(ending.unicodeScalars.map { $0.value })")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.vocabulary.utf8).write(to: folder.appendingPathComponent("vocab.json"))
        try Data(["#version: 0.2", "t h", "th e", ""].joined(separator: ending).utf8).write(to: folder.appendingPathComponent("merges.txt"))
        let tokenizer = try BPETokenizer.load(directory: folder)
        #expect(tokenizer.merges.count == 2)
        #expect(tokenizer.encode("the") == [257])
    }

    @Test func theValidPairOfTheTableLoads() throws {
        let folder = Self.scratch.appendingPathComponent("tok-valid")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.vocabulary.utf8).write(to: folder.appendingPathComponent("vocab.json"))
        try Data(Self.merges.utf8).write(to: folder.appendingPathComponent("merges.txt"))
        let tokenizer = try BPETokenizer.load(directory: folder)
        #expect(tokenizer.encode("the") == [257])
        #expect(tokenizer.vocabularySize == 259)
    }

    // MARK: corpora

    static let corpora: [Case] = [
        Case(description: "empty file", bytes: Data(), expected: "the corpus is empty (no non-blank document in format 'paragraphs')"),
        Case(description: "blank lines only", bytes: Data(" \n\t\n\n".utf8), expected: "the corpus is empty"),
        Case(description: "a lone continuation byte", bytes: Data([0x61, 0x0A, 0x62, 0x80]), expected: "not valid UTF-8 at byte offset 3 (line 2, byte 0x80)"),
        Case(description: "an overlong encoding", bytes: Data([0xC0, 0xAF]), expected: "byte offset 0 (line 1, byte 0xC0)"),
        Case(description: "a surrogate", bytes: Data([0x41, 0xED, 0xA0, 0x80]), expected: "byte offset 1 (line 1, byte 0xED)"),
        Case(description: "a truncated sequence", bytes: Data([0x41, 0x42, 0xE2, 0x82]), expected: "byte offset 2"),
        Case(description: "above U+10FFFF", bytes: Data([0xF4, 0x90, 0x80, 0x80]), expected: "byte offset 0"),
        Case(description: "after a byte-order mark", bytes: Data([0xEF, 0xBB, 0xBF, 0x61, 0xFF]), expected: "byte offset 4"),
    ]

    @Test(arguments: corpora) func badCorpora(_ c: Case) throws {
        let url = try Self.write(c.bytes, "corpus-\(abs(c.description.hashValue)).txt")
        let error = #expect(throws: CorpusError.self) { try Corpus.load(path: url.path, format: .paragraphs) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix(url.path + ": "), "\(text)")
        #expect(text.contains(c.expected), "\(text)")
    }

    // MARK: checkpoints

    static func tinyModel(width: Int = 8) throws -> LanguageModel<Float> {
        let config = ModelConfig(architecture: .transformer, vocabularySize: 20, contextLength: 8, width: width, layers: 1, heads: 2, feedForward: 16)
        var rng = SeededRNG(seed: 1)
        return try LanguageModel<Float>(config: config, rng: &rng)
    }

    /// Training of the tiny model: 5 steps of 2 × 8 tokens.
    static var tinyTraining: TrainingConfig {
        var t = TrainingConfig()
        t.steps = 5
        t.batchSize = 2
        t.contextLength = 8
        return t
    }

    static func checkpoint(_ name: String) throws -> URL {
        let folder = scratch.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: folder)
        let model = try tinyModel()
        let manifest = Checkpoint.Manifest(model: model.config, training: tinyTraining, step: 3, tokensSeen: 3 * 2 * 8)
        try Checkpoint.write(model: model, optimizer: AdamW(weightDecay: 0), manifest: manifest, to: folder)
        return folder
    }

    static let manifests: [Case] = [
        Case(description: "empty config.json", bytes: Data(), expected: "not a valid checkpoint manifest"),
        Case(description: "not JSON", bytes: Data("step: 3".utf8), expected: "not a valid checkpoint manifest"),
        Case(description: "missing key", bytes: Data(#"{"step": 3}"#.utf8), expected: "not a valid checkpoint manifest"),
        Case(description: "wrong type", bytes: Data(#"{"step": "three"}"#.utf8), expected: "not a valid checkpoint manifest"),
    ]

    @Test(arguments: manifests) func malformedCheckpointManifests(_ c: Case) throws {
        let folder = try Self.checkpoint("manifest-\(abs(c.description.hashValue))")
        let url = folder.appendingPathComponent(Checkpoint.configFile)
        try c.bytes.write(to: url)
        let error = #expect(throws: TrainingError.self) { try Checkpoint.manifest(in: folder) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix(url.path + ": "), "\(text)")
        #expect(text.contains(c.expected), "\(text)")
    }

    @Test func aCheckpointOfAnotherShapeIsRefusedWithTheTensorNamed() throws {
        let folder = try Self.checkpoint("shape")
        let wider = try Self.tinyModel(width: 12)
        var optimizer = AdamW<Float>(weightDecay: 0)
        let config = #expect(throws: TrainingError.self) { try Checkpoint.restore(model: wider, optimizer: &optimizer, from: folder) }
        #expect("\(config.map { "\($0)" } ?? "")".contains("width: checkpoint has 8, this run has 12"))
        let weights = folder.appendingPathComponent(Checkpoint.modelFile)
        let shape = #expect(throws: TrainingError.self) { try Checkpoint.readModel(into: wider, from: weights) }
        let text = shape.map { "\($0)" } ?? ""
        #expect(text.hasPrefix(weights.path + ": tensor '"), "\(text)")
        #expect(text.contains("the model needs"), "\(text)")
    }

    @Test func aCheckpointSwapCutShortIsRepaired() throws {
        let folder = try Self.checkpoint("swap")
        let previous = folder.deletingLastPathComponent().appendingPathComponent("swap.previous")
        let partial = folder.deletingLastPathComponent().appendingPathComponent("swap.partial")
        // Killed between "rename old → .previous" and "rename .partial → folder".
        try FileManager.default.moveItem(at: folder, to: previous)
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        #expect(try Checkpoint.manifest(in: folder).step == 3)
        #expect(!FileManager.default.fileExists(atPath: previous.path) && !FileManager.default.fileExists(atPath: partial.path))
        // Killed after the swap, before deleting .previous.
        try FileManager.default.copyItem(at: folder, to: previous)
        try Checkpoint.recover(folder)
        #expect(!FileManager.default.fileExists(atPath: previous.path))
    }
}
