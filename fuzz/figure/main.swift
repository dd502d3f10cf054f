import Foundation

/// Fuzz target: a figure path from results.json and an SVG, against a fixed run folder that
/// holds figures, a folder, and symbolic links leading in and out (made once per process in
/// /dev/shm). The input is "<path>\n<svg>". `UntrustedFigure.resolve` may only return a regular
/// file whose real path lies inside the run folder; `embed` must give one `<img>` tag whose data
/// URI decodes back to the SVG, with no other markup.
let root = URL(fileURLWithPath: "/dev/shm/attnlab-fuzz-figure-\(getpid())")
let run = root.appendingPathComponent("run")
let realRun: String = {
    let fm = FileManager.default
    try? fm.removeItem(at: root)
    try! fm.createDirectory(at: run.appendingPathComponent("figures/sub"), withIntermediateDirectories: true)
    try! Data("<svg/>".utf8).write(to: run.appendingPathComponent("figures/a.svg"))
    try! Data("<svg/>".utf8).write(to: run.appendingPathComponent("figures/sub/b.svg"))
    try! Data("secret".utf8).write(to: root.appendingPathComponent("secret.txt"))
    try! fm.createSymbolicLink(atPath: run.appendingPathComponent("figures/in.svg").path, withDestinationPath: "a.svg")
    try! fm.createSymbolicLink(atPath: run.appendingPathComponent("figures/out.svg").path, withDestinationPath: "../../secret.txt")
    try! fm.createSymbolicLink(atPath: run.appendingPathComponent("figures/up").path, withDestinationPath: "../..")
    try! fm.createSymbolicLink(atPath: run.appendingPathComponent("figures/loop").path, withDestinationPath: "loop")
    return run.resolvingSymlinksInPath().path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFigure(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Data(bytes: start, count: count)
    let split = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
    let path = String(decoding: bytes[bytes.startIndex..<split], as: UTF8.self)
    let svg = String(decoding: bytes[min(split + 1, bytes.endIndex)...], as: UTF8.self)
    if let file = UntrustedFigure.resolve(path, in: run) {
        precondition(file.path.hasPrefix(realRun + "/"), "\(path) resolved outside the run: \(file.path)")
        var info = stat()
        precondition(stat(file.path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG, "\(path) is not a regular file")
        precondition(UntrustedFigure.read(path, in: run) == "<svg/>", "\(path) read something else")
    } else {
        precondition(UntrustedFigure.read(path, in: run) == nil)
    }
    let html = UntrustedFigure.embed(svg)
    let prefix = "<img src=\"data:image/svg+xml;base64,", suffix = "\" alt=\"figure\" style=\"width:100%;height:auto;display:block\">\n"
    precondition(html.hasPrefix(prefix) && html.hasSuffix(suffix), "not one img tag")
    let payload = html.dropFirst(prefix.count).dropLast(suffix.count)
    precondition(!payload.contains("<") && !payload.contains("\"") && !payload.contains(">"), "markup in the data URI")
    precondition(Data(base64Encoded: String(payload)) == Data(svg.utf8), "the data URI does not decode to the SVG")
    return 0
}
