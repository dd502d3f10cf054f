import Foundation
import Testing

@testable import Models
@testable import TensorCore

/// The trainer: learning on `stories`, determinism, exact resume, divergence and bad checkpoints.
@Suite(.serialized) struct TrainerTests {
    /// A small prepared corpus, shared by the tests (tokenizer training takes a moment).
    static let data: PreparedData = {
        try! DataPreparation(corpus: .stories(documents: 300, seed: 5), tokenizer: .train(vocabularySize: 384)).run()
    }()

    static func model(_ arch: Architecture, seed: UInt64 = 1) throws -> LanguageModel<Float> {
        let config = ModelConfig(
            architecture: arch, vocabularySize: data.summary.vocabularySize, contextLength: 32,
            width: 48, layers: 2, heads: 4, feedForward: 96)
        var rng = SeededRNG(seed: seed)
        return try LanguageModel(config: config, rng: &rng)
    }

    static func training(steps: Int) -> TrainingConfig {
        var t = TrainingConfig()
        t.steps = steps
        t.batchSize = 8
        t.contextLength = 32
        t.maxLearningRate = 1e-2
        t.evalInterval = 0
        t.evalBatches = 4
        t.logInterval = 1
        t.seed = 9
        return t
    }

    static func scratch(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-trainer-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: url)
        return url
    }

    /// FNet is here because an unscaled Fourier branch swamps the residual stream and pins the
    /// model at the unigram loss.
    @Test(arguments: [Architecture.transformer, .fnet])
    func tinyModelLearnsBeyondUnigramStatistics(arch: Architecture) throws {
        let trainer = try Trainer(
            model: Self.model(arch), config: Self.training(steps: 300),
            train: Self.data.train, validation: Self.data.validation)
        let summary = try trainer.run()
        let unigram = Self.data.summary.validationUnigramCrossEntropy
        #expect(
            summary.validation.loss < unigram - 0.3,
            "\(arch): validation loss \(summary.validation.loss) vs unigram cross-entropy \(unigram)")
        #expect(summary.validation.bitsPerByte != nil)
    }

    @Test func sameSeedGivesIdenticalLosses() throws {
        func losses() throws -> [Double] {
            let trainer = try Trainer(
                model: Self.model(.qsf), config: Self.training(steps: 6),
                train: Self.data.train, validation: Self.data.validation)
            var out: [Double] = []
            trainer.onRecord = { if $0.kind == .train, let l = $0.loss { out.append(l) } }
            _ = try trainer.run()
            return out
        }
        #expect(try losses() == losses())
    }

    @Test(arguments: [Architecture.transformer, .qsf])
    func resumingContinuesTheTrajectoryExactly(arch: Architecture) throws {
        var config = Self.training(steps: 10)
        config.layerNormAnnealFraction = 0.3  // resume across the freeze as well
        var uninterrupted: [Double] = []
        let full = try Trainer(model: Self.model(arch), config: config, train: Self.data.train, validation: Self.data.validation)
        full.onRecord = { if $0.kind == .train { uninterrupted.append($0.loss!) } }
        _ = try full.run()

        let folder = Self.scratch("resume-\(arch)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var first: [Double] = []
        let partial = try Trainer(model: Self.model(arch), config: config, train: Self.data.train, validation: Self.data.validation)
        partial.checkpointFolder = folder
        partial.onRecord = { if $0.kind == .train { first.append($0.loss!) } }
        for _ in 0..<8 { try partial.trainStep() }
        try partial.writeCheckpoint()

        var second: [Double] = []
        let resumed = try Trainer(model: Self.model(arch, seed: 99), config: config, train: Self.data.train, validation: Self.data.validation)
        try resumed.resume(from: folder)
        resumed.onRecord = { if $0.kind == .train { second.append($0.loss!) } }
        _ = try resumed.run()
        #expect(first + second == uninterrupted)
    }

    @Test func divergenceStopsAndNamesTheStep() throws {
        let model = try Self.model(.koopman)
        let trainer = try Trainer(model: model, config: Self.training(steps: 5), train: Self.data.train, validation: Self.data.validation)
        try trainer.trainStep()
        model.blocks[1].feedForward.up.weight.value[0, 0] = .nan
        do {
            try trainer.trainStep()
            Issue.record("a NaN weight did not stop training")
        } catch let error as TrainingError {
            #expect("\(error)".contains("step 2"), "\(error)")  // the second step is the one whose loss is NaN
        }
    }

    /// A gradient that overflows while the loss stays finite: a Koopman state mode with
    /// K₀₀ = e⁸⁵ that receives no input stays 0 in the forward pass, but its adjoint grows by
    /// e⁸⁵ per step backwards and overflows. Training stops with the step and a parameter named.
    @Test func nonFiniteGradientStopsAndNamesTheParameter() throws {
        let model = try Self.model(.koopman)
        let trainer = try Trainer(model: model, config: Self.training(steps: 5), train: Self.data.train, validation: Self.data.validation)
        try trainer.trainStep()
        for block in model.blocks {
            guard let koopman = block.koopman else { continue }
            let s = koopman.generator.value.shape[0]
            for i in 0..<s { for j in 0..<s { koopman.generator.value[i, j] = i == j ? (i == 0 ? 85 : -0.1) : 0 } }
            for i in 0..<koopman.input.weight.value.shape[0] { koopman.input.weight.value[i, 0] = 0 }
        }
        do {
            try trainer.trainStep()
            Issue.record("an overflowing gradient did not stop training")
        } catch let error as TrainingError {
            guard case .nonFiniteGradient(let step, let parameter, _, _) = error else {
                Issue.record("expected a non-finite gradient, got: \(error)")
                return
            }
            #expect(step == 2 && !parameter.isEmpty, "\(error)")  // the second step's gradient overflows (steps count from 1)
            #expect("\(error)".contains("step 2") && "\(error)".contains(parameter), "\(error)")
        }
    }

    @Test func damagedCheckpointsGiveErrorsNamingTheFile() throws {
        let folder = Self.scratch("damaged")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try Trainer(model: Self.model(.fnet), config: Self.training(steps: 3), train: Self.data.train, validation: Self.data.validation)
        trainer.checkpointFolder = folder
        try trainer.trainStep()
        try trainer.writeCheckpoint()
        let weights = folder.appendingPathComponent(Checkpoint.modelFile)
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        let other = try Trainer(model: Self.model(.fnet), config: Self.training(steps: 3), train: Self.data.train, validation: Self.data.validation)
        do {
            try other.resume(from: folder)
            Issue.record("a truncated checkpoint was accepted")
        } catch {
            #expect("\(error)".contains(weights.path), "\(error)")
        }
        // A checkpoint of another architecture is refused with a reason.
        let transformer = try Trainer(
            model: Self.model(.transformer), config: Self.training(steps: 3), train: Self.data.train, validation: Self.data.validation)
        do {
            try transformer.resume(from: folder)
            Issue.record("a checkpoint of another model was accepted")
        } catch {
            #expect("\(error)".contains("different model configuration"), "\(error)")
        }
    }

    @Test func generationIsSeededAndGreedyIsStable() throws {
        let model = try Self.model(.transformer)
        let prompt: [Int32] = [1, 2, 3]
        let a = try Generator.sample(model, prompt: prompt, count: 12, temperature: 1, topK: 20, seed: 4)
        let b = try Generator.sample(model, prompt: prompt, count: 12, temperature: 1, topK: 20, seed: 4)
        #expect(a == b && a.count == 12)
        #expect(
            try Generator.sample(model, prompt: prompt, count: 5, temperature: 0, seed: 1)
                == (try Generator.sample(model, prompt: prompt, count: 5, temperature: 0, seed: 2)))
    }

    @Test func pipelineTransferCopiesMatchingParametersAndProjectsGenerators() throws {
        let qsf = try Self.model(.qsf, seed: 3), hamiltonian = try Self.model(.hamiltonian, seed: 4)
        let copied = hamiltonian.initialize(from: qsf)
        #expect(copied.count == hamiltonian.parameters.count)
        let a = Matrix(qsf.blocks[0].koopman!.generator.value)
        let p = Matrix(hamiltonian.blocks[0].koopman!.generator.value)
        #expect(p.maxAbsDifference(a.antisymmetricPart) < 1e-6)
        let koopman = try Self.model(.koopman, seed: 5), fnet = try Self.model(.fnet, seed: 6)
        let fromFNet = koopman.initialize(from: fnet)
        #expect(!fromFNet.contains { $0.contains("koopman") } && fromFNet.contains("blocks.0.ffn.up.weight"))
    }
}

/// A finite loss above 709.78 nats has a perplexity that overflows to +∞; summaries still encode.
@Suite struct EvaluationEncodingTests {
    @Test func overflowingPerplexityRoundTripsThroughJSON() throws {
        let evaluation = Evaluation(loss: 800, perplexity: Foundation.exp(800), bitsPerByte: 3, tokens: 10)
        #expect(evaluation.perplexity == .infinity)
        let data = try JSONEncoder().encode(evaluation)
        #expect(String(decoding: data, as: UTF8.self).contains("\"perplexity\"") == false)
        #expect(try JSONDecoder().decode(Evaluation.self, from: data) == evaluation)
        let finite = Evaluation(loss: 2, perplexity: Foundation.exp(2), bitsPerByte: nil, tokens: 10)
        #expect(try JSONDecoder().decode(Evaluation.self, from: try JSONEncoder().encode(finite)) == finite)
    }
}
