import Foundation

/// Figures of a run folder read as untrusted input: a run folder may come from someone else,
/// and `attnlab report` turns it into a page someone opens in a browser.
///
/// - `read` returns a figure's text only when its path, as results.json gives it, names a
///   regular file inside the run folder: relative, no `..`, no empty or `.` components, and —
///   after every symbolic link is resolved — still inside the run folder (a link to another
///   file of the run is fine; one leading out is not). Anything else reads as missing.
/// - `embed` never pastes the SVG into the page: it becomes an `<img>` whose source is a
///   base64 `data:` URI. A browser renders an SVG image without running its scripts or event
///   handlers and without fetching anything it references, so `<script>`, `onload=`,
///   `<foreignObject>` and external `href`s in a hostile figure stay inert, and nothing in it
///   can close the surrounding markup.
public enum UntrustedFigure {
    /// Figures larger than this read as missing (attnlab's own are a few tens of kilobytes).
    public static let maximumBytes = 8 << 20

    /// The text of `path` (relative to `run`) if it is a regular file inside `run`, else nil.
    public static func read(_ path: String, in run: URL) -> String? {
        guard let file = resolve(path, in: run) else { return nil }
        guard let data = FileManager.default.contents(atPath: file.path), data.count <= maximumBytes else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The file `path` names inside `run`, symbolic links resolved, or nil when it is not a
    /// regular file inside the run folder.
    public static func resolve(_ path: String, in run: URL) -> URL? {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else { return nil }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        guard let root = realPath(run.path), let target = realPath(run.path + "/" + path) else { return nil }
        guard target.hasPrefix(root == "/" ? "/" : root + "/") else { return nil }
        var info = stat()
        guard stat(target, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= maximumBytes else { return nil }
        return URL(fileURLWithPath: target)
    }

    /// `realpath(3)`: the absolute path with every symbolic link, `.` and `..` resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// An `<img>` showing `svg` from a base64 data URI (see the type's comment).
    public static func embed(_ svg: String) -> String {
        let source = "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()
        return "<img src=\"\(source)\" alt=\"figure\" style=\"width:100%;height:auto;display:block\">\n"
    }
}
