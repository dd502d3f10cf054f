import Foundation
import TensorCore
import Testing

@testable import Models

@Suite struct TokenizerTrainingTests {
    @Test func learnsTheExpectedMergesOnASmallCorpus() {
        // Words: "ab" ×1, " ab" ×2, " cd" ×2. Pair counts: (a,b) 3, (Ġ,a) 2, (Ġ,c) 2, (c,d) 2.
        // First (a,b); then a three-way tie at 2 goes to the smallest pair: (0x20, 'c') < (0x20, 256) < ('c','d').
        let bpe = BPETrainer(vocabularySize: 300).train(["ab ab ab cd cd"])
        #expect(
            bpe.merges == [
                BPEMerge(left: 0x61, right: 0x62, result: 256), BPEMerge(left: 0x20, right: 0x63, result: 257),
                BPEMerge(left: 0x20, right: 256, result: 258), BPEMerge(left: 257, right: 0x64, result: 259),
            ])
        #expect(bpe.vocabularySize == 261 && bpe.endOfTextToken == 260)
        #expect(bpe.encode("ab cd ab") == [256, 259, 258])
    }

    @Test func trainingIsDeterministicAndReachesTheTarget() {
        var rng = SeededRNG(seed: 4)
        var documents = StoryGenerator(seed: 7).documents(300)
        for _ in 0..<50 { documents.append(RandomText.adversarial(&rng, length: 40)) }
        let a = BPETrainer(vocabularySize: 800).train(documents)
        let b = BPETrainer(vocabularySize: 800).train(documents.reversed())
        #expect(a.merges == b.merges)  // word order does not matter either
        #expect(a.vocabularySize == 800)
        for (rank, m) in a.merges.enumerated() {
            #expect(Array(a.bytes(of: Int(m.result))) == Array(a.bytes(of: Int(m.left)) + a.bytes(of: Int(m.right))))
            #expect(m.result == Int32(256 + rank))
        }
        // Merges never cross pre-token boundaries: every merged token is a piece of one pre-token.
        for m in a.merges {
            let text = String(decoding: a.bytes(of: Int(m.result)), as: UTF8.self)
            if text.utf8.count == a.bytes(of: Int(m.result)).count, text.unicodeScalars.allSatisfy({ $0 != "\u{FFFD}" }) {
                #expect(GPT2PreTokenizer().split(text).count == 1, "token \(text.debugDescription)")
            }
        }
    }

    @Test func stopsWhenPairsRunOut() {
        let bpe = BPETrainer(vocabularySize: 5000).train(["the cat the cat the cat"])
        #expect(bpe.vocabularySize < 5000)
        #expect(bpe.encode(" cat").count == 1 && bpe.encode(" the").count == 1)
    }

    /// Trains a 4096-token vocabulary on megabytes of text (its speed is reported by
    /// `attnlab tokenizer train`, not asserted here: timing belongs to benchmarks).
    @Test func trainsA4096VocabularyOnMegabytes() {
        let documents = StoryGenerator(seed: 8).documents(2000)
        var rng = SeededRNG(seed: 1)
        var mixed = documents
        // Add varied words so that 4096 tokens are reachable (stories alone have a small vocabulary).
        for _ in 0..<3000 {
            mixed.append(
                (0..<60).map { _ in String((0..<(2 + rng.int(below: 8))).map { _ in Character(Unicode.Scalar(UInt8(97 + rng.int(below: 26)))) }) }
                    .joined(separator: " "))
        }
        let bytes = mixed.reduce(0) { $0 + $1.utf8.count }
        let bpe = BPETrainer(vocabularySize: 4096).train(mixed)
        #expect(bytes > 2_000_000)
        #expect(bpe.vocabularySize == 4096)
        let sample = mixed[2500]
        #expect(bpe.decode(bpe.encode(sample)) == sample)
    }
}
