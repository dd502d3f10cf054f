import Foundation
import Models
import TensorCore

/// `attnlab thermo`: the temperature sweep of `attn.temperature-sweep` on a model the user
/// chooses — a run's trained transformer, or a fresh model.
public enum ThermoTool {
    public struct Options: Sendable {
        public var sequences = 32
        public var replicates = 200
        public var betaLow = 1e-2
        public var betaHigh = 1e3
        public var perDecade = 8
        /// Seeds the bootstrap and the comparison model's initialisation.
        public var seed: UInt64 = 1
        public init() {}
    }

    /// The sweep of the transformer a run trained (`RunModels(runDirectory:)`), or with
    /// `randomInit` of the same architecture freshly initialised; the tables, notes and figures
    /// of the experiment's report.
    public static func sweep(run models: RunModels, randomInit: Bool, options: Options, log: (String) -> Void) throws -> ExperimentOutput {
        let checkpoint = try models.checkpoint(HeatCapacityExperiment.stage)
        let manifest = try Checkpoint.manifest(in: checkpoint)
        log("\(checkpoint.path): \(manifest.model.layers) layers × \(manifest.model.heads) heads, step \(manifest.step)")
        let model = randomInit ? nil : try RunModels.loadModel(checkpoint: checkpoint)
        return try sweep(
            model, config: manifest.model, data: try models.data(), checkpoint: randomInit ? "no" : "trained",
            options: options, log: log)
    }

    /// The sweep of a freshly initialised transformer of `config` on `data`.
    public static func sweep(fresh config: ModelConfig, data: PreparedData, options: Options, log: (String) -> Void) throws -> ExperimentOutput {
        try sweep(nil, config: config, data: data, checkpoint: "no", options: options, log: log)
    }

    static func sweep(
        _ model: LanguageModel<Float>?, config: ModelConfig, data: PreparedData, checkpoint: String, options: Options,
        log: (String) -> Void
    ) throws -> ExperimentOutput {
        var settings = HeatCapacityExperiment.Settings(.quick)
        settings.sequences = options.sequences
        settings.replicates = options.replicates
        settings.grid = AttentionTemperatureSweep.Grid(low: options.betaLow, high: options.betaHigh, perDecade: options.perDecade)
        var rng = SeededRNG(seed: options.seed)
        return try HeatCapacityExperiment.sweep(
            model, name: model == nil ? "random initialisation" : "trained", config: config, data: data,
            settings: settings, initSeed: options.seed &+ 17, checkpoint: checkpoint, rng: &rng,
            log: log
        ).output()
    }
}
