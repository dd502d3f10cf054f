import Foundation

/// Writing files so that a reader (or a later run) sees either the old contents or the new,
/// never a torn file: write a temporary file in the same folder, flush it to disk, rename it
/// over the target.
public enum AtomicFile {
    /// Writes `data` to `url` atomically; creates missing parent folders. On failure (a full
    /// disk, say) the previous file at `url` is untouched and the temporary file is removed.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let path = temporary.path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw AtomicFileError.cannotCreate(path: path, errno: errno) }
        var failure: Error?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = AtomicFileError.cannotWrite(path: url.path, errno: errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = AtomicFileError.cannotWrite(path: url.path, errno: errno) }
        if close(fd) != 0 && failure == nil { failure = AtomicFileError.cannotWrite(path: url.path, errno: errno) }
        if let failure {
            unlink(path)
            throw failure
        }
        guard rename(path, url.path) == 0 else {
            let code = errno
            unlink(path)
            throw AtomicFileError.cannotRename(from: path, to: url.path, errno: code)
        }
    }

    /// Writes a string as UTF-8, atomically.
    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }
}

public enum AtomicFileError: Error, CustomStringConvertible {
    case cannotCreate(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case cannotRename(from: String, to: String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let e): "cannot create \(path): \(String(cString: strerror(e)))"
        case .cannotWrite(let path, let e): "cannot write \(path): \(String(cString: strerror(e))) (the previous file, if any, is unchanged)"
        case .cannotRename(let from, let to, let e): "cannot rename \(from) to \(to): \(String(cString: strerror(e)))"
        }
    }
}
