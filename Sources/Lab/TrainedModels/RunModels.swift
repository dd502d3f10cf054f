import Foundation
import Models
import TensorCore

/// The one way Lab reaches the models and data a run trained: the QSF pipeline's stage
/// checkpoints and the run's prepared corpus, from an experiment's dependencies (inside a run)
/// or from a run directory on disk (the CLI: `attnlab spectrum RUN`, `thermo … RUN` …).
///
/// Inside a run the artefacts come through `ExperimentContext.artifact(_:of:)`, which checks that
/// each path stays inside the run directory. On disk, a run directory written by `claims check`
/// or `reproduce qsf` (replicate 1, or the one asked for) and an `attnlab train` output folder
/// (checkpoint/ and data/) both work.
public struct RunModels: Sendable {
    public static let pipelineID = QSFPipelineExperiment.experimentID

    /// Checkpoint folder of each trained stage ("transformer", "qsf", "hamiltonian" …).
    public var checkpoints: [String: URL]
    /// The prepared corpus (vocab.json, merges.txt, train.bin, val.bin).
    public var dataFolder: URL
    /// Why a stage the pipeline ran has no checkpoint (it diverged, or was initialised from one
    /// that did), by stage.
    public var unavailable: [String: String]

    public init(checkpoints: [String: URL], dataFolder: URL, unavailable: [String: String] = [:]) {
        self.checkpoints = checkpoints
        self.dataFolder = dataFolder
        self.unavailable = unavailable
    }

    /// The stages of `output`'s `checkpoint.<stage>` keys the pipeline could not make, with why.
    static func unavailableStages(_ output: ExperimentOutput) -> [String: String] {
        var stages: [String: String] = [:]
        for (key, why) in output.unavailableArtifacts where key.hasPrefix("checkpoint.") { stages[String(key.dropFirst("checkpoint.".count))] = why }
        return stages
    }

    /// The models and data an experiment's dependencies provide: the pipeline's stages when it
    /// depends on `qsf.pipeline`, and the corpus from the pipeline or from `corpus`.
    public init(_ context: ExperimentContext) throws {
        var checkpoints: [String: URL] = [:]
        var unavailable: [String: String] = [:]
        if let pipeline = context.dependencyOutputs[Self.pipelineID] {
            for (key, _) in pipeline.artifacts where key.hasPrefix("checkpoint.") {
                checkpoints[String(key.dropFirst("checkpoint.".count))] = try context.artifact(key, of: Self.pipelineID)
            }
            unavailable = Self.unavailableStages(pipeline)
        }
        let source = context.dependencyOutputs[CorpusExperiment.experimentID] != nil ? CorpusExperiment.experimentID : Self.pipelineID
        self.init(
            checkpoints: checkpoints, dataFolder: try context.artifact(CorpusExperiment.dataArtifact, of: source),
            unavailable: unavailable)
    }

    /// The models and data of a run directory on disk (replicate `replicate` of a replicated run),
    /// or of an `attnlab train` output folder.
    public init(runDirectory: URL, replicate: Int = 1) throws {
        let trained = runDirectory.appendingPathComponent("checkpoint")
        if FileManager.default.fileExists(atPath: trained.appendingPathComponent(Checkpoint.configFile).path) {
            let manifest = try Checkpoint.manifest(in: trained)
            self.init(checkpoints: [manifest.model.architecture.rawValue: trained], dataFolder: runDirectory.appendingPathComponent("data"))
            return
        }
        let run = RunDirectory(existing: runDirectory)
        guard let output = run.output(of: Self.pipelineID, replicate: replicate) else {
            throw LabError.badFile(
                runDirectory.path,
                "is neither a run directory whose \(Self.pipelineID) finished (no "
                    + "experiments/\(Self.pipelineID)/replicate-\(replicate)/output.json) nor an `attnlab train` folder "
                    + "(no checkpoint/\(Checkpoint.configFile)); `attnlab reproduce qsf` makes one")
        }
        func inside(_ path: String) throws -> URL {
            switch RunDirectory.locate(artifact: path, in: run.url) {
            case .found(let url): return url
            case .outside: throw LabError.badFile(runDirectory.path, "names an artefact outside itself ('\(path)')")
            case .missing: throw LabError.badFile(runDirectory.path, "lacks the artefact '\(path)' its \(Self.pipelineID) reported")
            }
        }
        var checkpoints: [String: URL] = [:]
        for (key, path) in output.artifacts where key.hasPrefix("checkpoint.") {
            checkpoints[String(key.dropFirst("checkpoint.".count))] = try inside(path)
        }
        guard let data = output.artifacts[CorpusExperiment.dataArtifact] else {
            throw LabError.badFile(runDirectory.path, "has no prepared data from \(Self.pipelineID)")
        }
        self.init(checkpoints: checkpoints, dataFolder: try inside(data), unavailable: Self.unavailableStages(output))
    }

    /// The checkpoint folder of `stage`, or an error naming the stages there are.
    public func checkpoint(_ stage: String) throws -> URL {
        guard let url = checkpoints[stage] else {
            if let why = unavailable[stage] {
                throw LabError.unavailableArtifact(key: "checkpoint.\(stage)", experiment: Self.pipelineID, why: why)
            }
            let known = checkpoints.keys.sorted().joined(separator: ", ")
            throw LabError.missingArtifact(
                key: "checkpoint.\(stage)", experiment: Self.pipelineID,
                why: "the run trained \(known.isEmpty ? "no model" : known)")
        }
        return url
    }

    /// The stages of `stages` (with their index in it) that have a checkpoint, leaving out, with a
    /// note in `out` naming why, those the pipeline could not train (a diverged stage and the
    /// stages initialised from it), so that an experiment measuring several models still measures
    /// the ones there are. Throws when none of them is available.
    public func measurable(_ stages: [String], notingIn out: inout ExperimentOutput, log: (String) -> Void) throws -> [(index: Int, stage: String)] {
        var kept: [(index: Int, stage: String)] = []
        for (index, stage) in stages.enumerated() {
            if checkpoints[stage] == nil, let why = unavailable[stage] {
                let note = "\(stage) not measured: \(why)"
                out.notes.append(note)
                log(note)
                continue
            }
            kept.append((index, stage))
        }
        if kept.isEmpty, let first = stages.first { _ = try checkpoint(first) }
        return kept
    }

    /// The trained model of `stage`.
    public func model(_ stage: String) throws -> LanguageModel<Float> { try Self.loadModel(checkpoint: try checkpoint(stage)) }

    /// The run's prepared corpus.
    public func data() throws -> PreparedData { try PreparedData.load(from: dataFolder) }

    /// The model stored in a checkpoint folder (config.json + model.safetensors), through
    /// `Checkpoint.loadModel`, the one way a checkpoint becomes a model.
    public static func loadModel(checkpoint folder: URL) throws -> LanguageModel<Float> {
        try Checkpoint.loadModel(from: folder).model
    }
}
