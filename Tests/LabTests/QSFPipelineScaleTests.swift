import Foundation
import TensorCore
import Testing

@testable import Lab
@testable import Models

/// The `paper` scale is the seed's configuration: too big to train here, but it must build and
/// take optimizer steps.
@Suite struct QSFPipelineScaleTests {
    @Test(.tags(.slow), .skippedInFastRuns) func paperConfigurationBuildsAndTrainsTwoSteps() throws {
        let paper = QSFPipelineScale.at(.paper, seed: 1).settings
        #expect(paper.model.width == 320 && paper.model.layers == 32 && paper.model.feedForward == 512)
        #expect(paper.model.heads == 8 && paper.model.contextLength == 512 && paper.model.vocabularySize == 50257)
        let data = try DataPreparation(corpus: .stories(documents: 60, seed: 2), tokenizer: .bytes).run()
        var config = paper.model
        config.architecture = .qsf
        var rng = SeededRNG(seed: 1)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        // 49,778,656 with tied embeddings; seed 001 Table 2 says 29.4M for the same stated shape
        // (docs/DYNAMICS.md discusses the gap).
        #expect(model.parameterCount == config.parameterCount)
        var training = paper.training
        training.steps = 2
        training.batchSize = 1
        training.evalInterval = 0
        training.evalBatches = 1
        let trainer = try Trainer(model: model, config: training, train: data.train, validation: data.validation)
        var losses: [Double] = []
        trainer.onRecord = { if $0.kind == .train, let l = $0.loss { losses.append(l) } }
        let summary = try trainer.run()
        #expect(summary.steps == 2)
        #expect(losses.count == 2 && losses.allSatisfy(\.isFinite))
    }

    /// `small` is where seed 001's trained-model claims can be decided: its largest model and its
    /// tokens per stage are within the verdicts' factor of ten of the seed's; `quick` is not.
    @Test func smallIsWithinTheSeedsScaleAndQuickIsNot() {
        func measured(_ scale: Scale) -> ModelScale {
            let s = QSFPipelineScale.at(scale, seed: 1).settings
            var model = s.model
            model.vocabularySize = max(model.vocabularySize, CorpusScale.at(scale).vocabulary)
            let t = s.training
            return ModelScale(
                parameters: Double(model.parameterCount),
                tokens: Double(t.steps * t.batchSize * t.accumulation * t.contextLength), corpus: "stories")
        }
        let small = measured(.small), quick = measured(.quick)
        #expect(!small.isFarBelow(SeedModelScale.qsfPaper), "\(small.text)")
        #expect(quick.isFarBelow(SeedModelScale.qsfPaper), "\(quick.text)")
    }

    /// `small` grows only the trained models: simulations and identity checks run at `quick`'s size.
    @Test func smallRunsSimulationsAtQuicksSize() {
        #expect(Scale.allCases.map { $0.simulation(smoke: 1, quick: 2, paper: 3) } == [1, 2, 2, 3])
        #expect(SSENormExperiment.plan(.small) == SSENormExperiment.plan(.quick))
        #expect(PropagatorExperiment.plan(.small) == PropagatorExperiment.plan(.quick))
        #expect(NNQFTSettings.at(.small).draws == NNQFTSettings.at(.quick).draws)
        #expect(QSFPipelineScale.at(.small, seed: 1).settings.model.width > QSFPipelineScale.at(.quick, seed: 1).settings.model.width)
    }
}
