import Foundation

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
        write(MetricsRecord(time: Date().timeIntervalSince1970, experiment: experiment, replicate: replicate, event: nil, step: step,
                            values: values, fields: fields))
    }

    /// Logs a named event with optional text fields and values.
    public func event(_ name: String, fields: [String: String]? = nil, values: [String: Double]? = nil) {
        write(MetricsRecord(time: Date().timeIntervalSince1970, experiment: experiment, replicate: replicate, event: name, step: nil,
                            values: values, fields: fields))
    }
}

/// Appends records to a JSON-lines file. Thread-safe; each record is one `write(2)` to a file
/// opened with O_APPEND, so lines from the runner and from child processes running at the same
/// time never overwrite or interleave with each other.
public final class MetricsLog: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    public let url: URL

    public init(url: URL) {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    public func append(_ record: MetricsRecord) {
        guard descriptor >= 0, var data = try? LabJSON.lineEncoder.encode(record) else { return }
        data.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        _ = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
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
