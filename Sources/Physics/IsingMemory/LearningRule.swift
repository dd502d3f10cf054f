// Learning rules for the Ising memory: Hebbian, the two quantum-probability-flow rules of seed
// 004 (imaginary-time softmax, real-time Lorentzian) and minimum probability flow.
//
// Size letters: N spins, P patterns.

import RealModule

/// How couplings are learned from stored patterns ξ^μ.
///
/// Every rule except `hebbian` minimises an objective that is a sum over patterns of a
/// *channel potential* Φ(Δ_1 … Δ_N) of the pattern's leakage gaps Δ_k = 2 ξ_k (Jξ + h)_k
/// (see `RuleTraining`). Its gradient is a weighted Hebbian update,
///
///     −∂Φ/∂J_kj ∝ Σ_μ c_k^μ ξ_k^μ ξ_j^μ,   c_k = −∂Φ/∂Δ_k,
///
/// so each rule is fixed by its channel weights c_k:
///
/// | rule | Φ(Δ) | weights c_k |
/// |---|---|---|
/// | `softmax(β)` | (1/β) log Σ_k e^{−βΔ_k} (the imaginary-time leakage free energy / β) | softmax p_k |
/// | `lorentzian(Γ)` | log Σ_k L_k, L_k = Γ²/(Γ²+Δ_k²) (log of the real-time first-order leakage) | (L_k/ΣL)·2Δ_k/(Γ²+Δ_k²) |
/// | `lorentzianHebbian(Γ)` | −Γ Σ_k arctan(Δ_k/Γ) | L_k = Γ²/(Γ²+Δ_k²) |
/// | `mpf` | Σ_k e^{−Δ_k/2} (Sohl-Dickstein, Battaglino & DeWeese 2011) | ½ e^{−Δ_k/2} |
///
/// `lorentzian` is the default reading of the seed's real-time rule: the log of the measured
/// real-time survival loss, exactly as the imaginary-time rule is the log of the dephased one.
/// Its weights are odd in Δ — coherent leakage is blind to the sign of a gap, so the rule pushes
/// |Δ| away from resonance rather than making gaps positive. `lorentzianHebbian` is the other
/// reading: a Hebbian update weighted by the Lorentzian itself (positive weights), whose
/// potential is the arctan above. MPF's objective is Σ_k e^{−Δ_k/2} = exp F(β = ½): its
/// gradient is the softmax rule's at β = ½ with pattern weights e^{F_μ}.
public enum LearningRule: Sendable, Equatable, CustomStringConvertible {
    /// J = (1/N) Σ_μ ξ^μ ξ^μᵀ, zero diagonal, h = 0 (Hopfield 1982).
    case hebbian
    /// Imaginary-time (dephased) leakage free energy at inverse temperature β.
    case softmax(beta: Double)
    /// Real-time (coherent) log survival loss with transverse field Γ.
    case lorentzian(gamma: Double)
    /// Hebbian update weighted by the real-time Lorentzian weights.
    case lorentzianHebbian(gamma: Double)
    /// Minimum probability flow with single-flip connectivity.
    case mpf

    /// Short name: hebbian, softmax, lorentzian, lorentzian-hebbian, mpf.
    public var name: String {
        switch self {
        case .hebbian: "hebbian"
        case .softmax: "softmax"
        case .lorentzian: "lorentzian"
        case .lorentzianHebbian: "lorentzian-hebbian"
        case .mpf: "mpf"
        }
    }

    public var description: String {
        switch self {
        case .hebbian, .mpf: name
        case .softmax(let beta): "softmax(β=\(beta))"
        case .lorentzian(let gamma): "lorentzian(Γ=\(gamma))"
        case .lorentzianHebbian(let gamma): "lorentzian-hebbian(Γ=\(gamma))"
        }
    }

    /// Φ of one pattern's gaps and ∂Φ/∂Δ_k written into `derivative`, (N).
    func potential(_ gaps: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = gaps.count
        switch self {
        case .hebbian:
            preconditionFailure("the Hebbian rule has no objective")
        case .softmax(let beta):
            var lowest = Double.infinity
            for k in 0..<n { lowest = min(lowest, gaps[k]) }
            var z = 0.0
            for k in 0..<n {
                let w = Double.exp(-beta * (gaps[k] - lowest))
                derivative[k] = w
                z += w
            }
            for k in 0..<n { derivative[k] = -derivative[k] / z }
            return lowest * -1 + Double.log(z) / beta
        case .mpf:
            var total = 0.0
            for k in 0..<n {
                let w = Double.exp(-0.5 * gaps[k])
                total += w
                derivative[k] = -0.5 * w
            }
            return total
        case .lorentzian(let gamma):
            let g2 = gamma * gamma
            var total = 0.0
            for k in 0..<n { total += g2 / (g2 + gaps[k] * gaps[k]) }
            for k in 0..<n {
                let d = g2 + gaps[k] * gaps[k]
                // ∂ log ΣL / ∂Δ_k = (1/ΣL)·(−2Γ²Δ_k/(Γ²+Δ_k²)²).
                derivative[k] = -2 * g2 * gaps[k] / (d * d) / total
            }
            return Double.log(total)
        case .lorentzianHebbian(let gamma):
            var total = 0.0
            for k in 0..<n {
                total -= gamma * Double.atan(gaps[k] / gamma)
                derivative[k] = -gamma * gamma / (gamma * gamma + gaps[k] * gaps[k])
            }
            return total
        }
    }

    /// Checks the rule's parameters.
    func validate() {
        switch self {
        case .softmax(let beta): precondition(beta > 0 && beta.isFinite, "softmax rule: β must be positive, got \(beta)")
        case .lorentzian(let gamma), .lorentzianHebbian(let gamma):
            precondition(gamma > 0 && gamma.isFinite, "\(name) rule: Γ must be positive, got \(gamma)")
        case .hebbian, .mpf: break
        }
    }
}

extension LearningRule {
    /// Parses "hebbian", "softmax", "lorentzian", "lorentzian-hebbian" or "mpf" with the given β and Γ.
    public static func parse(_ text: String, beta: Double, gamma: Double) -> LearningRule? {
        switch text.lowercased() {
        case "hebbian": .hebbian
        case "softmax": .softmax(beta: beta)
        case "lorentzian": .lorentzian(gamma: gamma)
        case "lorentzian-hebbian": .lorentzianHebbian(gamma: gamma)
        case "mpf": .mpf
        default: nil
        }
    }
}
