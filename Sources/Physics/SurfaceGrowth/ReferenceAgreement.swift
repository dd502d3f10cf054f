import Foundation

/// Whether a measured exponent agrees with the exact exponent of a reference growth model: the
/// one definition used by the validation experiment (`criticality.surface-growth`, whose count
/// gates `kpz.exponents`) and by the unit tests.
///
/// An estimate agrees with an exact value x when its interval holds its systematics
/// (`ExponentEstimate.systematicsIncluded`) and x lies inside the interval widened by the
/// finite-time allowance: |estimate − x| ≤ (half-width on x's side) + allowance.
///
/// The allowance covers what the interval cannot: corrections slower than the slowest admitted
/// ω, and the part of the crossover to saturation still inside a window that ends at
/// 0.3·W_sat. It is 0.01 for α and β — the single-step model's β at W ≈ 0.4·W_sat sits 0.016
/// below 1/3, at 0.3·W_sat about 0.003 below (docs/CRITICALITY.md) — and for z = α/β the
/// first-order propagation of both, z·(0.01/α + 0.01/β) with the exact α, β.
public enum ReferenceAgreement {
    /// Allowance for α and β.
    public static let exponentAllowance = 0.01

    /// The allowance for an exponent of a model whose exact exponents are `exact`:
    /// `exponentAllowance` for α and β, propagated to z.
    public static func allowance(_ exponent: Exponent, exact: (alpha: Double?, beta: Double, z: Double?)) -> Double {
        switch exponent {
        case .alpha, .beta: return exponentAllowance
        case .z:
            guard let a = exact.alpha, let z = exact.z else { return exponentAllowance }
            return z * (exponentAllowance / a + exponentAllowance / exact.beta)
        }
    }

    /// Whether `estimate` agrees with `exact` within its interval plus `allowance`.
    public static func agrees(_ estimate: ExponentEstimate, exact: Double, allowance: Double) -> Bool {
        estimate.systematicsIncluded && estimate.distanceOutside(exact) <= allowance
    }

    /// The three exponents.
    public enum Exponent: String, Sendable, CaseIterable {
        case alpha, beta, z
    }
}
