import Foundation

/// One line of `metrics.jsonl`.
public struct MetricsRecord: Codable, Sendable, Equatable {
    /// Seconds since the Unix epoch.
    public var time: Double
    /// The experiment that logged it (nil for the runner's own events).
    public var experiment: String?
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

    public init(experiment: String?, write: @escaping @Sendable (MetricsRecord) -> Void) {
        self.experiment = experiment
        self.write = write
    }

    /// A sink that drops everything.
    public static let discard = MetricsSink(experiment: nil) { _ in }

    /// Logs numeric values, optionally at a step (a training step, a sweep point).
    public func log(_ values: [String: Double], step: Int? = nil, fields: [String: String]? = nil) {
        write(MetricsRecord(time: Date().timeIntervalSince1970, experiment: experiment, event: nil, step: step,
                            values: values, fields: fields))
    }

    /// Logs a named event with optional text fields and values.
    public func event(_ name: String, fields: [String: String]? = nil, values: [String: Double]? = nil) {
        write(MetricsRecord(time: Date().timeIntervalSince1970, experiment: experiment, event: name, step: nil,
                            values: values, fields: fields))
    }
}

/// Appends records to a JSON-lines file. Thread-safe; each record is one `write(2)` to a file
/// opened in append mode, so lines from the runner and from a child process never interleave.
public final class MetricsLog: @unchecked Sendable {
    private let handle: FileHandle?
    private let lock = NSLock()
    public let url: URL

    public init(url: URL) {
        self.url = url
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        handle = try? FileHandle(forWritingTo: url)
        _ = try? handle?.seekToEnd()
    }

    deinit { try? handle?.close() }

    public func append(_ record: MetricsRecord) {
        guard let handle, var data = try? LabJSON.lineEncoder.encode(record) else { return }
        data.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: data)
    }

    /// A sink writing into this log on behalf of `experiment`.
    public func sink(experiment: String?) -> MetricsSink {
        MetricsSink(experiment: experiment) { [self] record in append(record) }
    }

    /// Every record in a metrics file (lines that do not parse are skipped).
    public static func read(_ url: URL) -> [MetricsRecord] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? LabJSON.decoder.decode(MetricsRecord.self, from: Data($0.utf8)) }
    }
}
