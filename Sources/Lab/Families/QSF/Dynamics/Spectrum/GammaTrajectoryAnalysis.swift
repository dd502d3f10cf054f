import Foundation
import Physics

/// The learned measurement strengths γ_l over training (seed 001 §XI.5): their final range, their
/// trend with depth, and whether they settle before the loss does.
///
/// Size letters: L = layers, S = logged steps.
///
/// "Settled" uses one criterion for both curves: the first logged step after which the curve stays
/// within 10% of its total excursion from its final value (γ: per layer, the latest over layers;
/// loss: the validation or training loss curve given). The depth trend is the least-squares slope
/// of final γ against layer index with its standard error.
///
/// Measurements (`gamma.` prefix): `layers`, `min`, `max`, `layersAtOrBelowOne`, `depthSlope`
/// (± SE), `settledFraction` and `lossSettledFraction` (as fractions of the logged training span).
public struct GammaTrajectoryAnalysis: Sendable {
    /// Logged steps (S), ascending.
    public let steps: [Int]
    /// γ per layer per logged step (L × S).
    public let gamma: [[Double]]
    /// Loss at the logged steps (S).
    public let loss: [Double]

    public init(steps: [Int], gamma: [[Double]], loss: [Double]) {
        precondition(steps.count >= 2, "GammaTrajectoryAnalysis: needs at least two logged steps")
        precondition(gamma.allSatisfy { $0.count == steps.count } && loss.count == steps.count,
                     "GammaTrajectoryAnalysis: every series needs one value per logged step")
        precondition(!gamma.isEmpty, "GammaTrajectoryAnalysis: no layers")
        self.steps = steps
        self.gamma = gamma
        self.loss = loss
    }

    /// Index of the first step after which |x − x_final| ≤ tolerance·max|x − x_final|.
    static func settledIndex(_ x: [Double], tolerance: Double = 0.1) -> Int {
        let final = x.last!
        let excursion = x.map { abs($0 - final) }.max() ?? 0
        guard excursion > 0 else { return 0 }
        var index = x.count - 1
        while index > 0 && abs(x[index - 1] - final) <= tolerance * excursion { index -= 1 }
        return index
    }

    public var finalGamma: [Double] { gamma.map { $0.last! } }

    /// Least-squares slope of final γ against layer index, with its standard error.
    public var depthSlope: (value: Double, error: Double) {
        let y = finalGamma, n = Double(y.count)
        guard y.count >= 3 else { return (y.count == 2 ? y[1] - y[0] : .nan, .nan) }
        let x = (0..<y.count).map(Double.init)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let slope = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
        let residual = zip(x, y).reduce(0) { $0 + pow($1.1 - my - slope * ($1.0 - mx), 2) }
        return (slope, (residual / (n - 2) / sxx).squareRoot())
    }

    public func measurements() -> [String: Measurement] {
        let span = Double(steps.last! - steps.first!)
        func fraction(_ index: Int) -> Double { span > 0 ? Double(steps[index] - steps.first!) / span : 0 }
        let gammaSettled = gamma.map { GammaTrajectoryAnalysis.settledIndex($0) }.max()!
        let lossSettled = GammaTrajectoryAnalysis.settledIndex(loss)
        let final = finalGamma, slope = depthSlope
        var m: [String: Measurement] = [:]
        m["gamma.layers"] = Measurement(Double(gamma.count), label: "layers with a learned γ")
        m["gamma.min"] = Measurement(final.min()!, label: "smallest final γ_l")
        m["gamma.max"] = Measurement(final.max()!, label: "largest final γ_l")
        m["gamma.layersAtOrBelowOne"] = Measurement(Double(final.filter { $0 <= 1 }.count), label: "layers with final γ_l ≤ 1")
        m["gamma.depthSlope"] = Measurement(slope.value, error: slope.error.isFinite ? slope.error : nil, samples: gamma.count,
                                            label: "least-squares slope of final γ against layer index")
        m["gamma.settledFraction"] = Measurement(fraction(gammaSettled), label: "training fraction after which every γ stays within 10% of its excursion from its final value")
        m["gamma.lossSettledFraction"] = Measurement(fraction(lossSettled), label: "training fraction after which the loss stays within 10% of its drop from its final value")
        return m
    }
}
