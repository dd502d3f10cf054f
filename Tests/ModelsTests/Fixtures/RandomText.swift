import TensorCore

@testable import Models

/// Random and adversarial UTF-8 for round-trip tests.
enum RandomText {
    /// Pieces that stress tokenizers: ZWJ emoji sequences, flags, CJK, combining marks,
    /// right-to-left scripts, every kind of whitespace, contractions, special-token text.
    static let adversarialPieces: [String] = [
        "hello", " world", "'s", "'ll", "'S", "''", "?'s", "don't", " ", "  ", "\t", "\n", "\r\n", "\n\n", "\u{0B}", "\u{0C}",
        "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2009}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}",
        "\u{3000}", "\u{1C}", "\u{1F}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{0}", "\u{7F}",
        "👨\u{200D}👩\u{200D}👧\u{200D}👦", "🏳️\u{200D}🌈", "🇫🇷", "👍🏽", "😀", "e\u{301}", "a\u{308}\u{301}", "\u{301}",
        "日本語", "中文", "한국어", "ー", "々", "مرحبا", "שלום", "\u{200F}", "\u{202E}", "ǅ", "İ", "ß", "ﷺ", "𝔘𝔫𝔦",
        "123", "3.14", "½", "Ⅻ", "٣", "<|endoftext|>", "<|", "|>", "Ġ", "Ċ", "\u{10FFFF}", "\u{E000}", "\u{FFFD}",
    ]

    static func adversarial(_ rng: inout SeededRNG, length: Int) -> String {
        var s = ""
        for _ in 0..<length {
            if rng.uniform() < 0.75 {
                s += adversarialPieces[rng.int(below: adversarialPieces.count)]
            } else {
                s.unicodeScalars.append(randomScalar(&rng))
            }
        }
        return s
    }

    /// A scalar from a mixture of ranges: ASCII, Latin-1, combining marks, CJK, emoji, anywhere.
    static func randomScalar(_ rng: inout SeededRNG) -> Unicode.Scalar {
        let ranges: [ClosedRange<UInt32>] = [
            0...0x7F, 0x80...0xFF, 0x300...0x36F, 0x590...0x6FF, 0x4E00...0x9FFF,
            0x1F300...0x1FAFF, 0...0x10FFFF,
        ]
        while true {
            let r = ranges[rng.int(below: ranges.count)]
            let v = r.lowerBound + UInt32(rng.int(below: Int(r.upperBound - r.lowerBound) + 1))
            if let u = Unicode.Scalar(v) { return u }
        }
    }
}
