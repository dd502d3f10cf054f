import TensorCore

/// The "normalised" stochastic Schrödinger equation of seed 001 §VII (Eq. 43) for a real hidden
/// state ψ ∈ R^d, next to the norm-preserving (quantum-state-diffusion) form it approximates.
///
/// Size letters: d = state dimension (W is d×d: the deviation W ψ − y lives in state space).
///
/// The seed's text lost its equations; attnlab reads Eq. 43 from its description of the three
/// terms (Koopman evolution; a normalisation drift that "scales as" the squared deviation; a
/// back-action that "shifts the state in the direction of the deviation"; and Step 4, which drops
/// the cross-term ⟨O⟩). With e = W ψ − y and one scalar Wiener process B, in Itô form:
///
///     seed:     dψ = [A ψ + b − (γ/2σ_m²) ‖e‖² ψ] dt + (√γ/σ_m) e dB
///
/// Itô's lemma for N = ‖ψ‖² (dB² = dt):
///     dN = [2ψᵀ(Aψ + b) − (γ/σ_m²)‖e‖² N + (γ/σ_m²)‖e‖²] dt + 2(√γ/σ_m)(ψᵀe) dB,
/// so on the unit sphere the normalisation drift cancels the Itô correction exactly, but
///     dN |_{N=1} = 2(ψᵀDψ + ψᵀb) dt + 2(√γ/σ_m)(ψᵀe) dB ≠ 0
/// unless D = 0, ψᵀb = 0 and e ⊥ ψ: the dissipative part of A moves the norm deterministically
/// and the back-action, not being tangent to the sphere, moves it diffusively.
///
///     tangent:  dψ = [k⊥ − (γ/2σ_m²)(‖e⊥‖²/N) ψ] dt + (√γ/σ_m) e⊥ dB,
///               k⊥ = (Aψ + b) − (ψᵀ(Aψ + b)/N) ψ,   e⊥ = e − (ψᵀe/N) ψ
///
/// keeps the cross-terms (the quantum-state-diffusion form with ⟨·⟩ subtracted), and for it
/// dN = 0 identically: its Euler–Maruyama norm error is a pure discretisation error.
public struct NormalisedSSE: Sendable {
    /// Which equation.
    public enum Form: String, Sendable, Codable, CaseIterable {
        /// The seed's Eq. 43 as read above.
        case seed
        /// The norm-preserving form with the ⟨·⟩ cross-terms kept.
        case tangent
    }

    /// Koopman generator A (d×d).
    public let generator: Matrix
    /// Bias b (d).
    public let bias: [Double]
    /// Value projection W (d×d).
    public let valueProjection: Matrix
    /// Attention target y (d).
    public let target: [Double]
    /// Measurement strength γ.
    public let gamma: Double
    /// Measurement noise σ_m.
    public let measurementNoise: Double

    public init(
        generator: Matrix, bias: [Double], valueProjection: Matrix, target: [Double],
        gamma: Double, measurementNoise: Double = 1
    ) {
        let d = generator.rows
        precondition(generator.isSquare, "NormalisedSSE: A must be square")
        precondition(
            valueProjection.rows == d && valueProjection.cols == d,
            "NormalisedSSE: W must be d×d (\(d)×\(d)) so that Wψ − y is a state direction, got \(valueProjection.rows)×\(valueProjection.cols)")
        precondition(bias.count == d && target.count == d, "NormalisedSSE: b and y must have d = \(d) entries")
        precondition(gamma >= 0 && measurementNoise > 0, "NormalisedSSE: needs γ ≥ 0 and σ_m > 0")
        self.generator = generator
        self.bias = bias
        self.valueProjection = valueProjection
        self.target = target
        self.gamma = gamma
        self.measurementNoise = measurementNoise
    }

    /// d.
    public var dimension: Int { generator.rows }
    /// γ/σ_m².
    public var coupling: Double { gamma / (measurementNoise * measurementNoise) }

    /// Drift a(ψ) and noise direction g(ψ): dψ = a dt + g dB.
    public func coefficients(_ psi: [Double], form: Form) -> (drift: [Double], noise: [Double]) {
        let d = dimension
        precondition(psi.count == d, "NormalisedSSE: ψ has \(psi.count) entries for d = \(d)")
        var koopman = generator.apply(psi)
        for i in 0..<d { koopman[i] += bias[i] }
        var e = valueProjection.apply(psi)
        for i in 0..<d { e[i] -= target[i] }
        let n = dot(psi, psi)
        let root = coupling.squareRoot()
        switch form {
        case .seed:
            let shrink = 0.5 * coupling * dot(e, e)
            return ((0..<d).map { koopman[$0] - shrink * psi[$0] }, e.map { root * $0 })
        case .tangent:
            let kp = dot(psi, koopman) / n, ep = dot(psi, e) / n
            let eT = (0..<d).map { e[$0] - ep * psi[$0] }
            let shrink = 0.5 * coupling * dot(eT, eT) / n
            return ((0..<d).map { koopman[$0] - kp * psi[$0] - shrink * psi[$0] }, eT.map { root * $0 })
        }
    }

    /// Itô coefficients of N = ‖ψ‖² at ψ: dN = rate dt + volatility dB, with
    /// rate = 2ψᵀa + ‖g‖² and volatility = 2ψᵀg (the derivation in the type's comment).
    public func normRates(_ psi: [Double], form: Form) -> (rate: Double, volatility: Double) {
        let (a, g) = coefficients(psi, form: form)
        return (2 * dot(psi, a) + dot(g, g), 2 * dot(psi, g))
    }

    @inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
}
