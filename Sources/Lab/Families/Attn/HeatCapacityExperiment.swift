import Foundation
import Models
import Physics
import TensorCore

/// The temperature sweep of a trained transformer's attention and the finite-size test of its
/// heat-capacity peak (seed 000 §1 "symmetric / broken-symmetry phase"; seed 003 "temperature
/// controls sharpness").
///
/// Every finite softmax row has a heat-capacity peak: C = β²Var(s) vanishes at β → 0 and β → ∞
/// and its area over log β is log n − log g (a Schottky anomaly). So the peak alone shows
/// nothing; a phase transition is a statement about n → ∞ (here n = number of keys). The
/// experiment follows the peak of the intensive heat capacity c = C/log n against n and reads
/// two exponents (`PeakScaling`): the drift of β*, which must vanish for a transition at a
/// finite temperature, and the sharpening of the peak, which must be positive. Both are
/// calibrated on reference rows swept the same way: i.i.d. Gaussian scores (the random energy
/// model with unscaled energies — no finite-temperature transition) and a first-order
/// transition at β_c = 1 built by hand.
struct HeatCapacityExperiment: RegisteredExperiment {
    static let experimentID = "attn.temperature-sweep"
    var title: String { "Attention temperature sweep and the heat-capacity peak against the number of keys" }
    /// It reads the transformer the QSF pipeline trains (`RunModels`).
    var dependencies: [String] { [RunModels.pipelineID] }
    static let stage = "transformer"

    struct Settings {
        var sequences: Int
        var replicates: Int
        var grid = AttentionTemperatureSweep.Grid()

        init(_ scale: Scale) {
            switch scale {
            case .smoke: (sequences, replicates) = (8, 40)
            case .quick: (sequences, replicates) = (32, 200)
            case .small: (sequences, replicates) = (64, 400)
            case .paper: (sequences, replicates) = (64, 1000)
            }
            if scale == .smoke { grid.perDecade = 6 }
        }
    }

    /// The sweep of one model with its analysis.
    struct Analysis {
        var name: String
        var sweep: AttentionTemperatureSweep
        var headPeaks: [AttentionTemperatureSweep.PeakEstimate]
        var meanPeak: AttentionTemperatureSweep.PeakEstimate
        var scaling: PeakScaling
    }

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale)
        let models = try RunModels(context)
        let checkpoint = try models.checkpoint(Self.stage)
        let manifest = try Checkpoint.manifest(in: checkpoint)
        let model = try RunModels.loadModel(checkpoint: checkpoint)
        var rng = SeededRNG(seed: context.seed ^ 0x7468_6572_6D6F)  // "thermo"
        let report = try Self.sweep(
            model, name: "trained (step \(manifest.step))", data: try models.data(), settings: settings,
            initSeed: context.seed &+ 17, checkpoint: checkpoint.lastPathComponent, rng: &rng, log: context.log)
        let all = report.trained.sweep.pooledAll
        for (k, b) in report.trained.sweep.betas.enumerated() {
            context.metrics.log(
                [
                    "beta": b, "heat_capacity": all.mean(\.heatCapacity)[k],
                    "entropy_normalised": all.mean(\.normalisedEntropy)[k], "max_weight": all.mean(\.maxWeight)[k],
                ],
                fields: ["model": "trained"])
        }
        return report.output()
    }

    /// Sweeps `model` (nil: the fresh model) and, for comparison, the same architecture freshly
    /// initialised from `initSeed`, on the first validation sequences of `data`, with the two
    /// reference systems on the same sizes.
    static func sweep(
        _ model: LanguageModel<Float>?, name: String, config: ModelConfig? = nil, data: PreparedData, settings: Settings,
        initSeed: UInt64, checkpoint: String, rng: inout SeededRNG, log: (String) -> Void
    ) throws -> HeatCapacityReport {
        guard let config = model?.config ?? config else { preconditionFailure("HeatCapacityExperiment.sweep: needs a model or a config") }
        let length = config.contextLength
        let (tokens, batch) = try AttentionScores.validationBatch(data, batch: settings.sequences, length: length)
        log("sweeping \(config.layers)×\(config.heads) heads on \(batch) validation sequences of \(length) tokens")
        var initRng = SeededRNG(seed: initSeed)
        let fresh = try LanguageModel<Float>(config: config, rng: &initRng)
        let analysed = analyse(model ?? fresh, name: name, tokens: tokens, batch: batch, settings: settings, rng: &rng)
        let initial = analyse(fresh, name: "initialisation", tokens: tokens, batch: batch, settings: settings, rng: &rng)
        let betas = analysed.sweep.betas
        let rem = PeakScaling.analyse(
            samples: TemperatureSweepReference.randomEnergy(
                std: analysed.sweep.scoreStd, length: length, sequences: batch,
                rows: analysed.sweep.heads.count, betas: betas, rng: &rng),
            betas: betas, replicates: settings.replicates, rng: &rng)
        let firstOrder = PeakScaling.analyse(
            samples: TemperatureSweepReference.firstOrder(length: length, betas: betas),
            betas: betas, replicates: 2, rng: &rng)
        return HeatCapacityReport(
            trained: analysed, initial: initial, randomEnergy: rem, firstOrder: firstOrder,
            checkpoint: checkpoint, settings: settings)
    }

    /// Captures the model's scores on the tokens and runs the sweep, peaks and scaling.
    static func analyse(
        _ model: LanguageModel<Float>, name: String, tokens: [Int32], batch: Int, settings: Settings,
        rng: inout SeededRNG
    ) -> Analysis {
        let captured = AttentionScores.capture(model, tokens: tokens, batch: batch, length: model.config.contextLength)
        let sweep = AttentionTemperatureSweep(captured, grid: settings.grid)
        let heads = sweep.heads.indices.map { sweep.peak(head: $0, replicates: settings.replicates, rng: &rng) }
        let mean = sweep.peak(head: nil, replicates: settings.replicates, rng: &rng)
        let scaling = PeakScaling.analyse(samples: sweep.perBin, betas: sweep.betas, replicates: settings.replicates, rng: &rng)
        return Analysis(name: name, sweep: sweep, headPeaks: heads, meanPeak: mean, scaling: scaling)
    }
}
