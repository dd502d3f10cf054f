import Foundation
import TensorCore

/// How the scaling analysis chooses its fit windows. Every default is documented in
/// docs/CRITICALITY.md together with the finite-size and finite-time effects it guards against.
public struct SurfaceScalingOptions: Sendable {
    /// β fit window in time units; nil chooses it automatically: it ends at the last recorded
    /// time (unsaturated sizes) or where W first exceeds `saturationFraction`·W_sat (saturated
    /// sizes), and starts `growthDecades` decades earlier, but not before `earliestTime`.
    public var growthWindow: ClosedRange<Double>? = nil
    /// Length of the automatic growth window in decades of time.
    public var growthDecades: Double = 1
    /// Times before this are never fitted, nor used in the collapse (the lattice transient).
    public var earliestTime: Double = 10
    /// Growth regime ends where W reaches this fraction of W_sat: the measured W_sat of a saturated
    /// size, or for an unsaturated size the W_sat extrapolated from W_sat ∝ L^α over the saturated
    /// ones (when at least two are). The approach to saturation lowers the local slope well before
    /// W_sat: for the single-step model at L = 4096 a window ending at W ≈ 0.4·W_sat gives
    /// β_eff ≈ 0.317 instead of 1/3 (docs/CRITICALITY.md).
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
    /// Jackknife groups (at most the number of realisations of the smallest ensemble).
    public var jackknifeGroups: Int = 32
    /// Level of the reported confidence intervals.
    public var confidenceLevel: Double = 0.95

    public init() {}
}

/// The analysis of one system size.
public struct SurfaceSizeAnalysis: Sendable {
    public var length: Int
    public var realisations: Int
    /// Recording times (T), interface width W(t) = (E w²)^{1/2} and its jackknife error.
    public var times: [Double]
    public var width: [Double]
    public var widthError: [Double]
    /// Local slopes d ln W / d ln t between successive times, at their geometric mean times (T − 1).
    public var slopeTimes: [Double]
    public var localSlope: [Double]
    public var localSlopeError: [Double]
    /// The growth window used and β fitted in it.
    public var growthWindow: ClosedRange<Double>?
    public var beta: ExponentEstimate?
    /// Whether W reached a plateau, the plateau's log slope, and W_sat ± error.
    public var saturated: Bool
    public var plateauSlope: Double
    public var saturationWidth: Double?
    public var saturationWidthError: Double?
    /// Height-difference correlation C(r) at the final time, and α fitted to it.
    public var separations: [Double]
    public var heightDifference: [Double]
    public var heightDifferenceError: [Double]
    public var correlationWindow: ClosedRange<Double>?
    public var alphaCorrelation: ExponentEstimate?
    /// Local width w(ℓ) over windows of ℓ sites at the final time (J).
    public var windows: [Double]
    public var localWidth: [Double]
}

/// The exponents of a set of system sizes.
public struct SurfaceScalingResult: Sendable {
    /// Per size, ascending L.
    public var sizes: [SurfaceSizeAnalysis]
    /// β from the largest size with a growth window, and that size.
    public var beta: ExponentEstimate?
    public var betaLength: Int?
    /// α from W_sat ∝ L^α over saturated sizes (when at least two are saturated).
    public var alphaSaturation: ExponentEstimate?
    /// The α used for z: `alphaSaturation` if present, else the height-difference α of the
    /// largest size that has one; `alphaSource` says which.
    public var alpha: ExponentEstimate?
    public var alphaSource: String
    /// z = α/β, its error from the jackknife of the ratio (which carries the α–β covariance).
    public var z: ExponentEstimate?
    /// Family–Vicsek collapse at (α, z), when at least two sizes exist.
    public var collapse: FamilyVicsekCollapse?
    /// Caveats met during the analysis, in words.
    public var notes: [String]
}

/// Estimates the roughness exponent α, the growth exponent β and the dynamic exponent z of a
/// growing interface from ensembles of height fields (Family & Vicsek, J. Phys. A 18, L75 (1985);
/// Barabási & Stanley 1995, ch. 2).
///
/// - W(L, t) ~ t^β for t ≪ L^z: β is the slope of ln W against ln t in the growth window.
/// - W_sat(L) ~ L^α: α is the slope of ln W_sat against ln L over saturated sizes; and within one
///   size C(r) = ⟨(h(x+r) − h(x))²⟩^{1/2} ~ r^α for r well inside the correlation length.
/// - z = α/β, and a Family–Vicsek collapse W/L^α against t/L^z whose best z is compared with it.
///
/// Errors: a delete-a-group jackknife over independent realisations (sample i of every size goes
/// to group i mod G), with the fit windows fixed from the full sample; intervals use Student's t
/// with G − 1 degrees of freedom. Fits are unweighted least squares on log–log points.
public enum SurfaceScaling {
    /// Analyses ensembles of several system sizes (each: realisations of one L sharing times).
    public static func analyze(_ ensembles: [[HeightField]], options: SurfaceScalingOptions = SurfaceScalingOptions()) throws -> SurfaceScalingResult {
        let moments = try ensembles.map { try InterfaceMoments($0) }.sorted { $0.length < $1.length }
        for (a, b) in zip(moments, moments.dropFirst()) where a.length == b.length {
            throw SurfaceGrowthError.mismatchedRealisation(index: 0, detail: "two ensembles have the same length \(a.length)")
        }
        return try analyze(moments: moments, options: options)
    }

    /// As `analyze(_:options:)`, from precomputed moments (ascending distinct lengths).
    public static func analyze(moments: [InterfaceMoments], options: SurfaceScalingOptions) throws -> SurfaceScalingResult {
        precondition(!moments.isEmpty, "SurfaceScaling.analyze: no sizes")
        let samples = moments.map(\.realisations).min()!
        guard samples >= 2 else {
            let short = moments.first { $0.realisations < 2 }!
            throw SurfaceGrowthError.tooFewRealisations(length: short.length, count: short.realisations)
        }
        var notes: [String] = []
        let groups = min(samples, max(2, options.jackknifeGroups))
        func sizeWeights(_ w: [Double], _ m: InterfaceMoments) -> [Double] { (0..<m.realisations).map { w[$0 % samples] } }
        let ones = [Double](repeating: 1, count: samples)

        // Phase 1: windows and plateaus from the full sample.
        var plans: [SizePlan] = []
        for m in moments {
            let plan = SizePlan(m, width: m.width(weights: sizeWeights(ones, m)), options: options)
            plans.append(plan)
            notes.append(contentsOf: plan.notes)
        }
        let saturatedIndices = plans.indices.filter { plans[$0].saturated }
        // End unsaturated sizes' growth windows before the crossover W_sat predicted from the
        // saturated sizes.
        if saturatedIndices.count >= 2 && options.growthWindow == nil,
           let wsat = powerLaw(saturatedIndices.map { Double(moments[$0].length) },
                               saturatedIndices.map { plans[$0].saturationWidth }, in: 0...Double.infinity, minimumPoints: 2) {
            for s in plans.indices where !plans[s].saturated {
                let predicted = wsat.amplitude * Foundation.pow(Double(moments[s].length), wsat.slope)
                let width = moments[s].width(weights: sizeWeights(ones, moments[s]))
                if let note = plans[s].capGrowth(moments[s], width: width, limit: options.saturationFraction * predicted, options: options) {
                    notes.append(note)
                }
            }
        }
        let betaIndex = plans.indices.last { plans[$0].growthRange != nil }
        let alphaCIndex = saturatedIndices.last { plans[$0].correlationRange != nil }
            ?? plans.indices.last { plans[$0].correlationRange != nil }
        let useSaturation = saturatedIndices.count >= 2
        if betaIndex == nil { notes.append("no size has at least 3 recorded times in its growth window: β not estimated") }

        let plateaus = plans.map { $0.saturated ? $0.saturationWidth : Double.nan }
        // Errors of ln W, fixed weights for the collapse quality.
        let widthJack = Resampling.jackknife(samples: samples, groups: groups) { w in
            moments.flatMap { $0.width(weights: sizeWeights(w, $0)) }
        }
        var logWidthErrors: [[Double]] = []
        var offset = 0
        for m in moments {
            let n = m.times.count
            logWidthErrors.append((0..<n).map { widthJack.standardErrors[offset + $0] / max(widthJack.value[offset + $0], .leastNormalMagnitude) })
            offset += n
        }

        // Phase 2: every estimate as a function of realisation weights.
        func estimates(_ w: [Double]) -> Estimates {
            var e = Estimates()
            for (s, m) in moments.enumerated() {
                let plan = plans[s]
                let width = m.width(weights: sizeWeights(w, m))
                let c = m.heightDifference(atTime: m.times.count - 1, weights: sizeWeights(w, m))
                e.widths.append(width)
                e.correlations.append(c)
                e.slopes.append(localSlopes(m.times, width))
                e.betas.append(plan.growthRange.flatMap { powerLaw(m.times, width, in: $0) })
                e.alphaCs.append(plan.correlationRange.flatMap { powerLaw(m.separations.map(Double.init), c, in: $0) })
                e.saturationWidths.append(plan.saturated ? plan.plateauIndices.map { width[$0] * width[$0] }.mean.squareRoot() : .nan)
            }
            if useSaturation {
                e.alphaSat = powerLaw(saturatedIndices.map { Double(moments[$0].length) }, saturatedIndices.map { e.saturationWidths[$0] },
                                      in: 0...Double.infinity, minimumPoints: 2)
            }
            let alpha = useSaturation ? e.alphaSat : alphaCIndex.flatMap { e.alphaCs[$0] }
            let beta = betaIndex.flatMap { e.betas[$0] }
            if let alpha, let beta { e.z = alpha.slope / beta.slope }
            if let b = betaIndex, let range = plans[b].growthRange {
                // β over the lower and upper halves of the window (in ln t): a drift flags
                // corrections to scaling or the onset of saturation.
                let middle = (range.lowerBound * range.upperBound).squareRoot()
                let m = moments[b], width = e.widths[b]
                if let early = powerLaw(m.times, width, in: range.lowerBound...middle),
                   let late = powerLaw(m.times, width, in: middle...range.upperBound) {
                    e.betaDrift = late.slope - early.slope
                }
            }
            if moments.count >= 2, let alpha {
                let curves = collapseCurves(moments, e.widths, logWidthErrors, from: options.earliestTime, plateaus: plateaus)
                e.bestZ = FamilyVicsekCollapse.bestZ(curves, alpha: alpha.slope).z
            }
            return e
        }
        let full = estimates(ones)
        let jack = Resampling.jackknife(samples: samples, groups: groups) { estimates($0).flattened }
        var reader = EstimateReader(jack: jack, level: options.confidenceLevel, groups: groups)

        // Assemble the results in the order `Estimates.flattened` lays them out.
        var sizes: [SurfaceSizeAnalysis] = []
        for (s, m) in moments.enumerated() {
            let plan = plans[s]
            let (width, widthErr) = reader.vector(m.times.count)
            let (corr, corrErr) = reader.vector(m.separations.count)
            let (slope, slopeErr) = reader.vector(max(0, m.times.count - 1))
            let beta = reader.exponent(full.betas[s])
            let alphaC = reader.exponent(full.alphaCs[s])
            let (wsat, wsatErr) = reader.scalar()
            let finalWidth = m.localWidth(atTime: m.times.count - 1, weights: sizeWeights(ones, m))
            sizes.append(SurfaceSizeAnalysis(
                length: m.length, realisations: m.realisations, times: m.times, width: width, widthError: widthErr,
                slopeTimes: zip(m.times, m.times.dropFirst()).map { ($0 * $1).squareRoot() }, localSlope: slope,
                localSlopeError: slopeErr, growthWindow: plan.growthRange, beta: beta, saturated: plan.saturated,
                plateauSlope: plan.plateauSlope, saturationWidth: plan.saturated ? wsat : nil,
                saturationWidthError: plan.saturated ? wsatErr : nil, separations: m.separations.map(Double.init),
                heightDifference: corr, heightDifferenceError: corrErr, correlationWindow: plan.correlationRange,
                alphaCorrelation: alphaC, windows: m.windows.map(Double.init), localWidth: finalWidth))
        }
        let alphaSat = reader.exponent(full.alphaSat)
        let (zValue, zError) = reader.scalar()
        let (bestZ, bestZError) = reader.scalar()
        let (drift, driftError) = reader.scalar()
        if drift.isFinite && driftError.isFinite && abs(drift) > 2 * driftError {
            notes.append(String(format: "β drifts across its window: the upper half of the window gives a slope %@ by %.3f ± %.3f — corrections to scaling (drift up) or the onset of saturation (drift down)", drift > 0 ? "higher" : "lower", abs(drift), driftError))
        }

        let beta = betaIndex.flatMap { sizes[$0].beta }
        let alpha = useSaturation ? alphaSat : alphaCIndex.flatMap { sizes[$0].alphaCorrelation }
        let alphaSource = useSaturation
            ? "W_sat ∝ L^α over \(saturatedIndices.count) saturated sizes"
            : alphaCIndex.map { "height-difference correlation C(r) ∝ r^α at L = \(moments[$0].length)" } ?? "none"
        var z: ExponentEstimate? = nil
        if alpha != nil, let beta, zValue.isFinite {
            z = ExponentEstimate(value: zValue, standardError: zError,
                                 confidenceInterval: reader.interval(zValue, zError), confidenceLevel: options.confidenceLevel,
                                 fitRange: beta.fitRange, amplitude: .nan, points: beta.points, groups: groups)
        }
        var collapse: FamilyVicsekCollapse? = nil
        if moments.count >= 2, let alpha, let zUsed = z?.value {
            let curves = collapseCurves(moments, full.widths, logWidthErrors, from: options.earliestTime, plateaus: plateaus)
            let q = FamilyVicsekCollapse.quality(curves, alpha: alpha.value, z: zUsed)
            let best = FamilyVicsekCollapse.bestZ(curves, alpha: alpha.value)
            let combined = (bestZError * bestZError + (z?.standardError ?? 0) * (z?.standardError ?? 0)).squareRoot()
            collapse = FamilyVicsekCollapse(
                alpha: alpha.value, z: zUsed, quality: q, bestZ: bestZ.isFinite ? bestZ : best.z,
                bestZError: bestZError.isFinite ? bestZError : nil, bestQuality: best.quality,
                consistent: combined.isFinite && combined > 0 ? abs(best.z - zUsed) <= 2 * combined : nil,
                scaled: FamilyVicsekCollapse.scaledCurves(curves, alpha: alpha.value, z: zUsed))
        }
        if moments.count >= 2 && !useSaturation {
            notes.append("fewer than two sizes reached saturation: α comes from the height-difference correlation, not from W_sat(L)")
        }
        return SurfaceScalingResult(sizes: sizes, beta: beta, betaLength: betaIndex.map { moments[$0].length },
                                    alphaSaturation: alphaSat, alpha: alpha, alphaSource: alphaSource, z: z,
                                    collapse: collapse, notes: notes)
    }

    // MARK: Pieces

    /// A power-law fit: slope of ln y against ln x, amplitude e^intercept, the x range of the
    /// points used and their number.
    public struct PowerFit: Sendable {
        public var slope: Double
        public var slopeError: Double
        public var amplitude: Double
        public var range: ClosedRange<Double>
        public var points: Int
    }

    /// Fits ln y = a + b ln x over points with x in `range` and finite positive y; nil with fewer
    /// than `minimumPoints`. `slopeError` is the residual-scatter error (the jackknife gives the
    /// reported one).
    public static func powerLaw(_ x: [Double], _ y: [Double], in range: ClosedRange<Double>, minimumPoints: Int = 3) -> PowerFit? {
        var lx: [Double] = [], ly: [Double] = [], used: [Double] = []
        for (a, b) in zip(x, y) where range.contains(a) && a > 0 && b > 0 && b.isFinite {
            lx.append(Foundation.log(a)); ly.append(Foundation.log(b)); used.append(a)
        }
        guard lx.count >= max(2, minimumPoints), let fit = try? LeastSquares.line(x: lx, y: ly) else { return nil }
        return PowerFit(slope: fit.slope, slopeError: fit.slopeError, amplitude: Foundation.exp(fit.intercept),
                        range: used.first!...used.last!, points: lx.count)
    }

    /// A number in a note: integers plainly, others to 3 significant digits.
    static func short(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.3g", x) }

    /// d ln W / d ln t between successive times (T − 1).
    static func localSlopes(_ t: [Double], _ w: [Double]) -> [Double] {
        zip(zip(t, t.dropFirst()), zip(w, w.dropFirst())).map { times, widths in
            (Foundation.log(widths.1) - Foundation.log(widths.0)) / (Foundation.log(times.1) - Foundation.log(times.0))
        }
    }

    /// The curves for the collapse: times from `earliest` on, and for saturated sizes only up to
    /// where W first reaches 0.9·W_sat (`plateaus[s]`, NaN when unsaturated). Deep in saturation
    /// every size's W/L^α is flat, so overlaps made only of plateaus would "collapse" for any z;
    /// the growth and crossover parts are what fix z.
    static func collapseCurves(_ moments: [InterfaceMoments], _ widths: [[Double]], _ errors: [[Double]], from earliest: Double,
                               plateaus: [Double]) -> [FamilyVicsekCollapse.Curve] {
        moments.enumerated().map { s, m in
            let end = plateaus[s].isFinite ? (widths[s].firstIndex { $0 >= 0.9 * plateaus[s] } ?? m.times.count - 1) : m.times.count - 1
            let keep = m.times.indices.filter { $0 <= end && m.times[$0] >= earliest && widths[s][$0] > 0 }
            return FamilyVicsekCollapse.Curve(length: m.length, logTime: keep.map { Foundation.log(m.times[$0]) },
                                              logWidth: keep.map { Foundation.log(widths[s][$0]) },
                                              logWidthError: keep.map { errors[s][$0] })
        }
    }
}

/// Windows and plateau of one size, decided once from the full sample.
private struct SizePlan {
    var saturated = false
    var saturationWidth = Double.nan
    var plateauSlope = Double.nan
    var plateauIndices: [Int] = []
    var growthRange: ClosedRange<Double>?
    var correlationRange: ClosedRange<Double>?
    var notes: [String] = []

    init(_ m: InterfaceMoments, width: [Double], options o: SurfaceScalingOptions) {
        let t = m.times, last = t.last!
        plateauIndices = t.indices.filter { t[$0] >= last / o.plateauSpan }
        if plateauIndices.count >= 3, let fit = SurfaceScaling.powerLaw(plateauIndices.map { t[$0] }, plateauIndices.map { width[$0] }, in: 0...Double.infinity) {
            plateauSlope = fit.slope
            saturated = fit.slope < o.plateauSlope + 2 * fit.slopeError
        }
        let wsat = plateauIndices.map { width[$0] * width[$0] }.mean.squareRoot()
        saturationWidth = wsat
        if let given = o.growthWindow {
            growthRange = given
        } else {
            setGrowth(m, width: width, limit: saturated ? o.saturationFraction * wsat : .infinity, options: o)
        }
        if let given = o.correlationWindow {
            correlationRange = given
        } else {
            let c = m.heightDifference(atTime: t.count - 1, weights: [Double](repeating: 1, count: m.realisations))
            let ceiling = o.correlationFraction * 2.0.squareRoot() * width[t.count - 1]
            var upper: Int? = nil
            for (k, r) in m.separations.enumerated() where r >= o.smallestSeparation {
                if c[k] > ceiling { break }
                upper = r
            }
            let usable = m.separations.filter { $0 >= o.smallestSeparation && $0 <= (upper ?? 0) }
            if let upper, usable.count >= 3 {
                correlationRange = Double(o.smallestSeparation)...Double(upper)
            } else if !saturated || m.length >= 256 {
                notes.append("L = \(m.length): C(r) exceeds \(o.correlationFraction)·√2·W within \(usable.count) separation(s): no correlated range to fit α (uncorrelated heights give none)")
            }
        }
    }

    /// Growth window ending at the last time with W ≤ `limit` (the last time if unbounded),
    /// spanning `growthDecades`, not before `earliestTime`.
    private mutating func setGrowth(_ m: InterfaceMoments, width: [Double], limit: Double, options o: SurfaceScalingOptions) {
        let t = m.times
        let firstAbove = t.indices.first { width[$0] > limit } ?? t.count
        let upper = t[max(0, firstAbove - 1)]
        let lower = max(o.earliestTime, upper / Foundation.pow(10, o.growthDecades), t.first!)
        let count = t.filter { $0 >= lower && $0 <= upper }.count
        if count >= 3 && lower < upper {
            growthRange = lower...upper
        } else {
            growthRange = nil
            if !saturated {
                notes.append("L = \(m.length): growth window [\(lower), \(upper)] holds \(count) recorded times; β not fitted at this size")
            }
        }
    }

    /// Shortens an unsaturated size's growth window to end where W reaches `limit`; returns a note
    /// when it does.
    mutating func capGrowth(_ m: InterfaceMoments, width: [Double], limit: Double, options o: SurfaceScalingOptions) -> String? {
        guard let before = growthRange, let last = width.indices.last(where: { m.times[$0] <= before.upperBound }),
              width[last] > limit else { return nil }
        setGrowth(m, width: width, limit: limit, options: o)
        let after = growthRange.map { "t ∈ [\(SurfaceScaling.short($0.lowerBound)), \(SurfaceScaling.short($0.upperBound))]" } ?? "no window left"
        return "L = \(m.length): W passes \(o.saturationFraction)·W_sat (W_sat ≈ \(SurfaceScaling.short(limit / o.saturationFraction)) extrapolated from the saturated sizes) at t ≈ \(SurfaceScaling.short(m.times[min(last, width.firstIndex { $0 > limit } ?? last)])); the growth window is cut to \(after) to stay clear of the crossover"
    }
}

/// Every estimate of one (re)sample, laid out flat for the jackknife.
private struct Estimates {
    var widths: [[Double]] = []
    var correlations: [[Double]] = []
    var slopes: [[Double]] = []
    var betas: [SurfaceScaling.PowerFit?] = []
    var alphaCs: [SurfaceScaling.PowerFit?] = []
    var saturationWidths: [Double] = []
    var alphaSat: SurfaceScaling.PowerFit?
    var z: Double = .nan
    var bestZ: Double = .nan
    var betaDrift: Double = .nan

    /// Per size: W (T), C (K), slopes (T−1), β, α_C, W_sat; then α_sat, z, best z, β drift.
    var flattened: [Double] {
        var out: [Double] = []
        for s in widths.indices {
            out += widths[s]
            out += correlations[s]
            out += slopes[s]
            out.append(betas[s]?.slope ?? .nan)
            out.append(alphaCs[s]?.slope ?? .nan)
            out.append(saturationWidths[s])
        }
        out += [alphaSat?.slope ?? .nan, z, bestZ, betaDrift]
        return out
    }
}

/// Reads the jackknife output back in `Estimates.flattened` order.
private struct EstimateReader {
    let jack: ResampledStatistic
    let level: Double
    let groups: Int
    var position = 0

    mutating func vector(_ n: Int) -> ([Double], [Double]) {
        defer { position += n }
        return (Array(jack.value[position..<(position + n)]), Array(jack.standardErrors[position..<(position + n)]))
    }

    mutating func scalar() -> (Double, Double) {
        defer { position += 1 }
        return (jack.value[position], jack.standardErrors[position])
    }

    func interval(_ v: Double, _ e: Double) -> ClosedRange<Double> {
        let t = StudentT.quantile(0.5 + level / 2, degreesOfFreedom: Double(groups - 1))
        return e.isFinite ? (v - t * e)...(v + t * e) : -Double.infinity...Double.infinity
    }

    mutating func exponent(_ fit: SurfaceScaling.PowerFit?) -> ExponentEstimate? {
        let (v, e) = scalar()
        guard let fit, v.isFinite else { return nil }
        return ExponentEstimate(value: v, standardError: e, confidenceInterval: interval(v, e), confidenceLevel: level,
                                fitRange: fit.range, amplitude: fit.amplitude, points: fit.points, groups: groups)
    }
}

extension Array where Element == Double {
    /// Arithmetic mean (NaN when empty).
    var mean: Double { isEmpty ? .nan : reduce(0, +) / Double(count) }
}
