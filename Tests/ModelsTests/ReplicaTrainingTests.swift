import Foundation
import Testing

@testable import Models
@testable import TensorCore

/// Data-parallel replicas inside one process (`TrainingConfig.replicas`): the same numbers as one
/// replica up to the order of the gradient sums, arithmetic that does not depend on the thread
/// count, and clear errors for configurations that cannot be split.
@Suite(.serialized) struct ReplicaTrainingTests {
    /// Per-step losses and final weights of `steps` steps of a TrainerTests model.
    static func train(_ arch: Architecture, replicas: Int?, steps: Int = 8) throws -> (losses: [Double], weights: [[Float]]) {
        let model = try TrainerTests.model(arch)
        var config = TrainerTests.training(steps: steps)
        config.replicas = replicas
        let trainer = try Trainer(model: model, config: config, train: TrainerTests.data.train, validation: TrainerTests.data.validation)
        var losses: [Double] = []
        trainer.onRecord = { if $0.kind == .train, let l = $0.loss { losses.append(l) } }
        _ = try trainer.run()
        return (losses, model.parameters.map(\.value.scalars))
    }

    /// Two replicas train on the two halves of each batch and add their gradients; one replica
    /// sums the same terms inside its GEMMs (β = 1, column sums) in another order. Measured: a few
    /// float32 ulps per step, as for two MPI ranks (DistributedTrainingTests); the bounds are
    /// theirs (losses 1e-4, weights 1e-3 of the tensor's largest weight after 8 steps).
    @Test(arguments: [Architecture.transformer, .qsf, .linear, .koopman, .hamiltonian])
    func twoReplicasMatchOneUpToSummationOrder(arch: Architecture) throws {
        let one = try Self.train(arch, replicas: nil), two = try Self.train(arch, replicas: 2)
        #expect(one.losses.count == two.losses.count && !one.losses.isEmpty)
        for (a, b) in zip(one.losses, two.losses) { #expect(abs(a - b) <= 1e-4 * abs(a), "\(arch): losses \(a) vs \(b)") }
        for (a, b) in zip(one.weights, two.weights) {
            let gap = zip(a, b).map { abs($0 - $1) }.max() ?? 0, scale = a.map { abs($0) }.max() ?? 0
            #expect(gap <= 1e-3 * scale, "\(arch): weights differ by \(gap) (largest \(scale))")
        }
        #expect(one.losses != two.losses || one.weights != two.weights, "\(arch): two replicas ran the one-replica arithmetic")
    }

    /// With replicas, exp(A) is computed once per step and A's gradient formed once from K's
    /// gradient summed over the replicas and micro-batches (`SharedPropagators`); one replica
    /// forms it on its tape. After two steps of two micro-batches every generator's gradient
    /// agrees to float32 rounding, and is not zero (a gradient left over from the first step, or
    /// a micro-batch or replica left out, would not agree).
    @Test(arguments: [Architecture.qsf, .koopman, .hamiltonian], [2, 4])
    func sharedExponentialsGiveTheGeneratorsTheirGradient(arch: Architecture, replicas: Int) throws {
        func generatorGradients(replicas: Int?) throws -> [[Float]] {
            let model = try TrainerTests.model(arch)
            var config = TrainerTests.training(steps: 2)
            config.replicas = replicas
            config.accumulation = 2
            _ = try Trainer(model: model, config: config, train: TrainerTests.data.train, validation: TrainerTests.data.validation).run()
            return model.blocks.compactMap { $0.koopman?.generator.grad.scalars }
        }
        let one = try generatorGradients(replicas: nil), many = try generatorGradients(replicas: replicas)
        #expect(one.count == 2 && many.count == 2)
        for (a, b) in zip(one, many) {
            let gap = zip(a, b).map { abs($0 - $1) }.max() ?? 0, scale = a.map { abs($0) }.max() ?? 0
            #expect(scale > 0 && gap <= 1e-4 * scale, "\(arch) ×\(replicas): generator gradients differ by \(gap) (largest \(scale))")
        }
    }

    /// The shared exponential is of the generator the tape would form: A, or (A − Aᵀ)/2 for the
    /// skew-symmetric variant, bit for bit.
    @Test(arguments: [Architecture.koopman, .hamiltonian])
    func effectiveGeneratorOffTheTapeMatchesTheTape(arch: Architecture) throws {
        let mixer = try #require(try TrainerTests.model(arch).blocks[0].koopman)
        let tape = Tape<Float>()
        #expect(mixer.effectiveGeneratorValue().scalars == mixer.effectiveGenerator(tape).value.scalars)
    }

    /// The replicas' shards run side by side on a free machine and one after the other inside a
    /// parallel loop (nested loops run serially): the numbers are identical, bit for bit.
    @Test(arguments: [Architecture.transformer, .qsf, .hamiltonian])
    func replicaArithmeticDoesNotDependOnTheThreads(arch: Architecture) throws {
        let parallel = try Self.train(arch, replicas: 2, steps: 4)
        let serial = SendableBox<(losses: [Double], weights: [[Float]])?>(nil)
        Parallel.forEach(2, threads: 2) { i in
            if i == 0 { serial.value = try? Self.train(arch, replicas: 2, steps: 4) }
        }
        let s = try #require(serial.value)
        #expect(s.losses == parallel.losses)
        #expect(s.weights == parallel.weights)
    }

    @Test func configurationsThatCannotSplitAreRefusedByName() throws {
        var config = TrainerTests.training(steps: 4)
        config.replicas = 3
        #expect(throws: TrainingError.self) { try config.validate() }
        do { try config.validate() } catch { #expect("\(error)".contains("replicas") && "\(error)".contains("batch size 8")) }
        config.replicas = 2
        config.layerNormAnnealFraction = 0.5
        do {
            try config.validate()
            Issue.record("annealing with replicas was accepted")
        } catch { #expect("\(error)".contains("replicas") && "\(error)".contains("annealed")) }
        config.replicas = 0
        config.layerNormAnnealFraction = 0
        #expect(throws: TrainingError.self) { try config.validate() }
    }

    /// One process's config.json and checkpoint manifests keep no `replicas` key, so runs written
    /// before replicas existed decode and compare equal.
    @Test func oneReplicaLeavesTheConfigurationUnchanged() throws {
        let json = String(decoding: try JSONEncoder().encode(TrainerTests.training(steps: 4)), as: UTF8.self)
        #expect(!json.contains("replicas"))
    }
}
