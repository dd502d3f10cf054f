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
    /// Whether the experiment runs once, or once per derived seed of the run.
    var replication: Replication { get }
    /// The fewest replicates its claims need at `scale` to be decided, when the run's K seeds
    /// are too few (nil: K). A replicated experiment runs at max(K, this) seeds, and so does
    /// every replicated experiment it reads (replicate r reads replicate r).
    func minimumReplicates(at scale: Scale) -> Int?
    /// Runs the experiment. Throwing marks every claim it measures as `failed`.
    func run(_ context: ExperimentContext) throws -> ExperimentOutput
}

/// How an experiment meets the verdict standard "a verdict must not depend on the master seed".
public enum Replication: String, Sendable, Codable {
    /// Every experiment that trains or samples: it runs at each of the run's K derived seeds
    /// (`--seeds K`), each replicate in its own folder, and the claims read measurements pooled
    /// over the replicates (`SeedPooling`) and are judged at every seed too.
    case perSeed
    /// Deterministic: no random number is drawn, so one run stands for every seed.
    case once
}

extension Experiment {
    public var dependencies: [String] { [] }
    public var replication: Replication { .perSeed }
    public func minimumReplicates(at scale: Scale) -> Int? { nil }
}

/// An experiment of the registry (`ClaimFamily.experiments`): its id is a constant of its type,
/// the symbol by which its claims and the experiments that depend on it name it
/// (`experiment: BranchingExperiment.experimentID`), so grep leads from one to the other.
public protocol RegisteredExperiment: Experiment {
    static var experimentID: String { get }
}

extension RegisteredExperiment {
    public var id: String { Self.experimentID }
}

/// What an experiment is given.
public struct ExperimentContext: Sendable {
    public var scale: Scale
    /// This replicate's seed (derived from the run's master seed, `SeedSchedule`); experiments
    /// derive their generators from it.
    public var seed: UInt64
    /// Which replicate this is (1…K), nil for an experiment that runs once.
    public var replicate: Int?
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

    public init(
        scale: Scale, seed: UInt64, replicate: Int? = nil, directory: URL, runDirectory: URL,
        dependencyOutputs: [String: ExperimentOutput] = [:], log: @escaping @Sendable (String) -> Void
    ) {
        self.scale = scale
        self.seed = seed
        self.replicate = replicate
        self.directory = directory
        self.runDirectory = runDirectory
        self.dependencyOutputs = dependencyOutputs
        self.log = log
    }
}

extension ExperimentContext {
    /// A file or folder the experiment wrote, as an artefact path: relative to the run directory.
    public func artifactPath(_ url: URL) -> String {
        let base = runDirectory.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        precondition(path.hasPrefix(base + "/"), "artefact \(path) lies outside the run directory \(base)")
        return String(path.dropFirst(base.count + 1))
    }

    /// The measurements of dependency `experiment` (the estimator's validation on reference
    /// systems), each named `validation.<name>`: a trained-model experiment carries them over so
    /// that its claim's rule can gate on them. Empty when the dependency's output is not available.
    func validationMeasurements(of experiment: String) -> [String: Measurement] {
        var measurements: [String: Measurement] = [:]
        for (key, m) in dependencyOutputs[experiment]?.measurements ?? [:] { measurements["validation." + key] = m }
        return measurements
    }

    /// The artefact `key` of dependency `experiment`, as a URL inside the run directory. Throws,
    /// naming both, when the dependency did not run, did not report the key, or its path leaves
    /// the run directory or does not exist. Paths of runs written before artefacts were
    /// run-relative (relative to `experiments/`) are still found.
    public func artifact(_ key: String, of experiment: String) throws -> URL {
        guard let output = dependencyOutputs[experiment] else {
            throw LabError.missingArtifact(key: key, experiment: experiment, why: "the experiment's output is not available here")
        }
        guard let path = output.artifacts[key] else {
            if let why = output.unavailableArtifacts[key] { throw LabError.unavailableArtifact(key: key, experiment: experiment, why: why) }
            let known = output.artifacts.keys.sorted().joined(separator: ", ")
            throw LabError.missingArtifact(key: key, experiment: experiment, why: "it reported only: \(known.isEmpty ? "none" : known)")
        }
        switch RunDirectory.locate(artifact: path, in: runDirectory) {
        case .found(let url): return url
        case .outside:
            throw LabError.missingArtifact(key: key, experiment: experiment, why: "its path '\(path)' leaves the run directory")
        case .missing:
            throw LabError.missingArtifact(
                key: key, experiment: experiment,
                why: "'\(path)' does not exist in \(runDirectory.standardizedFileURL.path)")
        }
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
    /// Files the experiment wrote, relative to the run directory (checkpoints, data …);
    /// `ExperimentContext.artifactPath` makes them, `artifact(_:of:)` reads them back.
    public var artifacts: [String: String]
    /// The trained model its measurements come from (parameters, tokens, corpus), when there is
    /// one. An experiment that reports none inherits the largest of its dependencies'.
    public var trainedScale: ModelScale?
    /// Artefacts the experiment could not make, by key, with the result that explains why ("Stage
    /// III (qsf) diverged at step 595 …"); `artifact(_:of:)` throws that reason for them.
    public var unavailableArtifacts: [String: String] {
        get { unavailable ?? [:] }
        set { unavailable = newValue.isEmpty ? nil : newValue }
    }
    /// Stored optional, so output.json files written before it existed still load.
    private var unavailable: [String: String]?

    public init(
        measurements: [String: Measurement] = [:], figures: [Figure] = [], tables: [ReportTable] = [],
        notes: [String] = [], artifacts: [String: String] = [:]
    ) {
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
