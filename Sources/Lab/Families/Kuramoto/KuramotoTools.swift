import Foundation
import Models
import Physics
import TensorCore

/// Entry points for `attnlab kuramoto simulate|heads`: the machinery of `kuramoto.heads` on
/// settings the user chooses.
public enum KuramotoTools {
    /// Stationary r(K) of the simulator against the theory, one row per coupling.
    public static func simulation(
        distribution: FrequencyDistribution, oscillators: Int, couplings: [Double],
        realisations: Int, timeStep: Double, transient: Double, duration: Double,
        regular: Bool, seed: UInt64
    ) -> ReportTable {
        let master = SeededRNG(seed: seed)
        let estimates = Parallel.map(couplings.count) { i -> OrderParameterEstimate in
            var rng = master.stream(UInt64(i))
            return KuramotoModel.stationaryOrderParameter(
                distribution: distribution, oscillators: oscillators, coupling: couplings[i],
                regular: regular, realisations: realisations, timeStep: timeStep,
                transient: transient, duration: duration, rng: &rng)
        }
        let rows = couplings.indices.map { i -> [String] in
            let theory = KuramotoTheory.stationaryOrderParameter(coupling: couplings[i], distribution: distribution)
            let e = estimates[i]
            return [
                NumberText.of(couplings[i], digits: 4), NumberText.of(couplings[i] / distribution.criticalCoupling, digits: 3),
                Measurement(e.mean, error: e.error).formatted, NumberText.of(theory, digits: 4),
                NumberText.of((e.mean - theory) / e.error, digits: 3),
                NumberText.of(e.meanSquare * Double(oscillators), digits: 3),
            ]
        }
        return ReportTable(
            title: "Kuramoto r(K): \(distribution), N = \(oscillators), \(realisations) realisation(s), "
                + "\(regular ? "regular quantile" : "random") frequencies, K_c = \(NumberText.of(distribution.criticalCoupling, digits: 4))",
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
    public static func heads(data: PreparedData, options: HeadsOptions, log: (String) -> Void) throws -> (table: ReportTable, summary: [String]) {
        let training = TrainingConfig.unlogged(
            steps: options.steps, batch: options.batch, context: options.context,
            learningRate: options.learningRate, seed: options.seed)
        let model = ModelConfig(
            architecture: .transformer, vocabularySize: 1, contextLength: options.context, width: options.width,
            layers: options.layers, heads: options.heads, feedForward: 4 * options.width)
        try model.validate()
        let settings = HeadPhaseTraining.Settings(
            model: model, training: training, every: options.every,
            validationSequences: options.validationSequences, replicates: options.replicates,
            initSeed: options.seed &+ 3)
        let snapshots = try HeadPhaseTraining.run(data: data, settings: settings, log: log) { s in
            log("step \(s.step)  r = \(Measurement(s.r, error: s.rError).formatted)")
        }.snapshots
        var rng = SeededRNG(seed: options.seed ^ 0x6E75_6C6C)  // "null"
        let analysis = HeadPhaseTraining.Analysis(snapshots, length: options.context, replicates: options.replicates, draws: 20000, rng: &rng)
        let null = analysis.null, statistics = analysis.statistics
        let rows = snapshots.map { s in
            [
                String(s.step), s.loss.isFinite ? NumberText.of(s.loss, digits: 4) : "—", Measurement(s.r, error: s.rError).formatted,
                s.layerR.map { NumberText.of($0, digits: 4) }.joined(separator: ", "),
            ]
        }
        let table = ReportTable(title: "r across \(null.heads) heads during training", header: ["step", "train loss", "r", "r per layer"], rows: rows)
        let summary = [
            "independent uniform phases (M = \(null.heads)): mean r \(NumberText.of(null.mean)), 95% \(NumberText.of(null.quantile95))",
            "distance-shuffled final profiles: mean r \(NumberText.of(analysis.distanceShuffled))",
            "phase of uniform causal attention: \(NumberText.of(analysis.uniformCausalPhase, digits: 4)) rad; heads after training: "
                + snapshots.last!.phases.map { NumberText.of($0) }.joined(separator: ", "),
            "smallest r over training: \(statistics.minimum.formatted) at step "
                + "\(statistics.minimumStep) (the seed claims 1.000 throughout)",
            "over the \(statistics.trainedSnapshots) trained steps: mean r \(statistics.mean.formatted), time-shuffled heads "
                + "\(statistics.timeShuffled.formatted), excess \(statistics.excess.formatted), locking margin r̄ − (1 + r_ts)/2 = "
                + "\(statistics.margin.formatted)",
        ]
        return (table, summary)
    }
}
