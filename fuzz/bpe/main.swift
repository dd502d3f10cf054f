/// Fuzz target: the BPE encoder. Arbitrary bytes become a string (invalid UTF-8 replaced by
/// U+FFFD); encoding it with and without special tokens must give ids in range that decode back
/// to exactly that string.
let tokenizer = BPETrainer(vocabularySize: 400).train([
    "the cat sat on the mat; the dog ate the hat. Ünïcödé ünïcödé 日本語のテキスト 😀😀 123 4567 it's we'll",
    "  spaces\tand\nnewlines\r\n <|endoftext|> once upon a time there was a little girl",
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBPE(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    for special in [false, true] {
        let ids = tokenizer.encode(text, allowingSpecialTokens: special)
        precondition(ids.allSatisfy { (0..<tokenizer.vocabularySize).contains($0) }, "id out of range")
        precondition(tokenizer.decode(ids) == text, "round trip failed (special tokens \(special))")
    }
    return 0
}
