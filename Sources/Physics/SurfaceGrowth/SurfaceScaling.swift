import Foundation
import TensorCore

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
/// Statistical error: a delete-a-group jackknife over independent realisations (sample i of every
/// size goes to group i mod G), with the fit windows fixed from the full sample; Student's t with
/// G − 1 degrees of freedom. Fits are unweighted least squares on log–log points.
///
/// Systematics (docs/CRITICALITY.md §1): each exponent belongs to a small family of estimates
/// computed in every jackknife replicate, and its interval is the hull of the members' intervals
/// value_k ± t·σ_k (`ExponentEstimate.variants`):
/// - *corrections to scaling* (β; α from C(r); α from W_sat): if the effective exponent drifts as
///   a(x) = a + c·x^{−ω} with ω ≥ ω_min, fits over the two halves of the admissible range (in
///   ln x) give â₁, â₂, and the fit â in the chosen window extrapolates to
///   a = â + g·(â₂ − â₁), g = S(ω)/(S₁(ω) − S₂(ω)), S_w(ω) the least-squares slope of −e^{−ωu}/ω
///   against u = ln x over window w's points (exact for that form). g falls with ω, so every
///   admissible ω lies between the plain fit (ω → ∞) and ω_min. ω = 1 in r and L: an additive
///   short-range term in C²(r) or W²_sat(L) (the single-step model's W²_sat = (L + 1)/12), where
///   the extrapolation is exact. ω_min = 1/3 in time (the 1-D KPZ correction) is only a lower
///   bound, and over less than two decades g(1/3) amplifies the noise of â₂ − â₁ five- to
///   tenfold, so there g is capped at 1 (the remaining bias taken to be at most the drift across
///   the range); and since in time the drift's sign does not tell corrections to scaling from the
///   onset of saturation, β's family holds â ± g·(â₂ − â₁).
/// - *crossover* (α from C(r)): the approach of C(r) to its plateau √2·W lowers the local slope
///   inside the window; the self-affine form C² = 2W²[1 − e^{−(r/ξ)^{2α}}] (Sinha et al., Phys.
///   Rev. B 38, 2297 (1988)) is linear after ln(−ln(1 − C²/2W²)) = 2α ln r − 2α ln ξ, fitted up to
///   C ≤ `crossoverFraction`·√2·W.
/// - *finite size* (β): the window ends where W reaches `saturationFraction`·W_sat (measured,
///   extrapolated from saturated sizes, or estimated from the size's own C(r) continued to L as a
///   periodic bridge: W²_sat ≈ (1/2L) Σ_r C²(r_c)·(r(L − r)/(L·r_c))^{2α̂}).
/// z = α/β is computed for every pair of α and β members; its interval is the hull of those.
/// Design data and coverage checks are listed in docs/CRITICALITY.md.
public enum SurfaceScaling {
    /// Analyses ensembles of several system sizes (each: realisations of one L sharing times).
    public static func analyze(_ ensembles: [[HeightField]], options: SurfaceScalingOptions = SurfaceScalingOptions()) throws -> SurfaceScalingResult {
        try options.validate()
        guard !ensembles.isEmpty else { throw SurfaceGrowthError.noRealisations }
        let moments = try ensembles.map { try InterfaceMoments($0) }.sorted { $0.length < $1.length }
        for (a, b) in zip(moments, moments.dropFirst()) where a.length == b.length {
            throw SurfaceGrowthError.mismatchedRealisation(index: 0, detail: "two ensembles have the same length \(a.length)")
        }
        return try analyze(moments: moments, options: options)
    }

    /// As `analyze(_:options:)`, from precomputed moments (ascending distinct lengths).
    public static func analyze(moments: [InterfaceMoments], options: SurfaceScalingOptions) throws -> SurfaceScalingResult {
        try options.validate()
        guard !moments.isEmpty else { throw SurfaceGrowthError.noRealisations }
        let samples = moments.map(\.realisations).min()!
        guard samples >= 2 else {
            let short = moments.first { $0.realisations < 2 }!
            throw SurfaceGrowthError.tooFewRealisations(length: short.length, count: short.realisations)
        }
        var notes: [String] = []
        let groups = min(samples, options.jackknifeGroups)
        func sizeWeights(_ w: [Double], _ m: InterfaceMoments) -> [Double] { (0..<m.realisations).map { w[$0 % samples] } }
        let ones = [Double](repeating: 1, count: samples)

        // Phase 1: windows, plateaus and ladders from the full sample.
        var plans = moments.map { SizePlan($0, width: $0.width(weights: sizeWeights(ones, $0)), options: options) }
        let saturatedIndices = plans.indices.filter { plans[$0].saturated }
        // End unsaturated sizes' growth windows before the crossover: W_sat predicted from the
        // saturated sizes when at least two are, else each size's own estimate from C(r).
        if options.growthWindow == nil {
            let fromSaturated =
                saturatedIndices.count >= 2
                ? powerLaw(
                    saturatedIndices.map { Double(moments[$0].length) }, saturatedIndices.map { plans[$0].saturationWidth },
                    in: 0...Double.infinity, minimumPoints: 2) : nil
            for s in plans.indices where !plans[s].saturated {
                let predicted =
                    fromSaturated.map { ($0.amplitude * Foundation.pow(Double(moments[s].length), $0.slope), "extrapolated from the saturated sizes") }
                    ?? plans[s].ownSaturationWidth.map { ($0, "estimated from this size's C(r) continued to L") }
                guard let (wsat, source) = predicted else { continue }
                let width = moments[s].width(weights: sizeWeights(ones, moments[s]))
                plans[s].capGrowth(moments[s], width: width, saturationWidth: wsat, source: source, options: options)
            }
        }
        for s in plans.indices {
            plans[s].buildLadders(moments[s], options: options)
            notes.append(contentsOf: plans[s].notes)
        }
        let betaIndex = plans.indices.last { plans[$0].growthRange != nil }
        let alphaCIndex =
            saturatedIndices.last { plans[$0].correlationRange != nil }
            ?? plans.indices.last { plans[$0].correlationRange != nil }
        let useSaturation = saturatedIndices.count >= 2
        let saturationLadder =
            useSaturation
            ? FitLadder(
                x: saturatedIndices.map { Double(moments[$0].length) }, chosen: 0...Double.infinity,
                omega: options.roughnessCorrectionExponent, minimumPoints: 2) : nil
        if betaIndex == nil { notes.append("no size has at least 3 recorded times in its growth window: β not estimated") }
        if useSaturation && saturationLadder == nil {
            notes.append(
                "α from W_sat(L) over \(saturatedIndices.count) saturated sizes: at least 3 are needed to bound the finite-size corrections, so its interval is statistical only"
            )
        }

        let plateaus = plans.map { $0.saturated ? $0.saturationWidth : Double.nan }
        // Errors of ln W, fixed weights for the collapse quality.
        let widthJack = Resampling.jackknife(samples: samples, groups: groups) { w in
            moments.flatMap { $0.scaledWidth(weights: sizeWeights(w, $0)) }
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
                let r = m.separations.map(Double.init)
                e.widths.append(width)
                e.correlations.append(c)
                e.slopes.append(localSlopes(m.times, width))
                let beta = plan.growthRange.flatMap { powerLaw(m.times, width, in: $0) }
                e.betas.append(beta)
                // The drift across the growth range, extrapolated and mirrored: in time its sign does
                // not tell corrections to scaling from the onset of saturation.
                let drift = plan.growthLadder.flatMap { $0.correction(m.times, width) }
                e.betaVariants.append([
                    drift.flatMap { d in beta.map { $0.slope + d } } ?? .nan,
                    drift.flatMap { d in beta.map { $0.slope - d } } ?? .nan,
                ])
                let alphaC = plan.correlationRange.flatMap { powerLaw(r, c, in: $0) }
                e.alphaCs.append(alphaC)
                e.alphaCVariants.append([
                    plan.correlationLadder.flatMap { $0.extrapolate(alphaC?.slope, r, c) } ?? .nan,
                    plan.crossoverRange.flatMap { crossoverSlope(r, c, plateau: width[width.count - 1], in: $0) } ?? .nan,
                ])
                e.saturationWidths.append(plan.saturated ? rootMeanSquare(plan.plateauIndices.map { width[$0] }) : .nan)
            }
            var alphaMembers: [Double] = [], betaMembers: [Double] = []
            if useSaturation {
                let sizes = saturatedIndices.map { Double(moments[$0].length) }, wsat = saturatedIndices.map { e.saturationWidths[$0] }
                e.alphaSat = powerLaw(sizes, wsat, in: 0...Double.infinity, minimumPoints: 2)
                e.alphaSatVariants = [saturationLadder.flatMap { $0.extrapolate(e.alphaSat?.slope, sizes, wsat) } ?? .nan]
                alphaMembers = [e.alphaSat?.slope ?? .nan] + e.alphaSatVariants
            } else if let a = alphaCIndex {
                alphaMembers = [e.alphaCs[a]?.slope ?? .nan] + e.alphaCVariants[a]
            }
            if let b = betaIndex { betaMembers = [e.betas[b]?.slope ?? .nan] + e.betaVariants[b] }
            // z for every (α member, β member) pair; the plain pair first.
            e.z = alphaMembers.flatMap { a in betaMembers.map { a / $0 } }
            if let b = betaIndex, let range = plans[b].growthRange {
                // β over the lower and upper halves of the window (in ln t): a drift flags
                // corrections to scaling or the onset of saturation.
                let middle = (range.lowerBound * range.upperBound).squareRoot()
                let m = moments[b], width = e.widths[b]
                if let early = powerLaw(m.times, width, in: range.lowerBound...middle),
                    let late = powerLaw(m.times, width, in: middle...range.upperBound)
                {
                    e.betaDrift = late.slope - early.slope
                }
            }
            if moments.count >= 2, let alpha = alphaMembers.first, alpha.isFinite {
                let curves = collapseCurves(moments, e.widths, logWidthErrors, from: options.earliestTime, plateaus: plateaus)
                e.bestZ = FamilyVicsekCollapse.bestZ(curves, alpha: alpha).z
            }
            return e
        }
        let full = estimates(ones)
        let zCount = full.z.count
        // Widths and correlations enter the jackknife in each size's scaled units (see
        // InterfaceMoments), so their covariances cannot overflow for heights of any magnitude.
        let scales = moments.map(\.scale)
        let jack = Resampling.jackknife(samples: samples, groups: groups) { estimates($0).flattened(scales: scales) }
        var reader = EstimateReader(jack: jack, level: options.confidenceLevel, groups: groups)

        // Assemble the results in the order `Estimates.flattened` lays them out.
        var sizes: [SurfaceSizeAnalysis] = []
        for (s, m) in moments.enumerated() {
            let plan = plans[s]
            let (width, widthErr) = reader.vector(m.times.count, scale: m.scale)
            let (corr, corrErr) = reader.vector(m.separations.count, scale: m.scale)
            let (slope, slopeErr) = reader.vector(max(0, m.times.count - 1))
            let beta = reader.exponent(full.betas[s], variants: ["drift extrapolated", "drift mirrored"])
            let alphaC = reader.exponent(full.alphaCs[s], variants: ["corrections to scaling", "crossover form"])
            let (wsat, wsatErr) = reader.scalar(scale: m.scale)
            let finalWidth = m.localWidth(atTime: m.times.count - 1, weights: sizeWeights(ones, m))
            sizes.append(
                SurfaceSizeAnalysis(
                    length: m.length, realisations: m.realisations, times: m.times, width: width, widthError: widthErr,
                    slopeTimes: zip(m.times, m.times.dropFirst()).map { ($0 * $1).squareRoot() }, localSlope: slope,
                    localSlopeError: slopeErr, growthWindow: plan.growthRange, beta: beta, saturated: plan.saturated,
                    plateauSlope: plan.plateauSlope, saturationWidth: plan.saturated ? wsat : nil,
                    saturationWidthError: plan.saturated ? wsatErr : nil, separations: m.separations.map(Double.init),
                    heightDifference: corr, heightDifferenceError: corrErr, correlationWindow: plan.correlationRange,
                    alphaCorrelation: alphaC, windows: m.windows.map(Double.init), localWidth: finalWidth))
        }
        let alphaSat = reader.exponent(full.alphaSat, variants: ["finite-size corrections"])
        let zMembers = (0..<zCount).map { _ in reader.scalar() }
        let (bestZ, bestZError) = reader.scalar()
        let (drift, driftError) = reader.scalar()
        if drift.isFinite && driftError.isFinite && abs(drift) > 2 * driftError {
            notes.append(
                String(
                    format:
                        "β drifts across its window: the upper half of the window gives a slope %@ by %.3f ± %.3f — corrections to scaling (drift up) or the onset of saturation (drift down)",
                    drift > 0 ? "higher" : "lower", abs(drift), driftError))
        }

        let beta = betaIndex.flatMap { sizes[$0].beta }
        let alpha = useSaturation ? alphaSat : alphaCIndex.flatMap { sizes[$0].alphaCorrelation }
        let alphaSource =
            useSaturation
            ? "W_sat ∝ L^α over \(saturatedIndices.count) saturated sizes"
            : alphaCIndex.map { "height-difference correlation C(r) ∝ r^α at L = \(moments[$0].length)" } ?? "none"
        var z: ExponentEstimate? = nil
        if let alpha, let beta, let (zValue, zError) = zMembers.first, zValue.isFinite {
            let variants = zMembers.dropFirst().enumerated().map { k, m in
                ExponentEstimate.Variant(name: "pair \(k + 1)", value: m.0, standardError: m.1)
            }
            z = ExponentEstimate(
                value: zValue, standardError: zError, confidenceLevel: options.confidenceLevel,
                variants: variants.filter { $0.value.isFinite && $0.standardError.isFinite },
                systematicsIncluded: alpha.systematicsIncluded && beta.systematicsIncluded
                    && variants.allSatisfy { $0.value.isFinite && $0.standardError.isFinite },
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
        return SurfaceScalingResult(
            sizes: sizes, beta: beta, betaLength: betaIndex.map { moments[$0].length },
            alphaSaturation: alphaSat, alpha: alpha, alphaSource: alphaSource, z: z,
            collapse: collapse, notes: notes)
    }
}
