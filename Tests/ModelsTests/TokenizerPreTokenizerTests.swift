import TensorCore
import Testing

@testable import Models

@Suite struct TokenizerPreTokenizerTests {
    let pre = GPT2PreTokenizer()

    @Test func matchesGPT2PatternOnTable() {
        for (text, expected) in TokenizerFixtures.gpt2PreTokenizerTable {
            let pieces = pre.split(text)
            // Compare scalars, not Strings: String equality is canonical equivalence.
            #expect(
                pieces.map { Array($0.unicodeScalars) } == expected.map { Array($0.unicodeScalars) },
                "text \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func piecesConcatenateToTheInput() {
        var rng = SeededRNG(seed: 11)
        for _ in 0..<300 {
            let text = RandomText.adversarial(&rng, length: rng.int(below: 60))
            #expect(pre.split(text).joined().utf8.elementsEqual(text.utf8))
        }
    }

    @Test func lastSpaceOfARunStaysWithTheNextWord() {
        #expect(pre.split("a    b") == ["a", "   ", " b"])
        #expect(pre.split("a \n b") == ["a", " \n", " b"])
        #expect(pre.split("a    ") == ["a", "    "])
        #expect(pre.split("a\u{3000}\u{3000}b").count == 4)  // ideographic spaces are \s but not ' '
    }

    @Test func characterClassesFollowUnicodeProperties() {
        typealias C = GPT2PreTokenizer.ScalarClass
        let cases: [(Unicode.Scalar, C)] = [
            ("a", .letter), ("Z", .letter), ("é", .letter), ("ǅ", .letter), ("ʰ", .letter), ("日", .letter), ("ش", .letter),
            ("7", .number), ("½", .number), ("Ⅻ", .number), ("٣", .number), ("①", .number),
            (" ", .space), ("\t", .space), ("\u{0B}", .space), ("\u{85}", .space), ("\u{A0}", .space), ("\u{2028}", .space), ("\u{3000}", .space),
            ("\u{1C}", .other), ("\u{200B}", .other), ("\u{200D}", .other), ("\u{301}", .other), ("'", .other), ("👍", .other), ("\u{FEFF}", .other),
        ]
        for (scalar, expected) in cases {
            #expect(GPT2PreTokenizer.classify(scalar) == expected, "U+\(String(scalar.value, radix: 16))")
        }
    }
}
