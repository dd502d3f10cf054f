import Foundation
import Lab

/// Fuzz target: `attnlab report` on a run folder whose results.json is the input. The folder
/// (made once per process in /dev/shm) holds a figure, a hostile SVG with a script, and
/// symbolic links leading in and out of it; results.json may name any of them, or any other
/// path. Whatever `RunResults.load` accepts must render (`ReportWriter.rerender`, every claim
/// of the registry re-judged) without trapping, and the page must hold no active content: no
/// `<script>`, `<iframe>` or `<foreignObject>` element, no event-handler attribute in any tag,
/// and nothing of the file outside the run.
let root = URL(fileURLWithPath: "/dev/shm/attnlab-fuzz-results-\(getpid())")
let run = root.appendingPathComponent("run")
let prepared: Bool = {
    let fm = FileManager.default
    try? fm.removeItem(at: root)
    try! fm.createDirectory(at: run.appendingPathComponent("figures"), withIntermediateDirectories: true)
    try! Data("SECRET-OUTSIDE".utf8).write(to: root.appendingPathComponent("secret.txt"))
    try! Data(#"<svg xmlns="http://www.w3.org/2000/svg"><text>ok</text></svg>"#.utf8).write(to: run.appendingPathComponent("figures/a.svg"))
    try! Data(#"<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>x()</script></svg>"#.utf8)
        .write(to: run.appendingPathComponent("figures/hostile.svg"))
    try! fm.createSymbolicLink(atPath: run.appendingPathComponent("figures/in.svg").path, withDestinationPath: "a.svg")
    try! fm.createSymbolicLink(atPath: run.appendingPathComponent("figures/out.svg").path, withDestinationPath: "../../secret.txt")
    return true
}()

/// Every tag of `html` (from '<' to the next '>'): escaped text holds no '<', so these are the
/// page's real elements.
func tags(_ html: String) -> [Substring] {
    var out: [Substring] = []
    var rest = html[...]
    while let open = rest.firstIndex(of: "<") {
        guard let close = rest[open...].firstIndex(of: ">") else { out.append(rest[open...]); break }
        out.append(rest[open...close])
        rest = rest[rest.index(after: close)...]
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResults(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    precondition(prepared)
    let data = Data(bytes: start, count: count)
    let resultsURL = run.appendingPathComponent("results.json")
    try! data.write(to: resultsURL)
    guard (try? RunResults.load(resultsURL)) != nil else { return 0 }
    do { try ReportWriter.rerender(run) } catch {
        preconditionFailure("results.json loads but the report fails: \(error)")
    }
    let html = try! String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
    precondition(!html.contains("SECRET-OUTSIDE") && !html.contains(Data("SECRET-OUTSIDE".utf8).base64EncodedString()),
                 "a file outside the run reached the page")
    for tag in tags(html) {
        let lower = tag.lowercased()
        for element in ["<script", "<iframe", "<foreignobject", "<object", "<embed"] {
            precondition(!lower.hasPrefix(element), "active element \(tag)")
        }
        precondition(lower.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "event handler in \(tag)")
    }
    return 0
}
