import Foundation
import Models
import Physics
import TensorCore

// Size letters: S validation windows (sample points), D blocks, P probes per window and block.

/// The branching ratio of real language models (seed 000 §5.1, "critical branching factor
/// η ≈ 1"): the mean log gain ⟨ln ‖J v‖/‖v‖⟩ of small random perturbations through each residual
/// block of the pipeline's transformer and QSF models, and of one perturbation carried through the
/// whole stack, at initialisation and after training. JVPs by central differences on Double twins
/// (`BlockMaps`); sample points = embedded validation windows. The reference validation
/// (`criticality.branching`) is carried over as `validation.*`.
public struct ModelBranchingExperiment: RegisteredExperiment {
    public static let experimentID = "criticality.model-branching"
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
        /// (S, D): ln ‖x_{l+1}‖/‖x_l‖ at each window — how much the block scales the residual stream.
        var windowNormGrowth: [[Double]]

        /// (S, D): ln (‖J v‖/‖v‖) − ln (‖x_{l+1}‖/‖x_l‖) at each window, the gain of a relative
        /// perturbation; both terms come from the same window, so their correlation is kept.
        var windowRelativeLogGain: [[Double]] {
            zip(result.sampleLayerLogGain, windowNormGrowth).map { gain, growth in zip(gain, growth).map { $0 - $1 } }
        }
        private func perLayer(_ rows: [[Double]]) -> [SampleSummary] {
            (0..<(rows.first?.count ?? 0)).map { l in SampleSummary(rows.map { $0[l] }) }
        }
        var normLogGrowth: [Double] { perLayer(windowNormGrowth).map(\.mean) }
        var normLogGrowthError: [Double] { perLayer(windowNormGrowth).map(\.standardError) }
        var relativeLogGain: [Double] { perLayer(windowRelativeLogGain).map(\.mean) }
        var relativeLogGainError: [Double] { perLayer(windowRelativeLogGain).map(\.standardError) }
        /// The block average of the relative gain: mean over windows of each window's average over
        /// the D blocks, with the standard error over windows (blocks and terms taken jointly).
        var blockAveragedRelativeLogGain: SampleSummary {
            SampleSummary(windowRelativeLogGain.map { $0.reduce(0, +) / Double(max(1, $0.count)) })
        }
    }

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput(measurements: context.validationMeasurements(of: BranchingExperiment.experimentID))
        let models = try RunModels(context)
        let data = try models.data()
        let (samples, probes) = context.scale == .smoke ? (3, 1) : context.scale == .quick ? (8, 2) : (24, 4)
        var cases: [Case] = []
        for (s, stage) in try models.measurable(Self.stages, notingIn: &out, log: context.log) {
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
                let branch = BranchingRatio.measure(
                    layers: BlockMaps.residualBranches(twin, length: length), inputs: inputs, probes: probes, rng: rng.stream(7))
                cases.append(
                    Case(
                        model: stage, state: state, result: result, branchLogGain: branch.layerLogGain, branchLogGainError: branch.layerLogGainError,
                        windowNormGrowth: Self.normGrowth(maps, inputs: inputs)))
                context.log(
                    "branching: \(stage) \(state), \(twin.config.layers) blocks, \(windows.count) windows × \(probes) probes, depth-averaged ln gain "
                        + "\(Measurement(result.depthAveragedLogGain, error: result.depthAveragedLogGainError).formatted) "
                        + "(\(NumberText.of(Date().timeIntervalSince(start))) s)")
            }
        }
        ModelBranchingReport(cases: cases, samples: samples, probes: probes).add(to: &out)
        return out
    }

    /// ln ‖x_{l+1}‖/‖x_l‖ for every input and layer, (S, D).
    static func normGrowth(_ layers: [LayerMap], inputs: [[Double]]) -> [[Double]] {
        @Sendable func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return Parallel.map(inputs.count) { s -> [Double] in
            var x = inputs[s]
            return layers.map { layer in
                let y = layer.forward(x)
                defer { x = y }
                return Foundation.log(norm(y) / norm(x))
            }
        }
    }
}
