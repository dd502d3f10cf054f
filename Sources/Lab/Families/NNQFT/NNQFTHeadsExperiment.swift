import Foundation
import Physics

/// `nnqft.heads`: the connected 4-point function of N_h independent random heads summed with
/// 1/√N_h, against N_h — the seed's |G4c| ∝ 1/N_h (claim `nnqft.inverse-heads`).
///
/// Each N_h runs its own ≥ 10⁵ draws (d_k = d_v = 16, the common ensemble of `NNQFTSettings`);
/// the summary is the mean of G4c(i,i,i,i) over the ring. The slope of ln|G4c| against ln N_h
/// is fitted by weighted least squares over the points at least 3× above the Monte-Carlo noise
/// floor (and 3σ); the others are reported as excluded. The same fit on the mixture
/// representation Σ Cov(C, C) (far smaller errors, no floor problem) and on the single-layer
/// network's ReLU control (known slope −1) are reported beside it.
///
/// For independent heads the law is exact, so the claim is a positive control; to show that the
/// rule can fail, `embedding` can be set to `.shared` (heads only conditionally independent).
public struct NNQFTHeadsExperiment: RegisteredExperiment {
    public static let experimentID = "nnqft.heads"
    public let title = "NN-QFT: connected 4-point function against the number of heads"
    /// How the heads' embeddings are drawn; the claim is about `.perHead` (independent heads).
    var embedding: EmbeddingMode = .perHead

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = NNQFTSettings.at(context.scale)
        var options = settings.baseOptions(seed: derivedSeed(context.seed, label: 0x4E51_0100))
        options.keyWidths = [16]
        options.heads = settings.heads
        options.embedding = embedding
        var rows: [NNQFTScan.Row] = []
        for (i, h) in settings.heads.enumerated() {
            let (row, _) = NNQFTScan.runPoint(options: options, keyWidth: 16, heads: h, label: UInt64(i))
            rows.append(row)
            context.log(
                "nnqft.heads: N_h = \(h)  G4c = \(row.g4c.formatted) (floor \(NumberText.of(row.floor, digits: 2))), "
                    + "mixture \(row.g4cMixture.formatted)")
        }
        let fit = NNQFTScan.fits(rows, options: options).first { $0.variable == "N_h" }!
        let control = singleLayerControl(settings, seed: derivedSeed(context.seed, label: 0x4E51_0101))
        // Context, not the claim: heads that share one embedding draw (as in a transformer) are
        // only conditionally independent.
        var sharedOptions = options
        sharedOptions.embedding = .shared
        sharedOptions.seed = derivedSeed(context.seed, label: 0x4E51_0102)
        sharedOptions.floorReplicas = 0
        let shared = settings.heads.filter { [1, 4, 16].contains($0) }.enumerated().map { i, h in
            NNQFTScan.runPoint(options: sharedOptions, keyWidth: 16, heads: h, label: UInt64(i)).0
        }
        let sharedFit = ScalingAnalysis(
            x: shared.map { Double($0.heads) }, values: shared.map(\.g4cMixture),
            floors: shared.map { _ in 0 })

        var m: [String: Measurement] = [:]
        let samples = settings.draws
        if let f = fit.direct.fit {
            m[NNQFTKey.slope] = Measurement(
                f.slope, error: f.slopeError, samples: samples,
                label: "d ln|G4c|/d ln N_h, direct estimator, points above 3× the noise floor")
        }
        if let f = fit.mixture.fit {
            m[NNQFTKey.slopeMixture] = Measurement(
                f.slope, error: f.slopeError, samples: samples,
                label: "d ln|G4c|/d ln N_h, mixture representation Σ Cov(C, C)")
        }
        m[NNQFTKey.pointsFitted] = Measurement(
            Double(fit.direct.included.count), label: "N_h values above the noise floor",
            pooling: .minimum)
        m[NNQFTKey.pointsExcluded] = Measurement(
            Double(fit.direct.excluded.count), label: "N_h values at or below the noise floor",
            pooling: .sum)
        m[NNQFTKey.kurtosisSingleHead] = Measurement(rows[0].kurtosis, samples: samples, label: "excess kurtosis G4c/G2² of one head")
        m[NNQFTKey.noiseFloor] = Measurement(
            rows.map(\.floor).reduce(0, +) / Double(rows.count), samples: samples,
            label: "mean Monte-Carlo noise floor of the direct G4c")
        if let f = sharedFit.fit {
            m[NNQFTKey.slopeSharedEmbedding] = Measurement(
                f.slope, error: f.slopeError, samples: samples,
                label: "d ln|G4c|/d ln N_h (mixture) when the heads share one embedding per draw")
        }
        if let f = control.fit {
            m[NNQFTKey.controlSlope] = Measurement(
                f.slope, error: f.slopeError, samples: samples,
                label: "single-layer ReLU network, d ln|G4c|/d ln N (known −1)")
        }

        var notes = [
            "Ensemble: \(options.points) points on a ring of radius \(NumberText.of(options.radius, digits: 2)) in R^\(options.dimension), "
                + "m = \(options.features) RFF (embedding \(options.embedding.rawValue)), d_k = d_v = 16, β = \(NumberText.of(options.logitScale)), "
                + "\(settings.draws) draws per N_h in \(settings.blocks) blocks.",
            "G4c is the mean of G4c(i,i,i,i) over the ring; the noise floor is the mean jackknife error of the same quantity for a Gaussian field with the measured G2 (\(settings.floorReplicas) replicas).",
        ]
        for p in fit.direct.excluded { notes.append("Excluded from the fit: N_h = \(NumberText.of(p.x)), \(p.reason).") }
        let table = ReportTable(
            title: "G4c against N_h (d_k = d_v = 16)",
            header: ["N_h", "G2(x₀,x₀)", "G2 attention", "G4c direct", "noise floor", "in fit", "G4c mixture", "κ = G4c/G2²"],
            rows: zip(rows, fit.direct.points).map { row, point in
                [
                    "\(row.heads)", row.g2.formatted, row.g2Attention.formatted, row.g4c.formatted,
                    NumberText.of(row.floor, digits: 2), point.included ? "yes" : "no", row.g4cMixture.formatted, row.kurtosis.formatted,
                ]
            })
        let sharedTable = ReportTable(
            title: "Context: heads sharing one embedding draw (not independent), d_k = d_v = 16",
            header: ["N_h", "G4c direct", "G4c mixture", "N_h·G4c mixture"],
            rows: shared.map { r in
                [
                    String(r.heads), r.g4c.formatted, r.g4cMixture.formatted,
                    Measurement(Double(r.heads) * r.g4cMixture.value, error: Double(r.heads) * r.g4cMixture.error).formatted,
                ]
            })
        if let f = sharedFit.fit {
            notes.append(
                "With one embedding shared by the heads of a draw the heads are only conditionally independent: the shared Gram matrix's O(1/m) fluctuation is a connected part that does not fall with N_h (mixture slope \(Measurement(f.slope, error: f.slopeError).formatted)). The claim is about independent heads, so the verdict uses the per-head ensemble."
            )
        }
        let controlTable = ReportTable(
            title: "Control: single-layer ReLU network (HMS 2021), G4c against hidden width N",
            header: ["N", "G4c direct", "noise floor", "in fit"],
            rows: control.points.map { p in
                [NumberText.of(p.x), p.value.formatted, NumberText.of(p.floor, digits: 2), p.included ? "yes" : "no"]
            })
        return ExperimentOutput(
            measurements: m, figures: NNQFTFigures.heads(rows: rows, fit: fit, control: control, shared: shared),
            tables: [table, sharedTable, controlTable], notes: notes)
    }

    /// The single-layer ReLU network (σ_W = σ_b = 1, the HMS inputs 0.2…1.2) at the control
    /// widths: the estimator and fit on a system whose slope is exactly −1.
    func singleLayerControl(_ settings: NNQFTSettings, seed: UInt64) -> ScalingAnalysis {
        let points = PointSet.line([0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
        var values: [JackknifeValue] = [], floors: [Double] = []
        for (i, width) in settings.controlWidths.enumerated() {
            let plan = CorrelatorPlan(
                draws: settings.draws, blocks: settings.blocks, quadruples: Quadruple.diagonal(6),
                seed: derivedSeed(seed, label: UInt64(i)))
            let estimate = CorrelatorEstimator.run(SingleLayerNetwork(points: points, activation: .relu, width: width), plan: plan)
            values.append(estimate.connectedMean())
            floors.append(
                NoiseFloor.measure(
                    covariance: estimate.g2Matrix, pointCount: 6, plan: plan,
                    replicas: settings.floorReplicas
                ).floor)
        }
        return ScalingAnalysis(x: settings.controlWidths.map(Double.init), values: values, floors: floors)
    }
}
