import Foundation
import Testing
@testable import Models
import Physics
import TensorCore
@testable import Lab

@Suite struct AttentionPhasesTests {
    // MARK: The d_k sweep

    /// Without 1/√d_k the score std grows as √d_k and attention sharpens monotonically; with it
    /// and fan-in initialisation the score std is 1 and the entropy does not move with d_k.
    @Test func entropyAgainstDkAtInitialisation() throws {
        let dks = [8, 16, 32, 64, 128]
        var setup = DkEntropySweep.Setup()
        setup.length = 32
        setup.batch = 2
        var results: [DkEntropySweep.SeedResult] = []
        for (i, dk) in dks.enumerated() {
            var rng = SeededRNG(seed: 50 + UInt64(i))
            results.append(try DkEntropySweep.measure(dk: dk, width: .fixed(128), initialisation: .fanIn, setup: setup, rng: &rng))
        }
        for r in results { #expect(abs(r.scoreStd - 1) <= 0.15, "score std \(r.scoreStd)") }
        for i in 1..<results.count {
            #expect(results[i].unscaledEntropy < results[i - 1].unscaledEntropy - 0.01)
            #expect(results[i].unscaledMaxWeight > results[i - 1].unscaledMaxWeight)
        }
        let scaled = results.map(\.scaledEntropy)
        #expect(scaled.max()! - scaled.min()! <= 0.05, "scaled entropies \(scaled)")
        // GPT-2's σ = 0.02 at C = 128 gives score std 0.02²·128 ≈ 0.05: nearly uniform attention.
        var rng = SeededRNG(seed: 60)
        let gpt2 = try DkEntropySweep.measure(dk: 32, width: .fixed(128), initialisation: .gpt2, setup: setup, rng: &rng)
        #expect(abs(gpt2.scoreStd / 0.0512 - 1) <= 0.2)
        #expect(gpt2.scaledEntropy > 0.995)
    }

    @Test func dkVerdictRule() {
        let rule = VerdictRule.entropyFalls(["a", "b"], sparseDrop: 0.3, flatDrop: 0.1)
        func judge(_ a: Double, _ b: Double, error: Double = 0.01) -> String {
            rule.judge(Evidence(measurements: ["a": Measurement(a, error: error), "b": Measurement(b, error: error)], scale: .quick)).label
        }
        #expect(judge(0.01, -0.02) == "contradicted")
        #expect(judge(0.6, 0.5) == "reproduced")
        #expect(judge(0.6, 0.0) == "inconclusive")
        #expect(judge(0.2, 0.2) == "inconclusive")
        #expect(judge(0.01, 0.09, error: 0.05) == "inconclusive")
    }

    // MARK: The temperature sweep

    @Test func heatCapacityVerdictRule() {
        let rule = VerdictRule.finiteTemperatureTransition(drift: "b", excess: "e", bins: "n")
        func judge(b: Double, e: Double, bins: Double = 4, error: Double = 0.05) -> String {
            rule.judge(Evidence(measurements: ["b": Measurement(b, error: error), "e": Measurement(e, error: error),
                                               "n": Measurement(bins)], scale: .quick)).label
        }
        #expect(judge(b: 0.5, e: 0.3) == "contradicted")
        #expect(judge(b: -0.3, e: -0.4) == "contradicted")
        #expect(judge(b: 0.02, e: 0.4) == "reproduced")
        #expect(judge(b: -0.8, e: 0.25) == "reproduced")
        #expect(judge(b: 0.05, e: 0.05) == "inconclusive")
        #expect(judge(b: 0.0, e: 0.4, bins: 2) == "inconclusive")
    }

    @Test func sizeBinsCoverEveryRowOnce() {
        for t in [16, 32, 64, 100] {
            let bins = AttentionTemperatureSweep.sizeBins(length: t)
            for n in 2...t { #expect(bins.filter { $0.contains(n) }.count == 1, "T = \(t), n = \(n)") }
        }
        #expect(AttentionTemperatureSweep.sizeBins(length: 64).last == 32...64)
    }

    @Test func sweepOfARandomModelCountsEveryCausalRow() throws {
        var rng = SeededRNG(seed: 61)
        let config = ModelConfig(architecture: .transformer, vocabularySize: 50, contextLength: 16, width: 16, layers: 2, heads: 2,
                                 feedForward: 32)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        let tokens = (0..<(3 * 16)).map { _ in Int32(rng.int(below: 50)) }
        let captured = AttentionScores.capture(model, tokens: tokens, batch: 3, length: 16)
        let sweep = AttentionTemperatureSweep(captured, grid: .init(low: 0.1, high: 100, perDecade: 4))
        #expect(sweep.heads.count == 4)
        for m in 0..<4 { #expect(sweep.pooled(head: m).rows == 3 * 15) }
        let binned = sweep.perBin.flatMap { $0 }.reduce(0) { $0 + $1.rows }
        #expect(binned == 4 * 3 * 15)
        // At β = 1 the sweep reproduces the model's own softmax: compare one row with the weights.
        let w = captured.weights(layer: 1, sequence: 2, head: 1)
        let row = Array(captured.scores[1][(captured.offset(sequence: 2, head: 1) + 9 * 16)..<(captured.offset(sequence: 2, head: 1) + 9 * 16 + 10)])
        let state = TemperatureSweep.row(row, beta: 1)
        #expect(abs(state.maxWeight - w[(9 * 16)..<(9 * 16 + 10)].max()!) <= 1e-12)
        #expect(w[9 * 16 + 10] == 0)
    }

    /// The whole experiment on a pipeline output written by hand: a random-init transformer
    /// checkpoint and prepared data, found through the artefact paths.
    @Test func heatCapacityExperimentReadsThePipelineArtefacts() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-thermo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        let folder = run.appendingPathComponent("experiments/qsf.pipeline")
        let data = try DataPreparation(corpus: .stories(documents: 120, seed: 1), tokenizer: .bytes).run()
        try data.write(to: folder.appendingPathComponent("data"))
        let config = ModelConfig(architecture: .transformer, vocabularySize: 256, contextLength: 32, width: 32, layers: 2, heads: 2,
                                 feedForward: 64)
        var rng = SeededRNG(seed: 62)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        try Checkpoint.write(model: model, optimizer: AdamW(), manifest: .init(model: config, training: .fitting(config), step: 0, tokensSeen: 0),
                             to: folder.appendingPathComponent("pipeline/transformer"))
        let pipeline = ExperimentOutput(artifacts: ["checkpoint.transformer": "qsf.pipeline/pipeline/transformer", "data": "qsf.pipeline/data"])
        let context = ExperimentContext(scale: .smoke, seed: 3, directory: run.appendingPathComponent("experiments/attn.temperature-sweep"),
                                        runDirectory: run, dependencyOutputs: ["qsf.pipeline": pipeline], log: { _ in })
        let output = try HeatCapacityExperiment().run(context)
        #expect(output.figures.count == 5)
        #expect(output.measurements["thermo.peak-beta"] != nil)
        #expect((output.measurements["thermo.size-bins"]?.value ?? 0) >= 3)
        let verdict = ClaimRegistry.claim("attn.heat-capacity-peak")!.verdict(Evidence(measurements: output.measurements, scale: .smoke))
        #expect(verdict.label == "inconclusive")   // smoke scale cannot decide
        // The command-line path finds the same files from the run directory alone.
        let loaded = try PipelineTransformer.load(runDirectory: run)
        #expect(loaded.model.config == config)
    }

    // MARK: Kuramoto heads

    /// At GPT-2 initialisation attention is almost uniform, so every head's phase sits at the
    /// phase of uniform causal attention and r is 1 to four digits — before any training.
    @Test func headsAreInPhaseAtInitialisation() throws {
        var rng = SeededRNG(seed: 63)
        let config = ModelConfig(architecture: .transformer, vocabularySize: 64, contextLength: 32, width: 32, layers: 2, heads: 4,
                                 feedForward: 64)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        let tokens = (0..<(4 * 32)).map { _ in Int32(rng.int(below: 64)) }
        let s = HeadPhaseTraining.snapshot(model, step: 0, loss: .nan, tokens: tokens, batch: 4, replicates: 20, rng: &rng)
        let uniform = PhaseSynchrony.firstMode(PhaseSynchrony.uniformCausalProfile(length: 32)).phase
        for p in s.phases { #expect(abs(p - uniform) <= 0.02) }
        #expect(s.r > 0.999)
        #expect(s.layerR.count == 2)
        let st = HeadPhaseTraining.statistics([s, s, s], replicates: 20, rng: &rng)
        #expect(st.minimum == s.r && st.late == s.r && st.lateSnapshots == 2)
        #expect(st.minimumError < 1e-3 && st.minimumError > 0)
    }

    @Test func headsLockedVerdictRule() {
        let rule = VerdictRule.headsLocked(minimum: "r", mean: "m", timeShuffled: "t", distanceShuffled: "d", uniformNull: "u")
        func judge(_ r: Double, _ error: Double) -> Verdict {
            rule.judge(Evidence(measurements: ["r": Measurement(r, error: error), "m": Measurement(0.999), "t": Measurement(0.996),
                                               "d": Measurement(0.33), "u": Measurement(0.6)], scale: .quick))
        }
        #expect(judge(0.9996, 0.0001).label == "reproduced")
        #expect(judge(0.9977, 0.0008).label == "contradicted")
        #expect(judge(0.9990, 0.0008).label == "inconclusive")
        #expect(judge(0.9977, 0.0008).reason.contains("time-shuffled heads 0.9960"))
    }

    /// The commands end to end on tiny inputs: the simulator table and a random-model sweep.
    @Test func kuramotoAndThermoCommands() throws {
        guard let exe = builtExecutable() else { Issue.record("attnlab executable not found next to the tests"); return }
        let (status, out, err) = try runProcess(exe, ["kuramoto", "simulate", "--oscillators", "200", "--couplings", "0.5,4",
                                                      "--transient", "10", "--duration", "20", "--realisations", "1", "--dt", "0.1"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("K_c = 2") && out.contains("0.7071"), "\(out)")
        let (bad, _, badErr) = try runProcess(exe, ["kuramoto", "simulate", "--distribution", "cauchy"])
        #expect(bad != 0 && badErr.contains("lorentzian, gaussian or uniform"))
        let (thermo, thermoOut, thermoErr) = try runProcess(exe, ["thermo", "--random-init", "--width", "16", "--layers", "1", "--heads", "2",
                                                                  "--context", "16", "--sequences", "4", "--bootstrap", "4", "--per-decade", "4"])
        #expect(thermo == 0, "\(thermoErr)")
        #expect(thermoOut.contains("Heat-capacity peak per head") && thermoOut.contains("L0H1"))
        let (missing, _, missingErr) = try runProcess(exe, ["thermo", "/nonexistent/run"])
        #expect(missing != 0 && missingErr.contains("qsf.pipeline"))
    }

    @Test func experimentsRunAtSmokeScale() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-phases-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        for experiment in [DkEntropyExperiment() as any Experiment, KuramotoExperiment()] {
            let context = ExperimentContext(scale: .smoke, seed: 5, directory: run.appendingPathComponent(experiment.id),
                                            runDirectory: run, log: { _ in })
            let output = try experiment.run(context)
            #expect(!output.figures.isEmpty && !output.measurements.isEmpty)
            for claim in ClaimRegistry.attentionPhases where claim.experiment == experiment.id {
                let verdict = claim.verdict(Evidence(measurements: output.measurements, scale: .smoke))
                #expect(verdict != .notImplemented && verdict.label != "failed", "\(claim.id): \(verdict)")
            }
        }
    }
}
