import Foundation

/// The Gibbs (Boltzmann) distribution of a set of energy levels at inverse temperature β —
/// attention weights read as a thermal state (seed 003, "Softmax ≡ Born rule").
///
/// For attention logits s_i (scores) and temperature τ: energies E_i = −s_i, β = 1/τ, and
///
///     p_i = exp(−β E_i) / Z,   Z = Σ_i exp(−β E_i)          (= softmax(s/τ))
///     F = −log Z / β           free energy
///     U = ⟨E⟩ = Σ p_i E_i      internal energy
///     S = −Σ p_i log p_i       entropy (nats)
///     C = β² Var(E)            heat capacity (= −β² dU/dβ)
///     ψ_i = √p_i               Born amplitudes (|ψ_i|² = p_i)
///
/// and F = U − S/β. Everything is computed from log Z by the log-sum-exp shift
/// (log Z = m + log Σ exp(−βE_i − m), m = max_i(−βE_i)), so it is finite for every finite β —
/// β → 0 gives the uniform distribution, β → ∞ the ground state — and for logits of any size.
///
/// Sizes: n = number of levels (keys). Cost O(n) per quantity.
public struct GibbsState: Sendable {
    /// Energies E_i, length n ≥ 1.
    public let energies: [Double]
    /// Inverse temperature β (finite; may be negative or zero).
    public let beta: Double
    /// log Z.
    public let logPartitionFunction: Double
    /// log p_i = −βE_i − log Z, exact even where p_i underflows to 0.
    public let logProbabilities: [Double]

    /// The Gibbs state of `energies` at inverse temperature `beta`.
    public init(energies: [Double], beta: Double) {
        precondition(!energies.isEmpty, "GibbsState: need at least one energy level")
        precondition(beta.isFinite, "GibbsState: β must be finite, got \(beta)")
        precondition(energies.allSatisfy(\.isFinite), "GibbsState: energies must be finite")
        self.energies = energies
        self.beta = beta
        // Shift by the most probable level E*: d_i = β(E_i − E*) ≥ 0 is formed as a difference of
        // energies first, so nearly degenerate levels keep their full relative precision even
        // when βE is huge; then log p_i = −d_i − log Σ_j exp(−d_j) and log Z = −βE* + log Σ.
        let reference = beta >= 0 ? energies.min()! : energies.max()!
        let gaps = beta == 0 ? [Double](repeating: 0, count: energies.count) : energies.map { beta * ($0 - reference) }
        var sum = 0.0
        for d in gaps { sum += Foundation.exp(-d) }
        let logSum = Foundation.log(sum)
        self.logPartitionFunction = -beta * reference + logSum
        self.logProbabilities = gaps.map { -$0 - logSum }
    }

    /// The state of attention logits `scores` at temperature τ: E = −s, β = 1/τ.
    public init(scores: [Double], temperature: Double) {
        precondition(temperature > 0 && temperature.isFinite, "GibbsState: temperature must be positive and finite, got \(temperature)")
        self.init(energies: scores.map { -$0 }, beta: 1 / temperature)
    }

    /// Number of levels n.
    public var count: Int { energies.count }

    /// p_i = exp(log p_i), summing to 1 up to rounding.
    public var probabilities: [Double] { logProbabilities.map { Foundation.exp($0) } }

    /// Born amplitudes ψ_i = exp(log p_i / 2) = √p_i.
    public var amplitudes: [Double] { logProbabilities.map { Foundation.exp($0 / 2) } }

    /// F = −log Z / β. At β = 0 the limit is −∞ for n > 1 (and E for a single level).
    public var freeEnergy: Double {
        if beta == 0 { return count == 1 ? energies[0] : -.infinity }
        return -logPartitionFunction / beta
    }

    /// U = Σ p_i E_i.
    public var internalEnergy: Double {
        var u = 0.0
        for (lp, e) in zip(logProbabilities, energies) { u += Foundation.exp(lp) * e }
        return u
    }

    /// S = −Σ p_i log p_i, using the exact log p_i (terms with p_i = 0 contribute 0).
    public var entropy: Double {
        var s = 0.0
        for lp in logProbabilities where lp > -745 { s -= Foundation.exp(lp) * lp }
        return s
    }

    /// Var(E) = Σ p_i (E_i − U)², the two-pass form (no cancellation).
    public var energyVariance: Double {
        let u = internalEnergy
        var v = 0.0
        for (lp, e) in zip(logProbabilities, energies) { v += Foundation.exp(lp) * (e - u) * (e - u) }
        return v
    }

    /// C = β² Var(E), formed as (β·σ_E)² so that a frozen state (Var = 0) at huge β gives 0.
    public var heatCapacity: Double {
        let spread = beta * energyVariance.squareRoot()
        return spread * spread
    }

    /// log Σ_i exp(x_i), stable for any finite inputs (−∞ entries allowed; empty input gives −∞).
    public static func logSumExp(_ x: [Double]) -> Double {
        guard let m = x.max(), m > -.infinity else { return -.infinity }
        var sum = 0.0
        for v in x { sum += Foundation.exp(v - m) }
        return m + Foundation.log(sum)
    }

    /// softmax(x)_i = exp(x_i − max x) / Σ_j exp(x_j − max x): the attention weights as a
    /// transformer computes them (the reference the Gibbs form is compared with).
    public static func softmax(_ x: [Double]) -> [Double] {
        guard let m = x.max() else { return [] }
        var e = x.map { Foundation.exp($0 - m) }
        let total = e.reduce(0, +)
        for i in e.indices { e[i] /= total }
        return e
    }

    /// Shannon entropy −Σ p_i log p_i (nats) of any distribution; terms with p_i = 0 are 0.
    public static func shannonEntropy(_ p: [Double]) -> Double {
        var s = 0.0
        for v in p where v > 0 { s -= v * Foundation.log(v) }
        return s
    }
}
