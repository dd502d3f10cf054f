import Foundation

/// Fuzz target: `BPETokenizer.load` with an arbitrary `merges.txt` beside a fixed, valid
/// `vocab.json`. Whatever loads must give ids in range and
/// round-trip a fixed text and the input itself through encode → decode.
let folder = URL(fileURLWithPath: "/dev/shm/attnlab-fuzz-merges-\(getpid())")
/// The fixed half of the pair: a GPT-2 style byte-level vocabulary (byte b spelled by
/// `ByteUnicode`, id b) with five merges and `<|endoftext|>`, the same as the seed
/// fuzz/corpus/vocab/byte_level.json and fuzz/corpus/merges/gpt2_style.txt.
let mergePairs = [("t", "h"), ("th", "e"), ("Ġ", "c"), ("a", "t"), ("Ġc", "at")]
let fixedMerges = "#version: 0.2\n" + mergePairs.map { "\($0.0) \($0.1)\n" }.joined()
let fixedVocabulary: String = {
    var entries = (0..<256).map { ByteUnicode.string(for: [UInt8($0)]) }
    entries += mergePairs.map { $0.0 + $0.1 }
    entries.append("<|endoftext|>")
    return "{" + entries.enumerated().map { "\(VocabularyJSON.quote($1)): \($0)" }.joined(separator: ", ") + "}"
}()

let setUp: Void = {
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try! Data(fixedVocabulary.utf8).write(to: folder.appendingPathComponent(BPETokenizer.vocabularyFileName))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz_merges(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = setUp
    let data = Data(bytes: start, count: count)
    try! data.write(to: folder.appendingPathComponent(BPETokenizer.mergesFileName))
    guard let tokenizer = try? BPETokenizer.load(directory: folder) else { return 0 }
    for text in ["the cat sat on the mat <|endoftext|> Ünïcödé", String(decoding: data, as: UTF8.self)] {
        for special in [false, true] {
            let ids = tokenizer.encode(text, allowingSpecialTokens: special)
            precondition(ids.allSatisfy { (0..<tokenizer.vocabularySize).contains($0) }, "id out of range")
            precondition(tokenizer.decode(ids) == text, "round trip failed")
        }
    }
    return 0
}
