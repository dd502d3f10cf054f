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
struct HeatCapacityExperiment: Experiment {
    static let id = "attn.temperature-sweep"
    var id: String { Self.id }
    var title: String { "Attention temperature sweep and the heat-capacity peak against the number of keys" }
    var dependencies: [String] { [PipelineTransformer.pipelineID] }

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
        guard let pipeline = context.dependencyOutputs[PipelineTransformer.pipelineID] else {
            throw LabError.badFile(context.runDirectory.path, "has no output of \(PipelineTransformer.pipelineID), which trains the transformer this sweep reads")
        }
        let trained = try PipelineTransformer.load(from: pipeline, runDirectory: context.runDirectory)
        let length = trained.model.config.contextLength
        let (tokens, batch) = try PipelineTransformer.validationTokens(trained.data, batch: settings.sequences, length: length)
        context.log("sweeping \(trained.model.config.layers)×\(trained.model.config.heads) heads on \(batch) validation sequences of \(length) tokens")
        var rng = SeededRNG(seed: context.seed ^ 0x7468_6572_6D6F)  // "thermo"
        let analysed = Self.analyse(trained.model, name: "trained (step \(trained.manifest.step))", tokens: tokens, batch: batch,
                                    settings: settings, rng: &rng)
        // The same architecture at initialisation, for comparison.
        var initRng = SeededRNG(seed: context.seed &+ 17)
        let fresh = try LanguageModel<Float>(config: trained.model.config, rng: &initRng)
        let initial = Self.analyse(fresh, name: "initialisation", tokens: tokens, batch: batch, settings: settings, rng: &rng)
        // References on the same sizes.
        let betas = analysed.sweep.betas
        let rem = PeakScaling.analyse(
            samples: TemperatureSweepReference.randomEnergy(std: analysed.sweep.scoreStd, length: length, sequences: batch,
                                                            rows: analysed.sweep.heads.count, betas: betas, rng: &rng),
            betas: betas, replicates: settings.replicates, rng: &rng)
        let firstOrder = PeakScaling.analyse(samples: TemperatureSweepReference.firstOrder(length: length, betas: betas),
                                             betas: betas, replicates: 2, rng: &rng)
        let all = analysed.sweep.pooledAll
        for (k, b) in betas.enumerated() {
            context.metrics.log(["beta": b, "heat_capacity": all.mean(\.heatCapacity)[k],
                                 "entropy_normalised": all.mean(\.normalisedEntropy)[k], "max_weight": all.mean(\.maxWeight)[k]],
                                fields: ["model": "trained"])
        }
        return HeatCapacityReport(trained: analysed, initial: initial, randomEnergy: rem, firstOrder: firstOrder,
                                  checkpoint: trained.checkpoint.lastPathComponent, settings: settings).output()
    }

    /// Captures the model's scores on the tokens and runs the sweep, peaks and scaling.
    static func analyse(_ model: LanguageModel<Float>, name: String, tokens: [Int32], batch: Int, settings: Settings,
                        rng: inout SeededRNG) -> Analysis {
        let captured = AttentionScores.capture(model, tokens: tokens, batch: batch, length: model.config.contextLength)
        let sweep = AttentionTemperatureSweep(captured, grid: settings.grid)
        let heads = sweep.heads.indices.map { sweep.peak(head: $0, replicates: settings.replicates, rng: &rng) }
        let mean = sweep.peak(head: nil, replicates: settings.replicates, rng: &rng)
        let scaling = PeakScaling.analyse(samples: sweep.perBin, betas: sweep.betas, replicates: settings.replicates, rng: &rng)
        return Analysis(name: name, sweep: sweep, headPeaks: heads, meanPeak: mean, scaling: scaling)
    }
}
