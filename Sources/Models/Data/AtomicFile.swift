import Foundation

/// Whole-file writes that never leave a half-written file behind.
///
/// The bytes go to a temporary file in the destination's folder, which is flushed and then
/// renamed over the destination (rename(2) is atomic within a file system): a reader sees the
/// old file or the new one, never a mixture, even if the process is killed mid-write.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw AtomicFileError(path: url.path, reason: "cannot create a temporary file in \(directory.path): \(String(cString: strerror(errno)))")
        }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; return }
                offset += n
            }
        }
        let error = ok ? nil : String(cString: strerror(errno))
        if ok && fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(temporary.path, url.path) == 0 else {
            let reason = error ?? String(cString: strerror(errno))
            unlink(temporary.path)
            throw AtomicFileError(path: url.path, reason: "cannot write: \(reason)")
        }
    }
}

/// A failed atomic write, naming the destination.
public struct AtomicFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
