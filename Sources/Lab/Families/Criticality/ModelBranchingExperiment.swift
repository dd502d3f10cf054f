import Foundation
import Models
import Physics
import TensorCore

/// The branching ratio of real language models (seed 000 §5.1, "critical branching factor
/// η ≈ 1"): the mean log gain ⟨ln ‖J v‖/‖v‖⟩ of small random perturbations through each residual
/// block of the pipeline's transformer and QSF models, and of one perturbation carried through the
/// whole stack, at initialisation and after training. JVPs by central differences on Double twins
/// (`BlockMaps`); sample points = embedded validation windows. The reference validation
/// (`criticality.branching`) is carried over as `validation.*`.
public struct ModelBranchingExperiment: Experiment {
    public static let experimentID = "criticality.model-branching"
    public let id = ModelBranchingExperiment.experimentID
    public let title = "Branching ratio of trained and initial language-model blocks"
    public let dependencies = [RunModels.pipelineID, BranchingExperiment.experimentID]

    public init() {}

    static let stages = ["transformer", "qsf"]

    /// One model state's measurement.
    struct Case {
        var model: String
        /// "init" or "trained".
        var state: String
        var result: BranchingResult
        /// Per-layer ⟨ln ‖J v − v‖/‖v‖⟩: the residual branch's own gain.
        var branchLogGain: [Double]
        var branchLogGainError: [Double]
        /// Per-layer ⟨ln ‖x_{l+1}‖/‖x_l‖⟩: how much the block scales the residual stream itself.
        var normLogGrowth: [Double]
        var normLogGrowthError: [Double]
        /// Per-layer ⟨ln (‖J v‖/‖v‖) − ln (‖x_{l+1}‖/‖x_l‖)⟩: the gain of a relative perturbation.
        var relativeLogGain: [Double] { zip(result.layerLogGain, normLogGrowth).map { $0 - $1 } }
        var relativeLogGainError: [Double] {
            zip(result.layerLogGainError, normLogGrowthError).map { ($0 * $0 + $1 * $1).squareRoot() }
        }
    }

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput()
        for (key, m) in context.dependencyOutputs[BranchingExperiment.experimentID]?.measurements ?? [:] {
            out.measurements["validation." + key] = m
        }
        let models = try RunModels(context)
        let data = try models.data()
        let (samples, probes) = context.scale == .smoke ? (3, 1) : context.scale == .quick ? (8, 2) : (24, 4)
        var cases: [Case] = []
        for (s, stage) in Self.stages.enumerated() {
            let trained = try models.model(stage)
            let initial = try ModelProbes.initialModel(trained.config, seed: context.seed &+ UInt64(100 + s))
            let length = trained.config.contextLength
            let windows = try ModelProbes.validationWindows(data, count: samples, length: length)
            for (state, model) in [("init", initial), ("trained", trained)] {
                let start = Date()
                let twin = try ModelProbes.doubleTwin(model)
                let inputs = windows.map { ModelProbes.embedded(twin, sequences: [$0]).scalars }
                let rng = SeededRNG(seed: context.seed).stream(UInt64(60 + 2 * s + (state == "init" ? 0 : 1)))
                let result = BranchingRatio.measure(layers: BlockMaps.blocks(twin, length: length), inputs: inputs, probes: probes, rng: rng)
                let maps = BlockMaps.blocks(twin, length: length)
                let branch = BranchingRatio.measure(layers: BlockMaps.residualBranches(twin, length: length), inputs: inputs, probes: probes, rng: rng.stream(7))
                let growth = Self.normGrowth(maps, inputs: inputs)
                cases.append(Case(model: stage, state: state, result: result, branchLogGain: branch.layerLogGain, branchLogGainError: branch.layerLogGainError,
                                  normLogGrowth: growth.mean, normLogGrowthError: growth.error))
                context.log(String(format: "branching: %@ %@, %d blocks, %d windows × %d probes, depth-averaged ln gain %.4f ± %.4f (%.1f s)",
                                   stage, state, twin.config.layers, windows.count, probes, result.depthAveragedLogGain, result.depthAveragedLogGainError,
                                   Date().timeIntervalSince(start)))
            }
        }
        ModelBranchingReport(cases: cases, samples: samples, probes: probes).add(to: &out)
        return out
    }

    /// Mean and standard error over inputs of ln ‖x_{l+1}‖/‖x_l‖ for every layer.
    static func normGrowth(_ layers: [LayerMap], inputs: [[Double]]) -> (mean: [Double], error: [Double]) {
        @Sendable func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let perInput = Parallel.map(inputs.count) { s -> [Double] in
            var x = inputs[s]
            return layers.map { layer in
                let y = layer.forward(x)
                defer { x = y }
                return Foundation.log(norm(y) / norm(x))
            }
        }
        let summaries = layers.indices.map { l in SampleSummary(perInput.map { $0[l] }) }
        return (summaries.map(\.mean), summaries.map(\.standardError))
    }
}
