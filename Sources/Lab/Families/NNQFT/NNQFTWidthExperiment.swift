import Foundation
import Physics

/// `nnqft.width`: one head's connected 4-point function against its query/key width d_k, up to
/// the sampled limit d_k = ∞ — the seed's non-Gaussianity "that persists in the infinite-width
/// limit" (claim `nnqft.width-persistence`).
///
/// The value/read-out width is held at d_v = ∞ so that the only width in play is d_k (a finite
/// d_v adds the ordinary 1/d_v non-Gaussianity of the read-out; a d_v = d_k series is shown for
/// comparison). Measured: G4c at each d_k, the d_k = ∞ sample, the extrapolation
/// G4c(d_k) = c∞ + c₁/d_k by weighted least squares, the log-log slope over the largest widths,
/// and two controls at d_k = ∞: the embedding quenched (only the query/key weights random — the
/// pure "independence-breaking" covariance) and β = 0 (uniform attention: only the embedding's
/// fluctuation remains).
public struct NNQFTWidthExperiment: RegisteredExperiment {
    public static let experimentID = "nnqft.width"
    public let title = "NN-QFT: single-head non-Gaussianity against the key width d_k"

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = NNQFTSettings.at(context.scale)
        var options = settings.baseOptions(seed: derivedSeed(context.seed, label: 0x4E51_0200))
        options.keyWidths = settings.widths
        options.heads = [1]
        options.valueWidth = .infinite
        var rows: [NNQFTScan.Row] = []
        for (i, k) in settings.widths.enumerated() {
            let (row, _) = NNQFTScan.runPoint(options: options, keyWidth: k, heads: 1, label: UInt64(i))
            rows.append(row)
            context.log("nnqft.width: d_k = \(NNQFTScan.widthText(k))  G4c = \(row.g4c.formatted), mixture \(row.g4cMixture.formatted)")
        }
        // Controls at d_k = ∞ (d_v = ∞).
        var quenchedOptions = options
        quenchedOptions.embedding = .fixed
        let quenched = NNQFTScan.runPoint(options: quenchedOptions, keyWidth: nil, heads: 1, label: 100).0
        var uniformOptions = options
        uniformOptions.logitScale = 0
        let uniform = NNQFTScan.runPoint(options: uniformOptions, keyWidth: nil, heads: 1, label: 101).0
        // The ordinary head, d_v = d_k, at a few widths.
        var standardOptions = options
        standardOptions.valueWidth = .sameAsKey
        let standardWidths = settings.widths.compactMap { $0 }.filter { [16, 64, 256].contains($0) }
        let standard = standardWidths.enumerated().map { i, k in
            NNQFTScan.runPoint(options: standardOptions, keyWidth: k, heads: 1, label: 200 + UInt64(i)).0
        }

        let finite = rows.filter { $0.keyWidth != nil }
        let infinite = rows.first { $0.keyWidth == nil }
        let extrapolation = Self.extrapolate(finite, value: \.g4c)
        let extrapolationMixture = Self.extrapolate(finite, value: \.g4cMixture)
        let tail = Array(finite.suffix(3))
        let tailFit = ScalingAnalysis(x: tail.map { Double($0.keyWidth!) }, values: tail.map(\.g4c), floors: tail.map(\.floor))

        var m: [String: Measurement] = [:]
        let n = settings.draws
        if let infinite {
            m[NNQFTKey.g4cInfinite] = Measurement(infinite.g4c, samples: n, label: "G4c at d_k = ∞, d_v = ∞ (direct)")
            m[NNQFTKey.g4cInfiniteMixture] = Measurement(infinite.g4cMixture, samples: n, label: "G4c at d_k = ∞ from Σ Cov(C, C)")
            m[NNQFTKey.kurtosisInfinite] = Measurement(infinite.kurtosis, samples: n, label: "excess kurtosis at d_k = ∞")
        }
        if let e = extrapolation {
            m[NNQFTKey.g4cExtrapolated] = Measurement(
                e.intercept, error: e.interceptError, samples: n,
                label: "c∞ of G4c = c∞ + c₁/d_k fitted over finite d_k ≥ 8 (direct)")
        }
        if let e = extrapolationMixture {
            m[NNQFTKey.g4cExtrapolatedMixture] = Measurement(
                e.intercept, error: e.interceptError, samples: n,
                label: "c∞ from the mixture representation")
        }
        if let first = finite.first {
            m[NNQFTKey.g4cSmallestFinite] = Measurement(first.g4c, samples: n, label: "G4c at the smallest d_k = \(first.keyWidth!) (direct)")
        }
        if let last = finite.last {
            m[NNQFTKey.g4cLargestFinite] = Measurement(last.g4c, samples: n, label: "G4c at the largest finite d_k = \(last.keyWidth!)")
        }
        if let f = tailFit.fit {
            m[NNQFTKey.tailSlope] = Measurement(
                f.slope, error: f.slopeError, samples: n,
                label: "d ln|G4c|/d ln d_k over the three largest finite d_k (−1 would be 1/d_k decay)")
        }
        m[NNQFTKey.g4cQuenched] = Measurement(quenched.g4c, samples: n, label: "G4c at d_k = ∞ with the embedding quenched: only W_Q, W_K random")
        m[NNQFTKey.g4cQuenchedMixture] = Measurement(
            quenched.g4cMixture, samples: n, label: "the same from Σ Cov_QK(C, C), the independence-breaking covariance")
        m[NNQFTKey.g4cUniformAttention] = Measurement(uniform.g4c, samples: n, label: "G4c at d_k = ∞ with β = 0 (uniform attention): the embedding's share")

        func line(_ r: NNQFTScan.Row, _ what: String) -> [String] {
            [
                what, NNQFTScan.widthText(r.keyWidth), NNQFTScan.widthText(r.valueWidth), r.g2.formatted, r.g4c.formatted,
                NumberText.of(r.floor, digits: 2), r.g4cMixture.formatted, r.kurtosis.formatted,
            ]
        }
        let header = ["ensemble", "d_k", "d_v", "G2(x₀,x₀)", "G4c direct", "noise floor", "G4c mixture", "κ = G4c/G2²"]
        var tableRows = rows.map { line($0, "per-head RFF, β = 1") }
        tableRows += standard.map { line($0, "d_v = d_k") }
        tableRows.append(line(quenched, "embedding quenched"))
        tableRows.append(line(uniform, "β = 0 (uniform attention)"))
        var notes = [
            "Ensemble: one head, \(options.points) points on a ring of radius \(NumberText.of(options.radius, digits: 2)) in "
                + "R^\(options.dimension), m = \(options.features) RFF, β = \(NumberText.of(options.logitScale)), d_v = ∞, \(n) draws per d_k.",
            "d_k = ∞ is sampled exactly: given the embedding factor F (F Fᵀ = G) the logits are β F W Fᵀ with W = Z_Q Z_Kᵀ/√d_k, which tends to an i.i.d. Gaussian matrix.",
        ]
        if let e = extrapolation {
            notes.append(
                "Fit G4c = c∞ + c₁/d_k (direct, d_k ≥ 8): c∞ = \(Measurement(e.intercept, error: e.interceptError).formatted), "
                    + "c₁ = \(Measurement(e.slope, error: e.slopeError).formatted), "
                    + "χ²/dof = \(NumberText.fixed(e.chiSquared / Double(max(1, e.degreesOfFreedom)), 2)).")
        }
        return ExperimentOutput(
            measurements: m,
            figures: NNQFTFigures.width(
                rows: rows, standard: standard, quenched: quenched, uniform: uniform,
                extrapolation: extrapolation),
            tables: [ReportTable(title: "G4c against d_k (one head)", header: header, rows: tableRows)],
            notes: notes)
    }

    /// Weighted least squares of G4c against 1/d_k over finite d_k ≥ 8: intercept c∞, slope c₁.
    static func extrapolate(_ rows: [NNQFTScan.Row], value: KeyPath<NNQFTScan.Row, JackknifeValue>) -> WeightedLineFit? {
        let used = rows.filter { ($0.keyWidth ?? 0) >= 8 }
        guard used.count >= 2 else { return nil }
        return WeightedLineFit(
            x: used.map { 1 / Double($0.keyWidth!) }, y: used.map { $0[keyPath: value].value },
            sigma: used.map { $0[keyPath: value].error })
    }
}
