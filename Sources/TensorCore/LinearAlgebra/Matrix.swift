/// A dense, row-major matrix of `Double`: the type physics and analysis code works in.
///
/// Products go to dgemm; decompositions (Matrix+Decompositions.swift) to LAPACK; the matrix
/// exponential and its Fréchet derivative live in Matrix+Exponential.swift.
public struct Matrix: Sendable, Equatable, Codable {
    public let rows: Int
    public let cols: Int
    /// Elements in row-major order: element (i, j) is `elements[i * cols + j]`.
    public var elements: [Double]

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative size \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.elements = [Double](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, elements: [Double]) {
        precondition(
            rows >= 0 && cols >= 0 && elements.count == rows * cols,
            "Matrix: \(rows)×\(cols) needs \(rows * cols) elements, got \(elements.count)")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// From nested rows: `Matrix([[1, 2], [3, 4]])`.
    public init(_ nestedRows: [[Double]]) {
        let cols = nestedRows.first?.count ?? 0
        precondition(nestedRows.allSatisfy { $0.count == cols }, "Matrix: rows of different lengths")
        self.init(rows: nestedRows.count, cols: cols, elements: nestedRows.flatMap { $0 })
    }

    /// From a rank-2 tensor.
    public init<S: TensorScalar>(_ tensor: Tensor<S>) {
        precondition(tensor.rank == 2, "Matrix: tensor of shape \(tensor.shape) is not rank 2")
        let elements = [Double](unsafeUninitializedCapacity: tensor.count) { out, initialised in
            S.widen(tensor.ptr, to: out.baseAddress!, count: tensor.count)
            initialised = tensor.count
        }
        self.init(rows: tensor.shape[0], cols: tensor.shape[1], elements: elements)
    }

    /// As a rank-2 tensor.
    public func tensor<S: TensorScalar>(of _: S.Type = Float.self) -> Tensor<S> {
        let out = Tensor<S>(uninitializedShape: [rows, cols])
        S.narrow(elements, to: out.mptr, count: elements.count, accumulating: false)
        return out
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    public static func diagonal(_ values: [Double]) -> Matrix {
        var m = Matrix(rows: values.count, cols: values.count)
        for (i, v) in values.enumerated() { m.elements[i * values.count + i] = v }
        return m
    }

    /// Independent N(0, std²) entries.
    public static func randomNormal(rows: Int, cols: Int, std: Double = 1, rng: inout SeededRNG) -> Matrix {
        Matrix(rows: rows, cols: cols, elements: (0..<(rows * cols)).map { _ in std * rng.normal() })
    }

    public var isSquare: Bool { rows == cols }

    public subscript(i: Int, j: Int) -> Double {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix: (\(i), \(j)) outside \(rows)×\(cols)")
            return elements[i * cols + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix: (\(i), \(j)) outside \(rows)×\(cols)")
            elements[i * cols + j] = newValue
        }
    }

    public func row(_ i: Int) -> [Double] { Array(elements[(i * cols)..<((i + 1) * cols)]) }
    public func column(_ j: Int) -> [Double] { (0..<rows).map { elements[$0 * cols + j] } }
    public var diagonalElements: [Double] { (0..<min(rows, cols)).map { elements[$0 * cols + $0] } }

    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t.elements[j * rows + i] = elements[i * cols + j] } }
        return t
    }

    public var trace: Double {
        precondition(isSquare, "trace: \(rows)×\(cols) is not square")
        return diagonalElements.reduce(0, +)
    }

    /// Frobenius norm.
    public var frobeniusNorm: Double { elements.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Induced 1-norm: the largest absolute column sum.
    public var norm1: Double {
        var best = 0.0
        for j in 0..<cols {
            var s = 0.0
            for i in 0..<rows { s += abs(elements[i * cols + j]) }
            best = max(best, s)
        }
        return best
    }

    /// (A + Aᵀ)/2.
    public var symmetricPart: Matrix { (self + transposed) * 0.5 }
    /// (A − Aᵀ)/2.
    public var antisymmetricPart: Matrix { (self - transposed) * 0.5 }

    /// Rows `rowRange`, columns `colRange`.
    public func block(rows rowRange: Range<Int>, cols colRange: Range<Int>) -> Matrix {
        precondition(
            rowRange.lowerBound >= 0 && rowRange.upperBound <= rows && colRange.lowerBound >= 0
                && colRange.upperBound <= cols, "block: \(rowRange)×\(colRange) outside \(rows)×\(cols)")
        var out = Matrix(rows: rowRange.count, cols: colRange.count)
        for (oi, i) in rowRange.enumerated() {
            for (oj, j) in colRange.enumerated() { out.elements[oi * colRange.count + oj] = elements[i * cols + j] }
        }
        return out
    }

    /// Writes `m` with its top-left corner at (row, col).
    public mutating func setBlock(_ m: Matrix, at row: Int, _ col: Int) {
        precondition(
            row >= 0 && col >= 0 && row + m.rows <= rows && col + m.cols <= cols,
            "setBlock: \(m.rows)×\(m.cols) at (\(row), \(col)) outside \(rows)×\(cols)")
        for i in 0..<m.rows { for j in 0..<m.cols { elements[(row + i) * cols + col + j] = m.elements[i * m.cols + j] } }
    }

    /// A · x for a vector x.
    public func apply(_ x: [Double]) -> [Double] {
        precondition(x.count == cols, "apply: vector of \(x.count) for \(rows)×\(cols)")
        var y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var s = 0.0
            for j in 0..<cols { s += elements[i * cols + j] * x[j] }
            y[i] = s
        }
        return y
    }

    /// Largest absolute elementwise difference.
    public func maxAbsDifference(_ other: Matrix) -> Double {
        precondition(rows == other.rows && cols == other.cols, "maxAbsDifference: \(rows)×\(cols) vs \(other.rows)×\(other.cols)")
        return zip(elements, other.elements).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

extension Matrix {
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "+: \(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols)")
        var r = a
        for i in 0..<r.elements.count { r.elements[i] += b.elements[i] }
        return r
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "-: \(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols)")
        var r = a
        for i in 0..<r.elements.count { r.elements[i] -= b.elements[i] }
        return r
    }

    public static prefix func - (a: Matrix) -> Matrix { a * -1 }

    public static func * (a: Matrix, s: Double) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, elements: a.elements.map { $0 * s })
    }

    public static func * (s: Double, a: Matrix) -> Matrix { a * s }

    /// Matrix product through dgemm.
    public static func * (a: Matrix, b: Matrix) -> Matrix { a.multiplied(by: b) }

    /// op(self) · op(other) through dgemm.
    public func multiplied(by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        let m = transposeSelf ? cols : rows, k = transposeSelf ? rows : cols
        let k2 = transposeOther ? other.cols : other.rows, n = transposeOther ? other.rows : other.cols
        precondition(k == k2, "matrix product: inner sizes \(k) and \(k2) differ (\(rows)×\(cols) · \(other.rows)×\(other.cols))")
        var c = Matrix(rows: m, cols: n)
        if m == 0 || n == 0 || k == 0 { return c }
        elements.withUnsafeBufferPointer { pa in
            other.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    CBLAS.dgemm(
                        transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k, alpha: 1,
                        a: pa.baseAddress!, lda: max(1, cols), b: pb.baseAddress!, ldb: max(1, other.cols),
                        beta: 0, c: pc.baseAddress!, ldc: max(1, n))
                }
            }
        }
        return c
    }

    /// [A, B] = AB − BA.
    public func commutator(_ other: Matrix) -> Matrix { self * other - other * self }
}
