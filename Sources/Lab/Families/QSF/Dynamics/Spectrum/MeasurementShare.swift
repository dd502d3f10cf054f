import Foundation
import Physics

/// How much the measurement term contributes to each QSF block's residual update, against the
/// Koopman term: the identifiable form of seed 001 §XI.5's "γ_l > 1" ("attention (measurement)
/// contributes more than Koopman evolution alone").
///
/// Size letters: L = layers, B = validation windows.
///
///     ρ_l = √(Σ_t ‖γ_l·LinAttn_l(x_t)‖²) / √(Σ_t ‖Koopman_l(x_t)‖²),   x_t = N₁(h_t),
///
/// over the validation tokens. The block's output is unchanged under (γ, W_O) → (cγ, W_O/c),
/// and so is ρ_l; γ_l alone is not. Standard errors are the jackknife over windows (leave one
/// window out, recompute every ρ_l, their minimum and their slope against the layer index), so
/// the layers' common dependence on the same windows is in them.
struct MeasurementShare: Sendable {
    /// ρ_l per layer with its jackknife error.                                     (L)
    let ratios: [JackknifeValue]
    /// min_l ρ_l, max_l ρ_l and the least-squares slope of ρ_l against l.
    let minimum, maximum, slope: JackknifeValue

    /// - Parameters:
    ///   - koopman: per layer, per window Σ_t ‖Koopman(x_t)‖².                      (L, B)
    ///   - measurement: per layer, per window Σ_t ‖γ·LinAttn(x_t)‖².                (L, B)
    ///   - tokens: tokens per window.                                               (B)
    init(koopman: [[Double]], measurement: [[Double]], tokens: [Int]) {
        let layers = koopman.count, windows = tokens.count
        precondition(layers > 0 && measurement.count == layers, "MeasurementShare: one energy series per layer for both terms")
        precondition(
            windows >= 2 && (koopman + measurement).allSatisfy { $0.count == windows },
            "MeasurementShare: needs at least 2 windows and one value per window")
        // Block b's sums: (K_0, M_0, K_1, M_1, …).
        var sums: [Double] = []
        for b in 0..<windows { for l in 0..<layers { sums += [koopman[l][b], measurement[l][b]] } }
        let jackknife = BlockJackknife(sums: sums, counts: tokens, dimension: 2 * layers)
        let estimates = jackknife.estimate { means -> [Double] in
            let rho = (0..<layers).map { l in (means[2 * l + 1] / means[2 * l]).squareRoot() }
            return rho + [rho.min()!, rho.max()!, MeasurementShare.slope(rho)]
        }
        ratios = Array(estimates.prefix(layers))
        minimum = estimates[layers]
        maximum = estimates[layers + 1]
        slope = estimates[layers + 2]
    }

    /// Least-squares slope of y against its index (0 with a single point).
    static func slope(_ y: [Double]) -> Double {
        guard y.count >= 2 else { return 0 }
        let n = Double(y.count), mx = (n - 1) / 2, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (i, v) in y.enumerated() { sxy += (Double(i) - mx) * (v - my); sxx += (Double(i) - mx) * (Double(i) - mx) }
        return sxy / sxx
    }

    func measurements(windows: Int) -> [String: Measurement] {
        typealias Key = QSFSpectrumKey.Gamma
        func m(_ v: JackknifeValue, _ label: String) -> Measurement { Measurement(v, samples: windows, label: label) }
        return [
            Key.contributionMin.name: m(minimum, "min over layers of ρ_l = RMS‖γ_l·LinAttn_l(x)‖ / RMS‖Koopman_l(x)‖"),
            Key.contributionMax.name: m(maximum, "max over layers of ρ_l"),
            Key.contributionSlope.name: m(slope, "least-squares slope of ρ_l against the layer index"),
        ]
    }
}
