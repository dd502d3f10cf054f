import ComplexModule
import RealModule
import TensorCore

/// A Koopman generator A split into its oscillatory and dissipative parts (seed 001 §II.1, Eq. 1):
///
///     A = H + D,   H = (A − Aᵀ)/2 (skew: rotations, the "Hamiltonian" part),
///                  D = (A + Aᵀ)/2 (symmetric: growth and decay, the dissipative part).
///
/// Size letters: d = state dimension (A is d×d).
///
/// Quantities reported:
/// - the eigenvalues of A (Re λ(A) = log|λ(exp A)|, Im λ(A) = oscillation frequency);
/// - Tr D = Re Tr A, the net dissipation (seed §III.3: the claim is Tr D < 0);
/// - the dissipator budget: the eigenvalues d_i of D split into growth (d_i > 0) and decay
///   (d_i < 0) with Σ d_i = Tr D (seed §III.4 speaks of D being indefinite);
/// - ‖[H, D]‖_F, zero exactly when H and D commute (A normal, so the rates of exp(A) are the
///   eigenvalues of D); normalised by the Böttcher–Wenzel bound ‖[X, Y]‖_F ≤ √2‖X‖_F‖Y‖_F to a
///   number in [0, 1].
public struct GeneratorDecomposition: Sendable {
    /// A (d×d).
    public let generator: Matrix
    /// H = (A − Aᵀ)/2.
    public let hamiltonian: Matrix
    /// D = (A + Aᵀ)/2.
    public let dissipator: Matrix
    /// Eigenvalues of A, in LAPACK order.
    public let eigenvalues: [Complex<Double>]
    /// Eigenvalues of D, ascending.
    public let dissipatorEigenvalues: [Double]

    public init(generator a: Matrix) throws {
        guard a.isSquare else { throw LinearAlgebraError.notSquare(routine: "GeneratorDecomposition", rows: a.rows, cols: a.cols) }
        generator = a
        hamiltonian = a.antisymmetricPart
        dissipator = a.symmetricPart
        eigenvalues = try a.eigenvalues()
        dissipatorEigenvalues = try dissipator.symmetricEigenvalues()
    }

    /// Tr D = Re Tr A: net dissipation (< 0 is net dissipative).
    public var netDissipation: Double { dissipator.trace }

    /// Σ of the positive eigenvalues of D.
    public var dissipatorGrowth: Double { dissipatorEigenvalues.filter { $0 > 0 }.reduce(0, +) }

    /// Σ of the negative eigenvalues of D (≤ 0).
    public var dissipatorDecay: Double { dissipatorEigenvalues.filter { $0 < 0 }.reduce(0, +) }

    /// ‖[H, D]‖_F.
    public var commutatorNorm: Double { hamiltonian.commutator(dissipator).frobeniusNorm }

    /// ‖[H, D]‖_F / (√2 ‖H‖_F ‖D‖_F) ∈ [0, 1]; 0 when H or D vanishes.
    public var normalisedCommutator: Double {
        let scale = 2.0.squareRoot() * hamiltonian.frobeniusNorm * dissipator.frobeniusNorm
        return scale > 0 ? commutatorNorm / scale : 0
    }

    /// ‖H‖_F / ‖A‖_F: the oscillatory share of the generator (1 for a Hamiltonian generator).
    public var hamiltonianFraction: Double {
        let total = generator.frobeniusNorm
        return total > 0 ? hamiltonian.frobeniusNorm / total : 0
    }

    /// max over eigenvalues of |Re λ(A)|: zero exactly (to rounding) for a skew generator.
    public var largestRate: Double { eigenvalues.map { abs($0.real) }.max() ?? 0 }
}
