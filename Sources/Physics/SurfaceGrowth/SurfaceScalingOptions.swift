import Foundation

/// How the scaling analysis chooses its fit windows and bounds their systematics. Every default
/// is documented in docs/CRITICALITY.md together with the finite-size and finite-time effects it
/// guards against; `validate()` runs at the entry of `SurfaceScaling.analyze`.
public struct SurfaceScalingOptions: Sendable {
    /// β fit window in time units; nil chooses it automatically: it ends at the last recorded
    /// time or where W first exceeds `saturationFraction`·W_sat, and starts `growthDecades`
    /// decades earlier, but not before `earliestTime`.
    public var growthWindow: ClosedRange<Double>? = nil
    /// Length of the automatic growth window in decades of time.
    public var growthDecades: Double = 1
    /// Times before this are never fitted, nor used in the collapse (the lattice transient).
    public var earliestTime: Double = 10
    /// Growth regime ends where W reaches this fraction of W_sat: the measured W_sat of a saturated
    /// size; for an unsaturated size the W_sat extrapolated from W_sat ∝ L^α over the saturated
    /// ones (when at least two are), or else estimated from the size's own C(r) continued to L.
    /// The approach to saturation lowers the local slope well before W_sat: for the single-step
    /// model at L = 4096 a window ending at W ≈ 0.4·W_sat gives β_eff ≈ 0.317 instead of 1/3.
    public var saturationFraction: Double = 0.3
    /// A size counts as saturated when ln W against ln t over the last `plateauSpan` factor of
    /// time has a slope below `plateauSlope`.
    public var plateauSlope: Double = 0.05
    public var plateauSpan: Double = 3
    /// α window for the height-difference correlation: separations r ≥ `smallestSeparation` with
    /// C(r) ≤ `correlationFraction`·√2·W, i.e. well inside the correlation length (C → √2·W for
    /// uncorrelated heights); nil window chooses it so.
    public var correlationWindow: ClosedRange<Double>? = nil
    public var correlationFraction: Double = 0.5
    public var smallestSeparation: Int = 1
    /// The automatic correlated window must reach `correlationSpan`·`smallestSeparation`: a
    /// shorter range cannot separate the lattice corrections from α, and α from C(r) is then
    /// not estimated.
    public var correlationSpan: Double = 10
    /// The crossover-corrected fit of C(r) (C² = 2W²[1 − e^{−(r/ξ)^{2α}}]) uses separations with
    /// C(r) ≤ `crossoverFraction`·√2·W.
    public var crossoverFraction: Double = 0.5.squareRoot()
    /// Slowest correction to scaling admitted in the growth regime, W ∝ t^β(1 + c·t^{−ω}): 1/3,
    /// the 1-D KPZ value (the EW lattice's is 1/2).
    public var growthCorrectionExponent: Double = 1.0 / 3
    /// Slowest correction admitted for α in r or L: 1 = 2α for an additive short-range term in
    /// C²(r) or W²_sat(L).
    public var roughnessCorrectionExponent: Double = 1
    /// Jackknife groups (at most the number of realisations of the smallest ensemble).
    public var jackknifeGroups: Int = 32
    /// Level of the reported confidence intervals.
    public var confidenceLevel: Double = 0.95

    public init() {}

    /// Throws `SurfaceGrowthError.invalidOption` naming the first option outside its domain.
    public func validate() throws {
        func fail(_ name: String, _ value: Any, _ expected: String) -> SurfaceGrowthError {
            .invalidOption(name: name, value: "\(value)", expected: expected)
        }
        func checkWindow(_ w: ClosedRange<Double>?, _ name: String, _ unit: String) throws {
            guard let w else { return }
            guard w.lowerBound.isFinite, w.upperBound.isFinite, w.lowerBound > 0, w.lowerBound < w.upperBound else {
                throw fail(name, "\(w.lowerBound):\(w.upperBound)", "a:b with 0 < a < b, both finite (\(unit))")
            }
        }
        try checkWindow(growthWindow, "growthWindow", "times")
        try checkWindow(correlationWindow, "correlationWindow", "separations")
        guard growthDecades.isFinite && growthDecades > 0 else { throw fail("growthDecades", growthDecades, "a finite number > 0") }
        guard earliestTime.isFinite && earliestTime >= 0 else { throw fail("earliestTime", earliestTime, "a finite number ≥ 0") }
        guard saturationFraction.isFinite && saturationFraction > 0 && saturationFraction <= 1 else {
            throw fail("saturationFraction", saturationFraction, "a number in (0, 1]")
        }
        guard plateauSlope.isFinite && plateauSlope >= 0 else { throw fail("plateauSlope", plateauSlope, "a finite number ≥ 0") }
        guard plateauSpan.isFinite && plateauSpan > 1 else { throw fail("plateauSpan", plateauSpan, "a finite number > 1") }
        guard correlationFraction.isFinite && correlationFraction > 0 else {
            throw fail("correlationFraction", correlationFraction, "a finite number > 0")
        }
        guard smallestSeparation >= 1 else { throw fail("smallestSeparation", smallestSeparation, "an integer ≥ 1") }
        guard correlationSpan.isFinite && correlationSpan >= 1 else { throw fail("correlationSpan", correlationSpan, "a finite number ≥ 1") }
        guard crossoverFraction.isFinite && crossoverFraction > 0 && crossoverFraction < 1 else {
            throw fail("crossoverFraction", crossoverFraction, "a number in (0, 1)")
        }
        for (name, omega) in [("growthCorrectionExponent", growthCorrectionExponent), ("roughnessCorrectionExponent", roughnessCorrectionExponent)] {
            guard omega.isFinite && omega > 0 else { throw fail(name, omega, "a finite number > 0") }
        }
        guard jackknifeGroups >= 2 else { throw fail("jackknifeGroups", jackknifeGroups, "an integer ≥ 2") }
        guard confidenceLevel.isFinite && confidenceLevel > 0 && confidenceLevel < 1 else {
            throw fail("confidenceLevel", confidenceLevel, "a number in (0, 1)")
        }
    }
}
