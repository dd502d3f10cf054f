import Foundation

/// A scaling exponent with its resampling error and confidence interval.
public struct ExponentEstimate: Sendable, Equatable {
    /// The exponent from the full sample.
    public var value: Double
    /// One-σ error from the jackknife over independent realisations.
    public var standardError: Double
    /// value ± t_{G−1}·σ at `confidenceLevel`.
    public var confidenceInterval: ClosedRange<Double>
    public var confidenceLevel: Double
    /// Range of the fitted abscissa (times, separations or sizes).
    public var fitRange: ClosedRange<Double>
    /// A of y = A·x^value from the full-sample fit (for drawing the fit).
    public var amplitude: Double
    /// Points in the fit.
    public var points: Int
    /// Independent jackknife groups behind the error.
    public var groups: Int

    public init(value: Double, standardError: Double, confidenceInterval: ClosedRange<Double>, confidenceLevel: Double,
                fitRange: ClosedRange<Double>, amplitude: Double, points: Int, groups: Int) {
        self.value = value
        self.standardError = standardError
        self.confidenceInterval = confidenceInterval
        self.confidenceLevel = confidenceLevel
        self.fitRange = fitRange
        self.amplitude = amplitude
        self.points = points
        self.groups = groups
    }

    /// Whether `x` lies inside the confidence interval.
    public func contains(_ x: Double) -> Bool { confidenceInterval.contains(x) }

    /// "0.334 ± 0.012 (95% CI 0.309–0.359)".
    public var formatted: String {
        let digits = standardError > 0 && standardError.isFinite ? max(2, min(6, 1 - Int(Foundation.floor(Foundation.log10(standardError))))) : 4
        func f(_ x: Double) -> String { String(format: "%.\(digits)f", x) }
        return "\(f(value)) ± \(f(standardError)) (\(Int((confidenceLevel * 100).rounded()))% CI \(f(confidenceInterval.lowerBound))–\(f(confidenceInterval.upperBound)))"
    }
}
