import TensorCore

/// A multivariate normal N(mean, covariance) over R^d.
///
/// Size letters: d = dimension, k = observed coordinates.
public struct GaussianState: Sendable, Equatable {
    /// Mean (d).
    public var mean: [Double]
    /// Covariance (d×d), symmetric positive semi-definite.
    public var covariance: Matrix

    public init(mean: [Double], covariance: Matrix) {
        precondition(
            covariance.rows == mean.count && covariance.cols == mean.count,
            "GaussianState: covariance \(covariance.rows)×\(covariance.cols) for a mean of \(mean.count)")
        self.mean = mean
        self.covariance = covariance
    }

    /// The state with mean μ and precision Λ (covariance Λ⁻¹).
    public init(mean: [Double], precision: Matrix) throws {
        self.init(mean: mean, covariance: GaussianAlgebra.symmetrised(try precision.inverse()))
    }

    /// Dimension d.
    public var dimension: Int { mean.count }

    /// Λ = Σ⁻¹.
    public func precision() throws -> Matrix { GaussianAlgebra.symmetrised(try covariance.inverse()) }

    /// The distribution of the coordinates `free` given that the coordinates `observed` equal
    /// `values` — conditioning of a joint Gaussian by the Schur complement:
    ///
    ///     μ_{f|o} = μ_f + Σ_fo Σ_oo⁻¹ (values − μ_o),
    ///     Σ_{f|o} = Σ_ff − Σ_fo Σ_oo⁻¹ Σ_of.
    ///
    /// This is the brute-force reference the filters are checked against. Throws when Σ_oo is
    /// singular.
    public func conditioned(observed: [Int], values: [Double], free: [Int]) throws -> GaussianState {
        precondition(observed.count == values.count, "conditioned: \(observed.count) indices for \(values.count) values")
        let d = dimension
        precondition((observed + free).allSatisfy { $0 >= 0 && $0 < d }, "conditioned: index outside 0..<\(d)")
        precondition(Set(observed).isDisjoint(with: free), "conditioned: observed and free coordinates overlap")
        let sOO = GaussianAlgebra.submatrix(covariance, observed, observed)
        let sFO = GaussianAlgebra.submatrix(covariance, free, observed)
        let sFF = GaussianAlgebra.submatrix(covariance, free, free)
        let residual = Matrix(
            rows: observed.count, cols: 1,
            elements: zip(values, observed).map { $0 - self.mean[$1] })
        // Σ_oo⁻¹ [residual, Σ_of] in one solve.
        var rhs = Matrix(rows: observed.count, cols: 1 + free.count)
        rhs.setBlock(residual, at: 0, 0)
        rhs.setBlock(sFO.transposed, at: 0, 1)
        let solved = try sOO.solve(rhs)
        let gain = solved.block(rows: 0..<observed.count, cols: 0..<1)
        let sInvOF = solved.block(rows: 0..<observed.count, cols: 1..<(1 + free.count))
        let shift = sFO * gain
        let conditionalMean = free.enumerated().map { self.mean[$0.element] + shift.elements[$0.offset] }
        return GaussianState(mean: conditionalMean, covariance: GaussianAlgebra.symmetrised(sFF - sFO * sInvOF))
    }

    /// Draws `count` samples (count×d), x = μ + L·ξ with Σ = L·Lᵀ (Cholesky; a zero covariance
    /// gives the mean). Throws if Σ is not positive definite.
    public func samples(_ count: Int, rng: inout SeededRNG) throws -> Matrix {
        let d = dimension
        let factor: Matrix? = covariance.elements.allSatisfy { $0 == 0 } ? nil : try covariance.cholesky()
        var out = Matrix(rows: count, cols: d)
        var xi = [Double](repeating: 0, count: d)
        for i in 0..<count {
            for j in 0..<d { xi[j] = rng.normal() }
            for r in 0..<d {
                var s = mean[r]
                if let factor { for c in 0...r { s += factor.elements[r * d + c] * xi[c] } }
                out.elements[i * d + r] = s
            }
        }
        return out
    }
}

/// Small dense helpers shared by the propagator files (kept internal to this module).
enum GaussianAlgebra {
    /// (A + Aᵀ)/2 — removes the rounding asymmetry of a computed covariance or precision.
    static func symmetrised(_ a: Matrix) -> Matrix { a.symmetricPart }

    /// Rows `rowIndices`, columns `colIndices` of `a` (any order).
    static func submatrix(_ a: Matrix, _ rowIndices: [Int], _ colIndices: [Int]) -> Matrix {
        var out = Matrix(rows: rowIndices.count, cols: colIndices.count)
        for (i, r) in rowIndices.enumerated() {
            for (j, c) in colIndices.enumerated() { out.elements[i * colIndices.count + j] = a[r, c] }
        }
        return out
    }

    /// Aᵀ·x.
    static func applyTransposed(_ a: Matrix, _ x: [Double]) -> [Double] {
        precondition(x.count == a.rows, "applyTransposed: vector of \(x.count) for \(a.rows)×\(a.cols)")
        var y = [Double](repeating: 0, count: a.cols)
        for i in 0..<a.rows {
            let xi = x[i]
            for j in 0..<a.cols { y[j] += a.elements[i * a.cols + j] * xi }
        }
        return y
    }
}
