import Testing

@testable import Models
@testable import TensorCore

/// The training step's FTZ/DAZ (`Trainer.flushesDenormals`) changes no number of a small
/// training run: no value of the step is subnormal, so flushing has nothing to flush.
@Suite struct DenormalTrainingTests {
    @Test(arguments: [Architecture.transformer, .qsf])
    func flushingLeavesTrainingBitIdentical(arch: Architecture) throws {
        func run(flushing: Bool) throws -> (losses: [Double], weights: [[Float]]) {
            let model = try TrainerTests.model(arch)
            let trainer = try Trainer(
                model: model, config: TrainerTests.training(steps: 8),
                train: TrainerTests.data.train, validation: TrainerTests.data.validation)
            trainer.flushesDenormals = flushing
            var losses: [Double] = []
            trainer.onRecord = { if $0.kind == .train, let l = $0.loss { losses.append(l) } }
            _ = try trainer.run()
            #expect(!DenormalMode.isFlushing, "the step restores the thread's setting")
            return (losses, model.parameters.map { $0.value.scalars })
        }
        let ieee = try run(flushing: false), flushed = try run(flushing: true)
        #expect(ieee.losses.count == 8)
        #expect(ieee.losses == flushed.losses)
        #expect(ieee.weights == flushed.weights, "\(arch): parameters differ after 8 steps")
    }
}
