import Foundation
import Models
import Physics
import TensorCore

/// `qsf.spectrum`: the Koopman spectral analysis of seed 001 §II–IV, XI.5, XII — the experiment of
/// `qsf.spectrum-annulus`, `qsf.net-dissipation`, `qsf.hamiltonian-unit-circle`
/// (KoopmanSpectrumClaims), `qsf.gamma` (GammaClaim), `qsf.norm-stability` (NormStabilityClaim)
/// and `qsf.semantic-sparsity` (SemanticSparsityClaim).
///
/// Always: the known-answer checks of `SpectrumValidation`. With the models `qsf.pipeline`
/// trained (reached through `RunModels`): `TrainedSpectrum` on the Stage III and Stage IV
/// checkpoints, the Stage II generators at initialisation, Stage III's training records and
/// validation windows of the run's corpus. Replicated with the pipeline: replicate r reads the
/// models of the pipeline's replicate r.
public struct SpectrumExperiment: RegisteredExperiment {
    public static let experimentID = "qsf.spectrum"
    public let title = "Koopman spectra, energy budget and semantic sparsity"

    public init() {}

    public var dependencies: [String] { [RunModels.pipelineID] }

    /// Validation windows of the context length per scale for the hidden-state analyses.
    static func windows(_ scale: Scale) -> Int {
        switch scale {
        case .smoke: 8
        case .quick: 64
        case .small: 128
        case .paper: 64
        }
    }

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var output = try SpectrumValidation.output(seed: context.seed, items: context.scale == .smoke ? 1_000 : 5_000)
        guard context.dependencyOutputs[RunModels.pipelineID] != nil else {
            output.notes.append(
                "No trained model reached this experiment: the spectrum claims need the per-layer K = exp(A), W_V and γ of the qsf pipeline's Stage III and Stage IV checkpoints and validation hidden states."
            )
            return output
        }
        let models = try RunModels(context)
        let stageIII = try models.model("qsf")
        let trained = try TrainedSpectrum(
            stageIII: stageIII, stageIV: models.checkpoints["hamiltonian"] == nil ? nil : try models.model("hamiltonian"),
            initial: try SpectrumExperiment.initialModel(like: stageIII, scale: context.scale, seed: context.seed),
            records: try SpectrumExperiment.trainingRecords(checkpoint: try models.checkpoint("qsf")),
            data: try models.data(), windows: SpectrumExperiment.windows(context.scale), log: context.log)
        let model = SpectrumExperiment.output(trained)
        output.measurements.merge(model.measurements) { $1 }
        output.tables = model.tables + output.tables
        output.figures = model.figures + output.figures
        output.notes = model.notes + output.notes
        return output
    }

    /// The Koopman generators before training: Stage II (`koopman`, the first stage with a
    /// generator; Stage III starts from it trained) as `QSFPipeline` initialises it — the shape of
    /// `trained` with the pipeline's initialisation seed at this scale and seed.
    static func initialModel(like trained: LanguageModel<Float>, scale: Scale, seed: UInt64) throws -> LanguageModel<Float> {
        var config = trained.config
        config.architecture = .koopman
        var rng = SeededRNG(seed: QSFPipelineScale.at(scale, seed: seed).settings.initSeed)
        return try LanguageModel<Float>(config: config, rng: &rng)
    }

    /// The training records in a stage's result.json, or nil when it has none.
    static func trainingRecords(checkpoint folder: URL) throws -> [TrainingRecord]? {
        let file = folder.appendingPathComponent("result.json")
        guard let data = try? Data(contentsOf: file) else { return nil }
        do { return try QSFPipeline.resultDecoder.decode(QSFPipeline.StageResult.self, from: data).records } catch {
            throw LabError.badFile(file.path, "is not a pipeline stage result (\(error.localizedDescription))")
        }
    }

    /// Measurements, tables, figures and notes of the trained models.
    static func output(_ t: TrainedSpectrum) -> ExperimentOutput {
        var out = ExperimentOutput(measurements: t.measurements())
        out.tables.append(t.stageIII.table(title: "Per-layer Koopman spectra (Stage III)"))
        out.figures.append(
            t.stageIII.eigenvalueFigure(
                name: "qsf-spectrum", caption: "Eigenvalues of K = exp(A) for every layer of the trained Stage III model, with the unit circle.",
                title: "Koopman eigenvalues, Stage III"))
        if let initial = t.initial {
            out.tables.append(initial.table(title: "Per-layer Koopman spectra at initialisation (Stage II before training)"))
        }
        if let stageIV = t.stageIV {
            out.tables.append(stageIV.table(title: "Per-layer Koopman spectra (Stage IV, Hamiltonian)"))
            out.figures.append(
                stageIV.eigenvalueFigure(
                    name: "qsf-spectrum-hamiltonian", caption: "Eigenvalues of K for every layer of the Stage IV (skew-generator) model.",
                    title: "Koopman eigenvalues, Stage IV"))
        }
        if let share = t.share {
            let gammas = t.stageIII.layers.map { $0.gamma.map { NumberText.fixed($0, 3) } ?? "—" }
            out.tables.append(
                ReportTable(
                    title: "Measurement term against the Koopman term in the residual update (ρ_l, jackknife over windows)",
                    header: ["layer", "γ_l", "ρ_l = RMS‖γ·LinAttn‖ / RMS‖Koopman‖"],
                    rows: share.ratios.indices.map {
                        ["\($0)", $0 < gammas.count ? gammas[$0] : "—", Measurement(share.ratios[$0].value, error: share.ratios[$0].error).formatted]
                    }))
        }
        if let sparsity = t.sparsity {
            out.tables.append(sparsity.table())
            if let top = sparsity.layers.max(by: { $0.analysis.spectrum.spectralRadius < $1.analysis.spectrum.spectralRadius }) {
                out.tables.append(top.analysis.table())
                let frequent = top.analysis.frequentTopLabels().map { "\($0.label) ×\($0.count)" }.joined(separator: ", ")
                out.notes.append(
                    "Most frequent tokens among the \(top.analysis.topItems.count) top-1% items of layer \(top.index)'s top modes (the largest spectral radius): \(frequent). Boundary/discourse tokens are sentence ends, line breaks, end-of-text and a fixed list of marker words (BoundaryTokens), not fitted to this outcome."
                )
            }
        }
        out.notes.insert(
            "Spectral analysis of the Stage III model trained by qsf.pipeline: \(t.stageIII.layers.count) layers of width \(t.width)\(t.stageIV == nil ? "" : ", and of its Stage IV (Hamiltonian) successor"); hidden-state analyses on \(t.windows) validation windows. Final hidden-state norms are ‖h‖/√C of the final norm's output.",
            at: 0)
        if t.gamma == nil { out.notes.append("No γ trajectory: the Stage III result.json with training records was not found.") }
        return out
    }
}
