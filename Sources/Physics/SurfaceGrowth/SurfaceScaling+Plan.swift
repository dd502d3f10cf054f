import Foundation

/// Windows, plateau and correction ladders of one size, decided once from the full sample.
struct SizePlan {
    var saturated = false
    var saturationWidth = Double.nan
    var plateauSlope = Double.nan
    var plateauIndices: [Int] = []
    /// W_sat estimated from this size's own C(r) at the last time, continued to L as a periodic
    /// bridge (nil without a correlated range).
    var ownSaturationWidth: Double?
    /// Where the automatic growth window may start (the lattice transient ends).
    var growthStart = 0.0
    var growthRange: ClosedRange<Double>?
    var correlationRange: ClosedRange<Double>?
    var crossoverRange: ClosedRange<Double>?
    var growthLadder: FitLadder?
    var correlationLadder: FitLadder?
    var notes: [String] = []
    let length: Int

    init(_ m: InterfaceMoments, width: [Double], options o: SurfaceScalingOptions) {
        length = m.length
        let t = m.times, last = t.last!
        growthStart = max(o.earliestTime, t.first!)
        if !width.contains(where: { $0 > 0 && $0.isFinite }) {
            notes.append(
                "L = \(m.length): W(t) = 0 at every recorded time — the heights are flat, or differ by less than the floating-point resolution of their magnitude — so no exponent can be fitted at this size"
            )
            return
        }
        plateauIndices = t.indices.filter { t[$0] >= last / o.plateauSpan }
        if plateauIndices.count >= 3, let fit = SurfaceScaling.powerLaw(plateauIndices.map { t[$0] }, plateauIndices.map { width[$0] }, in: 0...Double.infinity)
        {
            plateauSlope = fit.slope
            saturated = fit.slope < o.plateauSlope + 2 * fit.slopeError
        }
        saturationWidth = SurfaceScaling.rootMeanSquare(plateauIndices.map { width[$0] })
        if let given = o.growthWindow {
            growthRange = given
        } else {
            setGrowth(m, width: width, limit: saturated ? o.saturationFraction * saturationWidth : .infinity, options: o)
        }
        setCorrelation(m, width: width[t.count - 1], options: o)
    }

    /// The α windows at the last time: the power-law window (C ≤ correlationFraction·√2·W, at
    /// least `correlationSpan` wide), the crossover window (C ≤ crossoverFraction·√2·W), and the
    /// own estimate of W_sat.
    private mutating func setCorrelation(_ m: InterfaceMoments, width w: Double, options o: SurfaceScalingOptions) {
        let c = m.heightDifference(atTime: m.times.count - 1, weights: [Double](repeating: 1, count: m.realisations))
        let r = m.separations.map(Double.init)
        func contiguous(upTo fraction: Double) -> Int? {
            var upper: Int? = nil
            for (k, s) in m.separations.enumerated() where s >= o.smallestSeparation {
                if !(c[k] <= fraction * 2.0.squareRoot() * w) { break }
                upper = k
            }
            return upper
        }
        let smallest = Double(o.smallestSeparation)
        let upper = contiguous(upTo: o.correlationFraction)
        if let k = upper, r[k] > smallest {
            let local =
                SurfaceScaling.powerLaw(r, c, in: (smallest * r[k]).squareRoot()...r[k], minimumPoints: 2)
                ?? SurfaceScaling.powerLaw(r, c, in: smallest...r[k], minimumPoints: 2)
            if let a = local?.slope, a.isFinite, a > 0 { ownSaturationWidth = Self.bridgeWidth(length: m.length, anchor: r[k], value: c[k], alpha: a) }
        }
        if let given = o.correlationWindow {
            correlationRange = given
            crossoverRange = given
        } else {
            let usable = upper.map { k in r.filter { $0 >= smallest && $0 <= r[k] } } ?? []
            if let k = upper, usable.count >= 3, r[k] >= o.correlationSpan * smallest {
                correlationRange = smallest...r[k]
                if let top = contiguous(upTo: o.crossoverFraction) { crossoverRange = smallest...r[top] }
            } else if let k = upper, usable.count >= 3, !saturated || m.length >= 256 {
                notes.append(
                    "L = \(m.length): C(r) stays below \(o.correlationFraction)·√2·W only up to r = \(SurfaceScaling.short(r[k])), less than \(SurfaceScaling.short(o.correlationSpan))× the smallest separation: too short to separate α from the lattice corrections, so α is not fitted to C(r) at this size"
                )
            } else if usable.count < 3, !saturated || m.length >= 256 {
                notes.append(
                    "L = \(m.length): C(r) exceeds \(o.correlationFraction)·√2·W within \(usable.count) separation(s): no correlated range to fit α (uncorrelated heights give none)"
                )
            }
        }
    }

    /// W_sat of a periodic profile whose C(r) continues C(anchor) = value as (r(L − r)/L)^α:
    /// W² = (1/2L) Σ_r C²(r) (the mean over all pairs of sites).
    static func bridgeWidth(length n: Int, anchor: Double, value: Double, alpha: Double) -> Double {
        var sum = 0.0
        for r in 1..<n {
            let rho = Double(r) * Double(n - r) / Double(n)
            sum += Foundation.pow(rho / anchor, 2 * alpha)
        }
        return value * (sum / (2 * Double(n))).squareRoot()
    }

    /// Growth window ending at the last time with W ≤ `limit` (the last time if unbounded),
    /// spanning `growthDecades`, not before `earliestTime`.
    private mutating func setGrowth(_ m: InterfaceMoments, width: [Double], limit: Double, options o: SurfaceScalingOptions) {
        let t = m.times
        let firstAbove = t.indices.first { width[$0] > limit } ?? t.count
        let upper = t[max(0, firstAbove - 1)]
        let lower = max(growthStart, upper / Foundation.pow(10, o.growthDecades))
        let count = t.filter { $0 >= lower && $0 <= upper }.count
        if count >= 3 && lower < upper {
            growthRange = lower...upper
        } else {
            growthRange = nil
            if !saturated {
                notes.append(
                    "L = \(m.length): growth window [\(SurfaceScaling.short(lower)), \(SurfaceScaling.short(upper))] holds \(count) recorded times; β not fitted at this size"
                )
            }
        }
    }

    /// Shortens an unsaturated size's growth window to end where W reaches
    /// `saturationFraction`·`saturationWidth`, with a note saying where that W_sat came from.
    mutating func capGrowth(_ m: InterfaceMoments, width: [Double], saturationWidth wsat: Double, source: String, options o: SurfaceScalingOptions) {
        let limit = o.saturationFraction * wsat
        guard let before = growthRange, let last = width.indices.last(where: { m.times[$0] <= before.upperBound }),
            width[last] > limit
        else { return }
        setGrowth(m, width: width, limit: limit, options: o)
        let after = growthRange.map { "t ∈ [\(SurfaceScaling.short($0.lowerBound)), \(SurfaceScaling.short($0.upperBound))]" } ?? "no window left"
        notes.append(
            "L = \(m.length): W passes \(o.saturationFraction)·W_sat (W_sat ≈ \(SurfaceScaling.short(wsat)), \(source)) at t ≈ \(SurfaceScaling.short(m.times[min(last, width.firstIndex { $0 > limit } ?? last)])); the growth window is cut to \(after) to stay clear of the crossover"
        )
    }

    /// The correction ladders of the final windows; a note when a range is too short for one.
    mutating func buildLadders(_ m: InterfaceMoments, options o: SurfaceScalingOptions) {
        if let g = growthRange {
            let admissible = o.growthWindow == nil ? min(growthStart, g.lowerBound)...g.upperBound : g
            growthLadder = FitLadder(
                x: m.times, chosen: g, admissible: admissible, omega: o.growthCorrectionExponent, minimumPoints: 3,
                maximumFactor: 1)
            if growthLadder == nil {
                notes.append(
                    "L = \(m.length): the growth range t ∈ [\(SurfaceScaling.short(admissible.lowerBound)), \(SurfaceScaling.short(admissible.upperBound))] is too short to bound the corrections to scaling (each half needs 3 recorded times): β's interval is statistical only"
                )
            }
        }
        if let c = correlationRange {
            correlationLadder = FitLadder(x: m.separations.map(Double.init), chosen: c, omega: o.roughnessCorrectionExponent, minimumPoints: 3)
            if correlationLadder == nil || crossoverRange == nil {
                notes.append(
                    "L = \(m.length): the correlated range r ∈ [\(SurfaceScaling.short(c.lowerBound)), \(SurfaceScaling.short(c.upperBound))] is too short to bound the lattice and crossover corrections: α's interval from C(r) is statistical only"
                )
            }
        }
    }
}
