import Foundation
import Models
import Physics

/// The learned measurement strengths γ_l over training (seed 001 §XI.5): their final range, their
/// trend with depth, and whether they settle before the loss does. Reported beside
/// `qsf.gamma`'s verdict, which reads the identifiable `MeasurementShare` instead (γ trades
/// scale with W_O; docs/CLAIMS.md, "qsf.gamma").
///
/// Size letters: L = layers, S = logged steps.
///
/// "Settled" uses one criterion for both curves: the first logged step after which the curve stays
/// within 10% of its total excursion from its final value (γ: per layer, the latest over layers;
/// loss: the validation or training loss curve given). The depth trend is the least-squares slope
/// of final γ against layer index with its standard error.
///
/// Measurements (`QSFSpectrumKey.Gamma`): `layers`, `min`, `max`, `layersAtOrBelowOne`,
/// `depthSlope` (± SE), `settledFraction` and `lossSettledFraction` (as fractions of the logged
/// training span).
struct GammaTrajectoryAnalysis: Sendable {
    /// Logged steps (S), ascending.
    let steps: [Int]
    /// γ per layer per logged step (L × S).
    let gamma: [[Double]]
    /// Loss at the logged steps (S).
    let loss: [Double]

    init(steps: [Int], gamma: [[Double]], loss: [Double]) {
        precondition(steps.count >= 2, "GammaTrajectoryAnalysis: needs at least two logged steps")
        precondition(
            gamma.allSatisfy { $0.count == steps.count } && loss.count == steps.count,
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

    var finalGamma: [Double] { gamma.map { $0.last! } }

    /// Least-squares slope of final γ against layer index, with its standard error.
    var depthSlope: (value: Double, error: Double) {
        let y = finalGamma, n = Double(y.count)
        guard y.count >= 3 else { return (y.count == 2 ? y[1] - y[0] : .nan, .nan) }
        let x = (0..<y.count).map(Double.init)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let slope = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
        let residual = zip(x, y).reduce(0) { $0 + pow($1.1 - my - slope * ($1.0 - mx), 2) }
        return (slope, (residual / (n - 2) / sxx).squareRoot())
    }

    func measurements() -> [String: Measurement] {
        typealias Key = QSFSpectrumKey.Gamma
        let span = Double(steps.last! - steps.first!)
        func fraction(_ index: Int) -> Double { span > 0 ? Double(steps[index] - steps.first!) / span : 0 }
        let gammaSettled = gamma.map { GammaTrajectoryAnalysis.settledIndex($0) }.max()!
        let lossSettled = GammaTrajectoryAnalysis.settledIndex(loss)
        let final = finalGamma, slope = depthSlope
        var m: [String: Measurement] = [:]
        m[Key.layers] = Measurement(Double(gamma.count), label: "layers with a learned γ")
        m[Key.min] = Measurement(final.min()!, label: "smallest final γ_l (not identifiable: γ trades scale with W_O)", pooling: .minimum)
        m[Key.max] = Measurement(final.max()!, label: "largest final γ_l", pooling: .maximum)
        m[Key.layersAtOrBelowOne] = Measurement(
            Double(final.filter { $0 <= 1 }.count), label: "layers with final γ_l ≤ 1 (summed over seeds)",
            pooling: .sum)
        m[Key.depthSlope] = Measurement(
            slope.value, error: slope.error.isFinite ? slope.error : nil, samples: gamma.count,
            label: "least-squares slope of final γ against layer index")
        m[Key.settledFraction] = Measurement(
            fraction(gammaSettled), label: "training fraction after which every γ stays within 10% of its excursion from its final value")
        m[Key.lossSettledFraction] = Measurement(
            fraction(lossSettled), label: "training fraction after which the loss stays within 10% of its drop from its final value")
        return m
    }

    /// γ_l over training with the loss, from training records: the training loss (logged far more
    /// often than the validation loss) as a running mean over 5 logged steps, so that batch noise
    /// does not decide when it "settles"; nil when fewer than two records carry γ.
    init?(records: [TrainingRecord]) {
        var byStep: [Int: (gamma: [Double], loss: Double)] = [:]
        for r in records where r.kind == .train { if let g = r.gamma, let l = r.loss { byStep[r.step] = (g, l) } }
        let steps = byStep.keys.sorted()
        guard steps.count >= 2, let layers = byStep[steps[0]]?.gamma.count, layers > 0,
            steps.allSatisfy({ byStep[$0]!.gamma.count == layers })
        else { return nil }
        let raw = steps.map { byStep[$0]!.loss }
        let loss = raw.indices.map { i -> Double in
            let window = raw[max(0, i - 2)...min(raw.count - 1, i + 2)]
            return window.reduce(0, +) / Double(window.count)
        }
        self.init(steps: steps, gamma: (0..<layers).map { l in steps.map { byStep[$0]!.gamma[l] } }, loss: loss)
    }

    /// The training records of a metrics.jsonl file; lines that are not training records are skipped.
    static func records(metrics url: URL) throws -> [TrainingRecord] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw LabError.badFile(url.path, "cannot be read as a metrics file") }
        let decoder = JSONDecoder()
        return text.split(whereSeparator: \.isNewline).compactMap { try? decoder.decode(TrainingRecord.self, from: Data($0.utf8)) }
    }
}
