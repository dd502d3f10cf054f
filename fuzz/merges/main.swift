/// Fuzz target: `BPETokenizer.load` with an arbitrary `merges.txt` beside a fixed, valid
/// `vocab.json` (checks in fuzz/shims/TokenizerPairShim.swift).
let folder = TokenizerPairFuzz.prepare(fuzzedFile: BPETokenizer.mergesFileName, fixedFile: BPETokenizer.vocabularyFileName,
                                       fixed: TokenizerPairFuzz.fixedVocabulary)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz_merges(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    TokenizerPairFuzz.run(start, count, folder: folder, fuzzedFile: BPETokenizer.mergesFileName)
    return 0
}
