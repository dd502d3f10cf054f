import ComplexModule
import RealModule
import TensorCore

/// How a Koopman mode's amplitude changes over one unit step (seed 001 §II.2).
public enum ModeClass: String, Sendable, Codable, CaseIterable {
    /// |λ| < 1 − ε: the amplitude shrinks (forgetting).
    case decay
    /// |λ| within ε of 1: the amplitude is preserved.
    case neutral
    /// |λ| > 1 + ε: the amplitude grows (amplification).
    case growth

    /// The class of an eigenvalue of modulus `modulus` with tolerance `epsilon`.
    public static func of(modulus: Double, epsilon: Double) -> ModeClass {
        if modulus < 1 - epsilon { return .decay }
        if modulus > 1 + epsilon { return .growth }
        return .neutral
    }
}

/// The spectrum of a Koopman propagator K (= exp(A) for a generator A): eigenvalues, left and
/// right eigenvectors, the decay / neutral / growth classification and the growth–decay budget.
///
/// Size letters: d = state dimension (K is d×d), n = number of modes (= d).
///
/// Modes are sorted by |λ| descending (stable, so a complex-conjugate pair stays adjacent);
/// `left[k]` and `right[k]` belong to `eigenvalues[k]`:
///     K·v_k = λ_k·v_k,   u_kᴴ·K = λ_k·u_kᴴ,   ‖u_k‖ = ‖v_k‖ = 1 (LAPACK dgeev).
/// For distinct eigenvalues the two families are biorthogonal, u_jᴴ v_k = 0 for j ≠ k, and the
/// oblique projector on mode k is P_k = v_k u_kᴴ / (u_kᴴ v_k) (seed 001 §IV.2).
///
/// Energy budget (seed 001 §III.3, Eqs. 6–9): with K = exp(A), log|λ_k(K)| = Re λ_k(A) is mode
/// k's growth (> 0) or decay (< 0) rate per unit step. Total growth Σ_{log|λ|>0} log|λ|, total
/// decay Σ_{log|λ|<0} log|λ| (≤ 0), and their sum Σ log|λ| = log|det K| = Re Tr A = Tr D, the
/// net dissipation: the seed's "growth funded by decay" is totalGrowth < |totalDecay|.
public struct KoopmanSpectrum: Sendable {
    /// Eigenvalues λ_k of K, sorted by |λ| descending.
    public let eigenvalues: [Complex<Double>]
    /// Right eigenvectors v_k (unit norm), or nil when not requested.
    public let right: [[Complex<Double>]]?
    /// Left eigenvectors u_k (unit norm, uᴴK = λuᴴ), or nil when not requested.
    public let left: [[Complex<Double>]]?
    /// Tolerance of the neutral band around |λ| = 1.
    public let epsilon: Double

    /// Eigen-decomposition of the propagator `k` (d×d).
    ///
    /// - Parameters:
    ///   - k: the Koopman propagator.
    ///   - epsilon: half-width of the neutral band (|λ| ∈ [1−ε, 1+ε]).
    ///   - vectors: compute left and right eigenvectors too.
    public init(propagator k: Matrix, epsilon: Double = 1e-3, vectors: Bool = true) throws {
        precondition(epsilon >= 0, "KoopmanSpectrum: epsilon must be ≥ 0, got \(epsilon)")
        let decomposition = try k.eigen(left: vectors, right: vectors)
        let order = decomposition.values.indices.sorted { i, j in
            let a = decomposition.values[i].length, b = decomposition.values[j].length
            return a != b ? a > b : i < j
        }
        eigenvalues = order.map { decomposition.values[$0] }
        right = decomposition.right.map { r in order.map { r[$0] } }
        left = decomposition.left.map { l in order.map { l[$0] } }
        self.epsilon = epsilon
    }

    /// The spectrum of K = exp(A) for a generator `a`.
    public init(generator a: Matrix, epsilon: Double = 1e-3, vectors: Bool = true) throws {
        try self.init(propagator: try a.exponential(), epsilon: epsilon, vectors: vectors)
    }

    /// Number of modes, d.
    public var count: Int { eigenvalues.count }

    /// |λ_k|, descending.
    public var moduli: [Double] { eigenvalues.map { $0.length } }

    /// arg λ_k in (−π, π]: the oscillation angle per unit step.
    public var phases: [Double] { eigenvalues.map { Double.atan2(y: $0.imaginary, x: $0.real) } }

    /// log|λ_k|: growth (> 0) or decay (< 0) rate per unit step; −∞ for λ = 0.
    public var rates: [Double] { moduli.map { Double.log($0) } }

    /// Decay / neutral / growth class of each mode.
    public var classes: [ModeClass] { moduli.map { ModeClass.of(modulus: $0, epsilon: epsilon) } }

    /// How many modes fall in each class.
    public var classCounts: [ModeClass: Int] {
        var counts: [ModeClass: Int] = [.decay: 0, .neutral: 0, .growth: 0]
        for c in classes { counts[c, default: 0] += 1 }
        return counts
    }

    /// max |λ|.
    public var spectralRadius: Double { moduli.first ?? 0 }

    /// min |λ|.
    public var minimumModulus: Double { moduli.last ?? 0 }

    /// Σ over growth rates log|λ| > 0 (seed Eq. 6).
    public var totalGrowth: Double { rates.filter { $0 > 0 }.reduce(0, +) }

    /// Σ over decay rates log|λ| < 0, a number ≤ 0 (seed Eq. 7).
    public var totalDecay: Double { rates.filter { $0 < 0 }.reduce(0, +) }

    /// Σ log|λ| = log|det K| = Tr D when K = exp(A) (seed Eq. 8).
    public var netRate: Double { rates.reduce(0, +) }

    /// The seed's Eq. 9: total growth is funded by total decay (Σ growth < |Σ decay|).
    public var isNetDissipative: Bool { netRate < 0 }

    /// u_kᴴ v_k for each mode: the normaliser of the oblique projector P_k. Its inverse modulus is
    /// the eigenvalue's condition number (1 for a normal matrix, large near a defective one).
    public var biorthogonalNormalisers: [Complex<Double>] {
        guard let left, let right else {
            preconditionFailure("KoopmanSpectrum: eigenvectors were not computed (vectors: false)")
        }
        return (0..<count).map { KoopmanSpectrum.innerProduct(left[$0], right[$0]) }
    }

    /// Eigenvalue condition numbers 1/|u_kᴴ v_k| (Wilkinson), ≥ 1.
    public var conditionNumbers: [Double] { biorthogonalNormalisers.map { 1 / $0.length } }

    /// aᴴ b for complex vectors.
    public static func innerProduct(_ a: [Complex<Double>], _ b: [Complex<Double>]) -> Complex<Double> {
        precondition(a.count == b.count, "innerProduct: lengths \(a.count) and \(b.count) differ")
        var re = 0.0, im = 0.0
        for i in 0..<a.count {
            // conj(a)·b = (ar − i·ai)(br + i·bi)
            re += a[i].real * b[i].real + a[i].imaginary * b[i].imaginary
            im += a[i].real * b[i].imaginary - a[i].imaginary * b[i].real
        }
        return Complex(re, im)
    }
}
