import Foundation
import Physics

/// Whether a height field shows the two regimes the surface-scaling estimator assumes — power-law
/// growth W ~ t^β, then saturation at W_sat ~ L^α reached at a time t× ~ L^z — measured, not
/// assumed. Exponents of a surface without these regimes are slopes of whatever curve it traces,
/// not critical exponents.
struct GrowthRegime: Sendable {
    /// β over the upper minus the lower half (in ln t) of the growth window, with its jackknife
    /// error: a single power law has none.
    var betaDrift: Double
    var betaDriftError: Double
    /// Local slopes d ln W/d ln t inside the growth window (largest size): lowest and highest.
    var localSlopes: ClosedRange<Double>?
    /// Sizes whose width reached a plateau, of all sizes.
    var saturatedSizes: Int
    var sizes: Int
    /// Time at which W of each size first reaches half its final value (L ascending) and the
    /// exponent of t_½ ∝ L^{z_½}: a growth process saturates later on larger sizes (z_½ ≈ z).
    var halfTimes: [Double]
    var halfTimeExponent: SurfaceScaling.PowerFit?
    /// Final width against L: W(L, t_last) ∝ L^{α_w}.
    var finalWidthExponent: SurfaceScaling.PowerFit?

    /// Whether growth is a single power law: |drift| ≤ 2σ or ≤ 0.05.
    var powerLawGrowth: Bool { !betaDrift.isFinite || abs(betaDrift) <= max(2 * betaDriftError, 0.05) }
    /// Whether saturation is size-dependent as in Family–Vicsek scaling: at least two sizes
    /// saturated and the half-width time grows with L (z_½ > 2σ above 0).
    var sizeDependentSaturation: Bool {
        guard saturatedSizes >= 2, let z = halfTimeExponent else { return false }
        return z.slope > 2 * z.slopeError && z.slope > 0.2
    }

    /// One line in words.
    var summary: String {
        var parts: [String] = []
        if betaDrift.isFinite {
            parts.append(
                String(
                    format: "β drift across its window %+.3f ± %.3f (%@)", betaDrift, betaDriftError,
                    powerLawGrowth ? "consistent with one power law" : "no single power law"))
        }
        if let s = localSlopes { parts.append(String(format: "local slopes in the window %.2f … %.2f", s.lowerBound, s.upperBound)) }
        parts.append("\(saturatedSizes) of \(sizes) sizes saturated")
        if let z = halfTimeExponent {
            parts.append(String(format: "time to half the final width ∝ L^%.2f ± %.2f", z.slope, z.slopeError))
        }
        return parts.joined(separator: "; ")
    }

    /// Measures the regimes of one ensemble per size (ascending L) given its analysis.
    static func measure(_ ensembles: [[HeightField]], result: SurfaceScalingResult, groups: Int) throws -> GrowthRegime {
        var drift = Double.nan, driftError = Double.nan
        var slopes: ClosedRange<Double>? = nil
        if let beta = result.beta, let length = result.betaLength, let fields = ensembles.first(where: { $0[0].length == length }) {
            let m = try InterfaceMoments(fields)
            let window = beta.fitRange
            let middle = (window.lowerBound * window.upperBound).squareRoot()
            let jack = Resampling.jackknife(samples: m.realisations, groups: min(groups, m.realisations)) { w in
                let width = m.width(weights: w)
                guard let early = SurfaceScaling.powerLaw(m.times, width, in: window.lowerBound...middle),
                    let late = SurfaceScaling.powerLaw(m.times, width, in: middle...window.upperBound)
                else { return [.nan] }
                return [late.slope - early.slope]
            }
            (drift, driftError) = (jack.value[0], jack.standardErrors[0])
            if let size = result.sizes.first(where: { $0.length == length }) {
                let inside = size.slopeTimes.indices.filter { window.contains(size.slopeTimes[$0]) }.map { size.localSlope[$0] }
                if let lo = inside.min(), let hi = inside.max() { slopes = lo...hi }
            }
        }
        var halfTimes: [Double] = []
        for s in result.sizes {
            let target = 0.5 * (s.width.last ?? .nan)
            halfTimes.append(s.times[s.width.firstIndex { $0 >= target } ?? (s.times.count - 1)])
        }
        let lengths = result.sizes.map { Double($0.length) }
        let z = lengths.count >= 2 ? SurfaceScaling.powerLaw(lengths, halfTimes, in: 0...Double.infinity, minimumPoints: 2) : nil
        let finals = result.sizes.map { $0.width.last ?? .nan }
        let alpha = lengths.count >= 2 ? SurfaceScaling.powerLaw(lengths, finals, in: 0...Double.infinity, minimumPoints: 2) : nil
        return GrowthRegime(
            betaDrift: drift, betaDriftError: driftError, localSlopes: slopes,
            saturatedSizes: result.sizes.filter(\.saturated).count, sizes: result.sizes.count,
            halfTimes: halfTimes, halfTimeExponent: z, finalWidthExponent: alpha)
    }
}

/// The KPZ analysis of recorded attention surfaces: every (layer, head) on its own (realisations:
/// probe sequences), and all heads pooled (realisations: heads × probes, jackknife groups =
/// probes, so a group deletes one probe sequence from every head), in training steps and in
/// gradient-flow time.
struct AttentionSurfaceAnalysis: Sendable {
    struct Entry: Sendable {
        /// Measurement key: "L0H1", "pooled", "flow".
        var key: String
        /// "L0H1", "pooled", "pooled (gradient-flow time)".
        var name: String
        var layer: Int?
        var head: Int?
        var result: SurfaceScalingResult
        var regime: GrowthRegime
    }

    var heads: [Entry]
    var pooled: Entry
    var pooledFlowTime: Entry

    /// The seed's table (§2.1, "Transformer (12L)").
    static let seed = (alpha: (0.48, 0.03), beta: (0.34, 0.02), z: (1.49, 0.05))

    static func analyze(_ surfaces: AttentionSurfaces, options: SurfaceScalingOptions = SurfaceScalingOptions()) throws -> AttentionSurfaceAnalysis {
        let probes = surfaces.manifest.probes
        var perHead = options
        perHead.jackknifeGroups = min(options.jackknifeGroups, probes)
        var heads: [Entry] = []
        for l in 0..<surfaces.manifest.layers {
            for h in 0..<surfaces.manifest.heads {
                let ensembles = surfaces.fields[l][h]
                let result = try SurfaceScaling.analyze(ensembles, options: perHead)
                heads.append(
                    Entry(
                        key: "L\(l)H\(h)", name: "L\(l)H\(h)", layer: l, head: h, result: result,
                        regime: try GrowthRegime.measure(ensembles, result: result, groups: perHead.jackknifeGroups)))
            }
        }
        func pooledEntry(_ s: AttentionSurfaces, key: String, name: String, earliest: Double) throws -> Entry {
            // Realisation index = head · R + probe, so index mod R (the jackknife group) is the probe.
            let ensembles = s.lengths.indices.map { k in s.fields.flatMap { layer in layer.flatMap { $0[k] } } }
            var pooledOptions = perHead
            pooledOptions.earliestTime = earliest
            let result = try SurfaceScaling.analyze(ensembles, options: pooledOptions)
            return Entry(
                key: key, name: name, result: result,
                regime: try GrowthRegime.measure(ensembles, result: result, groups: pooledOptions.jackknifeGroups))
        }
        let pooled = try pooledEntry(surfaces, key: "pooled", name: "pooled", earliest: options.earliestTime)
        // In gradient-flow time the lattice-transient cut moves with the clock: the flow time of
        // the step the step-time analysis starts at.
        let m = surfaces.manifest
        let firstStep = m.steps.firstIndex { Double($0) >= options.earliestTime } ?? 0
        let flow = try pooledEntry(
            surfaces.withLearningRateTime(), key: "flow", name: "pooled (gradient-flow time)",
            earliest: m.learningRateTimes[firstStep])
        return AttentionSurfaceAnalysis(heads: heads, pooled: pooled, pooledFlowTime: flow)
    }
}

extension AttentionSurfaceAnalysis {
    /// Plain-text report for the CLI: a row per head, then the pooled analyses in full.
    func text(_ manifest: AttentionSurfaces.Manifest, detail: Bool = false) -> String {
        func e(_ x: ExponentEstimate?) -> String { x.map { Measurement($0.value, error: $0.standardError).formatted } ?? "—" }
        var lines = [
            "\(manifest.description)",
            "sizes L = \(manifest.queryPositions.map { String($0 + 1) }.joined(separator: ", ")) (query positions \(manifest.queryPositions.map(String.init).joined(separator: ", "))), "
                + "\(manifest.probes) probe sequences, \(manifest.steps.count) recorded steps \(manifest.steps.first!)…\(manifest.steps.last!)",
            "seed (§2.1): α 0.48 ± 0.03, β 0.34 ± 0.02, z 1.49 ± 0.05", "",
            "head    α                β                z                saturated  β drift          t½ ∝ L^z½",
        ]
        for h in heads + [pooled, pooledFlowTime] {
            let r = h.regime
            let drift = r.betaDrift.isFinite ? Measurement(r.betaDrift, error: r.betaDriftError).formatted : "—"
            let half = r.halfTimeExponent.map { Measurement($0.slope, error: $0.slopeError).formatted } ?? "—"
            lines.append(
                [
                    SurfaceScalingSummary.pad(h.name, 7), SurfaceScalingSummary.pad(e(h.result.alpha), 16),
                    SurfaceScalingSummary.pad(e(h.result.beta), 16), SurfaceScalingSummary.pad(e(h.result.z), 16),
                    SurfaceScalingSummary.pad("\(r.saturatedSizes)/\(r.sizes)", 10), SurfaceScalingSummary.pad(drift, 16), half,
                ].joined(separator: " "))
        }
        for entry in [pooled, pooledFlowTime] {
            lines += ["", "— \(entry.name) —", SurfaceScalingSummary.text(entry.result, detail: detail), "regime: " + entry.regime.summary]
        }
        return lines.joined(separator: "\n")
    }
}
