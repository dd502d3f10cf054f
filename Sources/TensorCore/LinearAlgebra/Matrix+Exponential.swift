import RealModule

/// The matrix exponential by scaling and squaring with Padé approximants (Higham 2005,
/// "The scaling and squaring method for the matrix exponential revisited", SIAM J. Matrix
/// Anal. Appl. 26(4)), and its Fréchet derivative.
extension Matrix {
    // The 1-norm bounds θ_m below which degree m reaches double precision (Higham 2005,
    // Table 2.3); the coefficients are `Matrix.padeCoefficients(m)`.
    private static let theta: [(degree: Int, bound: Double)] = [
        (3, 1.495585217958292e-2), (5, 2.539398330063230e-1), (7, 9.504178996162932e-1),
        (9, 2.097847961257068e0),
    ]
    private static let theta13 = 5.371920351148152

    /// exp(A) for a square A, accurate to about double precision in relative 1-norm.
    ///
    /// Cost: 6–7 matrix products and one solve, plus one squaring per halving of ‖A‖₁ beyond
    /// θ₁₃ ≈ 5.37. Throws when A is not square or holds NaN/∞.
    public func exponential() throws -> Matrix {
        guard isSquare else { throw LinearAlgebraError.notSquare(routine: "expm", rows: rows, cols: cols) }
        guard elements.allSatisfy({ $0.isFinite }) else { throw LinearAlgebraError.nonFinite(routine: "expm") }
        let n = rows
        if n == 0 { return self }
        let norm = norm1
        for (degree, bound) in Matrix.theta where norm <= bound {
            let (u, v) = padeTerms(degree: degree)
            return try (v - u).solve(v + u)
        }
        let s = max(0, Int(Double.log2(norm / Matrix.theta13).rounded(.up)))
        let a = self * Double.pow(2, -Double(s))
        let b = Matrix.padeCoefficients(13)
        let a2 = a * a, a4 = a2 * a2, a6 = a4 * a2
        let w1 = Matrix.combination([(b[13], a6), (b[11], a4), (b[9], a2)])
        let z1 = Matrix.combination([(b[12], a6), (b[10], a4), (b[8], a2)])
        let u = a * Matrix.combination([(1, a6 * w1), (b[7], a6), (b[5], a4), (b[3], a2)], identity: b[1])
        let v = Matrix.combination([(1, a6 * z1), (b[6], a6), (b[4], a4), (b[2], a2)], identity: b[0])
        var r = try (v - u).solve(v + u)
        for _ in 0..<s { r = r * r }
        return r
    }

    /// U (odd part) and V (even part) of the degree-m Padé approximant, m ∈ {3, 5, 7, 9}.
    private func padeTerms(degree: Int) -> (u: Matrix, v: Matrix) {
        let b = Matrix.padeCoefficients(degree)
        let a2 = self * self
        var powers = [a2]  // A², A⁴, …, A^(m−1)
        while 2 * (powers.count + 1) < degree { powers.append(powers[powers.count - 1] * a2) }
        let odd = powers.indices.map { (b[2 * $0 + 3], powers[$0]) }
        let even = powers.indices.map { (b[2 * $0 + 2], powers[$0]) }
        return (self * Matrix.combination(odd, identity: b[1]), Matrix.combination(even, identity: b[0]))
    }

    /// exp(A) and the Fréchet derivative L(A, E) = d/dt exp(A + tE) at t = 0.
    ///
    /// Uses the block-triangular identity exp([[A, E], [0, A]]) = [[exp A, L(A, E)], [0, exp A]]
    /// (Mathias 1996; Higham, Functions of Matrices, Thm 3.6), so L is as accurate as `exponential`.
    /// Gradients through exp use the adjoint: for a loss ℓ with G = ∂ℓ/∂exp(A),
    /// ∂ℓ/∂A = L(Aᵀ, G).
    public func exponentialFrechet(direction e: Matrix) throws -> (exp: Matrix, derivative: Matrix) {
        guard isSquare, e.rows == rows, e.cols == cols else {
            throw LinearAlgebraError.notSquare(routine: "expm-frechet", rows: e.rows, cols: e.cols)
        }
        let n = rows
        var big = Matrix(rows: 2 * n, cols: 2 * n)
        big.setBlock(self, at: 0, 0)
        big.setBlock(e, at: 0, n)
        big.setBlock(self, at: n, n)
        let result = try big.exponential()
        return (result.block(rows: 0..<n, cols: 0..<n), result.block(rows: 0..<n, cols: n..<(2 * n)))
    }
}
