import Foundation
import TensorCore
import Testing

@testable import Models

@Suite struct DataStatisticsTests {
    @Test func entropiesHaveKnownValues() {
        // Uniform over 8 symbols in a fixed cycle: H1 = ln 8, and each token fixes the next: H(X_t|X_t−1) = 0.
        let cycle = (0..<8000).map { Int32($0 % 8) }
        #expect(abs(TokenStatistics.unigramEntropy(cycle) - log(8.0)) < 1e-12)
        #expect(abs(TokenStatistics.bigramConditionalEntropy(cycle)) < 1e-12)
        // Two symbols with p = 1/4, 3/4.
        let skewed: [Int32] = [0] + [1, 1, 1] + [0, 1, 1, 1]
        #expect(abs(TokenStatistics.unigramEntropy(skewed) - (-(0.25 * log(0.25) + 0.75 * log(0.75)))) < 1e-12)
        // Independent uniform draws: the bigram conditional entropy approaches the unigram one.
        var rng = SeededRNG(seed: 3)
        let iid = (0..<200_000).map { _ in Int32(rng.int(below: 4)) }
        #expect(abs(TokenStatistics.bigramConditionalEntropy(iid) - log(4.0)) < 0.001)
    }

    @Test func heldOutCrossEntropyMatchesTheSmoothedFormula() {
        let train: [Int32] = [0, 0, 1], validation: [Int32] = [0, 2]
        // p(0) = (2 + 0.5)/(3 + 1.5), p(2) = 0.5/4.5
        let expected = -(log(2.5 / 4.5) + log(0.5 / 4.5)) / 2
        #expect(abs(TokenStatistics.heldOutCrossEntropy(order: 1, train: train, validation: validation, vocabularySize: 3, alpha: 0.5) - expected) < 1e-12)
        // Bigram: c(0 2) = 0, c(0) as context = 2: p = 0.5 / (2 + 1.5)
        let bigram = -log(0.5 / 3.5)
        #expect(abs(TokenStatistics.heldOutCrossEntropy(order: 2, train: train, validation: validation, vocabularySize: 3, alpha: 0.5) - bigram) < 1e-12)
    }
}
