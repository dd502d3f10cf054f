import Foundation

/// Writing files so that a reader (or a later run) sees either the old contents or the new,
/// never a torn file: write a temporary file in the same folder, flush it to disk, rename it
/// over the target.
public enum AtomicFile {
    /// Writes `data` to `url` atomically; creates missing parent folders. On failure (a full
    /// disk, say) the previous file at `url` is untouched and the temporary file is removed.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try createFolder(folder)
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
        guard Foundation.rename(path, url.path) == 0 else {
            let code = errno
            unlink(path)
            throw AtomicFileError.cannotRename(from: path, to: url.path, errno: code)
        }
    }

    /// Writes a string as UTF-8, atomically.
    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Creates `url` and its missing parents (`mkdir -p`), with an error naming the path and the
    /// system's reason (a file in the way, no permission, a read-only or pseudo file system).
    public static func createFolder(_ url: URL) throws {
        let path = url.standardizedFileURL.path
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw AtomicFileError.notAFolder(path: path) }
            return
        }
        let parent = url.standardizedFileURL.deletingLastPathComponent()
        if parent.path != path { try createFolder(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw AtomicFileError.cannotCreate(path: path, errno: errno) }
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw AtomicFileError.notAFolder(path: path) }
    }

    /// Renames `from` to `to` (same file system), with an error naming both.
    public static func rename(_ from: URL, to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw AtomicFileError.cannotRename(from: from.path, to: to.path, errno: errno)
        }
    }
}

/// Replacing a folder of files as one unit, so a reader sees the whole old set or the whole new
/// one, never a mixture (a checkpoint's model beside another step's optimizer; a data folder's
/// new training tokens beside old validation tokens).
///
/// `replace` writes the new set into `<folder>.partial`, renames the old folder to
/// `<folder>.previous`, renames the new one into place and deletes the old. A set is complete
/// once its `marker` file exists, so writers write the marker last. A process killed between
/// the two renames leaves `<folder>.previous`, which `recover` (called by `replace` and by every
/// reader) puts back; a failed write (a full disk) deletes `<folder>.partial` and leaves the old
/// folder untouched.
public enum AtomicFolder {
    /// Builds a new set with `build(<folder>.partial)` and swaps it in for `folder`.
    public static func replace(_ folder: URL, marker: String, build: (URL) throws -> Void) throws {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw AtomicFileError.notAFolder(path: folder.path)
        }
        try recover(folder, marker: marker)
        let partial = sibling(folder, "partial")
        try? fm.removeItem(at: partial)
        try AtomicFile.createFolder(partial)
        do {
            try build(partial)
        } catch {
            try? fm.removeItem(at: partial)
            throw error
        }
        let previous = sibling(folder, "previous")
        if fm.fileExists(atPath: folder.path) {
            try? fm.removeItem(at: previous)
            try AtomicFile.rename(folder, to: previous)
        }
        try AtomicFile.rename(partial, to: folder)
        try? fm.removeItem(at: previous)
    }

    /// Repairs `folder` after a process was killed while replacing it: when `folder` has no
    /// `marker` but `<folder>.previous` has, the previous set is put back; when `folder` is
    /// complete, a leftover `<folder>.previous` is deleted. A leftover `<folder>.partial` (an
    /// unfinished write) is deleted.
    public static func recover(_ folder: URL, marker: String) throws {
        let fm = FileManager.default
        let previous = sibling(folder, "previous")
        if fm.fileExists(atPath: folder.appendingPathComponent(marker).path) {
            try? fm.removeItem(at: previous)
        } else if fm.fileExists(atPath: previous.appendingPathComponent(marker).path) {
            try? fm.removeItem(at: folder)
            try AtomicFile.rename(previous, to: folder)
        }
        try? fm.removeItem(at: sibling(folder, "partial"))
    }

    /// `<folder>.<suffix>` beside `folder`.
    public static func sibling(_ folder: URL, _ suffix: String) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "." + suffix)
    }
}

/// The reason of a file-system error in plain words: the system's message (`strerror`) for a
/// Foundation error that wraps one, instead of `Error Domain=NSCocoaErrorDomain Code=…`.
public enum FileErrorText {
    /// "No such file or directory", "Permission denied" …
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
        case .fileReadNoPermission, .fileWriteNoPermission: return String(cString: strerror(EACCES))
        case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
        case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
        case .fileWriteFileExists: return String(cString: strerror(EEXIST))
        case .fileReadTooLarge: return "the file is too large to read"
        case .fileReadCorruptFile, .fileReadUnknownStringEncoding, .fileReadInapplicableStringEncoding:
            return "the file cannot be read as text in the expected encoding"
        default: return "the file cannot be read or written (\(ns.domain) \(ns.code))"
        }
    }

    /// The path a Foundation file error names, if any.
    public static func path(_ error: Error) -> String? {
        let ns = error as NSError
        return (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    }
}

public enum AtomicFileError: Error, CustomStringConvertible, Equatable {
    case cannotCreate(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case cannotRename(from: String, to: String, errno: Int32)
    case notAFolder(path: String)

    public var description: String {
        switch self {
        case .notAFolder(let path): "cannot create the folder \(path): a file of that name is in the way"
        case .cannotCreate(let path, let e): "cannot create \(path): \(String(cString: strerror(e)))"
        case .cannotWrite(let path, let e): "cannot write \(path): \(String(cString: strerror(e))) (the previous file, if any, is unchanged)"
        case .cannotRename(let from, let to, let e): "cannot rename \(from) to \(to): \(String(cString: strerror(e)))"
        }
    }
}
