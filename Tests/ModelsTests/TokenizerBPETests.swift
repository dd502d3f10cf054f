import Foundation
import TensorCore
import Testing

@testable import Models

@Suite struct TokenizerBPETests {
    @Test func byteUnicodeMapIsGPT2s() {
        #expect(ByteUnicode.scalar[0x20] == "Ġ")
        #expect(ByteUnicode.scalar[0x0A] == "Ċ")
        #expect(ByteUnicode.scalar[0x41] == "A")
        #expect(ByteUnicode.scalar[0x00] == "\u{100}")
        #expect(ByteUnicode.scalar[0xAD] == "\u{143}")
        #expect(Set(ByteUnicode.scalar).count == 256)
        for b in 0..<256 { #expect(ByteUnicode.byte(for: ByteUnicode.scalar[b]) == UInt8(b)) }
        #expect(ByteUnicode.gpt2Order.prefix(3) == [0x21, 0x22, 0x23])
        #expect(ByteUnicode.gpt2Order[188] == 0x00 && ByteUnicode.gpt2Order[198] == 0x0A)
    }

    @Test func handBuiltVocabularyLoadsAndEncodesToKnownIDs() throws {
        let bpe = try BPETokenizer.load(directory: try HandBuiltVocabulary.write())
        #expect(bpe.vocabularySize == 265)
        #expect(bpe.endOfTextToken == 264)
        // "the" → t + he (no merge "t he"); " cat" → Ġc, at → Ġcat.
        #expect(bpe.encode("the cat") == [83, 257, 262])
        #expect(bpe.encode(" the") == [258])
        #expect(bpe.encode("aaaaa") == [263, 263, 64])  // left-to-right: aa aa a
        #expect(bpe.encode("\n") == [198])
        #expect(bpe.encode("in in") == [259, 220, 259])  // no merge "Ġ in"
        #expect(bpe.encode("<|endoftext|>") == [27, 91, 68, 77, 67, 78, 69, 83, 68, 87, 83, 91, 29])
        #expect(bpe.encode("a<|endoftext|>", allowingSpecialTokens: true) == [64, 264])
        #expect(bpe.decode([83, 257, 262, 264]) == "the cat<|endoftext|>")
    }

    @Test func savedVocabularyLoadsBackIdentically() throws {
        let bpe = try BPETokenizer.load(directory: try HandBuiltVocabulary.write())
        let directory = TemporaryDirectory.make()
        try bpe.save(directory: directory)
        let again = try BPETokenizer.load(directory: directory)
        #expect(again.vocabularySize == bpe.vocabularySize && again.merges == bpe.merges)
        #expect(again.endOfTextToken == bpe.endOfTextToken)
        for id in 0..<bpe.vocabularySize { #expect(again.bytes(of: id) == bpe.bytes(of: id)) }
        let text = "the cat sat in the hat\n<|endoftext|> aaa"
        #expect(again.encode(text) == bpe.encode(text))
    }

    @Test func malformedVocabularyFilesNameTheFileAndLine() throws {
        let directory = try HandBuiltVocabulary.write()
        try "#version: 0.2\nĠ t\nx y z\n".write(to: directory.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        #expect { try BPETokenizer.load(directory: directory) } throws: { error in
            "\(error)".contains("merges.txt") && "\(error)".contains("line 3")
        }
        try "#version: 0.2\nq z\n".write(to: directory.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        #expect { try BPETokenizer.load(directory: directory) } throws: { error in
            "\(error)".contains("line 2") && "\(error)".contains("merged token is not in vocab.json")
        }
        try "{\"a\": 0,".write(to: directory.appendingPathComponent("vocab.json"), atomically: true, encoding: .utf8)
        #expect { try BPETokenizer.load(directory: directory) } throws: { error in
            "\(error)".contains("vocab.json") && "\(error)".contains("byte")
        }
    }

    @Test func roundTripIsExactOnRandomAndAdversarialText() throws {
        let trained = BPETrainer(vocabularySize: 600).train(StoryGenerator(seed: 1).documents(200))
        let tokenizers = [try BPETokenizer.load(directory: try HandBuiltVocabulary.write()), trained, .byteLevel(), .byteLevel(endOfText: true)]
        var rng = SeededRNG(seed: 5)
        var texts = [
            "", " ", "<|endoftext|>", "a<|endoftext|>b<|endoftext|>", String(repeating: "a", count: 20_000),
            String(repeating: "word", count: 5_000), String(repeating: " \t\n\u{A0}\u{3000}", count: 500),
            "👨\u{200D}👩\u{200D}👧\u{200D}👦🏳️\u{200D}🌈", "e\u{301}\u{301}\u{301}", "שלום עולם مرحبا", "日本語のテキスト",
        ]
        for _ in 0..<200 { texts.append(RandomText.adversarial(&rng, length: rng.int(below: 80))) }
        for tokenizer in tokenizers {
            for text in texts {
                for special in [false, true] {
                    let ids = tokenizer.encode(text, allowingSpecialTokens: special)
                    #expect(ids.allSatisfy { (0..<tokenizer.vocabularySize).contains($0) })
                    #expect(tokenizer.decodeBytes(ids) == Array(text.utf8))
                }
            }
        }
        #expect(trained.encode("<|endoftext|>", allowingSpecialTokens: true) == [trained.endOfTextToken!])
        #expect(trained.encode("<|endoftext|>").count > 1)
    }

    @Test func encodeBatchEqualsEncodeOneByOne() {
        let tokenizer = BPETrainer(vocabularySize: 400).train(StoryGenerator(seed: 2).documents(50))
        let texts = StoryGenerator(seed: 3).documents(40)
        #expect(tokenizer.encodeBatch(texts).map { $0.map(Int.init) } == texts.map { tokenizer.encode($0) })
    }

    @Test func fastMergesEqualGPT2sLoopOnRandomTables() {
        var rng = SeededRNG(seed: 9)
        for _ in 0..<200 {
            // Random merges over a 4-symbol alphabet, ranks in random order, including results
            // that re-enter later merges and pairs of equal symbols.
            var symbols: [Int32] = [0, 1, 2, 3]
            var merges: [BPEMerge] = []
            for _ in 0..<rng.int(below: 12) {
                let m = BPEMerge(
                    left: symbols[rng.int(below: symbols.count)], right: symbols[rng.int(below: symbols.count)],
                    result: Int32(symbols.count))
                merges.append(m); symbols.append(m.result)
            }
            let table = MergeTable(merges)
            for _ in 0..<10 {
                let word = (0..<rng.int(below: 40)).map { _ in Int32(rng.int(below: 4)) }
                var fast = word, naive = word
                table.apply(&fast)
                table.applyNaive(&naive)
                #expect(fast == naive, "word \(word) merges \(merges)")
            }
        }
    }

    @Test func invalidVocabularyIsRejected() {
        #expect(throws: TokenizerError.self) { try BPETokenizer(tokens: [[0x61]], merges: [], specialTokens: []) }
        var tokens = (0..<256).map { [UInt8($0)] }
        tokens.append([0x61, 0x63])
        #expect(throws: TokenizerError.self) {
            try BPETokenizer(tokens: tokens, merges: [BPEMerge(left: 0x61, right: 0x62, result: 256)], specialTokens: [])
        }
    }

    static let gpt2Directory = ProcessInfo.processInfo.environment["ATTNLAB_GPT2_DIR"]

    /// With GPT-2's real files (set ATTNLAB_GPT2_DIR to a folder holding vocab.json +
    /// merges.txt), the ids must be GPT-2's.
    @Test(.enabled(if: gpt2Directory != nil)) func realGPT2FilesReproduceGPT2IDs() throws {
        let gpt2 = try BPETokenizer.load(directory: URL(fileURLWithPath: Self.gpt2Directory!))
        #expect(gpt2.vocabularySize == 50257 && gpt2.endOfTextToken == 50256 && gpt2.merges.count == 50000)
        for (text, ids) in TokenizerFixtures.gpt2Ids {
            #expect(gpt2.encode(text) == ids, "text \(text.debugDescription)")
        }
    }
}
