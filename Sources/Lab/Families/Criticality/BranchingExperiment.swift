import Foundation
import Physics
import TensorCore

/// Validates the branching-ratio estimator on linear maps of known gain and on random tanh
/// networks across their order-to-chaos transition (mean-field theory as reference); the claim
/// `criticality.branching-one` needs the layers of a trained model.
public struct BranchingExperiment: RegisteredExperiment {
    public static let experimentID = "criticality.branching"
    public let title = "Branching ratio: perturbation gain per layer on reference networks"

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput()
        let smoke = context.scale == .smoke
        var rng = SeededRNG(seed: context.seed).stream(2)

        // Linear maps g·Q: exact gain g.
        var linearRows: [[String]] = []
        for g in [0.5, 1.0, 2.0] {
            let layers = try (0..<6).map { _ in
                let svd = try Matrix.randomNormal(rows: 48, cols: 48, rng: &rng).svd()
                return LayerMap.linear(svd.u * svd.vt * g)
            }
            let inputs = (0..<4).map { _ in (0..<48).map { _ in rng.normal() } }
            let r = BranchingRatio.measure(layers: layers, inputs: inputs, probes: 2, rng: rng.stream(UInt64(g * 10)))
            out.measurements["linear.gain-\(NumberText.of(g)).branching"] = Measurement(
                r.depthBranching, label: "depth-averaged branching of 6 layers g·Q, g = \(g)")
            linearRows.append([NumberText.of(g), NumberText.of(r.depthBranching), NumberText.of(r.layerLogGain.max()! - r.layerLogGain.min()!)])
        }
        out.tables.append(
            ReportTable(
                title: "Linear maps g·Q (Q orthogonal): branching must equal g",
                header: ["g", "measured branching", "spread of per-layer ln gain"], rows: linearRows))

        // Random tanh networks across the transition.
        let width = smoke ? 64 : 256, depth = smoke ? 6 : 20, samples = smoke ? 4 : 12
        let sigmas = smoke ? [0.5, 1.0, 2.0] : [0.5, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0]
        var perLayer = Chart(
            title: "Perturbation gain per layer, random tanh networks (N = \(width))",
            xLabel: "layer", yLabel: "mean ln(‖J v‖ / ‖v‖)")
        var rows: [[String]] = []
        var maxDeviation = 0.0
        var depthGains: [Double] = [], depthErrors: [Double] = [], meanFieldGains: [Double] = []
        for (k, sigma) in sigmas.enumerated() {
            var netRng = rng.stream(UInt64(100 + k))
            let net = RandomTanhNetwork(width: width, depth: depth, sigmaW: sigma, rng: &netRng)
            let inputs = (0..<samples).map { _ in (0..<width).map { _ in netRng.normal() } }
            let r = BranchingRatio.measure(layers: net.layers, inputs: inputs, probes: 2, rng: netRng.stream(1))
            let mf = RandomTanhNetwork.meanField(sigmaW: sigma, sigmaB: 0, inputSecondMoment: 1, depth: depth)
            let predicted = mf.chi.map { 0.5 * Foundation.log($0) }
            maxDeviation = max(maxDeviation, zip(r.layerLogGain, predicted).map { abs($0 - $1) }.max()!)
            let layers = (1...depth).map(Double.init)
            perLayer.add(.scatter(layers, r.layerLogGain, errors: r.layerLogGainError, label: "σ_w = \(NumberText.of(sigma))"))
            perLayer.add(.fit(layers, predicted))
            let mfDepth = predicted.reduce(0, +) / Double(depth)
            depthGains.append(r.depthAveragedLogGain); depthErrors.append(r.depthAveragedLogGainError); meanFieldGains.append(mfDepth)
            out.measurements["tanh.sigma-\(NumberText.of(sigma)).depth-log-gain"] = Measurement(
                r.depthAveragedLogGain, error: r.depthAveragedLogGainError, samples: samples,
                label: "depth-averaged ln gain per layer, σ_w = \(sigma) (mean field \(NumberText.of(mfDepth)))")
            out.measurements["tanh.sigma-\(NumberText.of(sigma)).mean-field-log-gain"] = Measurement(
                mfDepth, label: "mean-field ½⟨ln χ_l⟩ over the depth, σ_w = \(sigma)")
            rows.append([
                NumberText.of(sigma), Measurement(r.depthAveragedLogGain, error: r.depthAveragedLogGainError).formatted, NumberText.of(mfDepth),
                NumberText.of(Foundation.exp(r.depthAveragedLogGain)), mf.chi.last! < 1 ? "ordered" : "chaotic",
            ])
        }
        perLayer.add(.horizontalLine(0, label: "critical (branching 1)"))
        out.measurements["tanh.max-deviation-from-mean-field"] = Measurement(
            maxDeviation, label: "largest |measured − mean-field| per-layer ln gain (O(1/N) expected)", pooling: .maximum)
        out.tables.append(
            ReportTable(
                title: "Random tanh networks, depth \(depth), width \(width): ln gain per layer over the whole depth",
                header: ["σ_w", "measured", "mean field ½⟨ln χ⟩", "branching", "phase (χ at depth)"], rows: rows))
        out.figures.append(
            Figure(
                name: "branching-per-layer",
                caption:
                    "Mean log gain of a random perturbation through each layer, with the mean-field prediction ½ ln χ_l (dashed). Zero is criticality (branching ratio 1); σ_w = 1 is the edge of chaos of tanh networks without biases.",
                svg: perLayer.svg()))
        var across = Chart(title: "Depth-averaged gain across the order–chaos transition", xLabel: "σ_w", yLabel: "ln gain per layer")
        across.add(.scatter(sigmas, depthGains, errors: depthErrors, label: "measured"))
        across.add(.reference(sigmas, meanFieldGains, label: "mean field"))
        across.add(.horizontalLine(0, label: "critical"))
        out.figures.append(
            Figure(
                name: "branching-transition",
                caption: "End-to-end log gain per layer of a perturbation carried through the whole stack, against the weight scale σ_w.",
                svg: across.svg()))
        out.notes.append(
            "The estimator reads a stack of layer closures (forward map + Jacobian–vector product); linear maps g·Q give branching g exactly and random tanh networks follow mean-field theory to \(NumberText.of(maxDeviation)) in ln gain per layer (width \(width))."
        )
        return out
    }
}
