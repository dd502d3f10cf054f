import Foundation
import TensorCore
import Testing

@testable import Models

@Suite struct DataTokenDatasetTests {
    let dataset = TokenDataset(tokens: (0..<1000).map { Int32($0 % 97) }, vocabularySize: 97, byteCount: 2500)

    @Test func randomBatchesAreShiftedWindowsAndDeterministic() {
        var a = SeededRNG(seed: 1), b = SeededRNG(seed: 1)
        let batch = dataset.randomBatch(batchSize: 4, contextLength: 16, rng: &a)
        #expect(batch == dataset.randomBatch(batchSize: 4, contextLength: 16, rng: &b))
        #expect(batch.inputs.count == 64 && batch.targets.count == 64)
        for row in 0..<4 {
            for t in 0..<16 {
                // tokens are i mod 97, so each target is the next value of its input
                #expect(batch.targets[row * 16 + t] == (batch.inputs[row * 16 + t] + 1) % 97)
                if t > 0 { #expect(batch.inputs[row * 16 + t] == batch.targets[row * 16 + t - 1]) }
            }
        }
        #expect(batch != dataset.randomBatch(batchSize: 4, contextLength: 16, rng: &a))
    }

    @Test func evaluationBatchesCoverTheStreamOnce() {
        let batches = dataset.evaluationBatches(batchSize: 5, contextLength: 100)
        #expect(batches.map(\.batchSize) == [5, 4])  // (1000 − 1) / 100 = 9 windows
        let inputs = batches.flatMap(\.inputs)
        #expect(inputs == Array(dataset.tokens.prefix(900)))
        #expect(batches.flatMap(\.targets) == Array(dataset.tokens[1...900]))
        #expect(dataset.evaluationBatches(batchSize: 2, contextLength: 100, maxBatches: 1).count == 1)
    }

    @Test func bitsPerByteConvertsNatsPerToken() throws {
        #expect(abs(dataset.bytesPerToken! - 2.5) < 1e-12)
        #expect(abs(dataset.bitsPerByte(nats: log(2.0) * 2.5)! - 1) < 1e-12)
        #expect(TokenDataset(tokens: [1, 2], vocabularySize: 3).bitsPerByte(nats: 1) == nil)
    }

    @Test func preparedDataWritesAndReadsBack() throws {
        let preparation = DataPreparation(
            corpus: .stories(documents: 60, seed: 1), tokenizer: .train(vocabularySize: 400),
            validationFraction: 0.2, splitSeed: 2)
        let prepared = try preparation.run()
        let directory = TemporaryDirectory.make()
        try prepared.write(to: directory)
        let loaded = try PreparedData.load(from: directory)
        #expect(loaded.summary == prepared.summary)
        #expect(loaded.train.tokens == prepared.train.tokens && loaded.validation.tokens == prepared.validation.tokens)
        #expect(loaded.tokenizer.merges == prepared.tokenizer.merges)
        #expect(prepared.summary.documents.train == 48 && prepared.summary.documents.validation == 12)
        // Every document starts with <|endoftext|>, and decoding the stream gives the documents back.
        let eot = prepared.tokenizer.endOfTextToken!
        #expect(prepared.train.tokens.filter { $0 == Int32(eot) }.count == 48)
        #expect(prepared.train.tokens.first == Int32(eot))
        let text = prepared.tokenizer.decode(prepared.validation.tokens.map(Int.init))
        #expect(text.components(separatedBy: "<|endoftext|>").dropFirst().count == 12)
        #expect(prepared.validation.byteCount == text.utf8.count - 12 * 13)
        #expect(prepared.summary.line.contains("vocabulary \(prepared.tokenizer.vocabularySize)"))
        // Same seeds, same data.
        #expect(try preparation.run().train.tokens == prepared.train.tokens)
    }
}
