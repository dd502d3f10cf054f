/// A map between text and token ids.
///
/// `encode` then `decode` returns the input exactly for every string. Token ids lie in
/// `0..<vocabularySize`. `decodeBytes` is the primitive: a sequence of token ids is a sequence of
/// byte strings, and an arbitrary id sequence need not be valid UTF-8 (`decode` then replaces the
/// invalid bytes with U+FFFD, as GPT-2's `errors="replace"` does).
public protocol Tokenizer: Sendable {
    /// Number of token ids, special tokens included.
    var vocabularySize: Int { get }
    /// The id of `<|endoftext|>`, the document separator, if the vocabulary has one.
    var endOfTextToken: Int? { get }
    /// Token ids of `text`. Text that spells a special token is encoded as ordinary text.
    func encode(_ text: String) -> [Int]
    /// The bytes the tokens stand for, concatenated. Every id must be in `0..<vocabularySize`.
    func decodeBytes(_ tokens: [Int]) -> [UInt8]
}

extension Tokenizer {
    /// The text the tokens stand for; invalid UTF-8 (possible only for id sequences that no
    /// encoding produced) becomes U+FFFD.
    public func decode(_ tokens: [Int]) -> String {
        String(decoding: decodeBytes(tokens), as: UTF8.self)
    }
}
