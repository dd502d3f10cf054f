import ComplexModule
import RealModule

/// A failure reported by LAPACK, with the routine and its `info` code.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
    case singular(routine: String, info: Int32)
    case notConverged(routine: String, info: Int32)
    case notPositiveDefinite(routine: String, info: Int32)
    case invalidArgument(routine: String, info: Int32)
    case notSquare(routine: String, rows: Int, cols: Int)
    case nonFinite(routine: String)

    public var description: String {
        switch self {
        case .singular(let r, let i): "\(r): matrix is singular (U[\(i),\(i)] = 0)"
        case .notConverged(let r, let i): "\(r): the algorithm did not converge (info \(i))"
        case .notPositiveDefinite(let r, let i): "\(r): leading minor \(i) is not positive definite"
        case .invalidArgument(let r, let i): "\(r): argument \(-i) had an illegal value"
        case .notSquare(let r, let rows, let cols): "\(r): needs a square matrix, got \(rows)×\(cols)"
        case .nonFinite(let r): "\(r): the matrix contains NaN or infinity"
        }
    }
}

/// Eigenvalues and eigenvectors of a real square matrix (LAPACK dgeev).
///
/// `right[j]` satisfies A·v = λⱼ·v; `left[j]` satisfies uᴴ·A = λⱼ·uᴴ. Both are normalised to unit
/// Euclidean norm by LAPACK; complex-conjugate pairs appear next to each other, the one with
/// positive imaginary part first.
public struct EigenDecomposition: Sendable {
    public var values: [Complex<Double>]
    public var right: [[Complex<Double>]]?
    public var left: [[Complex<Double>]]?
}

extension Matrix {
    private func requireSquare(_ routine: String) throws {
        guard isSquare else { throw LinearAlgebraError.notSquare(routine: routine, rows: rows, cols: cols) }
        guard elements.allSatisfy({ $0.isFinite }) else { throw LinearAlgebraError.nonFinite(routine: routine) }
    }

    private static func check(_ routine: String, _ info: Int32) throws {
        if info < 0 { throw LinearAlgebraError.invalidArgument(routine: routine, info: info) }
        if info > 0 { throw LinearAlgebraError.notConverged(routine: routine, info: info) }
    }

    /// Eigenvalues (and optionally left/right eigenvectors) of a general real matrix.
    public func eigen(left wantLeft: Bool = false, right wantRight: Bool = false) throws -> EigenDecomposition {
        try requireSquare("dgeev")
        let n = rows
        var a = elements, wr: [Double] = [], wi: [Double] = [], vl: [Double] = [], vr: [Double] = []
        try Matrix.check(
            "dgeev",
            CBLAS.dgeev(
                n: n, a: &a, wantLeft: wantLeft, wantRight: wantRight,
                wr: &wr, wi: &wi, vl: &vl, vr: &vr))
        let values = (0..<n).map { Complex(wr[$0], wi[$0]) }
        // LAPACK stores a conjugate pair (j, j+1) as columns re = v[:, j], im = v[:, j+1].
        func vectors(_ v: [Double]) -> [[Complex<Double>]] {
            var out: [[Complex<Double>]] = []
            var j = 0
            while j < n {
                if wi[j] == 0 {
                    out.append((0..<n).map { Complex(v[$0 * n + j], 0) })
                    j += 1
                } else {
                    out.append((0..<n).map { Complex(v[$0 * n + j], v[$0 * n + j + 1]) })
                    out.append((0..<n).map { Complex(v[$0 * n + j], -v[$0 * n + j + 1]) })
                    j += 2
                }
            }
            return out
        }
        return EigenDecomposition(
            values: values, right: wantRight ? vectors(vr) : nil,
            left: wantLeft ? vectors(vl) : nil)
    }

    /// Eigenvalues of a general real matrix.
    public func eigenvalues() throws -> [Complex<Double>] { try eigen().values }

    /// Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric matrix.
    /// Only the upper triangle is read.
    public func symmetricEigen() throws -> (values: [Double], vectors: Matrix) {
        try requireSquare("dsyevd")
        var a = elements, w: [Double] = []
        try Matrix.check("dsyevd", CBLAS.dsyevd(n: rows, a: &a, w: &w, wantVectors: true))
        return (w, Matrix(rows: rows, cols: rows, elements: a))
    }

    /// Eigenvalues (ascending) of a symmetric matrix.
    public func symmetricEigenvalues() throws -> [Double] {
        try requireSquare("dsyevd")
        var a = elements, w: [Double] = []
        try Matrix.check("dsyevd", CBLAS.dsyevd(n: rows, a: &a, w: &w, wantVectors: false))
        return w
    }

    /// Thin singular value decomposition A = U·diag(s)·Vᵀ, s descending.
    public func svd() throws -> (u: Matrix, s: [Double], vt: Matrix) {
        guard elements.allSatisfy({ $0.isFinite }) else { throw LinearAlgebraError.nonFinite(routine: "dgesdd") }
        let r = min(rows, cols)
        var a = elements, s: [Double] = [], u: [Double] = [], vt: [Double] = []
        try Matrix.check("dgesdd", CBLAS.dgesdd(m: rows, n: cols, a: &a, s: &s, u: &u, vt: &vt, wantVectors: true))
        return (
            Matrix(rows: rows, cols: r, elements: Array(u.prefix(rows * r))), s,
            Matrix(rows: r, cols: cols, elements: Array(vt.prefix(r * cols)))
        )
    }

    /// Singular values, descending.
    public func singularValues() throws -> [Double] {
        guard elements.allSatisfy({ $0.isFinite }) else { throw LinearAlgebraError.nonFinite(routine: "dgesdd") }
        var a = elements, s: [Double] = [], u: [Double] = [], vt: [Double] = []
        try Matrix.check("dgesdd", CBLAS.dgesdd(m: rows, n: cols, a: &a, s: &s, u: &u, vt: &vt, wantVectors: false))
        return s
    }

    /// X with A·X = B.
    public func solve(_ b: Matrix) throws -> Matrix {
        try requireSquare("dgesv")
        precondition(b.rows == rows, "solve: right-hand side has \(b.rows) rows, matrix is \(rows)×\(rows)")
        var a = elements, x = b.elements
        let info = CBLAS.dgesv(n: rows, nrhs: b.cols, a: &a, b: &x)
        if info > 0 { throw LinearAlgebraError.singular(routine: "dgesv", info: info) }
        try Matrix.check("dgesv", info)
        return Matrix(rows: b.rows, cols: b.cols, elements: x)
    }

    /// x with A·x = b.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(rows: b.count, cols: 1, elements: b)).elements
    }

    /// A⁻¹.
    public func inverse() throws -> Matrix {
        try requireSquare("dgetri")
        var a = elements, pivots: [Int32] = []
        let info = CBLAS.dgetrf(n: rows, a: &a, pivots: &pivots)
        if info > 0 { throw LinearAlgebraError.singular(routine: "dgetrf", info: info) }
        try Matrix.check("dgetrf", info)
        let info2 = CBLAS.dgetri(n: rows, a: &a, pivots: pivots)
        if info2 > 0 { throw LinearAlgebraError.singular(routine: "dgetri", info: info2) }
        try Matrix.check("dgetri", info2)
        return Matrix(rows: rows, cols: cols, elements: a)
    }

    /// log|det A| and the sign of det A (0 for a singular matrix, with log −∞), from LU.
    public func logDeterminant() throws -> (sign: Double, logAbs: Double) {
        try requireSquare("dgetrf")
        var a = elements, pivots: [Int32] = []
        let info = CBLAS.dgetrf(n: rows, a: &a, pivots: &pivots)
        if info > 0 { return (0, -.infinity) }
        try Matrix.check("dgetrf", info)
        var sign = 1.0, logAbs = 0.0
        for i in 0..<rows {
            let d = a[i * rows + i]
            if d < 0 { sign = -sign }
            if Int(pivots[i]) != i + 1 { sign = -sign }
            logAbs += Double.log(abs(d))
        }
        return (sign, logAbs)
    }

    /// Lower-triangular L with A = L·Lᵀ.
    public func cholesky() throws -> Matrix {
        try requireSquare("dpotrf")
        var a = elements
        let info = CBLAS.dpotrf(n: rows, a: &a)
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", info: info) }
        try Matrix.check("dpotrf", info)
        for i in 0..<rows { for j in (i + 1)..<max(i + 1, rows) { a[i * rows + j] = 0 } }
        return Matrix(rows: rows, cols: rows, elements: a)
    }
}
