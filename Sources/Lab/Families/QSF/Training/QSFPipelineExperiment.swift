import Foundation
import Models
import TensorCore

/// Trains the four QSF stages and the transformer baseline (seed 001 Tables 2–3) and reports
/// losses with paired errors, parameter counts, throughput, samples and curves. Its
/// checkpoints (in `pipeline/<stage>/`) and prepared data (`data/`) feed the spectrum
/// experiments.
public struct QSFPipelineExperiment: Experiment {
    public static let experimentID = "qsf.pipeline"
    public let id = QSFPipelineExperiment.experimentID
    public let title = "QSF progressive training (seed 001 Tables 2–3)"
    public var dependencies: [String] { [CorpusExperiment.experimentID] }
    /// Overrides the scale's step count (e.g. to run a few steps at `paper` scale).
    public var steps: Int?

    public init(steps: Int? = nil) { self.steps = steps }

    /// The checkpoint folder of one stage in a run directory that ran this experiment:
    /// RUN_DIR/experiments/qsf.pipeline/replicate-<r>/pipeline/<stage> (or, in runs without
    /// replicates, RUN_DIR/experiments/qsf.pipeline/pipeline/<stage>).
    public static func stageFolder(runDirectory: URL, stage: String, replicate: Int = 1) -> URL {
        let run = RunDirectory(existing: runDirectory)
        let inside = "pipeline/\(stage)"
        let task = run.finishedTaskDirectory("qsf.pipeline", replicate: replicate, holding: inside)
            ?? run.taskDirectory("qsf.pipeline", replicate: replicate)
        return task.appendingPathComponent(inside)
    }

    static let stageOrder = ["transformer", "fnet", "koopman", "qsf", "hamiltonian", "qsf-no-anneal", "transformer-3x"]
    static let seedTable: [String: (params: String, loss: Double, perplexity: Double)] = [
        "transformer": ("36.3M", 2.73, 15.3), "fnet": ("42.5M", 3.68, 39.6), "koopman": ("36.0M", 2.73, 15.3),
        "qsf": ("29.4M", 2.08, 8.0), "hamiltonian": ("29.4M", 3.76, 43.0),
    ]
    static let seedSamples: [String: String] = [
        "transformer": "there was a big house in a big house with many toys. One day, a little girl named Lily. She was very happy because she was very curious…",
        "fnet": "both laughed and down and fluffy. Once upon a dull. She said, I will help, you how to play with joy…",
        "koopman": "there was a little girl called out, and said, call for a time there was sad and always remembered what do…",
        "qsf": "there was a boy named Timmy. Timmy loved to play with his cars and trucks. One day, Timmy’s mom told him…",
        "hamiltonian": "were Everyone been very pair Joezhello saableuckSince because from money wide once ledent who vanilla…",
    ]

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var scale = QSFPipelineScale.at(context.scale, seed: context.seed)
        if let steps { scale.settings.training.steps = steps }
        let dataFolder = try context.artifact(CorpusExperiment.dataArtifact, of: CorpusExperiment.experimentID)
        let data = try PreparedData.load(from: dataFolder)
        let pipeline = QSFPipeline(settings: scale.settings)
        let metrics = context.metrics
        let results = try pipeline.run(
            data: data, folder: context.directory.appendingPathComponent("pipeline"), log: context.log,
            onRecord: { stage, record in
                var values: [String: Double] = [:]
                if let v = record.loss { values["loss"] = v }
                if let v = record.validationLoss { values["val_loss"] = v }
                if let v = record.learningRate { values["lr"] = v }
                if let v = record.gradientNorm { values["grad_norm"] = v }
                if let v = record.tokensPerSecond { values["tokens_per_s"] = v }
                if let v = record.annealing { values["anneal"] = v }
                for (i, g) in (record.gamma ?? []).enumerated() { values["gamma.\(i)"] = g }
                metrics.log(values, step: record.step, fields: ["stage": stage, "kind": record.kind.rawValue])
            })
        let training = scale.settings.training
        var output = QSFPipelineReport(results: results, data: data, scale: context.scale,
                                       relativeFolder: context.artifactPath(context.directory),
                                       tokensPerStage: training.steps * training.batchSize * training.accumulation * training.contextLength).output()
        // The corpus stays the run's; the pipeline passes it on to the experiments that read its models.
        output.artifacts[CorpusExperiment.dataArtifact] = context.artifactPath(dataFolder)
        return output
    }
}
