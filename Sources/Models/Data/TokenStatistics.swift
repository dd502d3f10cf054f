import Foundation

/// Entropies of a token stream: the baselines a language model must beat.
///
/// All values are in nats per token. The plug-in estimates use the empirical frequencies of
/// the stream itself (in-sample, so they are what a unigram or bigram table fitted to the
/// same tokens achieves); `heldOutCrossEntropy` fits an add-α smoothed table on one stream
/// and scores another, the honest baseline for a validation loss.
///
/// Sums run in a fixed order (tables by key, validation tokens in stream order), so a stream
/// counted whole or chunk by chunk (`Tables.add`, `HeldOut.add`) gives the same bits.
public enum TokenStatistics {
    /// H₁ = −Σ_v p(v) ln p(v), p the token frequencies.
    public static func unigramEntropy(_ tokens: [Int32]) -> Double {
        precondition(!tokens.isEmpty, "unigramEntropy: no tokens")
        var tables = Tables()
        tables.add(tokens)
        return tables.unigramEntropy
    }

    /// H(X_t | X_{t−1}) = H(X_{t−1}, X_t) − H(X_{t−1}) over the n − 1 adjacent pairs.
    public static func bigramConditionalEntropy(_ tokens: [Int32]) -> Double {
        precondition(tokens.count >= 2, "bigramConditionalEntropy: needs at least 2 tokens")
        var tables = Tables()
        tables.add(tokens)
        return tables.bigramConditionalEntropy
    }

    /// Cross-entropy on `validation` of an n-gram model (order 1 or 2) fitted on `train`
    /// with add-α smoothing over `vocabularySize` tokens:
    /// p(v) = (c(v) + α)/(N + αV), p(v | u) = (c(u v) + α)/(c(u) + αV).
    public static func heldOutCrossEntropy(
        order: Int, train: [Int32], validation: [Int32],
        vocabularySize: Int, alpha: Double = 0.1
    ) -> Double {
        var tables = Tables()
        tables.add(train)
        var heldOut = HeldOut(order: order, train: tables, vocabularySize: vocabularySize, alpha: alpha)
        heldOut.add(validation)
        return heldOut.crossEntropy
    }

    /// Unigram, context and bigram counts of a stream fed in pieces.
    public struct Tables: Sendable {
        /// c(v) over all tokens.
        var unigram: [Int32: Int] = [:]
        /// c(u) over the first n − 1 tokens (u as a context).
        var context: [Int32: Int] = [:]
        /// c(u v) over the n − 1 adjacent pairs, keyed u << 32 | v.
        var pairs: [Int64: Int] = [:]
        public private(set) var count = 0
        private var last: Int32?

        public init() {}

        static func pairKey(_ u: Int32, _ v: Int32) -> Int64 { Int64(u) << 32 | Int64(UInt32(bitPattern: v)) }

        /// Counts the next tokens of the stream.
        public mutating func add(_ tokens: some Collection<Int32>) {
            for t in tokens {
                unigram[t, default: 0] += 1
                if let u = last {
                    pairs[Self.pairKey(u, t), default: 0] += 1
                    context[u, default: 0] += 1
                }
                last = t
            }
            count += tokens.count
        }

        public var unigramEntropy: Double { TokenStatistics.entropy(unigram, total: count) }

        public var bigramConditionalEntropy: Double {
            TokenStatistics.entropy(pairs, total: count - 1) - TokenStatistics.entropy(context, total: count - 1)
        }
    }

    /// Cross-entropy of a validation stream fed in pieces under tables fitted on the training stream.
    public struct HeldOut: Sendable {
        let order: Int, alpha: Double, v: Double
        let train: Tables
        var total = 0.0
        public private(set) var count = 0
        private var last: Int32?

        public init(order: Int, train: Tables, vocabularySize: Int, alpha: Double = 0.1) {
            precondition(order == 1 || order == 2, "heldOutCrossEntropy: order must be 1 or 2, got \(order)")
            precondition(alpha > 0 && vocabularySize > 0, "heldOutCrossEntropy: alpha and vocabularySize must be positive")
            (self.order, self.train, self.alpha, self.v) = (order, train, alpha, Double(vocabularySize))
        }

        public mutating func add(_ tokens: some Collection<Int32>) {
            if order == 1 {
                let n = Double(train.count)
                for t in tokens { total -= log((Double(train.unigram[t] ?? 0) + alpha) / (n + alpha * v)) }
            } else {
                for t in tokens {
                    if let u = last {
                        let c = Double(train.pairs[Tables.pairKey(u, t)] ?? 0)
                        total -= log((c + alpha) / (Double(train.context[u] ?? 0) + alpha * v))
                    }
                    last = t
                }
            }
            count += tokens.count
        }

        /// Nats per scored token (every token for order 1, all but the first for order 2).
        public var crossEntropy: Double {
            precondition(count >= order, "heldOutCrossEntropy: validation stream too short")
            return total / Double(count - (order - 1))
        }
    }

    /// −Σ (c/n) ln(c/n) over the counts in key order.
    static func entropy<Key: Comparable>(_ counts: [Key: Int], total: Int) -> Double {
        let n = Double(total)
        var h = 0.0
        for key in counts.keys.sorted() {
            let c = counts[key]!
            guard c > 0 else { continue }
            let p = Double(c) / n
            h -= p * log(p)
        }
        return h
    }
}
