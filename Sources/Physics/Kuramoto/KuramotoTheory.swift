import Foundation

/// The N → ∞ theory of the Kuramoto model: the stationary order parameter from Kuramoto's
/// self-consistency condition (Kuramoto 1975; Strogatz 2000 §4).
///
/// Oscillators with |ω| ≤ Kr lock at sin θ = ω/(Kr); the drifting ones contribute nothing for a
/// symmetric g, so a partially locked state with r > 0 satisfies
///
///     1 = K ∫_{−π/2}^{π/2} cos²θ · g(K r sin θ) dθ  ≡  F(r).
///
/// F(0) = K/K_c with K_c = 2/(π g(0)). For the Lorentzian the solution is r = √(1 − 2Δ/K) for
/// K > K_c = 2Δ; for a Gaussian it rises continuously as √(16(K − K_c)/(π K_c⁴ |g″(0)|)) near
/// K_c = 1.5958σ; for the uniform distribution F is flat up to Kr = γ and r jumps to π/4 at K_c.
public enum KuramotoTheory {
    /// F(r) above: the right-hand side of the self-consistency condition.
    public static func selfConsistency(_ r: Double, coupling k: Double, distribution g: FrequencyDistribution) -> Double {
        switch g {
        case .uniform(let gamma):
            // ∫_{|sin θ| ≤ a} cos²θ dθ = θ₀ + sin θ₀ cos θ₀ with θ₀ = asin(min(1, a)), a = γ/(Kr).
            let a = r > 0 ? gamma / (k * r) : .infinity
            let t0 = a >= 1 ? Double.pi / 2 : Foundation.asin(a)
            return k / (2 * gamma) * (t0 + Foundation.sin(t0) * Foundation.cos(t0))
        default:
            // Composite Simpson on [−π/2, π/2]; the integrand is smooth and even.
            let m = 400
            let h = Double.pi / Double(m)
            var sum = 0.0
            for j in 0...m {
                let theta = -Double.pi / 2 + Double(j) * h
                let c = Foundation.cos(theta)
                let w = j == 0 || j == m ? 1.0 : (j % 2 == 1 ? 4.0 : 2.0)
                sum += w * c * c * g.density(k * r * Foundation.sin(theta))
            }
            return k * sum * h / 3
        }
    }

    /// The stable stationary r(K) for N → ∞: 0 below the locking threshold, else the largest
    /// root of F(r) = 1 in (0, 1] (bisection to 1e-12; the Lorentzian in closed form).
    public static func stationaryOrderParameter(coupling k: Double, distribution g: FrequencyDistribution) -> Double {
        precondition(k >= 0 && k.isFinite, "KuramotoTheory.stationaryOrderParameter: coupling must be finite and ≥ 0")
        if case .lorentzian(let delta) = g { return k > 2 * delta ? (1 - 2 * delta / k).squareRoot() : 0 }
        if k <= g.criticalCoupling { return 0 }
        // F(1) = ∫_{−K}^{K} √(1 − ω²/K²) g(ω) dω < 1, and F(0⁺) = K/K_c > 1 here: scan down from
        // r = 1 for the first sign change of F − 1 (the stable, largest root), then bisect.
        func f(_ r: Double) -> Double { selfConsistency(r, coupling: k, distribution: g) - 1 }
        if f(1) >= 0 { return 1 }
        var hi = 1.0, lo = 1.0
        let steps = 2000
        for j in stride(from: steps - 1, through: 1, by: -1) {
            let r = Double(j) / Double(steps)
            if f(r) >= 0 { lo = r; break }
            hi = r
        }
        if lo == 1 { return 0 }
        for _ in 0..<60 {
            let mid = 0.5 * (lo + hi)
            if f(mid) >= 0 { lo = mid } else { hi = mid }
            if hi - lo < 1e-12 { break }
        }
        return 0.5 * (lo + hi)
    }
}
