import Foundation
import TensorCore

/// A run directory:
/// ```
/// <run>/config.json         the resolved configuration (re-runnable)
/// <run>/metrics.jsonl       one JSON object per logged event or step, appended
/// <run>/results.json        measurements, tables, notes, timings, errors, verdicts
/// <run>/figures/*.svg
/// <run>/experiments/<id>/   each experiment's own folder (output.json, stderr.log, its files);
///                           replicate-<r>/ inside it per seed of a replicated experiment
/// <run>/report.md, report.html
/// ```
/// Files are written atomically (TensorCore's `AtomicFile`: temporary file + rename), so a killed
/// run never leaves a half-written file. A new run never writes into a directory that already holds files.
public struct RunDirectory: Sendable {
    public let url: URL

    public var figures: URL { url.appendingPathComponent("figures", isDirectory: true) }
    public var experiments: URL { url.appendingPathComponent("experiments", isDirectory: true) }
    public var metricsFile: URL { url.appendingPathComponent("metrics.jsonl") }

    /// The folder of experiment `id`.
    public func experimentDirectory(_ id: String) -> URL {
        experiments.appendingPathComponent(RunDirectory.safeName(id), isDirectory: true)
    }

    /// The folder of one task: `experiments/<id>/` for an experiment that runs once,
    /// `experiments/<id>/replicate-<r>/` for replicate r.
    public func taskDirectory(_ id: String, replicate: Int?) -> URL {
        guard let replicate else { return experimentDirectory(id) }
        return experimentDirectory(id).appendingPathComponent("replicate-\(replicate)", isDirectory: true)
    }

    /// The folder of experiment `id` as a run left it: replicate `replicate`'s when it ran at
    /// several seeds, else its own — the first that holds `file` (nil when neither does).
    public func finishedTaskDirectory(_ id: String, replicate: Int = 1, holding file: String = "output.json") -> URL? {
        [taskDirectory(id, replicate: replicate), experimentDirectory(id)].first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent(file).path)
        }
    }

    /// The output of experiment `id` in this run (its first replicate's, or replicate
    /// `replicate`'s), as the child wrote it; nil when the run has none.
    public func output(of id: String, replicate: Int = 1) -> ExperimentOutput? {
        guard let folder = finishedTaskDirectory(id, replicate: replicate),
            let bytes = try? Data(contentsOf: folder.appendingPathComponent("output.json"))
        else { return nil }
        return try? LabJSON.decoder.decode(ExperimentOutput.self, from: bytes)
    }

    /// Opens an existing run directory (for `attnlab report`, or a child process).
    public init(existing url: URL) { self.url = url.standardizedFileURL }

    /// Creates a new run directory.
    ///
    /// - `requested`: the `--out` directory; it may exist only if empty.
    /// - otherwise `<base>/<yyyyMMdd-HHmmss>-<scale>`, with "-2", "-3" … appended when taken.
    public static func create(
        requested: URL?, base: URL = URL(fileURLWithPath: "runs", isDirectory: true),
        scale: Scale, now: Date = Date()
    ) throws -> RunDirectory {
        let fm = FileManager.default
        let url: URL
        if let requested {
            if let contents = try? fm.contentsOfDirectory(atPath: requested.path), !contents.isEmpty {
                throw LabError.directoryNotEmpty(requested.path)
            }
            url = requested
        } else {
            let stem = "\(timestamp(now))-\(scale.rawValue)"
            var candidate = base.appendingPathComponent(stem, isDirectory: true)
            var n = 2
            while fm.fileExists(atPath: candidate.path) {
                candidate = base.appendingPathComponent("\(stem)-\(n)", isDirectory: true)
                n += 1
            }
            url = candidate
        }
        do {
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
            try fm.createDirectory(at: url.appendingPathComponent("figures"), withIntermediateDirectories: true)
            try fm.createDirectory(at: url.appendingPathComponent("experiments"), withIntermediateDirectories: true)
        } catch {
            throw LabError.writeFailed(url.path, error.localizedDescription)
        }
        return RunDirectory(existing: url)
    }

    /// `date` as "yyyyMMdd-HHmmss" in UTC: the stem of a run directory's or a comparison page's
    /// default name.
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    /// Writes `data` to `relativePath` inside the run directory, atomically.
    public func write(_ data: Data, to relativePath: String) throws {
        let target = url.appendingPathComponent(relativePath)
        do { try AtomicFile.write(data, to: target) } catch {
            throw LabError.writeFailed(target.path, "\(error)")
        }
    }

    public func write(_ text: String, to relativePath: String) throws {
        try write(Data(text.utf8), to: relativePath)
    }

    /// A file or folder name made of [A-Za-z0-9._-] only (experiment ids, figure names).
    public static func safeName(_ s: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let mapped = String(s.map { allowed.contains($0) ? $0 : "-" })
        let trimmed = mapped.trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
        return trimmed.isEmpty ? "unnamed" : trimmed
    }

    /// Where an artefact path an experiment reported points: inside `runDirectory` (paths of runs
    /// written before artefacts were run-relative are relative to `experiments/`).
    public enum ArtifactLocation: Equatable {
        case found(URL)
        /// The path leaves the run directory.
        case outside
        /// The path stays inside but nothing is there.
        case missing
    }

    /// Resolves an artefact path against a run directory: the one rule for every reader.
    public static func locate(artifact path: String, in runDirectory: URL) -> ArtifactLocation {
        let base = runDirectory.standardizedFileURL
        for root in [base, base.appendingPathComponent("experiments")] {
            let url = root.appendingPathComponent(path).standardizedFileURL
            guard url.path.hasPrefix(base.path + "/") else { return .outside }
            if FileManager.default.fileExists(atPath: url.path) { return .found(url) }
        }
        return .missing
    }
}
