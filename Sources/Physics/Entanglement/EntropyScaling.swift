import Foundation
import TensorCore

/// Competing laws for how an entanglement entropy S grows with a size L, compared by AIC.
///
/// - `constant`:    S = s₀ (an area law in one dimension: S saturates),
/// - `logarithmic`: S = a ln L + b (a 1-D critical system: a = c/3 for a block in an infinite
///                   chain, Calabrese & Cardy 2004; seed 000 §4.2 claims this form),
/// - `powerLaw`:    S = c L^d (d = 1 is a volume law).
/// With errors σ_i the fits are weighted and AIC = χ² + 2k (+ AICc); without errors (exact or
/// deterministic data) they are unweighted and AIC = N ln(RSS/N) + 2k (+ AICc). Akaike weights
/// give the relative support of each law.
public struct EntropyScalingFit: Sendable {
    public struct Law: Sendable {
        public var name: String
        /// Parameters in the order of the formula above, with one-σ errors.
        public var parameters: [Double]
        public var errors: [Double]
        public var chiSquared: Double
        public var aic: Double
        public var weight: Double

        /// S predicted at L.
        public func callAsFunction(_ l: Double) -> Double {
            switch name {
            case "constant": parameters[0]
            case "logarithmic": parameters[0] * Foundation.log(l) + parameters[1]
            default: parameters[0] * Foundation.pow(l, parameters[1])
            }
        }
    }

    public var constant: Law
    public var logarithmic: Law
    public var powerLaw: Law
    /// Whether the σ_i were given (χ²-based AIC) or not (RSS-based AIC).
    public var knownErrors: Bool

    /// The three laws, best (lowest AIC) first.
    public var ranked: [Law] { [constant, logarithmic, powerLaw].sorted { $0.aic < $1.aic } }
    public var preferred: Law { ranked[0] }
}

public enum EntropyScaling {
    /// Fits the three laws to S(L).
    /// - Parameters:
    ///   - lengths: L (N ≥ 4, all > 0).
    ///   - entropies: S (N, all > 0 for the power law).
    ///   - errors: one-σ errors of S (N, > 0), or nil.
    public static func fit(lengths: [Double], entropies: [Double], errors: [Double]? = nil) throws -> EntropyScalingFit {
        let n = lengths.count
        precondition(entropies.count == n && n >= 4, "EntropyScaling.fit: needs ≥ 4 (L, S) pairs, got \(n) and \(entropies.count)")
        precondition(lengths.allSatisfy { $0 > 0 }, "EntropyScaling.fit: lengths must be positive")
        let known = errors != nil
        let weights = errors.map { e in e.map { 1 / ($0 * $0) } }
        func aic(_ chi2: Double, _ k: Int) -> Double {
            known
                ? InformationCriterion.aic(chiSquared: chi2, parameters: k, points: n)
                : InformationCriterion.aic(residualSumOfSquares: chi2, parameters: k, points: n)
        }
        let model: LeastSquares.ErrorModel = known ? .knownErrors : .scaledByResiduals

        // Constant: weighted mean.
        let one = try LeastSquares.fit(design: Matrix(rows: n, cols: 1, repeating: 1), y: entropies, weights: weights, errorModel: model)
        // Logarithmic: linear in ln L.
        var logDesign = Matrix(rows: n, cols: 2)
        for i in 0..<n { logDesign[i, 0] = Foundation.log(lengths[i]); logDesign[i, 1] = 1 }
        let log = try LeastSquares.fit(design: logDesign, y: entropies, weights: weights, errorModel: model)
        // Power law: start from the straight line in ln S–ln L, then fit S itself.
        var start = [1.0, 0.5]
        if entropies.allSatisfy({ $0 > 0 }) {
            let line = try LeastSquares.line(x: lengths.map { Foundation.log($0) }, y: entropies.map { Foundation.log($0) })
            start = [Foundation.exp(line.intercept), line.slope]
        }
        let power = try CurveFit.fit(
            x: lengths, y: entropies, sigma: errors, initial: start,
            model: { l, p in p[0] * Foundation.pow(l, p[1]) },
            gradient: { l, p in
                let v = Foundation.pow(l, p[1]); return [v, p[0] * v * Foundation.log(l)]
            })

        let aics = [aic(one.chiSquared, 1), aic(log.chiSquared, 2), aic(power.chiSquared, 2)]
        let w = InformationCriterion.weights(aics)
        return EntropyScalingFit(
            constant: .init(
                name: "constant", parameters: one.parameters, errors: one.standardErrors,
                chiSquared: one.chiSquared, aic: aics[0], weight: w[0]),
            logarithmic: .init(
                name: "logarithmic", parameters: log.parameters, errors: log.standardErrors,
                chiSquared: log.chiSquared, aic: aics[1], weight: w[1]),
            powerLaw: .init(
                name: "power law", parameters: power.parameters, errors: power.standardErrors,
                chiSquared: power.chiSquared, aic: aics[2], weight: w[2]),
            knownErrors: known)
    }
}
