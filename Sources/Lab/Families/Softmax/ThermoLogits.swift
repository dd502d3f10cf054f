import Foundation
import TensorCore

/// Random attention-logit sets for the thermodynamics experiments.
///
/// Each set has n keys (log-uniform in [nMin, nMax]), scores s_i = σ·N(0, 1) with σ log-uniform
/// in [0.01, 100], and an inverse temperature β log-uniform in `betaRange`. Every 7th set has
/// tied scores (a degenerate spectrum) and every 11th a large common offset (1e4), the two
/// situations where a naive implementation loses accuracy.
struct ThermoLogits: Sendable {
    var scores: [Double]
    var beta: Double

    /// Energies E = −s.
    var energies: [Double] { scores.map { -$0 } }

    static func draw(index: Int, rng: inout SeededRNG, nRange: ClosedRange<Int>, betaRange: ClosedRange<Double>) -> ThermoLogits {
        let n = logUniformInt(nRange, &rng)
        let sigma = Foundation.pow(10, rng.uniform(-2, 2))
        var scores = (0..<n).map { _ in sigma * rng.normal() }
        if index % 7 == 3 && n >= 4 {
            let tied = scores[0]
            for i in stride(from: 0, to: n, by: 3) { scores[i] = tied }
        }
        if index % 11 == 5 { scores = scores.map { $0 + 1e4 } }
        let beta = Foundation.pow(10, rng.uniform(Foundation.log10(betaRange.lowerBound), Foundation.log10(betaRange.upperBound)))
        return ThermoLogits(scores: scores, beta: beta)
    }

    static func logUniformInt(_ range: ClosedRange<Int>, _ rng: inout SeededRNG) -> Int {
        let a = Foundation.log(Double(range.lowerBound)), b = Foundation.log(Double(range.upperBound) + 1)
        return min(range.upperBound, max(range.lowerBound, Int(Foundation.exp(rng.uniform(a, b)))))
    }
}

/// Ordinary least squares y = a + b·x with the standard error of the slope (for figure labels).
struct ThermoLineFit {
    var intercept: Double
    var slope: Double
    var slopeError: Double

    init?(_ x: [Double], _ y: [Double]) {
        let n = Double(x.count)
        guard x.count >= 3 else { return nil }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for i in x.indices { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my) }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        intercept = my - slope * mx
        var rss = 0.0
        for i in x.indices { let r = y[i] - intercept - slope * x[i]; rss += r * r }
        slopeError = (rss / (n - 2) / sxx).squareRoot()
    }
}
