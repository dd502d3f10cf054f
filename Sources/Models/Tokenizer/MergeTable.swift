/// One BPE merge: the adjacent pair `(left, right)` becomes the token `result`.
public struct BPEMerge: Sendable, Hashable {
    public var left: Int32
    public var right: Int32
    public var result: Int32

    public init(left: Int32, right: Int32, result: Int32) {
        self.left = left
        self.right = right
        self.result = result
    }
}

/// The merges of a BPE vocabulary by rank, and their application to one pre-token.
///
/// GPT-2's `bpe()` repeatedly takes the adjacent pair of lowest rank and merges every
/// occurrence of it, scanning left to right (so `a a a` with the merge `a a` becomes `aa a`),
/// until no adjacent pair has a rank. `apply` does exactly that in O(n log n) for a pre-token
/// of n symbols (a heap of (rank, position) over a linked list, one rank batch at a time in
/// position order); `applyNaive` is GPT-2's O(n²) loop, kept as the reference the tests compare
/// against.
struct MergeTable: Sendable {
    /// key `left << 32 | right` → value `rank << 32 | result`.
    private var table: [UInt64: UInt64] = [:]

    init(_ merges: [BPEMerge]) {
        table.reserveCapacity(merges.count)
        for (rank, m) in merges.enumerated() {
            let key = Self.key(m.left, m.right)
            // A repeated pair keeps its last rank, as in GPT-2's `bpe_ranks` (a dict built from
            // the merges list); trained and GPT-2 vocabularies never repeat a pair.
            table[key] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: m.result))
        }
    }

    @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    /// Rank and result of the merge of `(a, b)`, if there is one.
    @inline(__always) func lookup(_ a: Int32, _ b: Int32) -> (rank: Int32, result: Int32)? {
        guard let v = table[Self.key(a, b)] else { return nil }
        return (Int32(truncatingIfNeeded: v >> 32), Int32(truncatingIfNeeded: v & 0xFFFF_FFFF))
    }

    /// Applies the merges to `symbols` in place (GPT-2's order, see the type's comment).
    func apply(_ symbols: inout [Int32]) {
        let n = symbols.count
        if n < 2 { return }
        if n == 2 {
            if let m = lookup(symbols[0], symbols[1]) { symbols = [m.result] }
            return
        }
        // Linked list over the original positions; `next[i] == n` marks the end.
        var next = [Int32](unsafeUninitializedCapacity: n) { p, c in
            for i in 0..<n { p[i] = Int32(i + 1) }; c = n
        }
        var prev = [Int32](unsafeUninitializedCapacity: n) { p, c in
            for i in 0..<n { p[i] = Int32(i - 1) }; c = n
        }
        var alive = [Bool](repeating: true, count: n)
        // Min-heap of rank << 32 | position.
        var heap: [UInt64] = []
        heap.reserveCapacity(n)
        for i in 0..<(n - 1) {
            if let m = lookup(symbols[i], symbols[i + 1]) { heap.append(UInt64(m.rank) << 32 | UInt64(i)) }
        }
        if heap.isEmpty { return }
        Self.heapify(&heap)
        var batch: [Int] = []
        while let top = heap.first {
            let rank = top >> 32
            batch.removeAll(keepingCapacity: true)
            while let t = heap.first, t >> 32 == rank {
                batch.append(Int(t & 0xFFFF_FFFF))
                Self.popMin(&heap)
            }
            for pos in batch {
                guard alive[pos] else { continue }
                let right = Int(next[pos])
                guard right < n, let m = lookup(symbols[pos], symbols[right]), UInt64(m.rank) == rank else { continue }
                symbols[pos] = m.result
                alive[right] = false
                let after = Int(next[right])
                next[pos] = Int32(after)
                if after < n { prev[after] = Int32(pos) }
                let before = Int(prev[pos])
                if before >= 0, let l = lookup(symbols[before], symbols[pos]) {
                    Self.push(&heap, UInt64(l.rank) << 32 | UInt64(before))
                }
                if after < n, let r = lookup(symbols[pos], symbols[after]) {
                    Self.push(&heap, UInt64(r.rank) << 32 | UInt64(pos))
                }
            }
        }
        var out: [Int32] = []
        out.reserveCapacity(n)
        var i = 0
        while i < n { out.append(symbols[i]); i = Int(next[i]) }
        symbols = out
    }

    /// GPT-2's `bpe()` loop, O(n²) per pre-token: the reference for `apply`.
    func applyNaive(_ symbols: inout [Int32]) {
        while symbols.count >= 2 {
            var best: (rank: Int32, result: Int32, left: Int32, right: Int32)?
            for i in 0..<(symbols.count - 1) {
                if let m = lookup(symbols[i], symbols[i + 1]), best == nil || m.rank < best!.rank {
                    best = (m.rank, m.result, symbols[i], symbols[i + 1])
                }
            }
            guard let b = best else { return }
            var merged: [Int32] = []
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count, symbols[i] == b.left, symbols[i + 1] == b.right {
                    merged.append(b.result); i += 2
                } else {
                    merged.append(symbols[i]); i += 1
                }
            }
            symbols = merged
        }
    }

    // MARK: binary min-heap on UInt64

    private static func heapify(_ h: inout [UInt64]) {
        if h.count < 2 { return }
        for i in stride(from: h.count / 2 - 1, through: 0, by: -1) { siftDown(&h, i) }
    }

    private static func push(_ h: inout [UInt64], _ v: UInt64) {
        h.append(v)
        var i = h.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if h[parent] <= h[i] { break }
            h.swapAt(parent, i); i = parent
        }
    }

    private static func popMin(_ h: inout [UInt64]) {
        let last = h.removeLast()
        if h.isEmpty { return }
        h[0] = last
        siftDown(&h, 0)
    }

    private static func siftDown(_ h: inout [UInt64], _ start: Int) {
        var i = start
        let n = h.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && h[l] < h[m] { m = l }
            if r < n && h[r] < h[m] { m = r }
            if m == i { return }
            h.swapAt(i, m); i = m
        }
    }
}
