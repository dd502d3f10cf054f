import Foundation
import Physics
import Testing

@testable import Lab

/// The softmax.* identities: their rules reach every verdict on synthetic evidence, and the
/// experiments contradict a softmax (or a distribution) that is wrong.
@Suite struct SoftmaxTests {
    static let gibbs = ClaimRegistry.claim("softmax.gibbs-identity")!
    static let maxEntropy = ClaimRegistry.claim("softmax.max-entropy")!

    func runDirectory() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-softmax-\(UUID().uuidString)") }

    func run(_ experiment: any Experiment, in folder: URL) throws -> ExperimentOutput {
        try experiment.run(
            ExperimentContext(
                scale: .smoke, seed: 7, directory: folder.appendingPathComponent(experiment.id),
                runDirectory: folder, log: { _ in }))
    }

    // MARK: The rules on synthetic evidence

    @Test func gibbsRuleReachesEveryVerdict() {
        func judge(softmax: Double, identity: Double = 1e-15, samples: Int = 200) -> String {
            Self.gibbs.verdict(
                Evidence(
                    measurements: [
                        SoftmaxKey.softmaxDeviation.name: Measurement(softmax, samples: samples),
                        SoftmaxKey.freeEnergyIdentity.name: Measurement(identity, samples: samples),
                        SoftmaxKey.bornAmplitudes.name: Measurement(1e-16, samples: samples),
                        SoftmaxKey.thermalDensityBorn.name: Measurement(1e-14, samples: 10),
                    ], scale: .quick)
            ).label
        }
        #expect(judge(softmax: 0.4) == "reproduced")
        #expect(judge(softmax: 3) == "contradicted")
        #expect(judge(softmax: 0.4, identity: 1e-9) == "contradicted")
        #expect(judge(softmax: .infinity) == "contradicted")
        #expect(judge(softmax: 0.4, samples: 50) == "inconclusive")
    }

    @Test func maxEntropyRuleReachesEveryVerdict() {
        func judge(excess: Double, distance: Double = 0.3, samples: Int = 5000) -> String {
            Self.maxEntropy.verdict(
                Evidence(
                    measurements: [
                        SoftmaxKey.entropyExcess.name: Measurement(excess, samples: samples),
                        SoftmaxKey.constraintResidual.name: Measurement(1e-16, samples: samples),
                        SoftmaxKey.solvedSoftmaxDistance.name: Measurement(distance, samples: 100),
                    ], scale: .quick)
            ).label
        }
        #expect(judge(excess: -1e-3) == "reproduced")
        #expect(judge(excess: 1e-6) == "contradicted")
        #expect(judge(excess: -1e-3, distance: 40) == "contradicted")
        #expect(judge(excess: -1e-3, samples: 500) == "inconclusive")
    }

    // MARK: The experiments, right and wrong

    /// Attention's softmax reproduces the identity, and every key the rule reads is in the output.
    @Test func gibbsExperimentReproducesWithEveryKey() throws {
        let folder = runDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try run(GibbsIdentityExperiment(), in: folder)
        for key in Self.gibbs.rule.measurementNames { #expect(output.measurements[key] != nil, "\(key) missing") }
        #expect(Self.gibbs.verdict(Evidence(measurements: output.measurements, scale: .smoke)).label == "reproduced")
        #expect(output.measurements[SoftmaxKey.softmaxDeviation.name]?.pooling == .maximum)
    }

    /// A softmax whose temperature is off by one part in 10⁶, and one that skips the max shift
    /// (it overflows on the sets with a common offset of 10⁴): both are contradicted.
    @Test func wrongSoftmaxIsContradicted() throws {
        let folder = runDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var tempered = GibbsIdentityExperiment()
        tempered.softmax = { x in GibbsState.softmax(x.map { $0 * (1 + 1e-6) }) }
        var unshifted = GibbsIdentityExperiment()
        unshifted.softmax = { x in
            let e = x.map { Foundation.exp($0) }
            let z = e.reduce(0, +)
            return e.map { $0 / z }
        }
        for experiment in [tempered, unshifted] {
            let output = try run(experiment, in: folder)
            let verdict = Self.gibbs.verdict(Evidence(measurements: output.measurements, scale: .smoke))
            #expect(verdict.label == "contradicted", "\(verdict)")
        }
    }

    @Test func maxEntropyExperimentReproducesWithEveryKey() throws {
        let folder = runDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try run(MaxEntropyExperiment(), in: folder)
        for key in Self.maxEntropy.rule.measurementNames { #expect(output.measurements[key] != nil, "\(key) missing") }
        #expect(Self.maxEntropy.verdict(Evidence(measurements: output.measurements, scale: .smoke)).label == "reproduced")
        #expect(output.measurements[SoftmaxKey.violations.name]?.value == 0)
    }

    /// p ∝ exp(−β(E + 0.05·sin E)) has log p not affine in E, so it is not the maximum-entropy
    /// distribution at its own ⟨E⟩: some feasible direction gains entropy, and the rule says so.
    @Test func nonGibbsDistributionIsContradicted() throws {
        let folder = runDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var experiment = MaxEntropyExperiment()
        experiment.distribution = { energies, beta in
            GibbsState(energies: energies.map { $0 + 0.05 * Foundation.sin($0) }, beta: beta).probabilities
        }
        let output = try run(experiment, in: folder)
        let verdict = Self.maxEntropy.verdict(Evidence(measurements: output.measurements, scale: .smoke))
        #expect(verdict.label == "contradicted", "\(verdict)")
        #expect((output.measurements[SoftmaxKey.violations.name]?.value ?? 0) > 0)
    }
}
