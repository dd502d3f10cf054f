import Foundation
import TensorCore
import Testing

@testable import Lab
@testable import Models

/// Lab's measurement, not Foundation's unit type of the same name.
typealias Measurement = Lab.Measurement

/// The four QSF training rules on synthetic evidence: each reaches each of its verdicts.
@Suite("QSF training rules")
struct QSFTrainingRuleTests {
    typealias Key = QSFTrainingKey

    /// Scale of a quick-scale pipeline (far below the seed's) and the seed's own.
    static let quickScale = ModelScale(parameters: 2.2e5, tokens: 4.1e5, corpus: "generated stories")

    func verdict(
        _ id: String, _ measurements: [MeasurementKey: Measurement], scale: Scale = .quick,
        trainedScale: ModelScale? = quickScale
    ) throws -> Verdict {
        let claim = try #require(ClaimRegistry.claim(id))
        let named = Dictionary(uniqueKeysWithValues: measurements.map { ($0.key.name, $0.value) })
        return claim.verdict(Evidence(measurements: named, scale: scale, trainedScale: trainedScale))
    }

    static func ordering(
        qsf: Measurement = Measurement(-0.2, error: 0.02), koopman: Measurement = Measurement(0.005, error: 0.004),
        fnet: [Measurement] = [Measurement(0.3, error: 0.02), Measurement(0.3, error: 0.02), Measurement(0.6, error: 0.03)]
    )
        -> [MeasurementKey: Measurement]
    {
        [
            Key.qsfVsTransformer: qsf, Key.koopmanVsTransformer: koopman,
            Key.fnetVsTransformer: fnet[0], Key.fnetVsKoopman: fnet[1], Key.fnetVsQSF: fnet[2],
        ]
    }

    @Test func lossOrderingReachesEveryVerdict() throws {
        let id = "qsf.loss-ordering"
        #expect(try verdict(id, Self.ordering()).label == "reproduced")
        // QSF worse than the transformer beyond the Bonferroni width.
        #expect(try verdict(id, Self.ordering(qsf: Measurement(0.1, error: 0.02))).label == "contradicted")
        // Koopman 10% ± 1% away from the transformer: beyond 5%.
        #expect(try verdict(id, Self.ordering(koopman: Measurement(0.1, error: 0.01))).label == "contradicted")
        // FNet better than QSF.
        let fnetBeatsQSF = [Measurement(0.3, error: 0.02), Measurement(0.3, error: 0.02), Measurement(-0.2, error: 0.02)]
        #expect(try verdict(id, Self.ordering(fnet: fnetBeatsQSF)).label == "contradicted")
        // A wide Koopman interval does not "match": inconclusive (it reproduced before).
        #expect(try verdict(id, Self.ordering(koopman: Measurement(0.01, error: 0.03))).label == "inconclusive")
        // QSF better by 1σ only.
        #expect(try verdict(id, Self.ordering(qsf: Measurement(-0.02, error: 0.02))).label == "inconclusive")
        // Koopman 4% ± 0.5%: between the 2% and 5% lines.
        #expect(try verdict(id, Self.ordering(koopman: Measurement(0.04, error: 0.005))).label == "inconclusive")
        #expect(try verdict(id, Self.ordering(), scale: .smoke).label == "inconclusive")
        var missing = Self.ordering()
        missing[Key.fnetVsQSF] = nil
        #expect(try verdict(id, missing).reason.contains(Key.fnetVsQSF.name))
        // A contradiction needs the Bonferroni width: 2.5σ is not enough.
        #expect(try verdict(id, Self.ordering(qsf: Measurement(0.05, error: 0.02))).label == "inconclusive")
    }

    @Test func hamiltonianDirectionIsJudgedAtAnyScale() throws {
        let id = "qsf.hamiltonian-degrades"
        func r(_ v: Double, _ e: Double) -> [MeasurementKey: Measurement] { [Key.hamiltonianVsQSF: Measurement(v, error: e)] }
        #expect(try verdict(id, r(0.05, 0.01)).label == "reproduced")
        #expect(try verdict(id, r(-0.02, 0.005)).label == "contradicted")
        // Stage IV no worse by 1% with a tight interval: the data exclude a degradation.
        #expect(try verdict(id, r(0.002, 0.003)).label == "contradicted")
        // r = 0.5 ± 0.6 agrees with the seed's +80%: inconclusive, not contradicted (it was before).
        #expect(try verdict(id, r(0.5, 0.6)).label == "inconclusive")
        #expect(try verdict(id, r(0.05, 0.01)).reason.contains("not judged"))
        #expect(try verdict(id, r(0.05, 0.01), scale: .smoke).label == "inconclusive")
        #expect(try verdict(id, [Key.hamiltonianVsQSF: Measurement(0.05)]).label == "inconclusive")
    }

    @Test func hamiltonianMagnitudeIsJudgedOnlyNearTheSeedsScale() throws {
        let id = "qsf.hamiltonian-degrades"
        let seed = SeedModelScale.qsfPaper
        func r(_ v: Double, _ e: Double) -> [MeasurementKey: Measurement] { [Key.hamiltonianVsQSF: Measurement(v, error: e)] }
        #expect(try verdict(id, r(0.8, 0.1), trainedScale: seed).label == "reproduced")
        // Worse, but by 10% ± 2%: excludes half the seed's +80%.
        #expect(try verdict(id, r(0.1, 0.02), trainedScale: seed).label == "contradicted")
        #expect(try verdict(id, r(0.1, 0.02)).label == "reproduced")
        #expect(try verdict(id, r(0.45, 0.1), trainedScale: seed).label == "inconclusive")
        // An unknown scale does not judge the magnitude.
        #expect(try verdict(id, r(0.1, 0.02), trainedScale: nil).label == "reproduced")
    }

    @Test func layerNormAnnealReachesEveryVerdict() throws {
        let id = "qsf.layernorm-anneal"
        func c(_ v: Double, _ e: Double) -> [MeasurementKey: Measurement] { [Key.annealedVsUnannealed: Measurement(v, error: e)] }
        #expect(try verdict(id, c(0.002, 0.003)).label == "reproduced")
        #expect(try verdict(id, c(-0.01, 0.002)).label == "reproduced")
        #expect(try verdict(id, c(0.25, 0.01)).label == "contradicted")
        #expect(try verdict(id, c(0.015, 0.01)).label == "inconclusive")
        // A wide interval around zero no longer reproduces.
        #expect(try verdict(id, c(0.0, 0.05)).label == "inconclusive")
        #expect(try verdict(id, [:]).reason.contains("twin"))
    }

    @Test func throughputReachesEveryVerdict() throws {
        let id = "qsf.throughput"
        func t(_ iii: Measurement, _ iv: Measurement) -> [MeasurementKey: Measurement] { [Key.qsfThroughput: iii, Key.hamiltonianThroughput: iv] }
        #expect(try verdict(id, t(Measurement(1.0, error: 0.05), Measurement(0.8, error: 0.03))).label == "reproduced")
        #expect(try verdict(id, t(Measurement(0.6, error: 0.03), Measurement(0.8, error: 0.03))).label == "contradicted")
        #expect(try verdict(id, t(Measurement(1.0, error: 0.05), Measurement(1.05, error: 0.02))).label == "contradicted")
        // An interval straddling 0.8 is inconclusive, whatever the point value.
        #expect(try verdict(id, t(Measurement(0.75, error: 0.05), Measurement(0.8, error: 0.03))).label == "inconclusive")
        #expect(try verdict(id, t(Measurement(0.85, error: 0.05), Measurement(0.8, error: 0.03))).label == "inconclusive")
        // A single timing without an error bar decides nothing.
        #expect(try verdict(id, t(Measurement(1.0), Measurement(0.8))).label == "inconclusive")
    }

    @Test func seedModelClaimsAreNotDecidedFarBelowTheSeedsScale() throws {
        for id in ["qsf.loss-ordering", "qsf.layernorm-anneal", "qsf.throughput"] {
            let claim = try #require(ClaimRegistry.claim(id))
            let gated = ClaimEvaluation.scaleGate(.contradicted("x"), claim: claim, measured: Self.quickScale)
            #expect(gated.label == "inconclusive" && gated.reason.contains("scale"), "\(id)")
        }
        let universal = try #require(ClaimRegistry.claim("qsf.hamiltonian-degrades"))
        #expect(ClaimEvaluation.scaleGate(.contradicted("x"), claim: universal, measured: Self.quickScale).label == "contradicted")
    }
}

/// The statistics behind the rules: trimmed paired changes with block-bootstrap errors, and
/// interleaved step timing.
@Suite("QSF training statistics")
struct QSFTrainingStatisticsTests {
    @Test func trimmedMeanKnownAnswers() {
        let values = (1...10).map(Double.init)
        let order = Array(values.indices)
        #expect(PairedWindowComparison.trimmedMean(values, order: order, weights: Array(repeating: 1, count: 10)) == 5.5)
        // Two blow-ups at the top do not move it beyond the window they replace.
        var blown = values
        blown[9] = 1000
        #expect(PairedWindowComparison.trimmedMean(blown, order: order, weights: Array(repeating: 1, count: 10)) == 5.5)
        // Weights act as multiplicities: weight 2 on a value equals that value twice.
        let weighted = PairedWindowComparison.trimmedMean([1, 2, 3, 4], order: [0, 1, 2, 3], weights: [2, 1, 1, 1], trim: 0.2)
        let expanded = PairedWindowComparison.trimmedMean([1, 1, 2, 3, 4], order: [0, 1, 2, 3, 4], weights: [1, 1, 1, 1, 1], trim: 0.2)
        #expect(abs(weighted - expanded) < 1e-12 && abs(expanded - 2) < 1e-12)
    }

    @Test func pairedChangeIgnoresAFewBlownUpWindowsAndHasAnHonestError() {
        var rng = SeededRNG(seed: 11)
        let n = 600
        let base = (0..<n).map { _ in 2.0 + 0.3 * rng.normal() }
        var other = base.map { $0 * 1.05 + 0.05 * rng.normal() }
        let clean = PairedWindowComparison(a: other, b: base, rng: &rng, label: "t")
        #expect(abs(clean.relative.value - 0.05) < 0.01)
        // The error is the size a paired difference with this spread has: σ_d/√n over the base, within a factor of 2.
        let expected = 0.05 * 1.1 / Double(n).squareRoot() / 2
        let error = clean.relative.error ?? 0
        #expect(error > expected / 2 && error < expected * 2, "error \(error), expected ≈ \(expected)")
        other[10] += 24
        other[400] += 41
        let blown = PairedWindowComparison(a: other, b: base, rng: &rng, label: "t")
        #expect(abs(blown.relative.value - clean.relative.value) < 0.005)
        #expect(blown.meanDifference.value > clean.meanDifference.value + 0.1)
        // A window whose loss is NaN counts as blown up (+∞), cut by the trim.
        other[200] = .nan
        let nan = PairedWindowComparison(a: other, b: base, rng: &rng, label: "t")
        #expect(abs(nan.relative.value - clean.relative.value) < 0.005 && (nan.relative.error ?? .nan).isFinite)
    }

    @Test func interleavedRatioKnownAnswer() {
        // Model 1 takes twice model 0's time in every round: half its tokens/s, no spread.
        let seconds: [[Double]] = [[1, 2], [1.1, 2.2], [0.9, 1.8]]
        let r = StepThroughput.ratio(seconds, 1, 0, label: "r")
        #expect(abs(r.value - 0.5) < 1e-12 && (r.error ?? 1) < 1e-12 && r.samples == 3)
        let noisy = StepThroughput.ratio([[1, 2], [1, 1.6], [1, 2.4]], 1, 0, label: "r")
        #expect((noisy.error ?? 0) > 0.05)
    }
}

/// The pipeline at smoke scale, in process: every key its rules read is in its output, with the
/// poolings and the measured scale the verdicts need.
@Suite("QSF pipeline output")
struct QSFPipelineOutputTests {
    /// A smoke-scale, seed-3 context for experiment `id` in the run directory `run`.
    static func smokeContext(_ run: TemporaryDirectory, _ id: String, _ dependencies: [String: ExperimentOutput]) throws -> ExperimentContext {
        let dir = run.url.appendingPathComponent("experiments/\(id)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return ExperimentContext(scale: .smoke, seed: 3, directory: dir, runDirectory: run.url, dependencyOutputs: dependencies, log: { _ in })
    }

    @Test(.tags(.slow), .skippedInFastRuns) func smokeRunReportsEveryKeyItsRulesRead() throws {
        let run = TemporaryDirectory()
        func context(_ id: String, _ dependencies: [String: ExperimentOutput]) throws -> ExperimentContext {
            try Self.smokeContext(run, id, dependencies)
        }
        let corpus = try CorpusExperiment().run(context(CorpusExperiment.experimentID, [:]))
        let output = try QSFPipelineExperiment().run(context(QSFPipelineExperiment.experimentID, [CorpusExperiment.experimentID: corpus]))
        for claim in ClaimFamily.qsfTraining.claims {
            for key in claim.rule.measurementNames {
                #expect(output.measurements[key] != nil, "\(claim.id) reads \(key), which the smoke run does not report")
            }
        }
        #expect(output.measurements[QSFTrainingKey.blownUpWindows(.hamiltonian)]?.pooling == .sum)
        #expect(output.measurements[QSFTrainingKey.hamiltonianVsQSF]?.error != nil)
        #expect(output.measurements[QSFTrainingKey.qsfThroughput]?.error != nil)
        let scale = try #require(output.trainedScale)
        let settings = QSFPipelineScale.at(.smoke, seed: 3).settings.training
        #expect(scale.tokens == Double(settings.steps * settings.batchSize * settings.accumulation * settings.contextLength))
        let largest = QSFStage.allCases.compactMap { output.measurements[QSFTrainingKey.parameters($0)]?.value }.max()
        #expect(scale.parameters == largest && scale.corpus.contains("stories"))
        #expect(output.artifacts[CorpusExperiment.dataArtifact] == corpus.artifacts[CorpusExperiment.dataArtifact])
        #expect(output.artifacts["checkpoint.hamiltonian"] != nil)
    }
}
