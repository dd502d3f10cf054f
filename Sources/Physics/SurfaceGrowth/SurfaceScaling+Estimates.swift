import Foundation
import TensorCore

/// Every estimate of one (re)sample, laid out flat for the jackknife.
struct Estimates {
    var widths: [[Double]] = []
    var correlations: [[Double]] = []
    var slopes: [[Double]] = []
    var betas: [SurfaceScaling.PowerFit?] = []
    /// Per size: β's drift across the growth range, extrapolated and mirrored.
    var betaVariants: [[Double]] = []
    var alphaCs: [SurfaceScaling.PowerFit?] = []
    /// Per size: α from C(r) extrapolated for lattice corrections, and from the crossover form.
    var alphaCVariants: [[Double]] = []
    var saturationWidths: [Double] = []
    var alphaSat: SurfaceScaling.PowerFit?
    /// α from W_sat(L) extrapolated for finite-size corrections.
    var alphaSatVariants: [Double] = [.nan]
    /// z for every pair of (α member, β member), the plain pair first.
    var z: [Double] = []
    var bestZ: Double = .nan
    var betaDrift: Double = .nan

    /// Per size: W (T), C (K), slopes (T−1), β and its two variants, α_C and its two variants, W_sat
    /// (W, C and W_sat divided by the size's `scales[s]`); then α_sat and its variant, the z
    /// pairs, best z, β drift.
    func flattened(scales: [Double]) -> [Double] {
        var out: [Double] = []
        for s in widths.indices {
            out += widths[s].map { $0 / scales[s] }
            out += correlations[s].map { $0 / scales[s] }
            out += slopes[s]
            out.append(betas[s]?.slope ?? .nan)
            out += betaVariants[s]
            out.append(alphaCs[s]?.slope ?? .nan)
            out += alphaCVariants[s]
            out.append(saturationWidths[s] / scales[s])
        }
        out.append(alphaSat?.slope ?? .nan)
        out += alphaSatVariants
        out += z
        out += [bestZ, betaDrift]
        return out
    }
}

/// Reads the jackknife output back in `Estimates.flattened` order.
struct EstimateReader {
    let jack: ResampledStatistic
    let level: Double
    let groups: Int
    var position = 0

    /// The next n values and errors, multiplied by `scale`.
    mutating func vector(_ n: Int, scale: Double = 1) -> ([Double], [Double]) {
        defer { position += n }
        return (jack.value[position..<(position + n)].map { $0 * scale }, jack.standardErrors[position..<(position + n)].map { $0 * scale })
    }

    mutating func scalar(scale: Double = 1) -> (Double, Double) {
        defer { position += 1 }
        return (jack.value[position] * scale, jack.standardErrors[position] * scale)
    }

    /// The exponent of `fit` followed by one slot per named variant. A variant that could not be
    /// computed (no ladder, too few points) leaves the interval statistical only.
    mutating func exponent(_ fit: SurfaceScaling.PowerFit?, variants names: [String]) -> ExponentEstimate? {
        let (v, e) = scalar()
        let slots = names.map { name -> ExponentEstimate.Variant in
            let (value, error) = scalar()
            return ExponentEstimate.Variant(name: name, value: value, standardError: error)
        }
        guard let fit, v.isFinite else { return nil }
        let usable = slots.filter { $0.value.isFinite && $0.standardError.isFinite }
        return ExponentEstimate(
            value: v, standardError: e, confidenceLevel: level, variants: usable,
            systematicsIncluded: usable.count == slots.count && e.isFinite,
            fitRange: fit.range, amplitude: fit.amplitude, points: fit.points, groups: groups)
    }
}

extension Array where Element == Double {
    /// Arithmetic mean (NaN when empty).
    var mean: Double { isEmpty ? .nan : reduce(0, +) / Double(count) }
}
