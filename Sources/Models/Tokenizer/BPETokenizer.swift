import TensorCore

/// Byte-level BPE as in GPT-2: UTF-8 bytes, GPT-2's pre-tokenizer, merges by rank.
///
/// A text is split by `GPT2PreTokenizer` into pieces; each piece becomes its UTF-8 bytes, each
/// byte the token of that byte, and the merges are applied by rank within the piece
/// (`MergeTable`). Decoding concatenates the tokens' bytes, so `decode(encode(s)) == s` for
/// every string. Token ids: whatever the vocabulary says (GPT-2's `vocab.json` has its own
/// order); a vocabulary trained here or made by `byteLevel` gives byte `b` the id `b`, merge
/// `r` the id `256 + r`, and `<|endoftext|>` the last id, as GPT-2 gives it 50256.
///
/// Special tokens (`<|endoftext|>` and any other vocabulary entry that is neither a byte nor a
/// merge result) stand for their literal text. `encode(_:)` treats that text as ordinary text,
/// as OpenAI's `encoder.py` does; `encode(_:allowingSpecialTokens: true)` maps it to the special
/// id, as Hugging Face's GPT-2 tokenizer does. Both round-trip exactly.
public struct BPETokenizer: Tokenizer {
    /// The spelling of the document separator.
    public static let endOfText = "<|endoftext|>"

    /// Merges by rank (rank = index).
    public let merges: [BPEMerge]
    /// Special tokens: literal text → id.
    public let specialTokens: [(text: String, id: Int)]
    public let endOfTextToken: Int?
    public var vocabularySize: Int { tokenOffsets.count - 1 }

    /// Bytes of every token, concatenated; token i is `tokenBytes[tokenOffsets[i]..<tokenOffsets[i+1]]`.
    let tokenBytes: [UInt8]
    let tokenOffsets: [Int]
    /// `byteToken[b]`: the id of the one-byte token `b`.
    let byteToken: [Int32]
    let table: MergeTable
    let preTokenizer = GPT2PreTokenizer()

    /// A vocabulary from its parts.
    ///
    /// - Parameters:
    ///   - tokens: the bytes each id stands for (ordinary tokens; a special token's entry is
    ///     ignored and replaced by the UTF-8 of its text).
    ///   - merges: by rank; each result's bytes must be its left's followed by its right's.
    ///   - specialTokens: literal text → id.
    /// - Throws: `TokenizerError.invalidVocabulary` naming the first inconsistency.
    public init(tokens: [[UInt8]], merges: [BPEMerge], specialTokens: [(text: String, id: Int)]) throws {
        let v = tokens.count
        var bytesOf = tokens
        var isSpecial = [Bool](repeating: false, count: v)
        for s in specialTokens {
            guard (0..<v).contains(s.id) else {
                throw TokenizerError.invalidVocabulary("special token \(s.text) has id \(s.id), outside 0..<\(v)")
            }
            isSpecial[s.id] = true
            bytesOf[s.id] = Array(s.text.utf8)
        }
        var byteToken = [Int32](repeating: -1, count: 256)
        for id in 0..<v where !isSpecial[id] && bytesOf[id].count == 1 {
            let b = Int(bytesOf[id][0])
            if byteToken[b] < 0 { byteToken[b] = Int32(id) }
        }
        if let missing = byteToken.firstIndex(of: -1) {
            throw TokenizerError.invalidVocabulary("no token for the byte 0x\(String(missing, radix: 16)) (a byte-level vocabulary needs all 256)")
        }
        for (rank, m) in merges.enumerated() {
            for id in [m.left, m.right, m.result] where !(0..<Int32(v)).contains(id) || isSpecial[Int(id)] {
                throw TokenizerError.invalidVocabulary("merge \(rank) refers to id \(id), which is not an ordinary token")
            }
            guard bytesOf[Int(m.result)] == bytesOf[Int(m.left)] + bytesOf[Int(m.right)] else {
                throw TokenizerError.invalidVocabulary(
                    "merge \(rank): token \(m.result) is not the concatenation of tokens \(m.left) and \(m.right)")
            }
        }
        var flat: [UInt8] = [], offsets = [0]
        for t in bytesOf { flat += t; offsets.append(flat.count) }
        self.tokenBytes = flat
        self.tokenOffsets = offsets
        self.byteToken = byteToken
        self.merges = merges
        self.table = MergeTable(merges)
        self.specialTokens = specialTokens.sorted { $0.id < $1.id }
        self.endOfTextToken = specialTokens.first { $0.text == Self.endOfText }?.id
    }

    /// The byte-level tokenizer: id b is byte b (vocabulary 256), plus `<|endoftext|>` as id 256
    /// when `endOfText` is set.
    public static func byteLevel(endOfText: Bool = false) -> BPETokenizer {
        var tokens = (0..<256).map { [UInt8($0)] }
        var specials: [(text: String, id: Int)] = []
        if endOfText { tokens.append([]); specials.append((Self.endOfText, 256)) }
        return try! BPETokenizer(tokens: tokens, merges: [], specialTokens: specials)
    }

    /// The bytes token `id` stands for.
    public func bytes(of id: Int) -> ArraySlice<UInt8> {
        precondition((0..<vocabularySize).contains(id), "BPETokenizer: token id \(id) outside 0..<\(vocabularySize)")
        return tokenBytes[tokenOffsets[id]..<tokenOffsets[id + 1]]
    }

    /// Whether `id` is a special token.
    public func isSpecial(_ id: Int) -> Bool { specialTokens.contains { $0.id == id } }

    public func encode(_ text: String) -> [Int] { encode(text, allowingSpecialTokens: false) }

    /// Token ids of `text`; with `allowingSpecialTokens` the literal text of a special token
    /// becomes its id.
    public func encode(_ text: String, allowingSpecialTokens: Bool) -> [Int] {
        var cache = EncodingCache()
        var out: [Int32] = []
        encode(text, allowingSpecialTokens: allowingSpecialTokens, into: &out, cache: &cache)
        return out.map(Int.init)
    }

    /// Token ids of many texts, in parallel over chunks of texts (one piece cache per chunk);
    /// the result does not depend on the thread count.
    public func encodeBatch(_ texts: [String], allowingSpecialTokens: Bool = false) -> [[Int32]] {
        let chunks = min(texts.count, max(1, Parallel.defaultThreads * 4))
        let perChunk = Parallel.map(chunks) { c -> [[Int32]] in
            var cache = EncodingCache()
            let start = texts.count * c / chunks, end = texts.count * (c + 1) / chunks
            return (start..<end).map { i in
                var out: [Int32] = []
                encode(texts[i], allowingSpecialTokens: allowingSpecialTokens, into: &out, cache: &cache)
                return out
            }
        }
        return perChunk.flatMap { $0 }
    }

    public func decodeBytes(_ tokens: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(tokens.count * 4)
        for id in tokens {
            precondition((0..<vocabularySize).contains(id), "BPETokenizer.decode: token id \(id) outside 0..<\(vocabularySize)")
            out += tokenBytes[tokenOffsets[id]..<tokenOffsets[id + 1]]
        }
        return out
    }

    // MARK: encoding

    func encode(_ text: String, allowingSpecialTokens: Bool, into out: inout [Int32], cache: inout EncodingCache) {
        var text = text
        text.makeContiguousUTF8()
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard allowingSpecialTokens, !specialTokens.isEmpty else {
                encodeOrdinary(bytes, 0..<bytes.count, into: &out, cache: &cache)
                return
            }
            let specials = specialTokens.map { (Array($0.text.utf8), Int32($0.id)) }.filter { !$0.0.isEmpty }
            var segmentStart = 0, i = 0
            scan: while i < bytes.count {
                for (pattern, id) in specials where Self.matches(bytes, at: i, pattern) {
                    encodeOrdinary(bytes, segmentStart..<i, into: &out, cache: &cache)
                    out.append(id)
                    i += pattern.count
                    segmentStart = i
                    continue scan
                }
                i += 1
            }
            encodeOrdinary(bytes, segmentStart..<bytes.count, into: &out, cache: &cache)
        }
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ pattern: [UInt8]) -> Bool {
        if i + pattern.count > bytes.count { return false }
        for k in 0..<pattern.count where bytes[i + k] != pattern[k] { return false }
        return true
    }

    private func encodeOrdinary(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
        into out: inout [Int32], cache: inout EncodingCache
    ) {
        if range.isEmpty { return }
        let segment = UnsafeBufferPointer(rebasing: bytes[range])
        preTokenizer.forEachPiece(in: segment) { piece in
            if piece.count == 1 { out.append(byteToken[Int(segment[piece.lowerBound])]); return }
            let key = UnsafeBufferPointer(rebasing: segment[piece])
            if cache.append(key, to: &out) { return }
            var symbols = key.map { byteToken[Int($0)] }
            table.apply(&symbols)
            out += symbols
            cache.store(key, symbols)
        }
    }
}

/// Pieces already encoded, keyed by their bytes.
struct EncodingCache {
    private var keys = ByteStringTable(capacity: 4096)
    private var values: [Int32] = []
    private var offsets: [Int] = [0]
    /// Pieces beyond this many are not remembered (bounds the memory of very large texts).
    static let capacity = 1 << 20

    /// Appends the cached tokens of `key` to `out`; false if `key` is not cached.
    func append(_ key: UnsafeBufferPointer<UInt8>, to out: inout [Int32]) -> Bool {
        guard let e = keys.find(key) else { return false }
        out += values[offsets[e]..<offsets[e + 1]]
        return true
    }

    mutating func store(_ key: UnsafeBufferPointer<UInt8>, _ tokens: [Int32]) {
        guard keys.count < Self.capacity else { return }
        if keys.insert(key).inserted {
            values += tokens
            offsets.append(values.count)
        }
    }
}

/// A vocabulary that cannot be used, or files that do not hold one.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case invalidVocabulary(String)
    case invalidFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidVocabulary(let reason): return "invalid BPE vocabulary: \(reason)"
        case .invalidFile(let path, let reason): return "\(path): \(reason)"
        }
    }
}
