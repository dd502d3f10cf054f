import Foundation
import TensorCore

/// A stationary linear-Gaussian (VAR(1)) system x_{t+1} = K x_t + ε_t, ε ~ N(0, Σ_ε).
///
/// Its stationary covariance Σ solves the discrete Lyapunov equation Σ = K Σ Kᵀ + Σ_ε, which has a
/// unique positive-definite solution when the spectral radius ρ(K) < 1. The lag-one covariance is
/// Cov(x_{t+1}, x_t) = K Σ.
///
/// Size letters: n variables.
public struct LinearGaussianSystem: Sendable {
    /// K (n, n).
    public let coupling: Matrix
    /// Σ_ε (n, n), symmetric positive definite.
    public let noiseCovariance: Matrix
    /// Σ (n, n).
    public let stationaryCovariance: Matrix
    /// ρ(K).
    public let spectralRadius: Double

    public var size: Int { coupling.rows }

    /// - Throws: `IntegratedInformationError` if shapes disagree, Σ_ε is not positive definite,
    ///   or ρ(K) ≥ 1 (no stationary state).
    public init(coupling k: Matrix, noiseCovariance q: Matrix) throws {
        guard k.isSquare, q.isSquare, k.rows == q.rows, k.rows >= 1 else {
            throw IntegratedInformationError.invalid("K is \(k.rows)×\(k.cols) and Σ_ε is \(q.rows)×\(q.cols); expected two n×n matrices")
        }
        guard q.maxAbsDifference(q.transposed) <= 1e-12 * max(1, q.norm1) else {
            throw IntegratedInformationError.invalid("the noise covariance Σ_ε is not symmetric")
        }
        do { _ = try q.cholesky() } catch {
            throw IntegratedInformationError.invalid("the noise covariance Σ_ε is not positive definite")
        }
        let rho = try k.eigenvalues().map { $0.length }.max() ?? 0
        guard rho < 1 else {
            throw IntegratedInformationError.invalid(String(format: "K has spectral radius %.6f ≥ 1: the process has no stationary state", rho))
        }
        coupling = k
        noiseCovariance = q
        spectralRadius = rho
        stationaryCovariance = LinearGaussianSystem.discreteLyapunov(k, q)
    }

    /// Σ = Σ_{j≥0} K^j Q (K^j)ᵀ by doubling (Smith 1968): S ← S + A S Aᵀ, A ← A², until A is
    /// negligible — O(n³ log(1/(1 − ρ))) instead of the O(n⁶) Kronecker solve.
    public static func discreteLyapunov(_ k: Matrix, _ q: Matrix) -> Matrix {
        var s = q, a = k
        for _ in 0..<200 {
            s = s + a * s.multiplied(by: a, transposeOther: true)
            a = a * a
            if a.frobeniusNorm < 1e-18 * max(1, s.frobeniusNorm) { break }
        }
        return s.symmetricPart
    }
}

/// Bad input to the integrated-information estimators.
public enum IntegratedInformationError: Error, CustomStringConvertible, Equatable {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let s): "integrated information: \(s)"
        }
    }
}
