import Models

/// The QSF pipeline's sizes at each scale (docs/CLAIMS.md states them with the verdicts).
///
/// `paper` is seed 001 §XI: width 320, 32 layers, feed-forward 512, 8 heads, context 512 and a
/// GPT-2-sized vocabulary (50,257), 20,000 steps — far beyond a CPU's minutes; the tests build
/// it and train two steps.
/// The corpus is the run's (`CorpusExperiment`, sized by `CorpusScale`); the model's vocabulary
/// is the corpus's tokenizer's (at `paper`, GPT-2's 50,257). Every scale trains the unannealed
/// Stage III twin and the three-budget transformer, so every comparison the rules read exists
/// (at smoke they cost seconds).
public struct QSFPipelineScale: Sendable {
    public var settings: QSFPipeline.Settings
    /// How the trained transformer, Stage III and Stage IV steps are timed against each other.
    var timing: StepThroughput

    public static func at(_ scale: Scale, seed: UInt64) -> QSFPipelineScale {
        func make(
            width: Int, layers: Int, heads: Int, ff: Int, context: Int, batch: Int,
            steps: Int, lr: Double, timing: StepThroughput
        ) -> QSFPipelineScale {
            let model = ModelConfig(
                architecture: .qsf, vocabularySize: CorpusScale.at(scale).vocabulary, contextLength: context, width: width,
                layers: layers, heads: heads, feedForward: ff)
            var training = TrainingConfig()
            training.steps = steps
            training.batchSize = batch
            training.contextLength = context
            training.maxLearningRate = lr
            training.evalInterval = max(1, steps / 5)
            training.evalBatches = 8
            training.logInterval = max(1, steps / 50)
            training.seed = seed
            var settings = QSFPipeline.Settings(model: model, training: training)
            settings.initSeed = seed &+ 1
            return QSFPipelineScale(settings: settings, timing: timing)
        }
        switch scale {
        case .smoke:
            return make(
                width: 32, layers: 2, heads: 2, ff: 64, context: 32, batch: 8,
                steps: 30, lr: 1e-2, timing: StepThroughput(rounds: 2, stepsPerRound: 2))
        case .quick:
            return make(
                width: 64, layers: 3, heads: 4, ff: 256, context: 64, batch: 16,
                steps: 400, lr: 5e-3, timing: StepThroughput(rounds: 6, stepsPerRound: 10))
        case .small:
            // The smallest pipeline the verdicts take to be of the seed's scale (within 10× of
            // its 29.4 M parameters and ≥ 1.02 × 10⁷ tokens per stage, `SeedModelScale.qsfPaper`):
            // about 3.7–4.1 M parameters (vocabulary 2,048) and 600 × 16 × 128 = 1.23 M tokens
            // per stage. Fixed from the gate before any small run was judged.
            return make(
                width: 192, layers: 6, heads: 6, ff: 768, context: 128, batch: 16,
                steps: 600, lr: 3e-3, timing: StepThroughput(rounds: 6, stepsPerRound: 10))
        case .paper:
            // GPT-2's vocabulary size for the model; the tokenizer trained on `stories` is smaller.
            var paper = make(
                width: 320, layers: 32, heads: 8, ff: 512, context: 512,
                batch: 8, steps: 20000, lr: 6e-4, timing: StepThroughput(rounds: 4, stepsPerRound: 5))
            paper.settings.model.vocabularySize = 50257
            return paper
        }
    }
}
