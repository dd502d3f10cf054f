import Foundation
import TensorCore

/// The progressive training pipeline of seed 001 §XI (Tables 2–3):
/// Stage I `fnet` → Stage II `koopman` (initialised from I where shapes match) → Stage III
/// `qsf` (from II, with LayerNorm annealing over the last fraction) → Stage IV `hamiltonian`
/// (from III, generators projected to their skew part), plus a `transformer` baseline sized to
/// Stage III's parameter count, and optionally a Stage III twin trained without annealing
/// (to measure what annealing costs). Every stage trains on the same token budget, except the
/// optional `transformer-3x` baseline, which gets Stage III's cumulative three.
///
/// Each stage writes a checkpoint folder; a stage whose finished checkpoint already exists is
/// loaded instead of retrained, so an interrupted pipeline continues where it stopped.
///
/// A stage whose training diverges (a non-finite loss, gradient or weight) is a result, not a
/// failure of the pipeline: its `StageResult` records the step and the error and has no model,
/// the stages initialised from it are not trained (their result says why), and every other
/// stage trains. A diverged stage stays diverged when the pipeline is run again in its folder.
public struct QSFPipeline {
    public struct Settings: Codable, Sendable, Equatable {
        /// The shape shared by all stages (architecture is set per stage).
        public var model: ModelConfig
        public var training: TrainingConfig
        /// Fraction of Stage III/IV steps over which LayerNorm is annealed (seed: 0.15).
        public var annealFraction: Double = 0.15
        /// Also train Stage III without annealing, from the same Stage II weights and seed.
        public var trainUnannealedTwin = true
        /// Size the transformer baseline to Stage III's parameter count.
        public var matchBaselineParameters = true
        /// Also train the baseline for three times the steps ("transformer-3x"): Stage III starts
        /// from Stage II, which starts from Stage I, so it has been trained on three budgets.
        public var trainEqualBudgetBaseline = true
        public var samplePrompt = "Once upon a time"
        public var sampleTokens = 40
        public var sampleTemperature = 0.8
        public var sampleTopK = 40
        public var sampleSeed: UInt64 = 7
        /// Seed of model initialisation.
        public var initSeed: UInt64 = 1
        /// Peak learning rate of individual stages by name (e.g. ["qsf": 1e-3]), replacing
        /// `training.maxLearningRate` for them; nil or absent names: the shared one.
        public var stageLearningRates: [String: Double]?

        public init(model: ModelConfig, training: TrainingConfig) {
            self.model = model
            self.training = training
        }
    }

    public struct StageResult: Codable, Sendable {
        /// "fnet", "koopman", "qsf", "hamiltonian", "transformer", "qsf-no-anneal", "transformer-3x".
        public var name: String
        public var architecture: Architecture
        public var initialisedFrom: String?
        public var config: ModelConfig
        public var parameters: Int
        /// The finished training; nil when the stage diverged or was not trained.
        public var summary: TrainingSummary?
        /// Set when the stage's training diverged: it has no usable model.
        public var divergence: Divergence?
        /// Set when the stage was not trained, with the reason ("initialised from qsf, which
        /// diverged at step 595").
        public var notTrained: String?
        /// Mean loss of each validation window, in stream order (paired across stages); empty
        /// without a trained model.
        public var windowLosses: [Double]
        /// Generated continuation of the sample prompt.
        public var sample: String
        /// The training records (loss curve, γ, evaluations).
        public var records: [TrainingRecord]
        /// Checkpoint folder, relative to the pipeline folder.
        public var checkpoint: String

        /// Whether the stage has a trained model (it neither diverged nor was skipped).
        public var isTrained: Bool { summary != nil }

        /// Why the stage has no trained model ("diverged at step 595", "was not trained:
        /// initialised from qsf, which diverged at step 595"), nil when it has one.
        public var untrainedReason: String? {
            if let divergence { return "diverged at step \(divergence.step)" }
            if let notTrained { return "was not trained: \(notTrained)" }
            return nil
        }
    }

    /// A stage's training that diverged.
    public struct Divergence: Codable, Sendable, Equatable {
        /// The step (from 1) whose loss, gradient or update was not finite.
        public var step: Int
        /// Whether that step was in the stage's LayerNorm annealing.
        public var duringAnnealing: Bool
        /// The trainer's error.
        public var error: String
    }

    public var settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// The stages in training order: (name, architecture, initialised from, anneal fraction,
    /// multiple of the step budget).
    public var stages: [(name: String, architecture: Architecture, from: String?, anneal: Double, budgets: Int)] {
        var list: [(String, Architecture, String?, Double, Int)] = [
            ("fnet", .fnet, nil, 0, 1), ("koopman", .koopman, "fnet", 0, 1),
            ("qsf", .qsf, "koopman", settings.annealFraction, 1), ("hamiltonian", .hamiltonian, "qsf", settings.annealFraction, 1),
            ("transformer", .transformer, nil, 0, 1),
        ]
        if settings.trainUnannealedTwin && settings.annealFraction > 0 { list.append(("qsf-no-anneal", .qsf, "koopman", 0, 1)) }
        if settings.trainEqualBudgetBaseline { list.append(("transformer-3x", .transformer, nil, 0, 3)) }
        return list
    }

    /// The training configuration of the stage named `name` (its annealing and step budget), or
    /// nil when the pipeline has no such stage.
    public func trainingConfig(stage name: String) -> TrainingConfig? {
        stages.first { $0.name == name }.map { trainingConfig(name: $0.name, anneal: $0.anneal, budgets: $0.budgets) }
    }

    private func trainingConfig(name: String, anneal: Double, budgets: Int) -> TrainingConfig {
        var training = settings.training
        training.layerNormAnnealFraction = anneal
        training.steps *= budgets
        if let rate = settings.stageLearningRates?[name] { training.maxLearningRate = rate }
        return training
    }

    /// Runs every stage. `log` gets progress lines; `onRecord` every training record with its stage.
    /// A diverged stage is returned with its `divergence` (and written so, so that a second run
    /// keeps it); only cancellation and errors that are not a divergence are thrown.
    public func run(
        data: PreparedData, folder: URL, log: (String) -> Void = { _ in },
        onRecord: @escaping (String, TrainingRecord) -> Void = { _, _ in },
        onProgress: @escaping (String, TrainingProgress) -> Void = { _, _ in }
    ) throws -> [StageResult] {
        var models: [String: LanguageModel<Float>] = [:]
        var results: [StageResult] = []
        var qsfParameters: Int?
        for stage in stages {
            var config = settings.model
            config.architecture = stage.architecture
            config.vocabularySize = max(config.vocabularySize, data.tokenizer.vocabularySize)
            if stage.architecture == .transformer, settings.matchBaselineParameters, let target = qsfParameters {
                config = config.matchingParameters(target)
            }
            var rng = SeededRNG(seed: settings.initSeed)
            let model = try LanguageModel<Float>(config: config, rng: &rng)
            // Known before training, so the baseline is matched even when Stage III diverges.
            if stage.architecture == .qsf && stage.anneal > 0 { qsfParameters = model.parameterCount }
            func untrained(_ why: String) -> StageResult {
                StageResult(
                    name: stage.name, architecture: stage.architecture, initialisedFrom: stage.from, config: config,
                    parameters: model.parameterCount, summary: nil, divergence: nil, notTrained: why, windowLosses: [],
                    sample: "", records: [], checkpoint: stage.name)
            }
            if let source = stage.from, models[source] == nil,
                let reason = results.first(where: { $0.name == source })?.untrainedReason
            {
                let why = "initialised from \(source), which \(reason)"
                log("\(stage.name): not trained, \(why)")
                results.append(untrained(why))
                continue
            }
            if let source = stage.from, let previous = models[source] { model.initialize(from: previous) }
            let training = trainingConfig(name: stage.name, anneal: stage.anneal, budgets: stage.budgets)
            let checkpoint = folder.appendingPathComponent(stage.name)
            let trainer = try Trainer(model: model, config: training, train: data.train, validation: data.validation)
            trainer.checkpointFolder = checkpoint
            var records: [TrainingRecord] = []
            trainer.onRecord = { record in
                records.append(record)
                onRecord(stage.name, record)
            }
            trainer.onProgress = { onProgress(stage.name, $0) }
            let resultFile = checkpoint.appendingPathComponent("result.json")
            if let saved = try? Self.resultDecoder.decode(StageResult.self, from: Data(contentsOf: resultFile)), saved.config == config {
                if let divergence = saved.divergence {
                    log("\(stage.name): diverged earlier at step \(divergence.step); not retrained")
                    results.append(saved)
                    continue
                }
                if saved.isTrained, (try? Checkpoint.manifest(in: checkpoint))?.step == training.steps {
                    log("\(stage.name): finished earlier, loading \(checkpoint.lastPathComponent)")
                    try trainer.resume(from: checkpoint)
                    models[stage.name] = model
                    results.append(saved)
                    continue
                }
            }
            if let manifest = try? Checkpoint.manifest(in: checkpoint) {
                if manifest.step >= training.steps {
                    // Finished, but the process ended before its result.json: the summary (final
                    // training loss, tokens/s, loss curve) went with it. Training is deterministic,
                    // so the stage is trained again from the start onto the same weights.
                    log("\(stage.name): finished earlier without its result; training it again")
                    try FileManager.default.removeItem(at: checkpoint)
                } else {
                    try trainer.resume(from: checkpoint)
                    log("\(stage.name): resuming at step \(trainer.step) of \(training.steps)")
                }
            }
            log("\(stage.name): \(model.parameterCount) parameters\(stage.from.map { ", initialised from \($0)" } ?? "")")
            var result = StageResult(
                name: stage.name, architecture: stage.architecture, initialisedFrom: stage.from, config: config,
                parameters: model.parameterCount, summary: nil, divergence: nil, notTrained: nil, windowLosses: [],
                sample: "", records: [], checkpoint: stage.name)
            do {
                let summary = try trainer.run()
                if summary.stoppedEarly { throw CancellationError() }
                result.summary = summary
                result.windowLosses = Evaluator.windowLosses(
                    model, on: data.validation, batchSize: training.batchSize,
                    contextLength: training.contextLength)
                let prompt = data.tokenizer.encode(settings.samplePrompt).map { Int32($0) }
                let continuation = try Generator.sample(
                    model, prompt: prompt.isEmpty ? [0] : prompt, count: settings.sampleTokens,
                    temperature: settings.sampleTemperature, topK: settings.sampleTopK,
                    seed: settings.sampleSeed)
                result.sample = data.tokenizer.decode(continuation.map(Int.init))
                log(
                    String(
                        format: "%@: validation loss %.4f (perplexity %.2f), %.0f tokens/s", stage.name, summary.validation.loss,
                        summary.validation.perplexity, summary.tokensPerSecond))
                models[stage.name] = model
            } catch let error as TrainingError {
                guard let step = error.divergedStep else { throw error }
                // 0-based step `step - 1` is annealed when α > 0 there.
                result.divergence = Divergence(
                    step: step, duringAnnealing: training.annealing(at: step - 1) > 0,
                    error: error.description)
                log("\(stage.name): \(error)")
            }
            result.records = records
            try AtomicFile.write(try Self.resultEncoder.encode(result), to: resultFile)
            results.append(result)
        }
        return results
    }

    /// result.json's coding: a diverged stage's records may hold a non-finite loss, written as
    /// the strings "NaN", "Infinity", "-Infinity".
    public static var resultEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    public static var resultDecoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return d
    }
}
