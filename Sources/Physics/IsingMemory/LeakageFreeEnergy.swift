// The imaginary-time (dephased) leakage free energy and its softmax-weighted Hebbian gradient
// (seed 004, Ohzeki 2026, "Attention-like Hebbian learning from quantum probability flow").
//
// Size letters: N spins.

import RealModule

/// Imaginary-time leakage free energy of a data state s,
///
///     F(J, h; s) = log Σ_k exp(−β Δ_k),   Δ_k = 2 s_k u_k,  u = J s + h,
///
/// and its gradient in closed form. With the channel softmax p_k = exp(−βΔ_k) / Σ_l exp(−βΔ_l):
///
///     ∂F/∂h_k   = −2β p_k s_k,
///     ∂F/∂J_ij  = −2β (p_i + p_j) s_i s_j     (i ≠ j; J_ij = J_ji moved together),
///
/// i.e. ∇_J F = −2β [diag(p) s sᵀ + s sᵀ diag(p)] off the diagonal: the Hebbian outer product
/// s sᵀ with row and column k weighted by the attention-like softmax p_k over leakage channels.
/// Descending F is a softmax-weighted Hebbian update; at β → 0, p_k → 1/N and
/// −∇_J F → (4β/N) s sᵀ, the classic Hebbian rule.
///
/// Derivation: ∂F/∂θ = −β Σ_k p_k ∂Δ_k/∂θ with ∂Δ_k/∂h_i = 2 s_k δ_ki and, because J_ij enters
/// both u_i (times s_j) and u_j (times s_i), ∂Δ_k/∂J_ij = 2 s_i s_j (δ_ki + δ_kj).
public enum LeakageFreeEnergy {
    /// Softmax leakage weights p_k = exp(−βΔ_k) / Σ_l exp(−βΔ_l), (N). Stable for any β.
    public static func weights(gaps: [Double], beta: Double) -> [Double] {
        precondition(!gaps.isEmpty, "LeakageFreeEnergy.weights: no channels")
        let lowest = gaps.min()!
        var w = gaps.map { Double.exp(-beta * ($0 - lowest)) }
        let z = w.reduce(0, +)
        for k in 0..<w.count { w[k] /= z }
        return w
    }

    /// log Σ_k exp(−βΔ_k), evaluated without overflow.
    public static func logSumExp(gaps: [Double], beta: Double) -> Double {
        precondition(!gaps.isEmpty, "LeakageFreeEnergy.logSumExp: no channels")
        let lowest = gaps.min()!
        var z = 0.0
        for g in gaps { z += Double.exp(-beta * (g - lowest)) }
        return -beta * lowest + Double.log(z)
    }

    /// F(J, h; s) = log Σ_k exp(−βΔ_k(s)).
    public static func value(_ memory: IsingMemory, state: [Double], beta: Double) -> Double {
        logSumExp(gaps: memory.gaps(state), beta: beta)
    }

    /// The closed-form gradient: ∂F/∂J as a symmetric (N, N) matrix with zero diagonal (entry
    /// (i, j) is the derivative with respect to the pair coupling J_ij = J_ji) and ∂F/∂h, (N).
    public static func gradient(_ memory: IsingMemory, state s: [Double], beta: Double)
        -> (couplings: [Double], fields: [Double])
    {
        let n = memory.size
        let p = weights(gaps: memory.gaps(s), beta: beta)
        var dJ = [Double](repeating: 0, count: n * n)
        var dh = [Double](repeating: 0, count: n)
        for i in 0..<n {
            dh[i] = -2 * beta * p[i] * s[i]
            for j in 0..<n where j != i { dJ[i * n + j] = -2 * beta * (p[i] + p[j]) * s[i] * s[j] }
        }
        return (dJ, dh)
    }

    /// Central finite differences of F in every pair coupling and field, with step `step`
    /// (relative to max(1, |θ|)). A reference for `gradient`; O(N³).
    public static func finiteDifferenceGradient(
        _ memory: IsingMemory, state: [Double], beta: Double,
        step: Double = 1e-5
    ) -> (couplings: [Double], fields: [Double]) {
        let n = memory.size
        var dJ = [Double](repeating: 0, count: n * n)
        var dh = [Double](repeating: 0, count: n)
        var m = memory
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let original = m.couplings[i * n + j]
                let h = step * max(1, abs(original))
                func f(_ x: Double) -> Double {
                    m.couplings[i * n + j] = x
                    m.couplings[j * n + i] = x
                    return value(m, state: state, beta: beta)
                }
                let d = (f(original + h) - f(original - h)) / (2 * h)
                _ = f(original)
                dJ[i * n + j] = d
                dJ[j * n + i] = d
            }
            let original = m.fields[i]
            let h = step * max(1, abs(original))
            m.fields[i] = original + h
            let plus = value(m, state: state, beta: beta)
            m.fields[i] = original - h
            let minus = value(m, state: state, beta: beta)
            m.fields[i] = original
            dh[i] = (plus - minus) / (2 * h)
        }
        return (dJ, dh)
    }
}
