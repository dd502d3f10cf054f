import Foundation

/// A scaling exponent with its resampling error and a confidence interval that holds the
/// fit-window systematics as well as the statistical error (`SurfaceScaling`, docs/CRITICALITY.md).
public struct ExponentEstimate: Sendable, Equatable {
    /// One member of the family of estimates whose intervals make up the reported interval: the
    /// plain fit in the chosen window, the corrections-to-scaling extrapolation, the
    /// crossover-corrected fit of C(r).
    public struct Variant: Sendable, Equatable {
        public var name: String
        public var value: Double
        /// Jackknife error of this variant (same groups as the exponent).
        public var standardError: Double

        public init(name: String, value: Double, standardError: Double) {
            self.name = name
            self.value = value
            self.standardError = standardError
        }
    }

    /// The exponent from the full sample, fitted in the chosen window.
    public var value: Double
    /// One-σ statistical error of `value` from the jackknife over independent realisations.
    public var standardError: Double
    /// The reported interval at `confidenceLevel`: the hull of value ± t_{G−1}·σ and of the same
    /// interval around every variant (systematics included when `systematicsIncluded`).
    public var confidenceInterval: ClosedRange<Double>
    /// value ± t_{G−1}·σ alone: the statistical part.
    public var statisticalInterval: ClosedRange<Double>
    public var confidenceLevel: Double
    /// The other members of the family (the plain fit is `value` itself).
    public var variants: [Variant]
    /// False when the fit range was too short to build the variants that bound the systematics:
    /// the interval is then statistical only, and says so.
    public var systematicsIncluded: Bool
    /// Range of the fitted abscissa (times, separations or sizes).
    public var fitRange: ClosedRange<Double>
    /// A of y = A·x^value from the full-sample fit (for drawing the fit).
    public var amplitude: Double
    /// Points in the fit.
    public var points: Int
    /// Independent jackknife groups behind the error.
    public var groups: Int

    /// An estimate whose interval is `value ± t·σ` widened to hold every variant's `± t·σ_k`.
    public init(
        value: Double, standardError: Double, confidenceLevel: Double, variants: [Variant] = [],
        systematicsIncluded: Bool, fitRange: ClosedRange<Double>, amplitude: Double, points: Int, groups: Int
    ) {
        let t = StudentT.quantile(0.5 + confidenceLevel / 2, degreesOfFreedom: Double(max(1, groups - 1)))
        func interval(_ v: Double, _ e: Double) -> ClosedRange<Double> {
            e.isFinite && v.isFinite ? (v - t * e)...(v + t * e) : -Double.infinity...Double.infinity
        }
        let statistical = interval(value, standardError)
        var lower = statistical.lowerBound, upper = statistical.upperBound
        for v in variants {
            let i = interval(v.value, v.standardError)
            lower = min(lower, i.lowerBound)
            upper = max(upper, i.upperBound)
        }
        self.value = value
        self.standardError = standardError
        self.statisticalInterval = statistical
        self.confidenceInterval = lower...upper
        self.confidenceLevel = confidenceLevel
        self.variants = variants
        self.systematicsIncluded = systematicsIncluded
        self.fitRange = fitRange
        self.amplitude = amplitude
        self.points = points
        self.groups = groups
    }

    /// Whether `x` lies inside the confidence interval.
    public func contains(_ x: Double) -> Bool { confidenceInterval.contains(x) }

    /// How far `x` lies outside the confidence interval (0 inside).
    public func distanceOutside(_ x: Double) -> Double {
        max(0, confidenceInterval.lowerBound - x, x - confidenceInterval.upperBound)
    }

    /// "0.334 ± 0.012 (95% CI 0.309–0.359 with systematics)"; the ± is the statistical error.
    public var formatted: String {
        let digits = standardError > 0 && standardError.isFinite ? max(2, min(6, 1 - Int(Foundation.floor(Foundation.log10(standardError))))) : 4
        func f(_ x: Double) -> String { String(format: "%.\(digits)f", x) }
        let kind = systematicsIncluded ? "with systematics" : "statistical only"
        return
            "\(f(value)) ± \(f(standardError)) (\(Int((confidenceLevel * 100).rounded()))% CI \(f(confidenceInterval.lowerBound))–\(f(confidenceInterval.upperBound)) \(kind))"
    }
}
