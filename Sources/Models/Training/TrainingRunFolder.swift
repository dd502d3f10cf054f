import Foundation
import TensorCore

/// The folder `attnlab train --out` writes, owned by one writer at a time:
/// ```
/// <out>/checkpoint/            the last checkpoint (Checkpoint)
/// <out>/data/                  the data set trained on (PreparedData)
/// <out>/metrics.jsonl          one record per logged step and evaluation
/// <out>/.attnlab-train.lock    the lock, holding the writer's pid
/// ```
/// `claim` takes an exclusive `flock` on the lock file before it looks at anything, so a second
/// `train --out` of the same folder is refused with the holder's pid instead of racing it on
/// `checkpoint.partial`; the kernel drops the lock when the process ends, however it ends.
/// It then refuses a folder that holds anything else — another kind of run, a stray file in
/// `checkpoint/` or `data/` (the checkpoint swap would delete it), a symbolic link where one of
/// these entries should be (writes would land outside the folder) — so a run never replaces or
/// deletes files it did not write.
public final class TrainingRunFolder {
    public static let lockFileName = ".attnlab-train.lock"
    public static let metricsFileName = "metrics.jsonl"

    public let url: URL
    public var checkpoint: URL { url.appendingPathComponent("checkpoint") }
    public var data: URL { url.appendingPathComponent("data") }
    public var metrics: URL { url.appendingPathComponent(Self.metricsFileName) }
    /// Whether the folder held a run before (a checkpoint, metrics or data).
    public let heldARun: Bool
    private let lockDescriptor: Int32
    /// The folders `init` created, innermost first (a run that wrote nothing removes them again).
    private let created: [URL]

    /// Creates `url` if needed, locks it and checks that it holds nothing but a training run.
    public init(claiming url: URL) throws {
        self.url = url
        var missing: [URL] = []
        var folder = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: folder.path), folder.path != "/" {
            missing.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        created = missing
        try AtomicFile.createFolder(url)
        // Checked before the lock file is created (a foreign folder gets nothing written into
        // it), and again under the lock, which decides.
        _ = try Self.checkContents(url)
        let lockPath = url.appendingPathComponent(Self.lockFileName).path
        let fd = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw RunFolderError.cannotLock(
                path: url.path,
                reason: code == ELOOP
                    ? "\(lockPath) is a symbolic link"
                    : String(cString: strerror(code)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 31, 0)
            close(fd)
            if code == EWOULDBLOCK {
                let holder = Int(String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                throw RunFolderError.inUse(path: url.path, pid: holder)
            }
            throw RunFolderError.cannotLock(path: url.path, reason: String(cString: strerror(code)))
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) != 0 || pwrite(fd, pid, pid.count, 0) != pid.count {
            let code = errno
            close(fd)
            throw RunFolderError.cannotLock(path: url.path, reason: String(cString: strerror(code)))
        }
        lockDescriptor = fd
        do {
            heldARun = try Self.checkContents(url)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Releases the lock; a folder this run created and left empty (it failed before writing
    /// anything) is removed again.
    deinit {
        if let leaf = created.first, (try? FileManager.default.contentsOfDirectory(atPath: leaf.path)) == [Self.lockFileName] {
            unlink(leaf.appendingPathComponent(Self.lockFileName).path)
            for folder in created { if rmdir(folder.path) != 0 { break } }  // up to the first that is not empty
        }
        close(lockDescriptor)
    }

    /// Entries a training run writes at the top of its folder.
    static let runEntries: Set<String> = [
        "checkpoint", "checkpoint.previous", "checkpoint.partial", "data", "data.previous", "data.partial", metricsFileName, lockFileName,
    ]

    /// Files a training run writes inside a checkpoint or data folder.
    static let innerFiles: Set<String> = Set(
        [Checkpoint.configFile, Checkpoint.modelFile, Checkpoint.optimizerFile]
            + PreparedData.fileNames)

    /// Throws unless every entry is one a training run writes (its temporary files included),
    /// none is a symbolic link, and the checkpoint and data folders hold only their own files.
    /// Returns whether a run's files are there.
    static func checkContents(_ url: URL) throws -> Bool {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: url.path)
        var foreign: [String] = []
        var held = false
        for name in names.sorted() {
            let path = url.appendingPathComponent(name).path
            if isTemporary(name, of: [metricsFileName]) { continue }
            guard runEntries.contains(name) else { foreign.append(name); continue }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFLNK { throw RunFolderError.symbolicLink(path: path) }
            if name == lockFileName { continue }
            held = true
            if name == metricsFileName {
                if kind != S_IFREG { foreign.append(name) }
                continue
            }
            guard kind == S_IFDIR else { foreign.append(name); continue }
            for inner in try fm.contentsOfDirectory(atPath: path).sorted() {
                let innerPath = path + "/" + inner
                var innerInfo = stat()
                if lstat(innerPath, &innerInfo) == 0, innerInfo.st_mode & S_IFMT == S_IFLNK {
                    throw RunFolderError.symbolicLink(path: innerPath)
                }
                if !innerFiles.contains(inner) && !isTemporary(inner, of: innerFiles) { foreign.append(name + "/" + inner) }
            }
        }
        if !foreign.isEmpty { throw RunFolderError.foreign(path: url.path, entries: foreign) }
        return held
    }

    /// `.<name>.tmp-…`: a temporary file of `AtomicFile.write` left by a killed process.
    static func isTemporary<S: Sequence<String>>(_ entry: String, of names: S) -> Bool {
        names.contains { entry.hasPrefix(".\($0).tmp-") }
    }
}

/// Why a folder cannot be a training run's `--out`.
public enum RunFolderError: Error, CustomStringConvertible, Equatable {
    case cannotLock(path: String, reason: String)
    case inUse(path: String, pid: Int?)
    case foreign(path: String, entries: [String])
    case symbolicLink(path: String)

    public var description: String {
        switch self {
        case .cannotLock(let path, let reason): "cannot use \(path) as the run folder: \(reason)"
        case .inUse(let path, let pid):
            "\(path) is in use by another attnlab train (\(pid.map { "pid \($0)" } ?? "pid unknown")); wait for it to finish or choose another --out"
        case .foreign(let path, let entries):
            "\(path) holds files that are not an attnlab training run (\(entries.prefix(5).joined(separator: ", "))\(entries.count > 5 ? ", …" : "")); "
                + "choose a new or empty --out (attnlab train never replaces or deletes files it did not write)"
        case .symbolicLink(let path):
            "\(path) is a symbolic link; attnlab train writes only inside its --out folder, so a link there is refused"
        }
    }
}
