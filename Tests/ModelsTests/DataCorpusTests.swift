import Foundation
import TensorCore
import Testing

@testable import Models

@Suite struct DataCorpusTests {
    func file(_ bytes: [UInt8]) throws -> String {
        let url = TemporaryDirectory.make().appendingPathComponent("corpus.txt")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func formatsCutDocuments() throws {
        let text = "First story.\nStill first.\n\n  \nSecond story.\r\n\r\nThird."
        #expect(try Corpus.load(path: file(Array(text.utf8)), format: .text).documents == [text])
        #expect(
            try Corpus.load(path: file(Array(text.utf8)), format: .paragraphs).documents
                == ["First story.\nStill first.", "Second story.", "Third."])
        let stories = "<|endoftext|>One.\n<|endoftext|>\nTwo\nlines.\n<|endoftext|>  <|endoftext|>Three."
        #expect(try Corpus.load(path: file(Array(stories.utf8)), format: .tinystories).documents == ["One.", "Two\nlines.", "Three."])
    }

    @Test func invalidUTF8NamesFileAndOffset() throws {
        let bytes: [UInt8] = Array("ok\nfine ".utf8) + [0xC3, 0x28] + Array(" rest".utf8)
        let path = try file(bytes)
        #expect(throws: CorpusError.invalidUTF8(path: path, offset: 8, line: 2, byte: 0xC3)) {
            try Corpus.load(path: path, format: .text)
        }
        do { _ = try Corpus.load(path: path) } catch { #expect("\(error)".contains("\(path)") && "\(error)".contains("byte offset 8")) }
        let replaced = try Corpus.load(path: path, format: .text, invalidUTF8: .replace)
        #expect(replaced.documents == ["ok\nfine \u{FFFD}( rest"])
    }

    @Test func validatorRejectsEveryIllFormedKind() {
        let cases: [([UInt8], Int?)] = [
            ([0x61, 0xE2, 0x82, 0xAC], nil),  // €
            ([0xF0, 0x9F, 0x98, 0x80], nil),  // 😀
            ([0xC0, 0xAF], 0), ([0xE0, 0x80, 0xAF], 0),  // overlong
            ([0x61, 0xED, 0xA0, 0x80], 1),  // surrogate U+D800
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0x61, 0x62, 0xE2, 0x82], 2),  // truncated at the end
            ([0x80], 0), ([0xFF], 0), ([0x61, 0xC3], 1),
        ]
        for (bytes, expected) in cases {
            #expect(bytes.withUnsafeBufferPointer(UTF8Validation.firstInvalidOffset) == expected, "\(bytes)")
            #expect((String(bytes: bytes, encoding: .utf8) == nil) == (expected != nil))
        }
    }

    @Test func emptyCorpusIsAnError() throws {
        for text in ["", "  \n\n \t\n"] {
            let path = try file(Array(text.utf8))
            #expect(throws: CorpusError.empty(path: path, format: .paragraphs)) { try Corpus.load(path: path, format: .paragraphs) }
        }
        #expect(throws: CorpusError.self) { try Corpus.load(path: "/nonexistent/corpus.txt") }
    }

    @Test func splitIsDeterministicDisjointAndOrdered() throws {
        let corpus = Corpus(name: "c", documents: (0..<100).map { "doc \($0)" })
        let (train, validation) = try corpus.split(validationFraction: 0.2, seed: 3)
        let again = try corpus.split(validationFraction: 0.2, seed: 3)
        let other = try corpus.split(validationFraction: 0.2, seed: 4)
        #expect(validation.documents.count == 20 && train.documents.count == 80)
        #expect(again.validation.documents == validation.documents && again.train.documents == train.documents)
        #expect(other.validation.documents != validation.documents)
        #expect(Set(train.documents).isDisjoint(with: validation.documents))
        #expect(Set(train.documents + validation.documents) == Set(corpus.documents))
        let index = { (d: String) in Int(d.split(separator: " ")[1])! }
        #expect(train.documents.map(index) == train.documents.map(index).sorted())
        #expect(try Corpus(name: "two", documents: ["a", "b"]).split(validationFraction: 0.01, seed: 0).validation.documents.count == 1)
        #expect(throws: CorpusError.tooFewDocuments(name: "one", count: 1)) {
            try Corpus(name: "one", documents: ["a"]).split(validationFraction: 0.5, seed: 0)
        }
    }
}
