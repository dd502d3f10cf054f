// Derivative checks of the leakage free energy's closed-form gradient.
//
// Size letters: N spins.

import ComplexModule
import RealModule
import TensorCore

/// Independent derivatives of F(J, h; s) = log Σ_k exp(−βΔ_k) for checking
/// `LeakageFreeEnergy.gradient`.
///
/// The complex-step derivative (Squire & Trapp 1998; Martins, Sturdza & Alonso 2003) evaluates F
/// at θ + iε and takes Im F / ε: no difference of nearly equal numbers is formed, so with
/// ε = 1e−30 the derivative is exact to rounding (relative error ~1e−16), unlike a finite
/// difference (~1e−10 at best). To stay independent of the closed form, the gaps are computed
/// here from the definition Δ_k = E(s⁽ᵏ⁾) − E(s) with complex energies, not from Δ_k = 2 s_k u_k.
public enum LeakageGradientCheck {
    /// E(s) = −½ sᵀJs − hᵀs with complex J and h.
    static func energy(_ j: [Complex<Double>], _ h: [Complex<Double>], _ s: [Double]) -> Complex<Double> {
        let n = h.count
        var e = Complex<Double>.zero
        for a in 0..<n {
            var row = Complex<Double>.zero
            for b in 0..<n { row += j[a * n + b] * Complex(s[b]) }
            e -= Complex(0.5 * s[a]) * row + h[a] * Complex(s[a])
        }
        return e
    }

    /// F at complex parameters, from energies of s and its N single-flip neighbours.
    static func freeEnergy(_ j: [Complex<Double>], _ h: [Complex<Double>], _ s: [Double], beta: Double) -> Complex<Double> {
        let e0 = energy(j, h, s)
        var gaps: [Complex<Double>] = []
        var flipped = s
        for k in 0..<s.count {
            flipped[k] = -s[k]
            gaps.append(energy(j, h, flipped) - e0)
            flipped[k] = s[k]
        }
        let lowest = gaps.map { $0.real }.min()!
        var z = Complex<Double>.zero
        for g in gaps { z += Complex.exp(Complex(-beta) * (g - Complex(lowest))) }
        return Complex(-beta * lowest) + Complex.log(z)
    }

    /// Complex-step derivatives of F in every pair coupling J_ij = J_ji (returned symmetric,
    /// zero diagonal, (N, N)) and every field, (N). O(N⁵): meant for N ≲ 30.
    public static func complexStepGradient(
        _ memory: IsingMemory, state s: [Double], beta: Double,
        step: Double = 1e-30
    ) -> (couplings: [Double], fields: [Double]) {
        let n = memory.size
        precondition(s.count == n, "complexStepGradient: state has \(s.count) spins, memory has \(n)")
        var j = memory.couplings.map { Complex($0) }
        var h = memory.fields.map { Complex($0) }
        var dJ = [Double](repeating: 0, count: n * n)
        var dh = [Double](repeating: 0, count: n)
        for a in 0..<n {
            for b in (a + 1)..<max(a + 1, n) {
                let original = j[a * n + b]
                j[a * n + b] = original + Complex(0, step)
                j[b * n + a] = original + Complex(0, step)
                let d = freeEnergy(j, h, s, beta: beta).imaginary / step
                j[a * n + b] = original
                j[b * n + a] = original
                dJ[a * n + b] = d
                dJ[b * n + a] = d
            }
            let original = h[a]
            h[a] = original + Complex(0, step)
            dh[a] = freeEnergy(j, h, s, beta: beta).imaginary / step
            h[a] = original
        }
        return (dJ, dh)
    }

    /// Reverse-mode automatic differentiation (TensorCore's `Tape<Double>`) of F built from
    /// primitive ops: u = J·s + h, Δ = 2 s ⊙ u, F = log Σ exp(−βΔ − c) + c with the constant
    /// shift c = max(−βΔ). J is recorded as N² independent entries, so the derivative with respect
    /// to the pair coupling J_ij = J_ji is ∂F/∂J[i,j] + ∂F/∂J[j,i]; returned symmetric with zero
    /// diagonal, (N, N), and ∂F/∂h, (N).
    public static func autodiffGradient(_ memory: IsingMemory, state s: [Double], beta: Double)
        -> (couplings: [Double], fields: [Double])
    {
        let n = memory.size
        precondition(s.count == n, "autodiffGradient: state has \(s.count) spins, memory has \(n)")
        let tape = Tape<Double>()
        let j = tape.variable(Tensor(shape: [n, n], scalars: memory.couplings))  // (N, N)
        let h = tape.variable(Tensor(shape: [n, 1], scalars: memory.fields))  // (N, 1)
        let spins = tape.constant(Tensor(shape: [n, 1], scalars: s))  // (N, 1)
        let twiceSpins = tape.constant(Tensor(shape: [n, 1], scalars: s.map { 2 * $0 }))
        let u = j.matmul(spins) + h  // (N, 1)
        let exponent = (twiceSpins * u) * -beta  // −βΔ, (N, 1)
        let shift = exponent.value.scalars.max()!
        let f = (exponent - shift).exp().sum().log() + shift  // ()
        tape.backward(from: f)
        let gj = j.gradient!.scalars, gh = h.gradient!.scalars
        var dJ = [Double](repeating: 0, count: n * n)
        for a in 0..<n { for b in 0..<n where b != a { dJ[a * n + b] = gj[a * n + b] + gj[b * n + a] } }
        return (dJ, gh)
    }

    /// Worst relative deviation max_θ |g_θ − r_θ| / max_θ |r_θ| between a gradient and a reference.
    public static func worstRelativeDeviation(
        _ gradient: (couplings: [Double], fields: [Double]),
        reference: (couplings: [Double], fields: [Double])
    ) -> Double {
        let g = gradient.couplings + gradient.fields, r = reference.couplings + reference.fields
        precondition(g.count == r.count, "worstRelativeDeviation: \(g.count) vs \(r.count) derivatives")
        let scale = r.reduce(0) { max($0, abs($1)) }
        var worst = 0.0
        for i in 0..<g.count { worst = max(worst, abs(g[i] - r[i])) }
        return scale > 0 ? worst / scale : worst
    }
}
