/// Fuzz target: `BPETokenizer.load` with an arbitrary `vocab.json` beside a fixed, valid
/// `merges.txt` (checks in fuzz/shims/TokenizerPairShim.swift).
let folder = TokenizerPairFuzz.prepare(fuzzedFile: BPETokenizer.vocabularyFileName, fixedFile: BPETokenizer.mergesFileName,
                                       fixed: TokenizerPairFuzz.fixedMerges)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz_vocab(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    TokenizerPairFuzz.run(start, count, folder: folder, fuzzedFile: BPETokenizer.vocabularyFileName)
    return 0
}
