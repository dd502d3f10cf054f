import Foundation
import TensorCore

/// One line of `metrics.jsonl`.
public struct MetricsRecord: Codable, Sendable, Equatable {
    /// Seconds since the Unix epoch.
    public var time: Double
    /// The experiment that logged it (nil for the runner's own events).
    public var experiment: String?
    /// Its replicate (1…K) when the experiment runs at several seeds.
    public var replicate: Int?
    /// An event name ("experiment-start", "stage-end" …); nil for plain metric steps.
    public var event: String?
    /// Training step, sweep index …
    public var step: Int?
    /// Numeric values (NaN and ±∞ are written as strings).
    public var values: [String: Double]?
    /// Text fields.
    public var fields: [String: String]?
}

/// Where an experiment logs metrics: `context.metrics.log(["loss": 2.31], step: 100)`.
///
/// Each call appends one JSON object to the run's `metrics.jsonl`, stamped with the time and
/// the experiment id. Outside a run the sink discards everything.
public struct MetricsSink: Sendable {
    private let write: @Sendable (MetricsRecord) -> Void
    private let experiment: String?
    private let replicate: Int?

    public init(experiment: String?, replicate: Int? = nil, write: @escaping @Sendable (MetricsRecord) -> Void) {
        self.experiment = experiment
        self.replicate = replicate
        self.write = write
    }

    /// A sink that drops everything.
    public static let discard = MetricsSink(experiment: nil) { _ in }

    /// Logs numeric values, optionally at a step (a training step, a sweep point).
    public func log(_ values: [String: Double], step: Int? = nil, fields: [String: String]? = nil) {
        write(
            MetricsRecord(
                time: Date().timeIntervalSince1970, experiment: experiment, replicate: replicate, event: nil, step: step,
                values: values, fields: fields))
    }

    /// Logs a named event with optional text fields and values.
    public func event(_ name: String, fields: [String: String]? = nil, values: [String: Double]? = nil) {
        write(
            MetricsRecord(
                time: Date().timeIntervalSince1970, experiment: experiment, replicate: replicate, event: name, step: nil,
                values: values, fields: fields))
    }
}

/// Appends records to a JSON-lines file (`metrics.jsonl`) — the one writer of the claims runner,
/// its child processes and `attnlab train`. Thread-safe; each record is one `write(2)` to a file
/// opened in append mode, so lines from the runner and from a child process never interleave.
/// Records are any `Encodable` (a `MetricsRecord`, a training run's `TrainingRecord`), written
/// as one line of `LabJSON.lineEncoder` (sorted keys, NaN and ±∞ as strings).
public final class MetricsLog: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private let onFailure: (@Sendable (String) -> Void)?
    private var failed = false
    public let url: URL

    /// Opens (creating if needed) `url` for appending. A file that cannot be opened makes a log
    /// that drops its records (the runner's log is best-effort).
    public convenience init(url: URL) {
        self.init(url: url, descriptor: (try? Self.open(url, truncating: false)) ?? -1, onFailure: nil)
    }

    /// Opens `url` for appending, emptied first when `truncating`; throws (naming the file) when
    /// it cannot be opened. A write that fails later (a full disk) is reported once through
    /// `onFailure` instead of trapping.
    public static func opening(_ url: URL, truncating: Bool, onFailure: (@Sendable (String) -> Void)? = nil) throws -> MetricsLog {
        MetricsLog(url: url, descriptor: try open(url, truncating: truncating), onFailure: onFailure)
    }

    private init(url: URL, descriptor: Int32, onFailure: (@Sendable (String) -> Void)?) {
        self.url = url
        self.descriptor = descriptor
        self.onFailure = onFailure
    }

    private static func open(_ url: URL, truncating: Bool) throws -> Int32 {
        let fd = Foundation.open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncating ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else { throw AtomicFileError.cannotCreate(path: url.path, errno: errno) }
        return fd
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Appends one record as one line.
    public func append<Record: Encodable>(_ record: Record) {
        guard descriptor >= 0, var data = try? LabJSON.lineEncoder.encode(record) else { return }
        data.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        let error: Int32? = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let error, !failed {
            failed = true
            onFailure?("cannot append to \(url.path): \(String(cString: strerror(error)))")
        }
    }

    /// Keeps only the records up to `step` (and lines without a step), rewriting the file
    /// atomically; lines that do not parse (a line torn by a kill) are dropped. A resumed
    /// training run then appends exactly what the uninterrupted run would have.
    public static func keepRecords(throughStep step: Int, in url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let kept = data.split(separator: UInt8(ascii: "\n")).filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return false }
            return (object["step"] as? Int).map { $0 <= step } ?? true
        }
        try AtomicFile.write(Data(kept.map { Data($0) + Data("\n".utf8) }.joined()), to: url)
    }

    /// A sink writing into this log on behalf of `experiment` (replicate `replicate`).
    public func sink(experiment: String?, replicate: Int? = nil) -> MetricsSink {
        MetricsSink(experiment: experiment, replicate: replicate) { [self] record in append(record) }
    }

    /// Every record in a metrics file (lines that do not parse are skipped).
    public static func read(_ url: URL) -> [MetricsRecord] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? LabJSON.decoder.decode(MetricsRecord.self, from: Data($0.utf8)) }
    }
}
