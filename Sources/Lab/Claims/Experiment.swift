import Foundation

/// An experiment: runs a system at a scale and reports measurements, figures and tables.
///
/// Claims point at experiments by `id`; several claims can share one experiment. An
/// experiment that needs another's artefacts (trained checkpoints, say) lists it in
/// `dependencies`; the runner runs those first and passes their outputs in the context.
public protocol Experiment: Sendable {
    /// Stable identifier, e.g. "kpz.growth".
    var id: String { get }
    /// Title of its section in the report.
    var title: String { get }
    /// Experiments whose outputs this one reads.
    var dependencies: [String] { get }
    /// Runs the experiment. Throwing marks every claim it measures as `failed`.
    func run(_ context: ExperimentContext) throws -> ExperimentOutput
}

extension Experiment {
    public var dependencies: [String] { [] }
}

/// What an experiment is given.
public struct ExperimentContext: Sendable {
    public var scale: Scale
    /// Master seed of the run; experiments derive their generators from it.
    public var seed: UInt64
    /// The experiment's own folder inside the run directory (created before `run`).
    public var directory: URL
    /// The run directory.
    public var runDirectory: URL
    /// Outputs of the experiments listed in `dependencies`, by id.
    public var dependencyOutputs: [String: ExperimentOutput]
    /// Progress and log lines.
    public var log: @Sendable (String) -> Void
    /// Metrics sink: `context.metrics.log(["loss": 2.31], step: 100)` appends a line to the
    /// run's metrics.jsonl (training curves, sweep points). Discards outside a run.
    public var metrics: MetricsSink = .discard

    public init(scale: Scale, seed: UInt64, directory: URL, runDirectory: URL,
                dependencyOutputs: [String: ExperimentOutput] = [:], log: @escaping @Sendable (String) -> Void) {
        self.scale = scale
        self.seed = seed
        self.directory = directory
        self.runDirectory = runDirectory
        self.dependencyOutputs = dependencyOutputs
        self.log = log
    }
}

/// What an experiment returns.
public struct ExperimentOutput: Sendable, Codable {
    /// Named measurements; claim rules look them up by name.
    public var measurements: [String: Measurement]
    /// Figures (SVG), written to figures/ and inlined in the HTML report.
    public var figures: [Figure]
    /// Tables for the report.
    public var tables: [ReportTable]
    /// Free-text observations, in order.
    public var notes: [String]
    /// Files the experiment wrote, relative to the run directory (checkpoints, data …).
    public var artifacts: [String: String]

    public init(measurements: [String: Measurement] = [:], figures: [Figure] = [], tables: [ReportTable] = [],
                notes: [String] = [], artifacts: [String: String] = [:]) {
        self.measurements = measurements
        self.figures = figures
        self.tables = tables
        self.notes = notes
        self.artifacts = artifacts
    }
}

/// A figure: an SVG document with a caption.
public struct Figure: Sendable, Codable {
    /// File name stem, unique within the run ("kpz-width").
    public var name: String
    public var caption: String
    /// A complete SVG document.
    public var svg: String

    public init(name: String, caption: String, svg: String) {
        self.name = name
        self.caption = caption
        self.svg = svg
    }
}

/// A table for the report.
public struct ReportTable: Sendable, Codable {
    public var title: String
    public var header: [String]
    public var rows: [[String]]

    public init(title: String, header: [String], rows: [[String]]) {
        self.title = title
        self.header = header
        self.rows = rows
    }
}
