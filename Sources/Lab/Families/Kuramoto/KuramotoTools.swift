import Foundation
import Models
import Physics
import TensorCore

/// Entry points for the `attnlab thermo` and `attnlab kuramoto` commands: the same machinery as
/// the experiments, on a model or settings the user chooses.
public enum AttentionPhasesTools {
    /// A table as aligned plain text.
    public static func text(_ table: ReportTable) -> String {
        let all = [table.header] + table.rows
        let widths = table.header.indices.map { j in all.map { j < $0.count ? $0[j].count : 0 }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([table.title, line(table.header), line(widths.map { String(repeating: "-", count: $0) })] + table.rows.map(line))
            .joined(separator: "\n")
    }

    /// Options of the temperature sweep.
    public struct ThermoOptions: Sendable {
        public var sequences = 32
        public var replicates = 200
        public var betaLow = 1e-2
        public var betaHigh = 1e3
        public var perDecade = 8
        public var seed: UInt64 = 1
        public init() {}
    }

    /// The temperature sweep of a trained transformer and, for comparison, of the same
    /// architecture at initialisation, with the finite-size analysis and its references.
    /// `model` nil with `randomInit`: only the initialised model is swept (as "trained" too).
    public static func thermo(model: LanguageModel<Float>?, config: ModelConfig, data: PreparedData, randomInit: Bool,
                              options: ThermoOptions, log: (String) -> Void) throws -> ExperimentOutput {
        var settings = HeatCapacityExperiment.Settings(.quick)
        settings.sequences = options.sequences
        settings.replicates = options.replicates
        settings.grid = AttentionTemperatureSweep.Grid(low: options.betaLow, high: options.betaHigh, perDecade: options.perDecade)
        let length = config.contextLength
        let (tokens, batch) = try PipelineTransformer.validationTokens(data, batch: options.sequences, length: length)
        var rng = SeededRNG(seed: options.seed)
        var initRng = SeededRNG(seed: options.seed &+ 17)
        let fresh = try LanguageModel<Float>(config: config, rng: &initRng)
        let subject = randomInit ? fresh : (model ?? fresh)
        log("sweeping \(config.layers)×\(config.heads) heads on \(batch) sequences of \(length) tokens")
        let main = HeatCapacityExperiment.analyse(subject, name: randomInit ? "random initialisation" : "trained", tokens: tokens,
                                                  batch: batch, settings: settings, rng: &rng)
        let initial = HeatCapacityExperiment.analyse(fresh, name: "initialisation", tokens: tokens, batch: batch,
                                                     settings: settings, rng: &rng)
        let betas = main.sweep.betas
        let rem = PeakScaling.analyse(
            samples: TemperatureSweepReference.randomEnergy(std: main.sweep.scoreStd, length: length, sequences: batch,
                                                            rows: main.sweep.heads.count, betas: betas, rng: &rng),
            betas: betas, replicates: settings.replicates, rng: &rng)
        let firstOrder = PeakScaling.analyse(samples: TemperatureSweepReference.firstOrder(length: length, betas: betas),
                                             betas: betas, replicates: 2, rng: &rng)
        return HeatCapacityReport(trained: main, initial: initial, randomEnergy: rem, firstOrder: firstOrder,
                                  checkpoint: randomInit ? "no" : "trained", settings: settings).output()
    }

    /// Stationary r(K) of the simulator against the theory, one row per coupling.
    public static func kuramotoSimulation(distribution: FrequencyDistribution, oscillators: Int, couplings: [Double],
                                          realisations: Int, timeStep: Double, transient: Double, duration: Double,
                                          regular: Bool, seed: UInt64) -> ReportTable {
        let master = SeededRNG(seed: seed)
        let estimates = Parallel.map(couplings.count) { i -> OrderParameterEstimate in
            var rng = master.stream(UInt64(i))
            return KuramotoModel.stationaryOrderParameter(distribution: distribution, oscillators: oscillators, coupling: couplings[i],
                                                          regular: regular, realisations: realisations, timeStep: timeStep,
                                                          transient: transient, duration: duration, rng: &rng)
        }
        let rows = couplings.indices.map { i -> [String] in
            let theory = KuramotoTheory.stationaryOrderParameter(coupling: couplings[i], distribution: distribution)
            let e = estimates[i]
            return [Measurement.format(couplings[i], digits: 4), Measurement.format(couplings[i] / distribution.criticalCoupling, digits: 3),
                    Measurement(e.mean, error: e.error).formatted, Measurement.format(theory, digits: 4),
                    Measurement.format((e.mean - theory) / e.error, digits: 3),
                    Measurement.format(e.meanSquare * Double(oscillators), digits: 3)]
        }
        return ReportTable(title: "Kuramoto r(K): \(distribution), N = \(oscillators), \(realisations) realisation(s), "
                           + "\(regular ? "regular quantile" : "random") frequencies, K_c = \(Measurement.format(distribution.criticalCoupling, digits: 4))",
                           header: ["K", "K/K_c", "r simulated", "r theory (N → ∞)", "(sim − theory)/σ", "N⟨r²⟩"], rows: rows)
    }

    /// Options of the heads' phase tracking.
    public struct HeadsOptions: Sendable {
        public var width = 64
        public var layers = 2
        public var heads = 4
        public var context = 64
        public var steps = 300
        public var batch = 16
        public var learningRate = 3e-3
        public var every = 10
        public var validationSequences = 16
        public var replicates = 100
        public var seed: UInt64 = 1
        public init() {}
    }

    /// Trains a transformer on `data` logging the heads' phases; returns the table of r over
    /// training and a summary of the baselines.
    public static func kuramotoHeads(data: PreparedData, options: HeadsOptions, log: (String) -> Void) throws -> (table: ReportTable, summary: [String]) {
        var training = TrainingConfig()
        training.steps = options.steps
        training.batchSize = options.batch
        training.contextLength = options.context
        training.maxLearningRate = options.learningRate
        training.evalInterval = 0
        training.logInterval = 0
        training.seed = options.seed
        let model = ModelConfig(architecture: .transformer, vocabularySize: 1, contextLength: options.context, width: options.width,
                                layers: options.layers, heads: options.heads, feedForward: 4 * options.width)
        try model.validate()
        let settings = HeadPhaseTraining.Settings(model: model, training: training, every: options.every,
                                                  validationSequences: options.validationSequences, replicates: options.replicates,
                                                  initSeed: options.seed &+ 3)
        let snapshots = try HeadPhaseTraining.run(data: data, settings: settings, log: log) { s in
            log(String(format: "step %5d  r = %.4f ± %.4f", s.step, s.r, s.rError))
        }
        var rng = SeededRNG(seed: options.seed ^ 0x6E75_6C6C)  // "null"
        let null = PhaseSynchrony.uniformNull(heads: snapshots[0].phases.count, draws: 20000, rng: &rng)
        let shuffled = PhaseSynchrony.timeShuffledOrderParameter(snapshots.map(\.phases), draws: 20000, rng: &rng)
        let distance = KuramotoExperiment.distanceShuffled(snapshots.last!.profiles, draws: 200, rng: &rng)
        let uniform = PhaseSynchrony.firstMode(PhaseSynchrony.uniformCausalProfile(length: options.context)).phase
        let statistics = HeadPhaseTraining.statistics(snapshots, replicates: options.replicates, rng: &rng)
        let rows = snapshots.map { s in
            [String(s.step), s.loss.isFinite ? Measurement.format(s.loss, digits: 4) : "—", Measurement(s.r, error: s.rError).formatted,
             s.layerR.map { Measurement.format($0, digits: 4) }.joined(separator: ", ")]
        }
        let table = ReportTable(title: "r across \(null.heads) heads during training", header: ["step", "train loss", "r", "r per layer"], rows: rows)
        let summary = [
            "independent uniform phases (M = \(null.heads)): mean r \(Measurement.format(null.mean, digits: 3)), 95% \(Measurement.format(null.quantile95, digits: 3))",
            "time-shuffled heads: mean r \(Measurement.format(shuffled, digits: 4))",
            "distance-shuffled final profiles: mean r \(Measurement.format(distance, digits: 3))",
            "phase of uniform causal attention: \(Measurement.format(uniform, digits: 4)) rad; heads after training: "
                + snapshots.last!.phases.map { Measurement.format($0, digits: 3) }.joined(separator: ", "),
            "smallest r over training: \(Measurement(statistics.minimum, error: statistics.minimumError).formatted) at step "
                + "\(statistics.minimumStep); mean over the second half \(Measurement(statistics.late, error: statistics.lateError).formatted) "
                + "(the seed claims 1.000 throughout)",
        ]
        return (table, summary)
    }
}
