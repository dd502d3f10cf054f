import TensorCore

/// Trains a byte-level BPE vocabulary (GPT-2's scheme) on a corpus.
///
/// Words are the pieces of `GPT2PreTokenizer` with their frequencies over the corpus
/// (documents are pre-tokenized separately, so no piece crosses a document). Starting from
/// the 256 byte tokens, each step merges the adjacent pair with the highest count, counts
/// weighted by word frequency; ties go to the pair whose (left id, right id) is smallest, so
/// training is deterministic. Counts are updated incrementally: a merge revisits only the
/// words that hold the pair (an index pair → words) and a max-heap with lazy re-insertion
/// keeps the best pair, as in Hugging Face's `tokenizers` trainer.
///
/// Vocabulary: ids 0–255 are the bytes, merge r is id 256 + r, and `<|endoftext|>` (when
/// requested) is the last id. A target of V with the end-of-text token gives at most V − 257
/// merges; training stops earlier when no pair occurs `minimumPairCount` times (a small
/// corpus of few distinct words runs out of pairs).
public struct BPETrainer: Sendable {
    /// Vocabulary size to reach, special token included.
    public var vocabularySize: Int
    /// Add `<|endoftext|>` as the last id.
    public var endOfText = true
    /// Stop when the best pair occurs fewer times than this.
    public var minimumPairCount = 2

    public init(vocabularySize: Int, endOfText: Bool = true, minimumPairCount: Int = 2) {
        self.vocabularySize = vocabularySize
        self.endOfText = endOfText
        self.minimumPairCount = minimumPairCount
    }

    /// Trains on `documents`. `progress(mergesDone, mergesWanted)` is called now and then.
    public func train(_ documents: [String], progress: (Int, Int) -> Void = { _, _ in }) -> BPETokenizer {
        var words = WordCounts()
        words.add(documents)
        return train(words, progress: progress)
    }

    /// Trains on word frequencies gathered batch by batch (`WordCounts.add`); the same documents
    /// give the same tokenizer however they were batched.
    public func train(_ words: WordCounts, progress: (Int, Int) -> Void = { _, _ in }) -> BPETokenizer {
        let base = 256 + (endOfText ? 1 : 0)
        precondition(
            vocabularySize >= base,
            "BPETrainer: vocabulary size \(vocabularySize) is below the \(base) byte (and end-of-text) tokens")
        let wanted = vocabularySize - base
        let (sortedWords, counts) = words.sorted()
        let merges = Self.learnMerges(
            words: sortedWords, counts: counts, wanted: wanted,
            minimumPairCount: max(1, minimumPairCount), progress: progress)
        var tokens = (0..<256).map { [UInt8($0)] }
        for m in merges { tokens.append(tokens[Int(m.left)] + tokens[Int(m.right)]) }
        var specials: [(text: String, id: Int)] = []
        if endOfText { specials.append((BPETokenizer.endOfText, tokens.count)); tokens.append([]) }
        return try! BPETokenizer(tokens: tokens, merges: merges, specialTokens: specials)
    }

    /// Frequencies of the `GPT2PreTokenizer` pieces of documents added batch by batch. Memory
    /// grows with the number of distinct pieces, not with the text.
    public struct WordCounts: Sendable {
        private var table = ByteStringTable(capacity: 1 << 16)
        private var counts: [Int] = []

        public init() {}

        /// Distinct pieces so far.
        public var count: Int { table.count }

        /// Counts the pieces of `documents`, in parallel over chunks of documents; the result
        /// does not depend on the thread count.
        public mutating func add(_ documents: [String]) {
            let chunks = min(documents.count, max(1, Parallel.defaultThreads * 4))
            guard chunks > 0 else { return }
            let partial = Parallel.map(chunks) { c -> (ByteStringTable, [Int]) in
                var table = ByteStringTable(capacity: 1 << 14)
                var counts: [Int] = []
                let pre = GPT2PreTokenizer()
                for d in (documents.count * c / chunks)..<(documents.count * (c + 1) / chunks) {
                    var text = documents[d]
                    text.makeContiguousUTF8()
                    text.utf8.withContiguousStorageIfAvailable { bytes in
                        pre.forEachPiece(in: bytes) { piece in
                            let (index, inserted) = table.insert(UnsafeBufferPointer(rebasing: bytes[piece]))
                            if inserted { counts.append(1) } else { counts[index] += 1 }
                        }
                    }
                }
                return (table, counts)
            }
            for (t, c) in partial {
                for i in 0..<t.count {
                    let key = Array(t.key(i))
                    let (index, inserted) = key.withUnsafeBufferPointer { table.insert($0) }
                    if inserted { counts.append(c[i]) } else { counts[index] += c[i] }
                }
            }
        }

        /// The pieces sorted bytewise, with their frequencies.
        public func sorted() -> (words: [[UInt8]], counts: [Int]) {
            var words = (0..<table.count).map { Array(table.key($0)) }
            let order = words.indices.sorted { words[$0].lexicographicallyPrecedes(words[$1]) }
            words = order.map { words[$0] }
            return (words, order.map { counts[$0] })
        }
    }

    /// The merge loop. Word symbols are token ids (bytes 0–255, merge r = 256 + r).
    static func learnMerges(
        words: [[UInt8]], counts: [Int], wanted: Int, minimumPairCount: Int,
        progress: (Int, Int) -> Void
    ) -> [BPEMerge] {
        var symbols = words.map { $0.map { Int32($0) } }
        var pairCount: [UInt64: Int] = [:]
        var wordsWith: [UInt64: [Int32]] = [:]
        for (w, word) in symbols.enumerated() where word.count >= 2 {
            for i in 0..<(word.count - 1) {
                let key = MergeTable.key(word[i], word[i + 1])
                pairCount[key, default: 0] += counts[w]
                wordsWith[key, default: []].append(Int32(w))
            }
        }
        var heap = PairHeap()
        for (key, count) in pairCount { heap.push(count: count, pair: key) }

        var merges: [BPEMerge] = []
        // At most one merge per distinct pair: a vocabulary asked far beyond the corpus (up to
        // 2³¹ − 1 tokens) reserves no more than the corpus can fill.
        merges.reserveCapacity(min(wanted, pairCount.count))
        var touched: Set<UInt64> = []
        while merges.count < wanted, let top = heap.pop() {
            let current = pairCount[top.pair] ?? 0
            if current != top.count {
                if current > 0 { heap.push(count: current, pair: top.pair) }
                continue
            }
            if current < minimumPairCount { break }
            let left = Int32(truncatingIfNeeded: top.pair >> 32), right = Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF)
            let result = Int32(256 + merges.count)
            merges.append(BPEMerge(left: left, right: right, result: result))
            touched.removeAll(keepingCapacity: true)
            var affected = wordsWith.removeValue(forKey: top.pair) ?? []
            affected.sort()
            var previous: Int32 = -1
            for w in affected where w != previous {
                previous = w
                let word = symbols[Int(w)], f = counts[Int(w)]
                var merged: [Int32] = []
                merged.reserveCapacity(word.count)
                var i = 0
                while i < word.count {
                    if i + 1 < word.count && word[i] == left && word[i + 1] == right {
                        merged.append(result); i += 2
                    } else {
                        merged.append(word[i]); i += 1
                    }
                }
                if merged.count == word.count { continue }
                for i in 0..<(word.count - 1) { pairCount[MergeTable.key(word[i], word[i + 1])]! -= f }
                for i in 0..<(merged.count - 1) {
                    let key = MergeTable.key(merged[i], merged[i + 1])
                    pairCount[key, default: 0] += f
                    if merged[i] == result || merged[i + 1] == result {
                        touched.insert(key)
                        wordsWith[key, default: []].append(w)
                    }
                }
                symbols[Int(w)] = merged
            }
            pairCount[top.pair] = nil
            for key in touched { if let c = pairCount[key], c > 0 { heap.push(count: c, pair: key) } }
            if merges.count % 256 == 0 { progress(merges.count, wanted) }
        }
        progress(merges.count, wanted)
        return merges
    }
}

/// Max-heap of (count, pair): higher count first, then smaller pair key.
struct PairHeap {
    private var items: [(count: Int, pair: UInt64)] = []

    @inline(__always) private static func above(_ a: (count: Int, pair: UInt64), _ b: (count: Int, pair: UInt64)) -> Bool {
        a.count > b.count || (a.count == b.count && a.pair < b.pair)
    }

    mutating func push(count: Int, pair: UInt64) {
        items.append((count, pair))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !Self.above(items[i], items[parent]) { break }
            items.swapAt(i, parent); i = parent
        }
    }

    mutating func pop() -> (count: Int, pair: UInt64)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && Self.above(items[l], items[m]) { m = l }
                if r < items.count && Self.above(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}
