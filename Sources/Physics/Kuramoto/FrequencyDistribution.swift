import Foundation
import TensorCore

/// A symmetric, unimodal distribution g(ω) of natural frequencies for the Kuramoto model, centred
/// at 0 (a common mean frequency is removed by going to the rotating frame).
///
/// Kuramoto's threshold for a unimodal symmetric g is K_c = 2 / (π g(0)) (Kuramoto 1975;
/// Strogatz 2000, "From Kuramoto to Crawford"):
///
///     Lorentzian, half-width Δ:   g(0) = 1/(πΔ)        K_c = 2Δ
///     Gaussian, std σ:            g(0) = 1/(σ√(2π))    K_c = σ√(8/π) ≈ 1.5958 σ
///     uniform on [−γ, γ]:         g(0) = 1/(2γ)        K_c = 4γ/π
public enum FrequencyDistribution: Sendable, Equatable, CustomStringConvertible {
    /// g(ω) = (Δ/π) / (ω² + Δ²).
    case lorentzian(halfWidth: Double)
    /// g(ω) = exp(−ω²/2σ²) / (σ√(2π)).
    case gaussian(std: Double)
    /// g(ω) = 1/(2γ) on [−γ, γ].
    case uniform(halfWidth: Double)

    /// The scale parameter (Δ, σ or γ).
    public var scale: Double {
        switch self {
        case .lorentzian(let d): d
        case .gaussian(let s): s
        case .uniform(let g): g
        }
    }

    /// The same family with another scale parameter.
    public func withScale(_ s: Double) -> FrequencyDistribution {
        switch self {
        case .lorentzian: .lorentzian(halfWidth: s)
        case .gaussian: .gaussian(std: s)
        case .uniform: .uniform(halfWidth: s)
        }
    }

    public var description: String {
        switch self {
        case .lorentzian(let d): "Lorentzian (half-width Δ = \(d))"
        case .gaussian(let s): "Gaussian (σ = \(s))"
        case .uniform(let g): "uniform on [−\(g), \(g)]"
        }
    }

    /// The density g(ω).
    public func density(_ omega: Double) -> Double {
        switch self {
        case .lorentzian(let d): d / (Double.pi * (omega * omega + d * d))
        case .gaussian(let s): Foundation.exp(-omega * omega / (2 * s * s)) / (s * (2 * Double.pi).squareRoot())
        case .uniform(let g): abs(omega) <= g ? 1 / (2 * g) : 0
        }
    }

    /// Kuramoto's critical coupling K_c = 2/(π g(0)).
    public var criticalCoupling: Double { 2 / (Double.pi * density(0)) }

    /// The quantile function G⁻¹(u), u ∈ (0, 1).
    public func quantile(_ u: Double) -> Double {
        precondition(u > 0 && u < 1, "FrequencyDistribution.quantile: u must be in (0, 1), got \(u)")
        switch self {
        case .lorentzian(let d): return d * Foundation.tan(Double.pi * (u - 0.5))
        case .gaussian(let s): return s * Self.normalQuantile(u)
        case .uniform(let g): return g * (2 * u - 1)
        }
    }

    /// N frequencies. `regular`: the deterministic quantiles G⁻¹((i + ½)/N), which remove the
    /// sample-to-sample disorder of the frequencies (the finite-N curve then converges to the
    /// N → ∞ theory much faster); otherwise N independent draws.
    public func frequencies(_ n: Int, regular: Bool, rng: inout SeededRNG) -> [Double] {
        precondition(n > 0, "FrequencyDistribution.frequencies: need at least one oscillator")
        if regular { return (0..<n).map { quantile((Double($0) + 0.5) / Double(n)) } }
        switch self {
        case .lorentzian(let d): return (0..<n).map { _ in d * rng.cauchy() }
        case .gaussian(let s): return (0..<n).map { _ in s * rng.normal() }
        case .uniform(let g): return (0..<n).map { _ in rng.uniform(-g, g) }
        }
    }

    /// Φ⁻¹(u) for the standard normal: Acklam's rational approximation (relative error 1.2e-9)
    /// refined by one Halley step on erfc, accurate to ~1e-15.
    static func normalQuantile(_ u: Double) -> Double {
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if u < low {
            let q = (-2 * Foundation.log(u)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if u <= 1 - low {
            let q = u - 0.5, r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * Foundation.log(1 - u)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) - u
        let f = e * (2 * Double.pi).squareRoot() * Foundation.exp(x * x / 2)
        x -= f / (1 + x * f / 2)
        return x
    }
}
