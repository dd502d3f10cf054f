import Foundation
import Models
import Physics
import TensorCore

/// Kuramoto synchrony across attention heads (seed 003: "heads stay phase-locked, r = 1.000
/// throughout training"), preceded by the validation of the Kuramoto machinery on the
/// simulator (Lorentzian K_c = 2Δ with r = √(1 − 2Δ/K); Gaussian K_c = 1.596σ; r ~ N^(−1/2)
/// below threshold).
///
/// A small transformer is trained on the run's corpus (`CorpusExperiment`); every few steps each head's phase is
/// read from its mean attention-over-distance profile and r is taken across all heads. r is
/// set against three baselines: independent uniform phases (r ≈ √(π/4M)), the same heads with
/// their phase histories shuffled in time (simultaneity removed), and the heads' profiles with
/// their distance order shuffled (distance structure removed).
struct KuramotoExperiment: RegisteredExperiment {
    static let experimentID = "kuramoto.heads"
    var title: String { "Kuramoto synchrony: simulator validation and the phases of attention heads during training" }
    var dependencies: [String] { [CorpusExperiment.experimentID] }

    /// 12 training runs at quick: with 4, the r_min half of `kuramoto.heads-locked` sits 1–2σ from
    /// its threshold and the verdict moves with the master seed (docs/CLAIMS.md).
    func minimumReplicates(at scale: Scale) -> Int? { scale == .quick ? 12 : nil }

    struct Settings {
        var simulation: KuramotoSimulationSweep.Settings
        var heads: HeadPhaseTraining.Settings
        var nullDraws: Int

        init(_ scale: Scale, seed: UInt64) {
            func model(width: Int, layers: Int, heads: Int, context: Int) -> ModelConfig {
                ModelConfig(
                    architecture: .transformer, vocabularySize: 1, contextLength: context, width: width, layers: layers,
                    heads: heads, feedForward: 4 * width)
            }
            func training(steps: Int, batch: Int, context: Int, lr: Double) -> TrainingConfig {
                .unlogged(steps: steps, batch: batch, context: context, learningRate: lr, seed: seed)
            }
            switch scale {
            case .smoke:
                simulation = .init(
                    oscillators: 200, realisations: 2, couplings: [0.5, 1.5, 2, 3], timeStep: 0.1,
                    transient: 30, duration: 40, sizes: [50, 200])
                heads = .init(
                    model: model(width: 32, layers: 2, heads: 2, context: 32),
                    training: training(steps: 20, batch: 8, context: 32, lr: 3e-3), every: 5,
                    validationSequences: 8, replicates: 30, initSeed: seed &+ 3)
                nullDraws = 2000
            case .quick:
                simulation = .init(
                    oscillators: 1000, realisations: 2,
                    couplings: [0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2, 3, 4], timeStep: 0.1,
                    transient: 60, duration: 100, sizes: [100, 400, 1600])
                heads = .init(
                    model: model(width: 64, layers: 2, heads: 4, context: 64),
                    training: training(steps: 250, batch: 12, context: 64, lr: 3e-3), every: 10,
                    validationSequences: 32, replicates: 100, initSeed: seed &+ 3)
                nullDraws = 20000
            case .small, .paper:
                simulation = .init(
                    oscillators: 4000, realisations: 4,
                    couplings: [0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2, 2.5, 3, 4, 6], timeStep: 0.05,
                    transient: 100, duration: 300, sizes: [100, 400, 1600, 6400])
                heads = .init(
                    model: model(width: 128, layers: 4, heads: 8, context: 128),
                    training: training(steps: 2000, batch: 16, context: 128, lr: 2e-3), every: 25,
                    validationSequences: 32, replicates: 200, initSeed: seed &+ 3)
                nullDraws = 50000
            }
        }
    }

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale, seed: context.seed)
        let master = SeededRNG(seed: context.seed ^ 0x6B75_7261_6D6F)  // "kuramo"
        context.log(
            "simulator: N = \(settings.simulation.oscillators), \(settings.simulation.couplings.count) couplings × \(settings.simulation.realisations) realisations"
        )
        let lorentzian = KuramotoSimulationSweep(distribution: .lorentzian(halfWidth: 1), settings: settings.simulation, rng: master.stream(1))
        let gaussian = KuramotoSimulationSweep(distribution: .gaussian(std: 1), settings: settings.simulation, rng: master.stream(2))
        let below = KuramotoSimulationSweep.belowThreshold(
            distribution: .lorentzian(halfWidth: 1), settings: settings.simulation,
            rng: master.stream(3))

        let data = try RunModels(context).data()
        context.log("data: \(data.summary.corpus), \(data.train.tokens.count) training tokens")
        let metrics = context.metrics
        let run = try HeadPhaseTraining.run(data: data, settings: settings.heads, log: context.log) { s in
            var values: [String: Double] = ["r": s.r, "r_error": s.rError]
            if s.loss.isFinite { values["loss"] = s.loss }
            for (m, p) in s.phases.enumerated() { values["phase.\(m)"] = p }
            metrics.log(values, step: s.step, fields: ["stage": "head-phases"])
        }
        var rng = master.stream(4)
        let analysis = HeadPhaseTraining.Analysis(
            run.snapshots, length: settings.heads.model.contextLength,
            replicates: settings.heads.replicates, draws: settings.nullDraws, rng: &rng)
        var output = KuramotoReport(
            lorentzian: lorentzian, gaussian: gaussian, below: below, snapshots: run.snapshots,
            analysis: analysis, settings: settings
        ).output()
        output.trainedScale = ModelScale(
            parameters: Double(run.parameters), tokens: Double(run.tokens),
            corpus: "\(CorpusExperiment.label(data.summary)), BPE vocabulary \(data.tokenizer.vocabularySize)")
        return output
    }
}
