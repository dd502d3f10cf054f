import Foundation
import Physics
import TensorCore
import Testing

@testable import Lab
@testable import Models

/// kuramoto.heads-locked: the heads' phases, their baselines, the rule on synthetic evidence and
/// the experiment in process with every key its rule reads.
@Suite struct KuramotoHeadsTests {
    /// At GPT-2 initialisation attention is almost uniform, so every head's phase sits at the
    /// phase of uniform causal attention and r is 1 to four digits — before any training.
    @Test func headsAreInPhaseAtInitialisation() throws {
        var rng = SeededRNG(seed: 63)
        let config = ModelConfig(
            architecture: .transformer, vocabularySize: 64, contextLength: 32, width: 32, layers: 2, heads: 4,
            feedForward: 64)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        let tokens = (0..<(4 * 32)).map { _ in Int32(rng.int(below: 64)) }
        let s = HeadPhaseTraining.snapshot(model, step: 0, loss: .nan, tokens: tokens, batch: 4, replicates: 20, rng: &rng)
        let uniform = PhaseSynchrony.firstMode(PhaseSynchrony.uniformCausalProfile(length: 32)).phase
        for p in s.phases { #expect(abs(p - uniform) <= 0.02) }
        #expect(s.r > 0.999)
        #expect(s.layerR.count == 2)
        // Phases that never move: the time shuffle keeps r exactly, so there is no excess, and the
        // margin is −(1 − r)/2.
        let st = HeadPhaseTraining.statistics([s, s, s], replicates: 20, shuffles: 50, rng: &rng)
        #expect(st.minimum.value == s.r && st.late.value == s.r && st.lateSnapshots == 2 && st.trainedSnapshots == 2)
        #expect(st.minimum.error < 1e-3 && st.minimum.error > 0)
        #expect(abs(st.timeShuffled.value - s.r) <= 1e-12 && abs(st.excess.value) <= 1e-12)
        #expect(abs(st.margin.value + (1 - s.r) / 2) <= 1e-12)
    }

    /// A snapshot whose M heads have first-mode phases `phases` (profiles 1 + ½cos(2πΔ/T + θ),
    /// the same on every one of 2 sequences, so the bootstrap has nothing to resample).
    static func snapshot(step: Int, phases: [Double], length t: Int = 16) -> HeadPhaseTraining.Snapshot {
        let profiles = phases.map { theta in (0..<t).map { 1 + 0.5 * Foundation.cos(2 * Double.pi * Double($0) / Double(t) + theta) } }
        let r = PhaseSynchrony.orderParameter(phases).r
        return .init(
            step: step, loss: .nan, phases: phases, amplitudes: phases.map { _ in 0.25 * Double(t) }, r: r, rError: 0,
            layerR: [r], profiles: profiles, sequenceProfiles: [profiles, profiles])
    }

    /// Heads that turn together over training give r above their time-shuffled baseline
    /// (positive margin); heads that turn independently do not.
    @Test func marginSeparatesHeadsThatMoveTogether() {
        var rng = SeededRNG(seed: 64)
        let offsets = (0..<6).map { _ in 0.05 * rng.normal() }
        let together = (0..<20).map { step in Self.snapshot(step: step, phases: offsets.map { $0 + 0.3 * Double(step) }) }
        let locked = HeadPhaseTraining.statistics(together, replicates: 10, shuffles: 2000, rng: &rng)
        #expect(locked.mean.value > 0.99 && locked.timeShuffled.value < 0.5 && locked.margin.value > 0.2)
        let apart = (0..<20).map { step in Self.snapshot(step: step, phases: (0..<6).map { _ in rng.uniform(-0.4, 0.4) }) }
        let independent = HeadPhaseTraining.statistics(apart, replicates: 10, shuffles: 2000, rng: &rng)
        #expect(abs(independent.excess.value) < 0.02 && independent.margin.value < 0)
    }

    @Test func headsLockedVerdictRule() {
        let rule = VerdictRule.headsLocked()
        func judge(rMin: Double, _ rError: Double, margin: Double, _ marginError: Double, room: Double = 0.01) -> Verdict {
            let k = KuramotoKey.self
            return rule.judge(
                Evidence(
                    measurements: [
                        k.rMin.name: Measurement(rMin, error: rError), k.lockingMargin.name: Measurement(margin, error: marginError),
                        k.shuffledIncoherence.name: Measurement(room), k.lockingExcess.name: Measurement(margin + room / 2),
                        k.rMean.name: Measurement(0.999), k.rTimeShuffled.name: Measurement(1 - room), k.rDistanceShuffled.name: Measurement(0.33),
                        k.nullUniformQ95.name: Measurement(0.6),
                    ], scale: .quick))
        }
        #expect(judge(rMin: 0.9997, 0.0001, margin: 0.003, 0.001).label == "reproduced")
        #expect(judge(rMin: 0.99, 0.001, margin: -0.003, 0.0005).label == "contradicted")
        // r ≈ 1 that the shuffle keeps is structural: no verdict either way.
        #expect(judge(rMin: 0.9998, 0.0001, margin: -0.0001, 0.00001, room: 0.0002).label == "inconclusive")
        #expect(judge(rMin: 0.9998, 0.0001, margin: -0.0001, 0.00001, room: 0.0002).reason.contains("structural"))
        // The seed's 1.000 without locking, and locking without the seed's 1.000: inconclusive.
        #expect(judge(rMin: 0.9996, 0.0001, margin: -0.003, 0.0005).label == "inconclusive")
        #expect(judge(rMin: 0.99, 0.001, margin: 0.003, 0.001).label == "inconclusive")
        // Holm: both shortfalls at 2.1σ (p = 0.036) do not contradict; at 2.3σ and 2.0σ they do.
        #expect(judge(rMin: 0.9995 - 0.0021, 0.001, margin: -0.0021, 0.001).label == "inconclusive")
        #expect(judge(rMin: 0.9995 - 0.0023, 0.001, margin: -0.0020, 0.001).label == "contradicted")
        #expect(judge(rMin: 0.99, 0.001, margin: -0.003, 0.0005).reason.contains("time-shuffled r_ts = 0.99"))
        // r_min pooled as the worst run (runs before 6 Dec 2026) is not what the rule reads.
        let k = KuramotoKey.self
        let old = rule.judge(
            Evidence(
                measurements: [
                    k.rMin.name: Measurement(0.99, error: 0.001, pooling: .minimum), k.lockingMargin.name: Measurement(-0.003, error: 0.0005),
                    k.shuffledIncoherence.name: Measurement(0.01),
                ], scale: .quick))
        #expect(old.label == "failed" && old.reason.contains("re-run"), "\(old.reason)")
    }

    /// Pooled as the mean over runs, r_min gains power as runs are added: twelve runs whose smallest r
    /// sits 0.002 below the threshold, one of them noisy, contradict; the worst run alone would not.
    @Test func rMinPoolingGainsPowerWithRuns() {
        let k = KuramotoKey.self
        let rMins: [Double] = [0.995, 0.9975, 0.9977, 0.9973, 0.9975, 0.9977, 0.9973, 0.9975, 0.9977, 0.9973, 0.9975, 0.9977]
        var errors: [Double] = Array(repeating: 0.001, count: 12)
        errors[0] = 0.004
        var runs: [[String: Measurement]] = []
        for (r, e) in zip(rMins, errors) {
            runs.append([
                k.rMin.name: Measurement(r, error: e), k.lockingMargin.name: Measurement(-0.0003, error: 0.0002),
                k.shuffledIncoherence.name: Measurement(0.001),
            ])
        }
        let pooled = SeedPooling.pool(runs)
        let mean: Double = rMins.reduce(0, +) / 12
        #expect(abs(pooled[k.rMin.name]!.value - mean) < 1e-12)
        #expect(VerdictRule.headsLocked().judge(Evidence(measurements: pooled, scale: .quick)).label == "contradicted")
    }

    /// The simulator command end to end on tiny inputs.
    @Test(.tags(.slow), .skippedInFastRuns) func kuramotoCommand() throws {
        guard let exe = builtExecutable() else { Issue.record("attnlab executable not found next to the tests"); return }
        let (status, out, err) = try runProcess(
            exe,
            [
                "kuramoto", "simulate", "--oscillators", "200", "--couplings", "0.5,4",
                "--transient", "10", "--duration", "20", "--realisations", "1", "--dt", "0.1",
            ])
        #expect(status == 0, "\(err)")
        #expect(out.contains("K_c = 2") && out.contains("0.7071"), "\(out)")
        let (bad, _, badErr) = try runProcess(exe, ["kuramoto", "simulate", "--distribution", "cauchy"])
        #expect(bad != 0 && badErr.contains("lorentzian, gaussian or uniform"))
    }

    /// The experiment at smoke scale, with every key its rule reads and the trained scale.
    @Test(.tags(.slow), .skippedInFastRuns) func experimentHasEveryKey() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-kuramoto-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        let corpusFolder = run.appendingPathComponent(CorpusExperiment.experimentID)
        try FileManager.default.createDirectory(at: corpusFolder, withIntermediateDirectories: true)
        let corpus = try CorpusExperiment().run(
            ExperimentContext(
                scale: .smoke, seed: 5, directory: corpusFolder, runDirectory: run,
                log: { _ in }))
        let experiment = KuramotoExperiment()
        try FileManager.default.createDirectory(at: run.appendingPathComponent(experiment.id), withIntermediateDirectories: true)
        let output = try experiment.run(
            ExperimentContext(
                scale: .smoke, seed: 5, directory: run.appendingPathComponent(experiment.id),
                runDirectory: run, dependencyOutputs: [CorpusExperiment.experimentID: corpus],
                log: { _ in }))
        let claim = ClaimRegistry.claim("kuramoto.heads-locked")!
        for key in claim.rule.measurementNames { #expect(output.measurements[key] != nil, "\(key) missing") }
        #expect((output.measurements[KuramotoKey.rMin.name]?.pooling ?? .mean) == .mean)
        #expect((output.trainedScale?.parameters ?? 0) > 0 && (output.trainedScale?.tokens ?? 0) > 0)
        let verdict = claim.verdict(Evidence(measurements: output.measurements, scale: .smoke))
        #expect(verdict.label == "inconclusive")  // smoke scale cannot decide
    }
}
