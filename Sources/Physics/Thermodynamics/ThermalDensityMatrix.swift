import Foundation
import TensorCore

/// Born's rule for a thermal state (seed 003): for a Hamiltonian H with eigenpairs (E_n, |n⟩),
/// ρ_β = exp(−βH)/Tr exp(−βH) and P(n) = ⟨n|ρ_β|n⟩ = exp(−βE_n)/Z — the softmax of −βE.
///
/// Computed here the long way, without diagonalising: H is built as Q diag(E) Qᵀ in a random
/// orthonormal basis Q, exp(−β(H − E_min·1)) is evaluated by the matrix exponential (Padé,
/// scaling and squaring), normalised by its trace, and sandwiched between the columns of Q.
/// The shift by E_min keeps exp finite and cancels in the normalisation.
///
/// Sizes: n × n matrices; cost O(n³).
public enum ThermalDensityMatrix {
    /// ρ_β = exp(−β(H − E_min)) / Tr(…) for a symmetric H whose smallest eigenvalue is `groundEnergy`.
    public static func density(hamiltonian h: Matrix, beta: Double, groundEnergy: Double) throws -> Matrix {
        precondition(h.isSquare, "ThermalDensityMatrix.density: H must be square, got \(h.rows)×\(h.cols)")
        let shifted = (h - Matrix.identity(h.rows) * groundEnergy) * (-beta)
        let unnormalised = try shifted.exponential()
        return unnormalised * (1 / unnormalised.trace)
    }

    /// P(n) = ⟨q_n|ρ|q_n⟩ for the columns q_n of `basis`.
    public static func bornProbabilities(density rho: Matrix, basis q: Matrix) -> [Double] {
        precondition(rho.isSquare && q.rows == rho.rows, "ThermalDensityMatrix.bornProbabilities: shapes \(rho.rows)×\(rho.cols) and \(q.rows)×\(q.cols)")
        let rq = rho * q
        return (0..<q.cols).map { n in
            var s = 0.0
            for i in 0..<q.rows { s += q[i, n] * rq[i, n] }
            return s
        }
    }

    /// A random orthonormal n × n basis: the eigenvectors of a symmetric Gaussian matrix.
    public static func randomBasis(_ n: Int, rng: inout SeededRNG) throws -> Matrix {
        let g = Matrix.randomNormal(rows: n, cols: n, rng: &rng)
        return try g.symmetricPart.symmetricEigen().vectors
    }

    /// H = Q diag(E) Qᵀ.
    public static func hamiltonian(energies: [Double], basis q: Matrix) -> Matrix {
        precondition(q.isSquare && q.rows == energies.count, "ThermalDensityMatrix.hamiltonian: basis must be n×n with n = \(energies.count)")
        return (q * Matrix.diagonal(energies)).multiplied(by: q, transposeOther: true)
    }
}
