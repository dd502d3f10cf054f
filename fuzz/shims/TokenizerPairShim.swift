import Foundation

/// The shared half of the `vocab` and `merges` fuzz targets: a GPT-2 style byte-level
/// vocabulary (byte b spelled by `ByteUnicode`, id b) with five merges and `<|endoftext|>`, the
/// same as the seeds fuzz/corpus/vocab/byte_level.json and fuzz/corpus/merges/gpt2_style.txt.
/// One file of the pair is fixed and valid, the other is the fuzzer's input; whatever loads must
/// give ids in range and round-trip a fixed text and the input itself through encode → decode.
enum TokenizerPairFuzz {
    static let mergePairs = [("t", "h"), ("th", "e"), ("Ġ", "c"), ("a", "t"), ("Ġc", "at")]
    static let fixedMerges = "#version: 0.2\n" + mergePairs.map { "\($0.0) \($0.1)\n" }.joined()
    static let fixedVocabulary: String = {
        var entries = (0..<256).map { ByteUnicode.string(for: [UInt8($0)]) }
        entries += mergePairs.map { $0.0 + $0.1 }
        entries.append("<|endoftext|>")
        return "{" + entries.enumerated().map { "\(VocabularyJSON.quote($1)): \($0)" }.joined(separator: ", ") + "}"
    }()

    /// A per-process folder holding the fixed file; each target makes it once.
    static func prepare(fuzzedFile: String, fixedFile: String, fixed: String) -> URL {
        let folder = URL(fileURLWithPath: "/dev/shm/attnlab-fuzz-\(fuzzedFile)-\(getpid())")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try! Data(fixed.utf8).write(to: folder.appendingPathComponent(fixedFile))
        return folder
    }

    /// Writes the input as `fuzzedFile` beside the fixed file in `folder`, then checks.
    static func run(_ start: UnsafeRawPointer, _ count: Int, folder: URL, fuzzedFile: String) {
        let data = Data(bytes: start, count: count)
        try! data.write(to: folder.appendingPathComponent(fuzzedFile))
        guard let tokenizer = try? BPETokenizer.load(directory: folder) else { return }
        for text in ["the cat sat on the mat <|endoftext|> Ünïcödé", String(decoding: data, as: UTF8.self)] {
            for special in [false, true] {
                let ids = tokenizer.encode(text, allowingSpecialTokens: special)
                precondition(ids.allSatisfy { (0..<tokenizer.vocabularySize).contains($0) }, "id out of range")
                precondition(tokenizer.decode(ids) == text, "round trip failed")
            }
        }
    }
}
