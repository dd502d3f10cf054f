import Foundation
import TensorCore

/// Everything a claims run produced, written as `results.json`.
///
/// Measurements are the results; verdicts (`claims`) are stored only for machine readers at the
/// time of writing — `attnlab report` recomputes them from the measurements with the current
/// registry, so a corrected rule never needs a re-run.
public struct RunResults: Codable, Sendable {
    /// 2: experiments carry their replicates; claims their evidence kind, scale and per-seed verdicts.
    public var schemaVersion = 2
    public var config: RunConfiguration
    public var startedAt: String
    public var finishedAt: String
    /// Wall time of the whole run.
    public var seconds: Double
    /// Every experiment of the run, in run order.
    public var experiments: [ExperimentRecord]
    /// The verdicts as computed when the file was written.
    public var claims: [ClaimRecord]

    public init(
        config: RunConfiguration, startedAt: String, finishedAt: String, seconds: Double,
        experiments: [ExperimentRecord], claims: [ClaimRecord]
    ) {
        self.config = config
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.seconds = seconds
        self.experiments = experiments
        self.claims = claims
    }

    public func experiment(_ id: String) -> ExperimentRecord? { experiments.first { $0.id == id } }

    /// Whether any experiment failed (the run's exit status is non-zero then).
    public var hasFailures: Bool { experiments.contains { $0.status != .succeeded } }

    /// Reads a `results.json`, with a clear error naming the file when it is missing or malformed.
    public static func load(_ url: URL) throws -> RunResults {
        try LabJSON.load(RunResults.self, from: url, what: "an attnlab results.json", unreadableHint: "; is this an attnlab run directory?")
    }
}

/// One experiment's outcome in a run.
public struct ExperimentRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case succeeded
        /// Threw an error or crashed; `error` says how.
        case failed
        /// Not run because a dependency failed.
        case skipped
    }

    public var id: String
    public var title: String
    public var status: Status
    /// The error text (thrown error, or the crash message and exit status of the child process).
    public var error: String?
    public var startedAt: String?
    public var seconds: Double
    public var measurements: [String: Measurement]
    public var tables: [ReportTable]
    public var notes: [String]
    /// Figures, each written to `file` (relative to the run directory).
    public var figures: [FigureRecord]
    public var artifacts: [String: String]
    /// The trained model behind the measurements (the first replicate's), when there is one.
    public var trainedScale: ModelScale?
    /// The replicates at the run's derived seeds (nil for an experiment that ran once, and in
    /// runs written before replicates existed). `measurements` then pools them (`SeedPooling`);
    /// figures, tables, notes and artefacts are the first replicate's.
    public var replicates: [ReplicateRecord]?

    public init(
        id: String, title: String, status: Status, error: String? = nil, startedAt: String? = nil,
        seconds: Double = 0, output: ExperimentOutput = ExperimentOutput(), figures: [FigureRecord] = [],
        replicates: [ReplicateRecord]? = nil
    ) {
        self.id = id
        self.title = title
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.seconds = seconds
        self.measurements = output.measurements
        self.tables = output.tables
        self.notes = output.notes
        self.figures = figures
        self.artifacts = output.artifacts
        self.trainedScale = output.trainedScale
        self.replicates = replicates
    }

    /// The evidence a rule judges: pooled, and one set per replicate (empty when the experiment ran once).
    public func evidence(scale: Scale) -> (pooled: Evidence, perSeed: [(seed: UInt64, evidence: Evidence)]) {
        let pooled = Evidence(measurements: measurements, scale: scale, trainedScale: trainedScale)
        let perSeed = (replicates ?? []).filter { $0.status == .succeeded }.map {
            (seed: $0.seed, evidence: Evidence(measurements: $0.measurements, scale: scale, trainedScale: $0.trainedScale ?? trainedScale))
        }
        return (pooled, perSeed)
    }
}

/// One replicate of an experiment: its seed, outcome and measurements.
public struct ReplicateRecord: Codable, Sendable, Equatable {
    /// 1…K.
    public var index: Int
    public var seed: UInt64
    public var status: ExperimentRecord.Status
    public var error: String?
    public var seconds: Double
    public var measurements: [String: Measurement]
    public var trainedScale: ModelScale?

    public init(
        index: Int, seed: UInt64, status: ExperimentRecord.Status, error: String? = nil, seconds: Double,
        measurements: [String: Measurement] = [:], trainedScale: ModelScale? = nil
    ) {
        self.index = index
        self.seed = seed
        self.status = status
        self.error = error
        self.seconds = seconds
        self.measurements = measurements
        self.trainedScale = trainedScale
    }
}

/// A figure as stored in results.json: the SVG lives in `file`.
public struct FigureRecord: Codable, Sendable, Equatable {
    public var name: String
    public var caption: String
    /// Path relative to the run directory, "figures/<name>.svg".
    public var file: String
}

/// A claim's verdict as computed when results.json was written.
public struct ClaimRecord: Codable, Sendable, Equatable {
    public var id: String
    public var seed: String
    public var section: String
    public var statement: String
    public var claimed: String
    public var experiment: String?
    /// The verdict rule in words.
    public var rule: String
    /// reproduced, contradicted, inconclusive, untestable, not yet implemented, failed.
    public var verdict: String
    public var reason: String
    /// The measurements the rule reads.
    public var measured: [String: Measurement]
    /// identity, simulation or trained model (nil in runs written before evidence kinds).
    public var evidence: String?
    /// For trained-model claims: "universal" or "seed's models", and the seed's words.
    public var scope: String?
    public var scopeQuote: String?
    /// The measured model's scale, and the seed's when the claim is about its own models.
    public var measuredScale: ModelScale?
    public var seedScale: ModelScale?
    /// The rule's verdict at each replicate's seed, beside the pooled one.
    public var seedVerdicts: [SeedVerdict]?
}

/// A rule's verdict on one replicate's measurements.
public struct SeedVerdict: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var verdict: String
    public var reason: String
}

extension ReportTable: Equatable {
    public static func == (a: ReportTable, b: ReportTable) -> Bool {
        a.title == b.title && a.header == b.header && a.rows == b.rows
    }
}
