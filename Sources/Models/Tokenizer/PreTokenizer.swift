/// GPT-2's pre-tokenizer: splits text into the pieces that BPE merges never cross.
///
/// GPT-2 (`encoder.py`) splits with the pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// under Python's `regex` module: at each position the first alternative that matches wins,
/// and quantifiers are greedy. This type is a hand-written scanner over Unicode scalars with
/// exactly those semantics:
/// - a contraction (`'s 't 're 've 'm 'll 'd`, lower case only) at the current position;
/// - otherwise an optional single U+0020 space followed by a maximal run of letters (\p{L}),
///   of numbers (\p{N}), or of "other" characters (neither whitespace, letter nor number —
///   apostrophes included, so `?'s` is `?'` then `s`);
/// - otherwise a maximal whitespace run; if it is followed by a non-whitespace character and
///   has at least two scalars, its last scalar is left out (`\s+(?!\S)` backtracks one step),
///   so that a following word keeps its leading space.
///
/// `\s` is the Unicode White_Space property (25 scalars; not U+001C–U+001F), `\p{L}` the
/// general categories Lu Ll Lt Lm Lo, `\p{N}` Nd Nl No. Over every code point these agree with
/// the `regex` module (checked once against regex 2026.5.9 with Swift 6.3's Unicode tables).
/// Complexity O(n) in the UTF-8 length.
public struct GPT2PreTokenizer: Sendable {
    public init() {}

    /// The pieces of `text`, in order; their concatenation is `text`.
    public func split(_ text: String) -> [String] {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes in
            var pieces: [String] = []
            forEachPiece(in: bytes) { range in
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
            }
            return pieces
        }!
    }

    /// Calls `body` with the byte range of each piece of the UTF-8 text `bytes`, in order.
    /// `bytes` must be valid UTF-8 (a Swift string's bytes are); a truncated final sequence is
    /// read as one "other" scalar rather than past the end.
    public func forEachPiece(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let n = bytes.count
        var i = 0
        while i < n {
            let b0 = bytes[i]
            // 's 't 'm 'd 're 've 'll
            if b0 == 0x27, i + 1 < n {
                let b1 = bytes[i + 1]
                if b1 == 0x73 || b1 == 0x74 || b1 == 0x6D || b1 == 0x64 {
                    body(i..<i + 2); i += 2; continue
                }
                if i + 2 < n {
                    let b2 = bytes[i + 2]
                    if (b1 == 0x72 && b2 == 0x65) || (b1 == 0x76 && b2 == 0x65) || (b1 == 0x6C && b2 == 0x6C) {
                        body(i..<i + 3); i += 3; continue
                    }
                }
            }
            let (c0, l0) = Self.classify(bytes, i)
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            var runStart = i, runClass = c0
            if b0 == 0x20, i + 1 < n {
                let (c1, _) = Self.classify(bytes, i + 1)
                if c1 != .space { runStart = i + 1; runClass = c1 }
            }
            if runClass != .space {
                var j = runStart
                while j < n {
                    let (c, l) = Self.classify(bytes, j)
                    if c != runClass { break }
                    j += l
                }
                body(i..<j); i = j; continue
            }
            // `\s+(?!\S)` then `\s+`
            var j = i + l0, last = i, count = 1
            while j < n {
                let (c, l) = Self.classify(bytes, j)
                if c != .space { break }
                last = j; j += l; count += 1
            }
            if j == n || count == 1 {
                body(i..<j); i = j
            } else {
                body(i..<last); i = last
            }
        }
    }

    /// The four classes the pattern distinguishes.
    enum ScalarClass: UInt8 { case letter, number, space, other }

    /// Class and UTF-8 length of the scalar starting at byte `i` of valid UTF-8.
    @inline(__always)
    static func classify(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (ScalarClass, Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (ascii[Int(b0)], 1) }
        let needed = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4
        if i + needed > p.count { return (.other, p.count - i) }
        let value: UInt32, length: Int
        if b0 < 0xE0 {
            value = UInt32(b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F); length = 2
        } else if b0 < 0xF0 {
            value = UInt32(b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F); length = 3
        } else {
            value =
                UInt32(b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12
                | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F);
            length = 4
        }
        return (classify(Unicode.Scalar(value) ?? "\u{FFFD}"), length)
    }

    /// Class of one scalar.
    static func classify(_ u: Unicode.Scalar) -> ScalarClass {
        if u.value < 0x80 { return ascii[Int(u.value)] }
        let properties = u.properties
        if properties.isWhitespace { return .space }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    private static let ascii: [ScalarClass] = (0..<128).map { b -> ScalarClass in
        switch b {
        case 0x41...0x5A, 0x61...0x7A: return .letter
        case 0x30...0x39: return .number
        case 0x09...0x0D, 0x20: return .space
        default: return .other
        }
    }
}
