import Foundation
import Physics
import TensorCore
import Testing

@testable import Lab
@testable import Models

/// A run directory holding what `qsf.pipeline` hands on, written by hand: the corpus, untrained
/// `koopman`, `qsf` and `hamiltonian` checkpoints, and Stage III's result.json with γ records.
struct HandMadePipeline {
    let run: URL
    let artifacts: [String: String]

    static func config(_ architecture: Architecture, vocabulary: Int) -> ModelConfig {
        var config = ModelConfig(
            architecture: architecture, vocabularySize: vocabulary, contextLength: 16, width: 8, layers: 2, heads: 2,
            feedForward: 16)
        config.koopmanInitScale = 1
        return config
    }

    init() throws {
        run = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-qsfdyn-\(UUID().uuidString)")
        let folder = run.appendingPathComponent("experiments/qsf.pipeline")
        let data = try DataPreparation(corpus: .stories(documents: 120, seed: 1), tokenizer: .bytes).run()
        try data.write(to: folder.appendingPathComponent("data"))
        var artifacts = ["data": "qsf.pipeline/data"]
        for (i, architecture) in [Architecture.koopman, .qsf, .hamiltonian].enumerated() {
            var rng = SeededRNG(seed: 40 + UInt64(i))
            let config = Self.config(architecture, vocabulary: data.tokenizer.vocabularySize)
            let model = try LanguageModel<Float>(config: config, rng: &rng)
            let stage = folder.appendingPathComponent("pipeline/\(architecture.rawValue)")
            try Checkpoint.write(
                model: model, optimizer: AdamW(), manifest: .init(model: config, training: TrainingConfig.fitting(config), step: 0, tokensSeen: 0),
                to: stage)
            artifacts["checkpoint.\(architecture.rawValue)"] = "qsf.pipeline/pipeline/\(architecture.rawValue)"
            if architecture == .qsf {
                let records = stride(from: 0, through: 100, by: 10).map { step -> TrainingRecord in
                    var r = TrainingRecord(kind: .train, step: step)
                    r.loss = 5 - Double(step) / 50
                    r.gamma = [1 + Double(step) / 1000, 1.1 + Double(step) / 500]
                    return r
                }
                let summary = TrainingSummary(
                    steps: 100, parameters: model.parameterCount, finalTrainingLoss: 3,
                    validation: Evaluation(loss: 3, perplexity: 20, bitsPerByte: nil, tokens: 100),
                    tokensPerSecond: 1, seconds: 1, stoppedEarly: false)
                let result = QSFPipeline.StageResult(
                    name: "qsf", architecture: .qsf, initialisedFrom: "koopman", config: config,
                    parameters: model.parameterCount, summary: summary, windowLosses: [], sample: "",
                    records: records, checkpoint: "qsf")
                try JSONEncoder().encode(result).write(to: stage.appendingPathComponent("result.json"))
            }
        }
        self.artifacts = artifacts
    }

    func context(scale: Scale) -> ExperimentContext {
        ExperimentContext(
            scale: scale, seed: 5, directory: run.appendingPathComponent("experiments/qsf.spectrum"), runDirectory: run,
            dependencyOutputs: [RunModels.pipelineID: ExperimentOutput(artifacts: artifacts)], log: { _ in })
    }

    func remove() { try? FileManager.default.removeItem(at: run) }
}

@Suite("QSF model states")
struct QSFModelStatesTests {
    func model(_ arch: Architecture) throws -> LanguageModel<Float> {
        var rng = SeededRNG(seed: 5)
        return try LanguageModel(config: HandMadePipeline.config(arch, vocabulary: 40), rng: &rng)
    }

    @Test("layers: K, W = W_Vᵀ and γ in the column convention the physics uses")
    func layers() throws {
        let m = try model(.qsf)
        let layers = try KoopmanLayer.layers(of: m)
        #expect(layers.count == 2)
        #expect(layers.allSatisfy { $0.gamma == 1 })
        let k = try m.blocks[0].koopman!.propagator()
        #expect(layers[0].propagator.maxAbsDifference(k) < 1e-12)
        // v (row) = x·W_V from the attention's own projection equals W x with W = W_Vᵀ.
        var rng = SeededRNG(seed: 6)
        let x = Tensor<Float>.randomNormal([1, 1, 8], rng: &rng)
        let tape = Tape<Float>()
        let qkv = m.blocks[0].linearAttention!.qkv(tape.constant(x)).value
        let v = (16..<24).map { Double(qkv.scalars[$0]) }
        let wx = layers[0].valueProjection!.apply(x.scalars.map(Double.init))
        #expect(zip(v, wx).allSatisfy { abs($0 - $1) < 1e-5 })
        let hamiltonian = try KoopmanLayer.layers(of: model(.hamiltonian))
        let spectrum = try KoopmanModelAnalysis(layers: hamiltonian).measurements(QSFSpectrumKey.stageIV)
        #expect(spectrum[QSFSpectrumKey.stageIV.maxModulusDeviation]!.value < 1e-5)
        #expect(throws: ModelConfigError.self) { try KoopmanLayer.layers(of: try model(.transformer)) }
    }

    @Test("excitations drive the Koopman scan: s_t = K s_{t−1} + u_t reproduces the mixer")
    func excitations() throws {
        let m = try model(.koopman)
        let tokens: [Int32] = [1, 5, 9, 2, 7, 3]
        let states = ModelStates(m, sequences: [tokens])
        #expect(states.excitations.count == 2 && states.excitations[0].rows == 6 && states.excitations[0].cols == 8 && states.final.rows == 6)
        #expect(states.koopmanEnergy.isEmpty, "a koopman model has no measurement term")
        let k = try m.blocks[0].koopman!.propagator()
        // Recompute the mixer output y_t = (s_t)ᵀ W_out from the excitations.
        let tape = Tape<Float>()
        var h = m.tokenEmbedding(tape, tokens, batch: 1, length: 6)
        h = h + tape.parameter(m.positionEmbedding!.table).sliced(axis: 0, 0..<6)
        let mixer = m.blocks[0].koopman!(m.blocks[0].norm1(h)).value  // (1, 6, 8)
        let wOut = Matrix(m.blocks[0].koopman!.output.weight.value)  // (S, C)
        var s = [Double](repeating: 0, count: 8)
        for t in 0..<6 {
            s = zip(k.apply(s), states.excitations[0].row(t)).map { $0 + $1 }
            let y = (0..<8).map { j in (0..<8).reduce(0) { $0 + s[$1] * wOut[$1, j] } }
            for c in 0..<8 { #expect(abs(y[c] - Double(mixer.scalars[t * 8 + c])) < 1e-4) }
        }
    }

    @Test("the measurement share ρ is invariant under (γ, W_O) → (cγ, W_O/c); raw γ is not")
    func shareIsIdentifiable() throws {
        let m = try model(.qsf)
        let windows: [[Int32]] = (0..<4).map { w in (0..<16).map { Int32(($0 * 7 + w * 3) % 40) } }
        func share() -> MeasurementShare {
            let states = ModelStates(m, sequences: windows)
            return MeasurementShare(koopman: states.koopmanEnergy, measurement: states.measurementEnergy, tokens: windows.map(\.count))
        }
        let before = share()
        func scale(_ p: Parameter<Float>, _ c: Float) { p.value = Tensor(shape: p.value.shape, scalars: p.value.scalars.map { $0 * c }) }
        for block in m.blocks {
            scale(block.gamma!, 3)
            scale(block.linearAttention!.output.weight, 1 / 3)
            if let bias = block.linearAttention!.output.bias { scale(bias, 1 / 3) }
        }
        let after = share()
        #expect(try KoopmanLayer.layers(of: m).allSatisfy { abs($0.gamma! - 3) < 1e-6 })
        for (a, b) in zip(before.ratios, after.ratios) { #expect(abs(a.value - b.value) < 1e-4 * a.value) }
        #expect(before.minimum.error > 0 && before.minimum.value == before.ratios.map(\.value).min())
    }

    @Test("spectrum of a checkpoint folder, with γ from its metrics file")
    func checkpoint() throws {
        let pipeline = try HandMadePipeline()
        defer { pipeline.remove() }
        let folder = pipeline.run.appendingPathComponent("experiments/qsf.pipeline/pipeline/qsf")
        var lines = ""
        for step in [0, 10, 20] {
            var r = TrainingRecord(kind: .train, step: step)
            r.loss = 3 - Double(step) / 20
            r.gamma = [1, 1 + Double(step) / 100]
            lines += String(decoding: try JSONEncoder().encode(r), as: UTF8.self) + "\n"
        }
        let metrics = pipeline.run.appendingPathComponent("metrics.jsonl")
        try lines.write(to: metrics, atomically: true, encoding: .utf8)
        let (text, figure) = try SpectrumReport.checkpoint(folder, metrics: metrics, epsilon: 1e-3)
        #expect(text.contains("spectrum.model.maxTraceD") && text.contains("gamma.max = 1.2"))
        #expect(figure.svg.hasPrefix("<svg"))
        // Without --metrics a pipeline stage's own result.json gives γ (its records end at 1.3).
        let (own, _) = try SpectrumReport.checkpoint(folder, metrics: nil, epsilon: 1e-3)
        #expect(own.contains("gamma.max = 1.3"))
        // The propagator on the trained layer's A, W_V, γ.
        var report = PropagatorReport()
        report.layer = try KoopmanLayer.layers(of: RunModels.loadModel(checkpoint: folder))[1]
        report.trajectories = 2_000
        report.sseTrajectories = 100
        let printed = try report.run()
        #expect(printed.contains("trained layer 1") && printed.contains("d = 8"))
    }

    @Test("the spectrum experiment on hand-made pipeline artefacts: initial generators, γ, ρ, sparsity, norms")
    func trainedSpectrum() throws {
        let pipeline = try HandMadePipeline()
        defer { pipeline.remove() }
        let output = try SpectrumExperiment().run(pipeline.context(scale: .smoke))
        let m = output.measurements
        typealias Key = QSFSpectrumKey
        // The initial generator −0.1·I + N(0, 0.01/d): Tr D ≈ −0.1·d (at d = 8 a few modes may sit just outside the
        // unit circle; at the quick scale's d = 64 none do).
        #expect(m[Key.initial.growthModes] != nil && m[Key.initial.layers]!.value == m[Key.stageIII.layers]!.value)
        #expect(abs(m[Key.initial.maxTraceD]!.value + 0.8) < 0.5)
        #expect(m[Key.traceDRise] != nil && m[Key.Gamma.contributionMin]!.error! > 0)
        #expect(m[Key.Gamma.max]!.value == 1.3 && m[Key.Sparsity.layers]!.value == 2)
        #expect(m[Key.Norms.count]!.value == 8 * 16)
        #expect(m[Key.stageIV.maxModulusDeviation]!.value < 1e-5)
        for claim in ClaimFamily.qsfDynamics.claims where claim.experiment == "qsf.spectrum" && claim.evidence == .trainedModel {
            let v = claim.verdict(Evidence(measurements: m, scale: .smoke))
            #expect(v.label == "inconclusive" && v.reason.hasPrefix("smoke-scale model"), "\(claim.id): \(v.reason)")
        }
    }

    @Test("γ trajectory from training records; boundary tokens")
    func gammaRecords() throws {
        var records: [TrainingRecord] = []
        for step in stride(from: 0, through: 100, by: 10) {
            var r = TrainingRecord(kind: .train, step: step)
            r.loss = 5 - Double(step) / 50
            r.gamma = [1 + Double(step) / 1000, 1.1 + Double(step) / 500]
            records.append(r)
        }
        let analysis = try #require(GammaTrajectoryAnalysis(records: records))
        #expect(analysis.gamma.count == 2 && analysis.steps.count == 11)
        #expect(analysis.finalGamma == [1.1, 1.3])
        #expect(
            GammaTrajectoryAnalysis(
                records: records.map {
                    var r = $0; r.gamma = nil; return r
                }) == nil)
        #expect(BoundaryTokens.isBoundaryOrMarker(".") && BoundaryTokens.isBoundaryOrMarker(" Then") && !BoundaryTokens.isBoundaryOrMarker(" cat"))
    }

    @Test("binomial tails: known values and the sum of both tails")
    func binomialTails() {
        // P(X ≥ 8 | 10, 0.5) = (45 + 10 + 1)/1024.
        #expect(abs(BinomialTail.atLeast(8, of: 10, probability: 0.5) - 56.0 / 1024) < 1e-14)
        #expect(abs(BinomialTail.atMost(2, of: 10, probability: 0.5) - 56.0 / 1024) < 1e-14)
        #expect(abs(BinomialTail.atLeast(13, of: 80, probability: 0.13) + BinomialTail.atMost(12, of: 80, probability: 0.13) - 1) < 1e-12)
        #expect(BinomialTail.atLeast(0, of: 5, probability: 0.3) == 1 && BinomialTail.atMost(5, of: 5, probability: 0.3) == 1)
        #expect(BinomialTail.atLeast(1, of: 5, probability: 0) == 0)
    }

    @Test("semantic sparsity per layer: Holm finds a planted layer and not its null")
    func sparsityLayers() throws {
        var rng = SeededRNG(seed: 11)
        let d = 8, items = 4_000
        var v = Matrix.randomNormal(rows: d, cols: d, rng: &rng)
        for c in 0..<d {
            let n = v.column(c).reduce(0) { $0 + $1 * $1 }.squareRoot()
            for r in 0..<d { v[r, c] /= n }
        }
        let k = v * Matrix.diagonal([3, 2, 1.4, 1, 0.8, 0.6, 0.45, 0.3]) * (try v.inverse())
        let spectrum = try KoopmanSpectrum(propagator: k)
        let boundary = (0..<items).map { _ in rng.uniform() < 0.13 }
        func states(planted: Bool) -> Matrix {
            var c = Matrix.randomNormal(rows: items, cols: d, rng: &rng)
            if planted { for i in 0..<items where boundary[i] { c[i, 0] = 6 + rng.normal(); c[i, 1] = 6 + rng.normal() } }
            return c.multiplied(by: v, transposeOther: true)
        }
        let layers = SemanticSparsityLayers([
            (0, ModeSparsityAnalysis(spectrum: spectrum, states: states(planted: true), isBoundary: boundary)),
            (1, ModeSparsityAnalysis(spectrum: spectrum, states: states(planted: false), isBoundary: boundary)),
        ])
        #expect(layers.enriched == [true, false])
        #expect(layers.notConcentrated == [false, true])
        let m = layers.measurements()
        #expect(m[QSFSpectrumKey.Sparsity.layersEnriched]!.value == 1 && m[QSFSpectrumKey.Sparsity.layers]!.pooling == .sum)
    }
}
