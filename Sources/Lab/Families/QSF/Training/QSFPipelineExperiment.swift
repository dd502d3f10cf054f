import Foundation
import Models
import TensorCore

/// Trains the four QSF stages and the transformer baseline on the run's corpus (seed 001
/// Tables 2–3), compares their validation losses window by window, and times the trained
/// Stage III, Stage IV and transformer steps interleaved in this process. Its checkpoints
/// (`pipeline/<stage>/`, artefacts `checkpoint.<stage>`) and the corpus it passes on (`data`)
/// feed the experiments that read trained models (`RunModels`).
public struct QSFPipelineExperiment: RegisteredExperiment {
    public static let experimentID = "qsf.pipeline"
    public let title = "QSF progressive training (seed 001 Tables 2–3)"
    public var dependencies: [String] { [CorpusExperiment.experimentID] }
    /// Overrides the scale's step count (e.g. to run a few steps at `paper` scale).
    public var steps: Int?
    /// Overrides the peak learning rate of named stages (`QSFPipeline.Settings.stageLearningRates`).
    public var stageLearningRates: [String: Double]?

    public init(steps: Int? = nil, stageLearningRates: [String: Double]? = nil) {
        self.steps = steps
        self.stageLearningRates = stageLearningRates
    }

    /// The checkpoint folder of one stage in a run directory that ran this experiment:
    /// RUN_DIR/experiments/qsf.pipeline/replicate-<r>/pipeline/<stage> (or, in runs without
    /// replicates, RUN_DIR/experiments/qsf.pipeline/pipeline/<stage>).
    public static func stageFolder(runDirectory: URL, stage: String, replicate: Int = 1) -> URL {
        let run = RunDirectory(existing: runDirectory)
        let inside = "pipeline/\(stage)"
        let task =
            run.finishedTaskDirectory(experimentID, replicate: replicate, holding: inside)
            ?? run.taskDirectory(experimentID, replicate: replicate)
        return task.appendingPathComponent(inside)
    }

    /// The stages whose training steps are timed against each other, in this order.
    static let timedStages: [QSFStage] = [.transformer, .qsf, .hamiltonian]

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var scale = QSFPipelineScale.at(context.scale, seed: context.seed)
        if let steps { scale.settings.training.steps = steps }
        if let stageLearningRates { scale.settings.stageLearningRates = stageLearningRates }
        let corpus = try RunModels(context)
        let data = try corpus.data()
        let pipeline = QSFPipeline(settings: scale.settings)
        let folder = context.directory.appendingPathComponent("pipeline")
        let metrics = context.metrics
        let results = try pipeline.run(
            data: data, folder: folder, log: context.log,
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
        var measurements = QSFPipelineMeasurements(results: results, seed: context.seed).measurements
        var notes: [String] = []
        do {
            let seconds = try timeSteps(pipeline, results: results, data: data, folder: folder, timing: scale.timing)
            let training = scale.settings.training
            let tokensPerStep = training.batchSize * training.contextLength * training.accumulation
            for (key, m) in Self.throughputMeasurements(seconds, tokensPerStep: tokensPerStep) { measurements[key] = m }
            notes.append(
                "Step throughput: \(scale.timing.rounds) rounds, each timing \(scale.timing.stepsPerRound) training steps "
                    + "(after \(scale.timing.warmupSteps) untimed) of the trained transformer, Stage III and Stage IV in turn, "
                    + "in one process; a ratio is the geometric mean of its per-round ratios.")
        } catch {
            notes.append("Step throughput was not measured: \(error)")
        }
        let report = QSFPipelineReport(
            results: results, data: data, settings: scale.settings, scale: context.scale,
            measurements: measurements)
        var output = ExperimentOutput(
            measurements: measurements, figures: report.figures(), tables: report.tables(),
            notes: report.notes() + notes)
        // The corpus stays the run's; the pipeline passes it on to the experiments that read its models.
        output.artifacts[CorpusExperiment.dataArtifact] = context.artifactPath(corpus.dataFolder)
        for r in results {
            let key = Self.checkpointArtifact(r.name)
            if let why = Self.unavailableReason(r) {
                output.unavailableArtifacts[key] = why
            } else {
                output.artifacts[key] = context.artifactPath(folder.appendingPathComponent(r.checkpoint))
            }
        }
        output.trainedScale = report.trainedScale
        return output
    }

    /// The artefact key of a stage's checkpoint folder ("checkpoint.qsf").
    static func checkpointArtifact(_ stage: String) -> String { "checkpoint.\(stage)" }

    /// Why a stage has no checkpoint to pass on ("Stage III (qsf) diverged at step 595 during
    /// LayerNorm annealing in qsf.pipeline"), nil when it trained.
    static func unavailableReason(_ r: QSFPipeline.StageResult) -> String? {
        guard let reason = r.untrainedReason else { return nil }
        let title = QSFStage(rawValue: r.name).map { "\($0.title) (\(r.name))" } ?? r.name
        let annealing = r.divergence?.duringAnnealing == true ? " during LayerNorm annealing" : ""
        return "\(title) \(reason)\(annealing) in \(experimentID)"
    }

    /// Seconds per step (R rounds, one column per `timedStages`) of the trained models, each
    /// loaded from its checkpoint and stepped with its stage's training configuration.
    func timeSteps(
        _ pipeline: QSFPipeline, results: [QSFPipeline.StageResult], data: PreparedData, folder: URL,
        timing: StepThroughput
    ) throws -> [[Double]] {
        let trainers = try Self.timedStages.map { stage in
            guard let result = results.first(where: { $0.name == stage.rawValue }),
                let config = pipeline.trainingConfig(stage: stage.rawValue)
            else {
                throw LabError.missingArtifact(key: Self.checkpointArtifact(stage.rawValue), experiment: id, why: "the stage was not trained")
            }
            if let why = Self.unavailableReason(result) {
                throw LabError.unavailableArtifact(key: Self.checkpointArtifact(stage.rawValue), experiment: id, why: why)
            }
            let model = try RunModels.loadModel(checkpoint: folder.appendingPathComponent(result.checkpoint))
            return try Trainer(model: model, config: config, train: data.train, validation: data.validation)
        }
        return try timing.secondsPerStep(trainers)
    }

    /// The timed tokens/s of each stage and the two ratios the throughput claim reads.
    static func throughputMeasurements(_ seconds: [[Double]], tokensPerStep: Int) -> [String: Measurement] {
        var m: [String: Measurement] = [:]
        for (i, stage) in timedStages.enumerated() {
            m[QSFTrainingKey.stepTokensPerSecond(stage)] = StepThroughput.tokensPerSecond(
                seconds, i, tokensPerStep: tokensPerStep, label: "training-step tokens/s of \(stage.rawValue), timed interleaved")
        }
        let (transformer, iii, iv) = (0, 1, 2)  // the columns of `timedStages`
        m[QSFTrainingKey.qsfThroughput] = StepThroughput.ratio(
            seconds, iii, transformer,
            label: "Stage III / transformer step tokens/s (interleaved)")
        m[QSFTrainingKey.hamiltonianThroughput] = StepThroughput.ratio(
            seconds, iv, iii,
            label: "Stage IV / Stage III step tokens/s (interleaved)")
        return m
    }
}
