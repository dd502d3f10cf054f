import Foundation
import Physics
import TensorCore
import Testing

@testable import Lab
@testable import Models

/// attn.dk-phases and attn.heat-capacity-peak: the sweeps, the rules on synthetic evidence, and
/// the experiments in process with every key their rules read.
@Suite struct AttnTests {
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
        let a = MeasurementKey("a"), b = MeasurementKey("b")
        let rule = VerdictRule.entropyFalls([a, b], sparseDrop: 0.3, flatDrop: 0.1)
        func judge(_ x: Double, _ y: Double, error: Double? = 0.01) -> String {
            rule.judge(Evidence(measurements: ["a": Measurement(x, error: error), "b": Measurement(y, error: error)], scale: .quick)).label
        }
        #expect(judge(0.01, -0.02) == "contradicted")
        #expect(judge(0.6, 0.5) == "reproduced")
        #expect(judge(0.6, 0.0) == "inconclusive")
        #expect(judge(0.2, 0.2) == "inconclusive")
        #expect(judge(0.01, 0.09, error: 0.05) == "inconclusive")
        #expect(judge(0.31, 0.05, error: nil) == "inconclusive")
        #expect(judge(0.31, 0.35, error: nil) == "reproduced")
        // Holm: two drops 2.1σ above the bound (p = 0.036 each) do not both pass at α = 0.05 (the
        // smaller p needs ≤ 0.025), while 2.3σ and 2.0σ (p = 0.021, 0.046) do.
        #expect(judge(0.321, 0.321) == "inconclusive")
        #expect(judge(0.323, 0.320) == "reproduced")
        #expect(judge(0.077, 0.080) == "contradicted")
        #expect(judge(0.079, 0.079) == "inconclusive")
    }

    // MARK: The temperature sweep

    @Test func heatCapacityVerdictRule() {
        let rule = VerdictRule.finiteTemperatureTransition(drift: MeasurementKey("b"), excess: MeasurementKey("e"), bins: MeasurementKey("n"))
        func judge(b: Double, e: Double, bins: Double = 4, error: Double = 0.05) -> String {
            rule.judge(
                Evidence(
                    measurements: [
                        "b": Measurement(b, error: error), "e": Measurement(e, error: error),
                        "n": Measurement(bins),
                    ], scale: .quick)
            ).label
        }
        #expect(judge(b: 0.5, e: 0.3) == "contradicted")
        #expect(judge(b: -0.3, e: -0.4) == "contradicted")
        #expect(judge(b: 0.02, e: 0.4) == "reproduced")
        #expect(judge(b: -0.8, e: 0.25) == "reproduced")
        #expect(judge(b: 0.05, e: 0.05) == "inconclusive")
        #expect(judge(b: 0.0, e: 0.4, bins: 2) == "inconclusive")
        // Holm over the two contradiction tests: one at 2.1σ (p = 0.036) alone is not enough…
        #expect(judge(b: 0.105, e: 0.02) == "inconclusive")
        // … but at 2.3σ (p = 0.021 ≤ 0.025) it decides.
        #expect(judge(b: 0.115, e: 0.02) == "contradicted")
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
        let config = ModelConfig(
            architecture: .transformer, vocabularySize: 50, contextLength: 16, width: 16, layers: 2, heads: 2,
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
    /// checkpoint and prepared data, found through the artefact paths (`RunModels`), with every
    /// key the rule reads.
    @Test func heatCapacityExperimentReadsThePipelineArtefacts() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-thermo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        let folder = run.appendingPathComponent("experiments/qsf.pipeline")
        let data = try DataPreparation(corpus: .stories(documents: 120, seed: 1), tokenizer: .bytes).run()
        try data.write(to: folder.appendingPathComponent("data"))
        let config = ModelConfig(
            architecture: .transformer, vocabularySize: 256, contextLength: 32, width: 32, layers: 2, heads: 2,
            feedForward: 64)
        var rng = SeededRNG(seed: 62)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        try Checkpoint.write(
            model: model, optimizer: AdamW(), manifest: .init(model: config, training: .fitting(config), step: 0, tokensSeen: 0),
            to: folder.appendingPathComponent("pipeline/transformer"))
        let pipeline = ExperimentOutput(artifacts: [
            "checkpoint.transformer": "experiments/qsf.pipeline/pipeline/transformer",
            "data": "experiments/qsf.pipeline/data",
        ])
        let context = ExperimentContext(
            scale: .smoke, seed: 3, directory: run.appendingPathComponent("experiments/attn.temperature-sweep"),
            runDirectory: run, dependencyOutputs: ["qsf.pipeline": pipeline], log: { _ in })
        let output = try HeatCapacityExperiment().run(context)
        #expect(output.figures.count == 5)
        let claim = ClaimRegistry.claim("attn.heat-capacity-peak")!
        for key in claim.rule.measurementNames { #expect(output.measurements[key] != nil, "\(key) missing") }
        #expect(output.measurements[HeatKey.peakBeta.name] != nil)
        #expect((output.measurements[HeatKey.sizeBins.name]?.value ?? 0) >= 3)
        #expect(output.measurements[HeatKey.sizeBins.name]?.pooling == .minimum)
        let verdict = claim.verdict(Evidence(measurements: output.measurements, scale: .smoke))
        #expect(verdict.label == "inconclusive")  // smoke scale cannot decide
        // The command-line path finds the same files from the run directory alone.
        try LabJSON.encoder.encode(pipeline).write(to: folder.appendingPathComponent("output.json"))
        let models = try RunModels(runDirectory: run)
        #expect(try RunModels.loadModel(checkpoint: models.checkpoint(HeatCapacityExperiment.stage)).config == config)
        let swept = try ThermoTool.sweep(
            run: models, randomInit: true,
            options: {
                var o = ThermoTool.Options(); o.sequences = 4
                o.replicates = 4; o.perDecade = 4; return o
            }(), log: { _ in })
        #expect(swept.tables.first?.title.contains("random initialisation") == true)
    }

    /// The d_k experiment at smoke scale, with every key its rule reads.
    @Test func dkExperimentHasEveryKey() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-dk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        let experiment = DkEntropyExperiment()
        let output = try experiment.run(
            ExperimentContext(
                scale: .smoke, seed: 5, directory: run.appendingPathComponent(experiment.id),
                runDirectory: run, log: { _ in }))
        let claim = ClaimRegistry.claim("attn.dk-phases")!
        for key in claim.rule.measurementNames { #expect(output.measurements[key] != nil, "\(key) missing") }
        #expect(output.measurements[DkKey.unscaledDrop(growing: true, .fanIn).name] != nil)
        let verdict = claim.verdict(Evidence(measurements: output.measurements, scale: .smoke))
        #expect(verdict != .notImplemented && verdict.label != "failed", "\(verdict)")
    }

    /// `attnlab thermo` end to end on a tiny random model, and its error on a missing run.
    @Test(.tags(.slow), .skippedInFastRuns) func thermoCommand() throws {
        guard let exe = builtExecutable() else { Issue.record("attnlab executable not found next to the tests"); return }
        let (thermo, thermoOut, thermoErr) = try runProcess(
            exe,
            [
                "thermo", "--random-init", "--width", "16", "--layers", "1", "--heads", "2",
                "--context", "16", "--sequences", "4", "--bootstrap", "4", "--per-decade", "4",
            ])
        #expect(thermo == 0, "\(thermoErr)")
        #expect(thermoOut.contains("Heat-capacity peak per head") && thermoOut.contains("L0H1"))
        let (missing, _, missingErr) = try runProcess(exe, ["thermo", "/nonexistent/run"])
        #expect(missing != 0 && missingErr.contains("qsf.pipeline"))
    }
}
