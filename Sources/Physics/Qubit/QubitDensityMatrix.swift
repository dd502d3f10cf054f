import ComplexModule
import Foundation
import RealModule

/// The state of one qubit as a 2 × 2 density matrix ρ = [[ρ₀₀, ρ₀₁], [ρ₁₀, ρ₁₁]] in the
/// computational basis {|0⟩, |1⟩}.
///
/// Operations are unitary gates (ρ ↦ UρU†) and quantum channels in Kraus form
/// (ρ ↦ Σ_k K_k ρ K_k†, Σ K_k†K_k = 1), so trace, hermiticity and positivity are preserved.
/// Nielsen & Chuang, *Quantum Computation and Quantum Information*, §8.3 (amplitude and phase
/// damping).
public struct QubitDensityMatrix: Sendable, Equatable {
    /// Elements row-major: [ρ₀₀, ρ₀₁, ρ₁₀, ρ₁₁].
    public private(set) var elements: [Complex<Double>]

    /// |0⟩⟨0|.
    public static let ground = QubitDensityMatrix(elements: [1, 0, 0, 0])
    /// |1⟩⟨1|.
    public static let excited = QubitDensityMatrix(elements: [0, 0, 0, 1])

    public init(elements: [Complex<Double>]) {
        precondition(elements.count == 4, "QubitDensityMatrix: needs 4 elements, got \(elements.count)")
        self.elements = elements
    }

    /// P(|0⟩) = ρ₀₀ and P(|1⟩) = ρ₁₁ (real parts).
    public var populations: (zero: Double, one: Double) { (elements[0].real, elements[3].real) }
    /// ρ₀₁, the coherence.
    public var coherence: Complex<Double> { elements[1] }
    /// Tr ρ.
    public var trace: Complex<Double> { elements[0] + elements[3] }
    /// Eigenvalues of the Hermitian part, ascending: (Tr ± √(Tr² − 4 det))/2. Both ≥ 0 for a state.
    public var eigenvalues: (Double, Double) {
        let t = (elements[0] + elements[3]).real
        let det = (elements[0] * elements[3] - elements[1] * elements[2]).real
        let disc = max(0, t * t - 4 * det).squareRoot()
        return ((t - disc) / 2, (t + disc) / 2)
    }
    /// max |ρ − ρ†|.
    public var hermiticityError: Double {
        max(
            (elements[0] - elements[0].conjugate).length, (elements[3] - elements[3].conjugate).length,
            (elements[1] - elements[2].conjugate).length)
    }

    // MARK: Gates

    /// A 2 × 2 unitary, row-major.
    public struct Gate: Sendable {
        public var u: [Complex<Double>]
        public init(_ u: [Complex<Double>]) {
            precondition(u.count == 4, "Gate: needs 4 elements")
            self.u = u
        }
        /// Hadamard (|0⟩ ± |1⟩)/√2.
        public static let hadamard = Gate([1, 1, 1, -1].map { Complex($0 / 2.0.squareRoot(), 0) })
        /// Pauli X (bit flip).
        public static let x = Gate([0, 1, 1, 0])
        /// Pauli Z.
        public static let z = Gate([1, 0, 0, -1])
        /// Phase gate P(φ) = diag(1, e^{iφ}) (S = P(π/2)).
        public static func phase(_ phi: Double) -> Gate { Gate([1, 0, 0, Complex(Double.cos(phi), Double.sin(phi))]) }
    }

    /// ρ ↦ UρU†.
    public mutating func apply(_ g: Gate) {
        elements = QubitDensityMatrix.conjugate(elements, by: g.u)
    }

    // MARK: Channels

    /// ρ ↦ Σ_k K ρ K† for Kraus operators K (each 2 × 2 row-major).
    public mutating func apply(kraus: [[Complex<Double>]]) {
        var out = [Complex<Double>](repeating: .zero, count: 4)
        for k in kraus {
            let term = QubitDensityMatrix.conjugate(elements, by: k)
            for i in 0..<4 { out[i] += term[i] }
        }
        elements = out
    }

    /// Amplitude damping with decay probability γ: K₀ = [[1, 0], [0, √(1−γ)]], K₁ = [[0, √γ], [0, 0]].
    /// ρ₁₁ ↦ (1−γ)ρ₁₁, ρ₀₁ ↦ √(1−γ)ρ₀₁ (energy relaxation to |0⟩ at zero temperature).
    public mutating func amplitudeDamping(_ gamma: Double) {
        precondition(gamma >= 0 && gamma <= 1, "amplitudeDamping: γ must lie in [0, 1], got \(gamma)")
        apply(kraus: [[1, 0, 0, Complex((1 - gamma).squareRoot(), 0)], [0, Complex(gamma.squareRoot(), 0), 0, 0]])
    }

    /// Pure dephasing (phase damping) that multiplies the coherence by f ∈ [0, 1] and leaves the
    /// populations alone: K₀ = [[1, 0], [0, f]], K₁ = [[0, 0], [0, √(1 − f²)]].
    public mutating func dephase(coherenceFactor f: Double) {
        precondition(f >= 0 && f <= 1, "dephase: the coherence factor must lie in [0, 1], got \(f)")
        apply(kraus: [[1, 0, 0, Complex(f, 0)], [0, 0, 0, Complex((1 - f * f).squareRoot(), 0)]])
    }

    /// Free precession by angle θ in the rotating frame: ρ₀₁ ↦ e^{iθ} ρ₀₁ (θ = Δτ for detuning Δ).
    public mutating func precess(_ theta: Double) {
        apply(.phase(-theta))
    }

    /// K ρ K†.
    static func conjugate(_ rho: [Complex<Double>], by k: [Complex<Double>]) -> [Complex<Double>] {
        // (Kρ)_ij = Σ_l K_il ρ_lj; (KρK†)_ij = Σ_m (Kρ)_im conj(K_jm).
        var kr = [Complex<Double>](repeating: .zero, count: 4)
        for i in 0..<2 { for j in 0..<2 { kr[2 * i + j] = k[2 * i] * rho[j] + k[2 * i + 1] * rho[2 + j] } }
        var out = [Complex<Double>](repeating: .zero, count: 4)
        for i in 0..<2 { for j in 0..<2 { out[2 * i + j] = kr[2 * i] * k[2 * j].conjugate + kr[2 * i + 1] * k[2 * j + 1].conjugate } }
        return out
    }
}
