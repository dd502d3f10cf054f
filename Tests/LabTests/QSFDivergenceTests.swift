import Foundation
import TensorCore
import Testing

@testable import Lab
@testable import Models

/// The training rules on evidence from a pipeline whose Stage III diverged.
@Suite("QSF divergence rules")
struct QSFDivergenceRuleTests {
    typealias Key = QSFTrainingKey

    func verdict(_ id: String, _ measurements: [MeasurementKey: Measurement], scale: Scale = .quick) throws -> Verdict {
        let claim = try #require(ClaimRegistry.claim(id))
        let named = Dictionary(uniqueKeysWithValues: measurements.map { ($0.key.name, $0.value) })
        return claim.verdict(Evidence(measurements: named, scale: scale, trainedScale: QSFTrainingRuleTests.quickScale))
    }

    /// Stage III diverged at step 595 (during annealing or before it); the twin trained or not.
    static func diverged(annealing: Bool = true, twinTrained: Bool = true) -> [MeasurementKey: Measurement] {
        var m: [MeasurementKey: Measurement] = [
            Key.diverged(.qsf): Measurement(1, pooling: .sum), Key.divergedStep(.qsf): Measurement(595, pooling: .minimum),
            Key.divergedDuringAnnealing(.qsf): Measurement(annealing ? 1 : 0, pooling: .sum),
            Key.qsfVsTransformer3x: Measurement(0.1, error: 0.01),
        ]
        if twinTrained {
            m[Key.loss(.qsfNoAnneal)] = Measurement(2.5, error: 0.05)
        } else {
            m[Key.diverged(.qsfNoAnneal)] = Measurement(1, pooling: .sum)
            m[Key.divergedStep(.qsfNoAnneal)] = Measurement(590, pooling: .minimum)
        }
        return m
    }

    @Test func annealingThatDivergesWhileTheTwinTrainsContradictsTheClaim() throws {
        let id = "qsf.layernorm-anneal"
        let contradicted = try verdict(id, Self.diverged())
        #expect(contradicted.label == "contradicted")
        #expect(contradicted.reason.contains("Stage III diverged at step 595 during LayerNorm annealing"))
        let before = try verdict(id, Self.diverged(annealing: false))
        #expect(before.label == "inconclusive" && before.reason.contains("before its LayerNorm annealing began"))
        let both = try verdict(id, Self.diverged(twinTrained: false))
        #expect(both.label == "inconclusive" && both.reason.contains("no unannealed twin trained"))
        // Only the twin diverged: nothing to compare.
        let twin: [MeasurementKey: Measurement] = [
            Key.diverged(.qsfNoAnneal): Measurement(1, pooling: .sum),
            Key.divergedStep(.qsfNoAnneal): Measurement(12, pooling: .minimum),
        ]
        #expect(try verdict(id, twin).reason == "the unannealed Stage III twin diverged at step 12")
        #expect(try verdict(id, Self.diverged(), scale: .smoke).reason.contains("smoke"))
    }

    @Test func rulesThatCompareADivergedStageSayItDiverged() throws {
        for id in ["qsf.loss-ordering", "qsf.hamiltonian-degrades", "qsf.throughput"] {
            let v = try verdict(id, Self.diverged())
            #expect(v.label == "inconclusive", "\(id): \(v.reason)")
            #expect(v.reason == "Stage III diverged at step 595", "\(id): \(v.reason)")
        }
        // Pooled over two seeds that both diverged.
        var two = Self.diverged()
        two[Key.diverged(.qsf)] = Measurement(2, pooling: .sum)
        #expect(try verdict("qsf.hamiltonian-degrades", two).reason == "Stage III diverged at step 595 (at 2 seeds)")
    }
}

/// The pipeline at smoke size with Stage III and IV given a learning rate that makes them
/// diverge at once: the run succeeds and says so, downstream experiments name the divergence,
/// and a second run in the same folder keeps it.
@Suite("QSF diverged stage")
struct QSFDivergedPipelineTests {
    typealias Key = QSFTrainingKey
    static let rates = ["qsf": 1e30, "hamiltonian": 1e30]

    @Test func aDivergedStageIsAResultNotAFailure() throws {
        let run = TemporaryDirectory()
        func context(_ id: String, _ dependencies: [String: ExperimentOutput]) throws -> ExperimentContext {
            try QSFPipelineOutputTests.smokeContext(run, id, dependencies)
        }
        let corpus = try CorpusExperiment().run(context(CorpusExperiment.experimentID, [:]))
        let pipelineContext = try context(QSFPipelineExperiment.experimentID, [CorpusExperiment.experimentID: corpus])
        let output = try QSFPipelineExperiment(stageLearningRates: Self.rates).run(pipelineContext)
        let m = output.measurements

        // Stage III diverged; Stage IV was not trained; every other stage trained.
        #expect(m[Key.diverged(.qsf)]?.value == 1)
        let step = try #require(m[Key.divergedStep(.qsf)]?.value)
        #expect(m[Key.loss(.qsf)] == nil && m[Key.blownUpWindows(.qsf)] == nil)
        #expect(m[Key.loss(.hamiltonian)] == nil && m[Key.diverged(.hamiltonian)] == nil)
        for stage in [QSFStage.fnet, .koopman, .transformer, .qsfNoAnneal, .transformer3x] {
            #expect(m[Key.loss(stage)] != nil && m[Key.diverged(stage)] == nil, "\(stage.rawValue)")
        }
        #expect(m[Key.qsfVsTransformer] == nil && m[Key.hamiltonianVsQSF] == nil && m[Key.annealedVsUnannealed] == nil)
        #expect(m[Key.koopmanVsTransformer] != nil && m[Key.unannealedVsTransformer] != nil)
        // The baseline is still sized to Stage III's parameter count.
        let ratio = try #require(m[Key.parametersRatio]?.value)
        #expect(abs(ratio - 1) < 0.25, "\(ratio)")
        #expect(m[Key.qsfThroughput] == nil)
        #expect(output.notes.contains { $0.contains("Step throughput was not measured") && $0.contains("diverged") })

        // The Table 2 analogue says so; the run passes on only trained checkpoints.
        let table2 = try #require(output.tables.first)
        let row = try #require(table2.rows.first { $0.first == "qsf" })
        #expect(row.contains("diverged at step \(Int(step))"))
        let iv = try #require(table2.rows.first { $0.first == "hamiltonian" })
        #expect(iv.contains("was not trained: initialised from qsf, which diverged at step \(Int(step))"))
        #expect(output.artifacts["checkpoint.qsf"] == nil && output.artifacts["checkpoint.hamiltonian"] == nil)
        #expect(output.artifacts["checkpoint.qsf-no-anneal"] != nil)

        // The anneal rule reads the divergence (here before annealing: the learning rate, not annealing).
        let evidence = Evidence(measurements: m, scale: .quick, trainedScale: QSFTrainingRuleTests.quickScale)
        let anneal = try #require(ClaimRegistry.claim("qsf.layernorm-anneal")).verdict(evidence)
        #expect(anneal.label == "inconclusive" && anneal.reason.contains("Stage III diverged at step \(Int(step))"))
        let ordering = try #require(ClaimRegistry.claim("qsf.loss-ordering")).verdict(evidence)
        #expect(ordering.reason == "Stage III diverged at step \(Int(step))")

        // A downstream experiment names the divergence.
        let spectrum = try context(SpectrumExperiment().id, [QSFPipelineExperiment.experimentID: output])
        do {
            _ = try SpectrumExperiment().run(spectrum)
            Issue.record("the spectrum experiment ran without Stage III's model")
        } catch {
            let text = "\(error)"
            #expect(text.contains("checkpoint.qsf") && text.contains("Stage III (qsf) diverged at step \(Int(step))"), "\(text)")
            #expect(text.contains("qsf.pipeline"), "\(text)")
        }
        #expect(throws: LabError.self) { try spectrum.artifact("checkpoint.hamiltonian", of: QSFPipelineExperiment.experimentID) }

        // An experiment that measures several models measures those there are and names the one
        // it could not (the branching rule judges the transformer alone).
        let reference = try BranchingExperiment().run(context(BranchingExperiment.experimentID, [:]))
        let branching = try ModelBranchingExperiment().run(
            context(
                ModelBranchingExperiment.experimentID,
                [QSFPipelineExperiment.experimentID: output, BranchingExperiment.experimentID: reference]))
        #expect(branching.measurements[BranchingKey.transformerTrained.name] != nil)
        #expect(branching.measurements[BranchingKey.qsfTrained.name] == nil)
        #expect(branching.notes.contains { $0.hasPrefix("qsf not measured:") && $0.contains("diverged at step \(Int(step))") }, "\(branching.notes)")

        // The output as written to disk keeps the reasons (a run directory read by the CLI).
        let decoded = try LabJSON.decoder.decode(ExperimentOutput.self, from: LabJSON.encoder.encode(output))
        #expect(decoded.unavailableArtifacts == output.unavailableArtifacts)

        // A second run in the same folder does not retrain: the diverged stage stays diverged.
        var settings = QSFPipelineScale.at(.smoke, seed: 3).settings
        settings.stageLearningRates = Self.rates
        let data = try RunModels(pipelineContext).data()
        var lines: [String] = []
        let again = try QSFPipeline(settings: settings).run(
            data: data, folder: pipelineContext.directory.appendingPathComponent("pipeline"),
            log: { lines.append($0) })
        #expect(lines.contains("qsf: diverged earlier at step \(Int(step)); not retrained"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("fnet: finished earlier") })
        #expect(lines.contains("hamiltonian: not trained, initialised from qsf, which diverged at step \(Int(step))"), "\(lines)")
        #expect(again.first { $0.name == "qsf" }?.divergence?.step == Int(step))
        #expect(again.filter(\.isTrained).count == 5)

        // A stage whose checkpoint finished but whose result.json was never written (the process
        // ended between the two) is trained again, onto the same numbers.
        let fnetFolder = pipelineContext.directory.appendingPathComponent("pipeline/fnet")
        try FileManager.default.removeItem(at: fnetFolder.appendingPathComponent("result.json"))
        lines = []
        let third = try QSFPipeline(settings: settings).run(
            data: data, folder: pipelineContext.directory.appendingPathComponent("pipeline"),
            log: { lines.append($0) })
        #expect(lines.contains("fnet: finished earlier without its result; training it again"), "\(lines)")
        let before = try #require(again.first { $0.name == "fnet" }?.summary), after = try #require(third.first { $0.name == "fnet" }?.summary)
        #expect(after.finalTrainingLoss == before.finalTrainingLoss && after.validation.loss == before.validation.loss)
        #expect(FileManager.default.fileExists(atPath: fnetFolder.appendingPathComponent("result.json").path))
    }
}
