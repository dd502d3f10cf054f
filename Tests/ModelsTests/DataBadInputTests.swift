import Foundation
import TensorCore
import Testing

@testable import Models

/// Every unusable input is refused before a tokenizer is trained or a file written, by an error
/// naming the file and what was expected.
@Suite struct DataBadInputTests {
    func file(_ bytes: [UInt8]) throws -> String {
        let url = TemporaryDirectory.make().appendingPathComponent("corpus.txt")
        try Data(bytes).write(to: url)
        return url.path
    }

    func preparation(_ path: String, _ format: Corpus.Format, _ tokenizer: DataPreparation.TokenizerSource = .train(vocabularySize: 300)) -> DataPreparation {
        DataPreparation(corpus: .file(path: path, format: format, invalidUTF8: .error), tokenizer: tokenizer)
    }

    /// Runs the streaming preparation expecting `error`, and checks nothing was written.
    func expectRefused(_ preparation: DataPreparation, _ error: CorpusError, maximumDocumentBytes: Int = 256 << 20) {
        let out = TemporaryDirectory.make().appendingPathComponent("out")
        var logged: [String] = []
        #expect(throws: error) {
            try preparation.prepare(
                into: out, streaming: .init(chunkBytes: 16, maximumDocumentBytes: maximumDocumentBytes),
                log: { logged.append($0) })
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(!logged.contains { $0.contains("training BPE") })
        #expect("\(error)".contains(preparation.corpusPath ?? "?"))
    }

    @Test func aCorpusWithoutSeparatorsIsRefused() throws {
        let text = Array("Once upon a time there was a story with no end marker.\nIt goes on.\n".utf8)
        let path = try file(text)
        expectRefused(preparation(path, .tinystories), .noSeparator(path: path, format: .tinystories, bytes: text.count))
        expectRefused(preparation(path, .paragraphs), .noSeparator(path: path, format: .paragraphs, bytes: text.count))
        #expect("\(CorpusError.noSeparator(path: path, format: .tinystories, bytes: 9))".contains("separated by <|endoftext|>"))
        // A long file without separators stops at the document limit, not at the end of memory.
        expectRefused(
            preparation(path, .tinystories), .documentTooLong(path: path, offset: 0, limit: 32, format: .tinystories),
            maximumDocumentBytes: 32)
    }

    @Test func aFileThatIsNotUTF8IsRefused() throws {
        // Latin-1 "café" in the second story.
        let bytes = Array("A story.<|endoftext|>Un caf".utf8) + [0xE9] + Array(" noir.<|endoftext|>".utf8)
        let path = try file(bytes)
        expectRefused(preparation(path, .tinystories), .invalidUTF8(path: path, offset: 27, line: 1, byte: 0xE9))
        // A file cut in the middle of a character is not UTF-8 at its end.
        let cut = try file(Array("One.<|endoftext|>Two 😀".utf8).dropLast(2))
        expectRefused(preparation(cut, .tinystories), .invalidUTF8(path: cut, offset: 21, line: 1, byte: 0xF0))
    }

    @Test func anEmptyCorpusIsRefused() throws {
        for bytes in [[UInt8](), [0xEF, 0xBB, 0xBF], Array(" \n\t\r\n  ".utf8)] {
            let path = try file(bytes)
            expectRefused(preparation(path, .tinystories), .empty(path: path, format: .tinystories))
            expectRefused(preparation(path, .paragraphs), .empty(path: path, format: .paragraphs))
        }
        let separators = try file(Array(" \n<|endoftext|>\r\n\t<|endoftext|>".utf8))
        expectRefused(preparation(separators, .tinystories), .empty(path: separators, format: .tinystories))
    }

    /// A prepared folder of tiny stories.
    func prepared(_ tokenizer: DataPreparation.TokenizerSource) throws -> URL {
        let text = StoryGenerator(seed: 1).corpus(documents: 30).documents.map { $0 + "<|endoftext|>" }.joined()
        let out = TemporaryDirectory.make().appendingPathComponent("data")
        _ = try preparation(try file(Array(text.utf8)), .tinystories, tokenizer).prepare(into: out)
        return out
    }

    func loadError(_ directory: URL) -> String {
        do { _ = try PreparedData.load(from: directory); return "" } catch { return "\(error)" }
    }

    @Test func aTokenFileOfAnotherTokenizerIsRefused() throws {
        let bytes = try prepared(.bytes), trained = try prepared(.train(vocabularySize: 400))
        let train = bytes.appendingPathComponent(PreparedData.trainFileName)
        try FileManager.default.removeItem(at: train)
        try FileManager.default.copyItem(at: trained.appendingPathComponent(PreparedData.trainFileName), to: train)
        let error = loadError(bytes)
        #expect(error.hasPrefix(train.path) && error.contains("does not belong to this data set"))
        // Without the digests of data.json (a folder of an older version), the ids themselves give it away.
        let summaryURL = bytes.appendingPathComponent(PreparedData.summaryFileName)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL)) as! [String: Any]
        json["files"] = nil
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: summaryURL)
        let older = loadError(bytes)
        #expect(older.hasPrefix(train.path) && older.contains("outside the vocabulary 0..<256") && older.contains("another tokenizer"))
    }

    @Test func truncatedAndEmptyTokenFilesAreRefused() throws {
        let folder = try prepared(.train(vocabularySize: 300))
        let validation = folder.appendingPathComponent(PreparedData.validationFileName)
        let data = try Data(contentsOf: validation)
        try data.dropLast(2).write(to: validation)
        let truncated = loadError(folder)
        #expect(truncated.hasPrefix(validation.path) && truncated.contains("truncated: the header promises"))
        try Data().write(to: validation)
        let empty = loadError(folder)
        #expect(empty.hasPrefix(validation.path) && empty.contains("truncated header") && empty.contains("this file has 0"))
    }
}

extension DataPreparation {
    /// The corpus file's path, if the corpus is a file.
    var corpusPath: String? {
        if case .file(let path, _, _) = corpus { return path }
        return nil
    }
}
