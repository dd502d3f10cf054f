/// A hash table from byte strings to dense indices 0, 1, 2, … in insertion order.
///
/// Keys are compared byte for byte (a `String`-keyed dictionary would treat canonically
/// equivalent strings such as "é" and "e\u{301}" as one key, which is wrong for a tokenizer).
/// Keys live in one arena; lookups take a buffer slice and allocate nothing.
struct ByteStringTable: Sendable {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private(set) var keyBytes: [UInt8] = []
    private var keyOffsets: [Int] = [0]

    init(capacity: Int = 1024) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
    }

    /// Number of keys.
    var count: Int { keyOffsets.count - 1 }

    /// The bytes of key `index`.
    func key(_ index: Int) -> ArraySlice<UInt8> { keyBytes[keyOffsets[index]..<keyOffsets[index + 1]] }

    /// Index of `key`, or nil.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { return nil }
            if hashes[e] == h && equal(e, key) { return e }
            s = (s + 1) & mask
        }
    }

    /// Index of `key`, inserting it if absent.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        if 2 * (count + 1) > slots.count { grow() }
        let h = Self.hash(key)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { break }
            if hashes[e] == h && equal(e, key) { return (e, false) }
            s = (s + 1) & mask
        }
        let index = count
        slots[s] = Int32(index)
        hashes.append(h)
        keyBytes.append(contentsOf: key)
        keyOffsets.append(keyBytes.count)
        return (index, true)
    }

    private func equal(_ e: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = keyOffsets[e], length = keyOffsets[e + 1] - start
        if length != key.count { return false }
        return keyBytes.withUnsafeBufferPointer { k in
            for i in 0..<length where k[start + i] != key[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for e in 0..<count {
            var s = Int(truncatingIfNeeded: hashes[e]) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(e)
        }
    }

    /// FNV-1a, then a final avalanche so that the low bits used for the slot are well mixed.
    @inline(__always) static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD; h ^= h >> 33
        return h
    }
}
