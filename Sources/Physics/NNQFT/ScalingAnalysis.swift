import Foundation

/// A power-law fit |G4c| ∝ x^slope (x = N_h, d_k or N) that respects the noise floor.
///
/// A point enters the fit only if |G4c| ≥ `threshold` × max(floor, σ): below the Monte-Carlo
/// noise floor a measured G4c is a free field's fluctuation, and its logarithm is meaningless.
/// Excluded points are kept and reported with the reason. The fit is a weighted least-squares
/// line in (ln x, ln|G4c|) with σ_ln = σ/|G4c|, reweighted from the fitted curve
/// (`WeightedLineFit.powerLaw`).
public struct ScalingAnalysis: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        public var x: Double
        public var value: JackknifeValue
        /// The Monte-Carlo noise floor at this point.
        public var floor: Double
        public var included: Bool
        /// Why a point was excluded ("" when included).
        public var reason: String
    }

    public var points: [Point]
    /// Multiples of max(floor, σ) a point must exceed.
    public var threshold: Double
    /// The fit over the included points; nil with fewer than two.
    public var fit: WeightedLineFit?

    public init(x: [Double], values: [JackknifeValue], floors: [Double], threshold: Double = 3) {
        precondition(x.count == values.count && values.count == floors.count, "ScalingAnalysis: lengths differ")
        self.threshold = threshold
        points = zip(x, zip(values, floors)).map { x, vf in
            let (v, floor) = vf
            let bar = threshold * max(floor, v.error)
            if abs(v.value) >= bar && v.value.isFinite {
                return Point(x: x, value: v, floor: floor, included: true, reason: "")
            }
            let reason =
                abs(v.value) < threshold * floor
                ? String(format: "|G4c| = %.3g below %.0f× the noise floor %.3g", abs(v.value), threshold, floor)
                : String(format: "|G4c| = %.3g below %.0fσ (σ = %.3g)", abs(v.value), threshold, v.error)
            return Point(x: x, value: v, floor: floor, included: false, reason: reason)
        }
        let kept = points.filter(\.included)
        fit =
            kept.count >= 2
            ? WeightedLineFit.powerLaw(x: kept.map(\.x), y: kept.map(\.value.value), sigma: kept.map(\.value.error))
            : nil
    }

    public var included: [Point] { points.filter(\.included) }
    public var excluded: [Point] { points.filter { !$0.included } }

    /// (slope − target)/σ_slope, or nil without a fit.
    public func pull(towards target: Double) -> Double? {
        guard let fit, fit.slopeError > 0 else { return nil }
        return (fit.slope - target) / fit.slopeError
    }
}
