import Foundation
import TensorCore
import Testing

@testable import Models

/// The streaming preparation against the in-memory one (`run` + `write`), byte for byte.
@Suite struct DataStreamingTests {
    func file(_ bytes: [UInt8], _ name: String = "corpus.txt") throws -> String {
        let url = TemporaryDirectory.make().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Stories with CRLF lines, multi-byte characters, blank runs and stray whitespace.
    func stories(_ count: Int, crlf: Bool) -> [String] {
        StoryGenerator(seed: 5).corpus(documents: count).documents.enumerated().map { i, d in
            var text = d + (i % 3 == 0 ? " Café, naïve — 😀 “quoted”." : "")
            if i % 4 == 1 { text = text.replacingOccurrences(of: ". ", with: ".\n") }
            return crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
        }
    }

    func tinyStoriesText(_ documents: [String], newline: String) -> String {
        documents.map { $0 + newline + BPETokenizer.endOfText + newline }.joined()
    }

    func paragraphsText(_ documents: [String], newline: String) -> String {
        // Paragraph documents must not hold blank lines themselves.
        documents.map { $0.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") }
            .joined(separator: newline + "  \t" + newline + newline)
    }

    /// Every file of the two folders, by name.
    func files(_ directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in PreparedData.fileNames { out[name] = try Data(contentsOf: directory.appendingPathComponent(name)) }
        return out
    }

    func compare(
        path: String, format: Corpus.Format, tokenizer: DataPreparation.TokenizerSource,
        chunkBytes: [Int], invalidUTF8: Corpus.InvalidUTF8 = .error
    ) throws {
        let preparation = DataPreparation(
            corpus: .file(path: path, format: format, invalidUTF8: invalidUTF8),
            tokenizer: tokenizer, validationFraction: 0.2, splitSeed: 3)
        let reference = TemporaryDirectory.make().appendingPathComponent("memory")
        try preparation.run().write(to: reference)
        let expected = try files(reference)
        for chunk in chunkBytes {
            let streamed = TemporaryDirectory.make().appendingPathComponent("stream")
            let summary = try preparation.prepare(into: streamed, streaming: .init(chunkBytes: chunk))
            let actual = try files(streamed)
            for name in PreparedData.fileNames {
                #expect(actual[name] == expected[name], "\(format) chunk \(chunk): \(name) differs")
            }
            var loaded = try PreparedData.load(from: streamed).summary
            loaded.files = nil
            #expect(summary == loaded)
        }
    }

    @Test func tinyStoriesEqualsTheInMemoryPath() throws {
        for newline in ["\n", "\r\n"] {
            let text = "\u{FEFF}" + tinyStoriesText(stories(60, crlf: newline == "\r\n"), newline: newline)
            let path = try file(Array(text.utf8))
            // Chunks of 5 and 13 bytes cut separators, CRLF pairs and multi-byte characters; 1 MB reads it whole.
            try compare(path: path, format: .tinystories, tokenizer: .train(vocabularySize: 400), chunkBytes: [5, 13, 1 << 20])
        }
    }

    @Test func paragraphsEqualsTheInMemoryPath() throws {
        for newline in ["\n", "\r\n"] {
            let path = try file(Array(paragraphsText(stories(50, crlf: false), newline: newline).utf8))
            try compare(path: path, format: .paragraphs, tokenizer: .train(vocabularySize: 350), chunkBytes: [7, 64, 1 << 20])
        }
        // Byte-level tokens: documents separated by the tokens of "\n\n".
        let path = try file(Array(paragraphsText(stories(20, crlf: false), newline: "\n").utf8))
        try compare(path: path, format: .paragraphs, tokenizer: .bytes, chunkBytes: [11])
    }

    @Test func invalidBytesReplacedEqualTheInMemoryPath() throws {
        var bytes = Array(tinyStoriesText(stories(30, crlf: false), newline: "\n").utf8)
        for at in [40, 41, 500, 900] { bytes[at] = 0xE2 }  // truncated three-byte sequences
        bytes.insert(contentsOf: [0xF0, 0x9F], at: 700)
        try compare(
            path: try file(bytes), format: .tinystories, tokenizer: .train(vocabularySize: 300),
            chunkBytes: [3, 17], invalidUTF8: .replace)
    }

    @Test func readerCutsDocumentsAsCorpusLoadForEveryChunkSize() throws {
        let texts = [
            "\u{FEFF}a<|endoftext|><|endoftext|>  b \r\n<|endoftext|>\r\nc😀d<|endoftext|>",
            "one\r\n \r\ntwo\nstill two\n\t\n\n\nthree é\n",
        ]
        for (text, format) in zip(texts, [Corpus.Format.tinystories, .paragraphs]) {
            let path = try file(Array(text.utf8))
            let expected = try Corpus.load(path: path, format: format).documents
            for chunk in 1...24 {
                var reader = CorpusReader(path: path, format: format)
                reader.chunkBytes = chunk
                var documents: [String] = []
                try reader.forEachBatch { batch, _ in
                    documents += batch; return true
                }
                #expect(documents == expected, "\(format) chunk \(chunk)")
            }
        }
    }

    @Test func textFormatFailsAsTheInMemoryPath() throws {
        let path = try file(Array("One story.\n\nAnother.".utf8))
        let preparation = DataPreparation(corpus: .file(path: path, format: .text, invalidUTF8: .error), tokenizer: .bytes)
        #expect(throws: CorpusError.tooFewDocuments(name: path, count: 1)) { try preparation.run() }
        #expect(throws: CorpusError.tooFewDocuments(name: path, count: 1)) {
            try preparation.prepare(into: TemporaryDirectory.make().appendingPathComponent("out"), streaming: .init(chunkBytes: 4))
        }
    }

    @Test func invalidUTF8IsReportedAtTheSameOffsetForEveryChunkSize() throws {
        let bytes: [UInt8] = Array("ok\nfine<|endoftext|>é\n".utf8) + [0xE2, 0x82, 0x28] + Array(" rest<|endoftext|>x".utf8)
        let path = try file(bytes)
        let expected = CorpusError.invalidUTF8(path: path, offset: 23, line: 3, byte: 0xE2)
        #expect(throws: expected) { try Corpus.load(path: path, format: .tinystories) }
        for chunk in 1...12 {
            var reader = CorpusReader(path: path, format: .tinystories)
            reader.chunkBytes = chunk
            #expect(throws: expected) { try reader.forEachBatch { _, _ in true } }
        }
    }

    @Test func aSmallTokenizerSampleTrainsOnTheFirstTrainingDocuments() throws {
        let documents = stories(40, crlf: false)
        let path = try file(Array(tinyStoriesText(documents, newline: "\n").utf8))
        let preparation = DataPreparation(
            corpus: .file(path: path, format: .tinystories, invalidUTF8: .error),
            tokenizer: .train(vocabularySize: 300), validationFraction: 0.25, splitSeed: 1)
        let out = TemporaryDirectory.make().appendingPathComponent("out")
        var lines: [String] = []
        _ = try preparation.prepare(into: out, streaming: .init(chunkBytes: 100, tokenizerSampleBytes: 1), log: { lines.append($0) })
        // A sample of 1 byte takes exactly the first training document.
        let isValidation = Corpus.validationMask(documents: documents.count, validationFraction: 0.25, seed: 1)
        let first = try Corpus.load(path: path, format: .tinystories).documents[isValidation.firstIndex(of: false)!]
        let expected = BPETrainer(vocabularySize: 300).train([first])
        let loaded = try PreparedData.load(from: out)
        #expect(loaded.tokenizer.merges == expected.merges)
        #expect(lines.contains { $0.contains("on 1 documents") })
    }
}
