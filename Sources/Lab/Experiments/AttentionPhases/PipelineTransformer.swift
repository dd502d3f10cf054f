import Foundation
import Models
import TensorCore

/// The trained transformer baseline of `qsf.pipeline` and its prepared data, found from the
/// pipeline's output (in an experiment) or from a run directory on disk (the CLI; an
/// `attnlab train` folder with a transformer checkpoint works too).
///
/// The pipeline names its artefacts relative to the run's `experiments/` folder
/// ("qsf.pipeline/pipeline/transformer"); paths relative to the run directory itself, and
/// absolute paths, are accepted too.
public struct PipelineTransformer {
    public var model: LanguageModel<Float>
    public var manifest: Checkpoint.Manifest
    public var data: PreparedData
    /// The checkpoint folder it was read from.
    public var checkpoint: URL

    public static let pipelineID = "qsf.pipeline"

    /// From the pipeline's `ExperimentOutput` in a run.
    public static func load(from output: ExperimentOutput, runDirectory: URL) throws -> PipelineTransformer {
        guard let checkpoint = output.artifacts["checkpoint.transformer"] else {
            throw LabError.badFile(runDirectory.path, "has no transformer checkpoint from \(pipelineID) (artifact 'checkpoint.transformer' missing)")
        }
        guard let data = output.artifacts["data"] else {
            throw LabError.badFile(runDirectory.path, "has no prepared data from \(pipelineID) (artifact 'data' missing)")
        }
        return try load(checkpoint: resolve(checkpoint, runDirectory: runDirectory),
                        data: resolve(data, runDirectory: runDirectory))
    }

    /// From a run directory written by `attnlab claims check` that ran `qsf.pipeline`, or from
    /// an `attnlab train` output folder (checkpoint/ and data/).
    public static func load(runDirectory: URL) throws -> PipelineTransformer {
        let trained = runDirectory.appendingPathComponent("checkpoint")
        if FileManager.default.fileExists(atPath: trained.appendingPathComponent(Checkpoint.configFile).path) {
            return try load(checkpoint: trained, data: runDirectory.appendingPathComponent("data"))
        }
        let folder = runDirectory.appendingPathComponent("experiments").appendingPathComponent(pipelineID)
        if let output = RunDirectory(existing: runDirectory).output(of: pipelineID) {
            return try load(from: output, runDirectory: runDirectory)
        }
        let checkpoint = QSFPipelineExperiment.stageFolder(runDirectory: runDirectory, stage: "transformer")
        guard FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent(Checkpoint.configFile).path) else {
            throw LabError.badFile(runDirectory.path, "is not a run directory whose \(pipelineID) trained a transformer "
                                   + "(expected \(checkpoint.path)/\(Checkpoint.configFile)); run `attnlab claims check "
                                   + "attn.heat-capacity-peak` to make one")
        }
        return try load(checkpoint: checkpoint, data: folder.appendingPathComponent("data"))
    }

    /// From a checkpoint folder and a prepared-data folder.
    public static func load(checkpoint: URL, data: URL) throws -> PipelineTransformer {
        let manifest = try Checkpoint.manifest(in: checkpoint)
        guard manifest.model.architecture == .transformer else {
            throw LabError.badFile(checkpoint.path, "holds a \(manifest.model.architecture.rawValue) model; softmax attention needs a transformer")
        }
        var rng = SeededRNG(seed: 0)
        let model = try LanguageModel<Float>(config: manifest.model, rng: &rng)
        try Checkpoint.readModel(into: model, from: checkpoint.appendingPathComponent(Checkpoint.modelFile))
        let prepared = try PreparedData.load(from: data)
        return PipelineTransformer(model: model, manifest: manifest, data: prepared, checkpoint: checkpoint)
    }

    /// An artefact path: absolute, relative to the run directory, or relative to its experiments/.
    static func resolve(_ path: String, runDirectory: URL) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        let direct = runDirectory.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: direct.path) { return direct }
        return runDirectory.appendingPathComponent("experiments").appendingPathComponent(path)
    }

    /// The first `batch` non-overlapping validation windows of length `length` (B, T).
    public static func validationTokens(_ data: PreparedData, batch: Int, length: Int) throws -> (tokens: [Int32], batch: Int) {
        guard let first = data.validation.evaluationBatches(batchSize: batch, contextLength: length, maxBatches: 1).first else {
            throw LabError.badFile("validation split", "is shorter than one window of \(length) tokens")
        }
        return (first.inputs, first.batchSize)
    }
}
