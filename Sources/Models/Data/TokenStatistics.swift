import Foundation

/// Entropies of a token stream: the baselines a language model must beat.
///
/// All values are in nats per token. The plug-in estimates use the empirical frequencies of
/// the stream itself (in-sample, so they are what a unigram or bigram table fitted to the
/// same tokens achieves); `heldOutCrossEntropy` fits an add-α smoothed table on one stream
/// and scores another, the honest baseline for a validation loss.
public enum TokenStatistics {
    /// H₁ = −Σ_v p(v) ln p(v), p the token frequencies.
    public static func unigramEntropy(_ tokens: [Int32]) -> Double {
        precondition(!tokens.isEmpty, "unigramEntropy: no tokens")
        var counts: [Int32: Int] = [:]
        for t in tokens { counts[t, default: 0] += 1 }
        return entropy(counts.values, total: tokens.count)
    }

    /// H(X_t | X_{t−1}) = H(X_{t−1}, X_t) − H(X_{t−1}) over the n − 1 adjacent pairs.
    public static func bigramConditionalEntropy(_ tokens: [Int32]) -> Double {
        precondition(tokens.count >= 2, "bigramConditionalEntropy: needs at least 2 tokens")
        var pairs: [Int64: Int] = [:], previous: [Int32: Int] = [:]
        for i in 1..<tokens.count {
            pairs[Int64(tokens[i - 1]) << 32 | Int64(UInt32(bitPattern: tokens[i])), default: 0] += 1
            previous[tokens[i - 1], default: 0] += 1
        }
        let n = tokens.count - 1
        return entropy(pairs.values, total: n) - entropy(previous.values, total: n)
    }

    /// Cross-entropy on `validation` of an n-gram model (order 1 or 2) fitted on `train`
    /// with add-α smoothing over `vocabularySize` tokens:
    /// p(v) = (c(v) + α)/(N + αV), p(v | u) = (c(u v) + α)/(c(u) + αV).
    public static func heldOutCrossEntropy(order: Int, train: [Int32], validation: [Int32],
                                           vocabularySize: Int, alpha: Double = 0.1) -> Double {
        precondition(order == 1 || order == 2, "heldOutCrossEntropy: order must be 1 or 2, got \(order)")
        precondition(alpha > 0 && vocabularySize > 0, "heldOutCrossEntropy: alpha and vocabularySize must be positive")
        precondition(validation.count >= order, "heldOutCrossEntropy: validation stream too short")
        let v = Double(vocabularySize)
        var unigram: [Int32: Int] = [:]
        for t in train { unigram[t, default: 0] += 1 }
        var total = 0.0
        if order == 1 {
            let n = Double(train.count)
            for t in validation { total -= log((Double(unigram[t] ?? 0) + alpha) / (n + alpha * v)) }
            return total / Double(validation.count)
        }
        var pairs: [Int64: Int] = [:], context: [Int32: Int] = [:]
        for i in 1..<max(1, train.count) {
            pairs[Int64(train[i - 1]) << 32 | Int64(UInt32(bitPattern: train[i])), default: 0] += 1
            context[train[i - 1], default: 0] += 1
        }
        for i in 1..<validation.count {
            let c = Double(pairs[Int64(validation[i - 1]) << 32 | Int64(UInt32(bitPattern: validation[i]))] ?? 0)
            total -= log((c + alpha) / (Double(context[validation[i - 1]] ?? 0) + alpha * v))
        }
        return total / Double(validation.count - 1)
    }

    private static func entropy(_ counts: some Collection<Int>, total: Int) -> Double {
        let n = Double(total)
        var h = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / n
            h -= p * log(p)
        }
        return h
    }
}
