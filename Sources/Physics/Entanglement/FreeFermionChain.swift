import Foundation
import TensorCore

/// Reference systems with known entanglement scaling: ground states of free fermions hopping on a
/// chain, H = −Σ_i t_i (c†_i c_{i+1} + h.c.) (the XX spin chain after Jordan–Wigner).
///
/// The entropy of a block A of sites follows from the block's correlation matrix
/// C_ij = ⟨c†_i c_j⟩, i, j ∈ A: with ν its eigenvalues, S_A = −Σ [ν ln ν + (1 − ν) ln(1 − ν)]
/// (Peschel, J. Phys. A 36, L205 (2003)). For the uniform half-filled chain (critical, c = 1) a
/// block of ℓ sites in an infinite chain has S = (1/3) ln ℓ + 0.7261… (Jin & Korepin 2004);
/// a dimerised chain (t₁ ≠ t₂) is gapped and S saturates at a few correlation lengths (area law).
public enum FreeFermionChain {
    /// ⟨c†_i c_j⟩ on a block of `sites` consecutive sites of the infinite half-filled uniform chain:
    /// sin(π(i − j)/2) / (π(i − j)), and 1/2 on the diagonal.
    public static func criticalBlockCorrelation(sites: Int) -> Matrix {
        precondition(sites >= 1, "criticalBlockCorrelation: needs at least one site")
        var c = Matrix(rows: sites, cols: sites)
        for i in 0..<sites {
            for j in 0..<sites {
                let d = i - j
                c[i, j] = d == 0 ? 0.5 : Foundation.sin(Double.pi * Double(d) / 2) / (Double.pi * Double(d))
            }
        }
        return c
    }

    /// The ground state of a chain of N = hoppings.count sites with bond i joining sites i and
    /// i + 1 (mod N; set the last hopping to 0 for an open chain), with the lowest `particles`
    /// single-particle levels filled.
    /// - Returns: C (N, N) and the occupied orbitals Φ (N, particles), columns orthonormal.
    /// - Throws: if the Fermi level is degenerate (the ground state is not unique).
    public static func groundState(hoppings: [Double], particles: Int) throws -> (correlation: Matrix, orbitals: Matrix) {
        let n = hoppings.count
        precondition(n >= 2 && particles >= 0 && particles <= n, "groundState: \(particles) particles on \(n) sites")
        var h = Matrix(rows: n, cols: n)
        for i in 0..<n {
            let j = (i + 1) % n
            h[i, j] -= hoppings[i]
            h[j, i] -= hoppings[i]
        }
        let (energies, vectors) = try h.symmetricEigen()
        if particles > 0 && particles < n && abs(energies[particles] - energies[particles - 1]) < 1e-10 {
            throw EntanglementError.shapeMismatch(
                "the Fermi level is degenerate (levels \(particles - 1) and \(particles) both at \(energies[particles])): choose another size or filling")
        }
        let phi = vectors.block(rows: 0..<n, cols: 0..<particles)
        return (phi.multiplied(by: phi, transposeOther: true), phi)
    }

    /// S_A from the correlation matrix restricted to `sites`.
    public static func blockEntropy(correlation c: Matrix, sites: Range<Int>) throws -> Double {
        let block = c.block(rows: sites, cols: sites)
        var s = 0.0
        for nu in try block.symmetricEigenvalues() {
            let v = min(max(nu, 0), 1)
            if v > 1e-15 { s -= v * Foundation.log(v) }
            if v < 1 - 1e-15 { s -= (1 - v) * Foundation.log(1 - v) }
        }
        return s
    }

    /// The many-body ground state as a coefficient matrix ψ (2^cut, 2^(N − cut)) for the cut
    /// between sites cut − 1 and cut, from its Slater determinant: the amplitude of the
    /// configuration with occupied sites s₁ < … < s_P is det Φ[{s}, :] (Jordan–Wigner order 0…N−1,
    /// so a prefix cut of the fermions is the same cut of the spins). Bit k of the row index is
    /// site k; bit k of the column index is site cut + k. N ≤ 20.
    public static func slaterState(orbitals phi: Matrix, cut: Int) -> Matrix {
        let n = phi.rows, p = phi.cols
        precondition(n <= 20, "slaterState: \(n) sites need 2^\(n) amplitudes; at most 20")
        precondition(cut > 0 && cut < n, "slaterState: cut \(cut) must lie inside 1..<\(n)")
        var psi = Matrix(rows: 1 << cut, cols: 1 << (n - cut))
        var occupied = [Int](repeating: 0, count: p)
        var sub = [Double](repeating: 0, count: p * p)
        for config in 0..<(1 << n) where config.nonzeroBitCount == p {
            var k = 0
            for site in 0..<n where config & (1 << site) != 0 { occupied[k] = site; k += 1 }
            for a in 0..<p { for b in 0..<p { sub[a * p + b] = phi[occupied[a], b] } }
            let amplitude = determinant(&sub, p)
            psi[config & ((1 << cut) - 1), config >> cut] = amplitude
        }
        return psi
    }

    /// Determinant by Gaussian elimination with partial pivoting (destroys `a`, p × p row-major).
    static func determinant(_ a: inout [Double], _ p: Int) -> Double {
        var det = 1.0
        for col in 0..<p {
            var pivot = col
            for r in (col + 1)..<max(col + 1, p) where abs(a[r * p + col]) > abs(a[pivot * p + col]) { pivot = r }
            if a[pivot * p + col] == 0 { return 0 }
            if pivot != col {
                for c in 0..<p { a.swapAt(pivot * p + c, col * p + c) }
                det = -det
            }
            let d = a[col * p + col]
            det *= d
            for r in (col + 1)..<max(col + 1, p) {
                let f = a[r * p + col] / d
                if f != 0 { for c in col..<p { a[r * p + c] -= f * a[col * p + c] } }
            }
        }
        return det
    }
}
