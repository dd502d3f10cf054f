import Foundation
import TensorCore

/// One layer of a deep map as the branching estimator sees it: x ↦ f(x) and its
/// Jacobian–vector product v ↦ J_f(x)·v.
///
/// Model glue supplies these as closures (a transformer block's forward pass and its JVP, or a
/// finite difference of the forward pass); physics never sees the model.
public struct LayerMap: Sendable {
    public var forward: @Sendable ([Double]) -> [Double]
    public var jvp: @Sendable (_ x: [Double], _ v: [Double]) -> [Double]

    public init(
        forward: @escaping @Sendable ([Double]) -> [Double],
        jvp: @escaping @Sendable (_ x: [Double], _ v: [Double]) -> [Double]
    ) {
        self.forward = forward
        self.jvp = jvp
    }

    /// x ↦ A·x (n → m), with J·v = A·v.
    public static func linear(_ a: Matrix) -> LayerMap {
        LayerMap(forward: { a.apply($0) }, jvp: { _, v in a.apply(v) })
    }

    /// A layer with only its forward pass: J·v ≈ [f(x + εv̂) − f(x − εv̂)]/(2ε)·‖v‖ (central
    /// difference along the unit direction v̂, error O(ε²)).
    public static func finiteDifference(
        forward: @escaping @Sendable ([Double]) -> [Double],
        epsilon: Double = 1e-5
    ) -> LayerMap {
        LayerMap(
            forward: forward,
            jvp: { x, v in
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { return forward(x).map { _ in 0 } }
                let plus = forward(zip(x, v).map { $0 + epsilon * $1 / norm })
                let minus = forward(zip(x, v).map { $0 - epsilon * $1 / norm })
                return zip(plus, minus).map { ($0 - $1) / (2 * epsilon) * norm }
            })
    }
}

/// How small perturbations grow through a stack of layers.
///
/// Size letters: D depth (layers), S sample inputs, P probe directions per sample and layer.
public struct BranchingResult: Sendable {
    /// Per layer (D): mean over samples and probes of ln(‖J_l v‖/‖v‖) for random isotropic v,
    /// and its standard error over samples.
    public var layerLogGain: [Double]
    public var layerLogGainError: [Double]
    /// Per sample and layer (S, D): ln ‖J_l v‖/‖v‖ averaged over that sample's probes, so that a
    /// caller can combine it with other per-sample quantities and keep their correlation.
    public var sampleLayerLogGain: [[Double]]
    /// Per layer (D): mean of ‖J_l v‖²/‖v‖² (= Tr J_lᵀJ_l / n for isotropic v).
    public var layerMeanSquareGain: [Double]
    /// Per layer (D): cumulative ln ‖J_l ⋯ J_1 u‖/‖u‖ of one perturbation u carried through the
    /// stack (mean over samples and probes), and its standard error.
    public var cumulativeLogGain: [Double]
    public var cumulativeLogGainError: [Double]
    public var samples: Int
    public var probes: Int

    /// Branching ratio per layer, exp(mean log gain): 1 at criticality, < 1 damped, > 1 amplified.
    public var layerBranching: [Double] { layerLogGain.map { Foundation.exp($0) } }
    /// Mean log gain per layer of the carried perturbation over the whole depth, (1/D)·ln gain.
    public var depthAveragedLogGain: Double { (cumulativeLogGain.last ?? .nan) / Double(max(1, layerLogGain.count)) }
    public var depthAveragedLogGainError: Double { (cumulativeLogGainError.last ?? .nan) / Double(max(1, layerLogGain.count)) }
    /// The end-to-end branching ratio per layer, exp(depth-averaged log gain).
    public var depthBranching: Double { Foundation.exp(depthAveragedLogGain) }
}

/// The branching ratio of a deep map (seed 000 §5.1 "critical branching factor ≈ 1"): the mean
/// factor by which a small perturbation grows per layer. In a branching process σ = 1 is the
/// critical point; for a deep network the analogue is the mean log gain of a perturbation through
/// a layer — below 0 perturbations die out (ordered phase), above 0 they grow (chaotic phase),
/// 0 is the edge of chaos (Poole et al. 2016; Schoenholz et al. 2017). The mean of logs, not the
/// log of means, is the growth rate a single perturbation experiences.
public enum BranchingRatio {
    /// Measures per-layer and end-to-end gains at the given input points.
    ///
    /// - Parameters:
    ///   - layers: the stack (D ≥ 1); the output of layer l is the input of layer l + 1.
    ///   - inputs: sample points x₀ (S ≥ 2).
    ///   - probes: random directions per sample and layer (P ≥ 1).
    ///   - rng: sample s draws from `rng.stream(s)`.
    public static func measure(layers: [LayerMap], inputs: [[Double]], probes: Int = 4, rng: SeededRNG) -> BranchingResult {
        precondition(!layers.isEmpty, "BranchingRatio.measure: no layers")
        precondition(inputs.count >= 2, "BranchingRatio.measure: needs at least 2 sample inputs for an error, got \(inputs.count)")
        precondition(probes >= 1, "BranchingRatio.measure: needs at least one probe")
        let depth = layers.count
        struct PerSample: Sendable { var log: [Double]; var square: [Double]; var cumulative: [Double] }
        let perSample = Parallel.map(inputs.count) { s -> PerSample in
            var g = rng.stream(UInt64(s))
            var x = inputs[s]
            var out = PerSample(
                log: [Double](repeating: 0, count: depth), square: [Double](repeating: 0, count: depth),
                cumulative: [Double](repeating: 0, count: depth))
            // Carried perturbations, one per probe, renormalised after each layer.
            var carried = (0..<probes).map { _ in unit(randomDirection(x.count, &g)) }
            var total = [Double](repeating: 0, count: probes)
            for (l, layer) in layers.enumerated() {
                for _ in 0..<probes {
                    let v = randomDirection(x.count, &g)
                    let jv = layer.jvp(x, v)
                    let ratio = norm(jv) / norm(v)
                    out.log[l] += Foundation.log(ratio) / Double(probes)
                    out.square[l] += ratio * ratio / Double(probes)
                }
                for p in 0..<probes {
                    let ju = layer.jvp(x, carried[p])
                    let n = norm(ju)
                    total[p] += Foundation.log(n)
                    carried[p] = n > 0 ? ju.map { $0 / n } : ju
                }
                out.cumulative[l] = total.reduce(0, +) / Double(probes)
                x = layer.forward(x)
            }
            return out
        }
        func meanAndError(_ pick: (PerSample) -> [Double]) -> ([Double], [Double]) {
            let rows = perSample.map(pick)
            let means = (0..<depth).map { l in rows.reduce(0) { $0 + $1[l] } / Double(rows.count) }
            let errors = (0..<depth).map { l -> Double in
                let m = means[l]
                let v = rows.reduce(0) { $0 + ($1[l] - m) * ($1[l] - m) } / Double(rows.count - 1)
                return (v / Double(rows.count)).squareRoot()
            }
            return (means, errors)
        }
        let (log, logErr) = meanAndError(\.log)
        let (square, _) = meanAndError(\.square)
        let (cumulative, cumulativeErr) = meanAndError(\.cumulative)
        return BranchingResult(
            layerLogGain: log, layerLogGainError: logErr, sampleLayerLogGain: perSample.map(\.log), layerMeanSquareGain: square,
            cumulativeLogGain: cumulative, cumulativeLogGainError: cumulativeErr,
            samples: inputs.count, probes: probes)
    }

    static func randomDirection(_ n: Int, _ rng: inout SeededRNG) -> [Double] { (0..<n).map { _ in rng.normal() } }
    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    static func unit(_ v: [Double]) -> [Double] { let n = norm(v); return v.map { $0 / n } }
}
