import RealModule

/// The element types a `Tensor` can hold: `Float` for training, `Double` for analysis and
/// for finite-difference gradient checks.
///
/// Hot kernels are written once as generic functions over `TensorScalar` and reached through
/// these static requirements, so each kernel is compiled for `Float` and `Double` inside this
/// module and callers in other modules never run unspecialised generic element loops.
public protocol TensorScalar: BinaryFloatingPoint, Real, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
    /// The dtype name used in safetensors headers ("F32", "F64").
    static var dtypeName: String { get }

    /// C ← α·op(A)·op(B) + β·C, row-major, through BLAS (sgemm / dgemm).
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// dst[i] = Double(src[i]) for i < count. (Unspecialised generic `Double(x)` costs tens of
    /// nanoseconds per element; the Float and Double loops here vectorise.)
    static func widen(_ src: UnsafePointer<Self>, to dst: UnsafeMutablePointer<Double>, count: Int)

    /// dst[i] = Self(src[i]), or dst[i] += Self(src[i]) when `accumulating`, for i < count.
    static func narrow(_ src: UnsafePointer<Double>, to dst: UnsafeMutablePointer<Self>, count: Int, accumulating: Bool)
}

extension Float: TensorScalar {
    public static var dtypeName: String { "F32" }

    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        CBLAS.sgemm(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

extension Float {
    public static func widen(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { dst[i] = Double(src[i]) }
    }

    public static func narrow(_ src: UnsafePointer<Double>, to dst: UnsafeMutablePointer<Float>, count: Int, accumulating: Bool) {
        if accumulating { for i in 0..<count { dst[i] += Float(src[i]) } } else { for i in 0..<count { dst[i] = Float(src[i]) } }
    }
}

extension Double: TensorScalar {
    public static func widen(_ src: UnsafePointer<Double>, to dst: UnsafeMutablePointer<Double>, count: Int) {
        dst.update(from: src, count: count)
    }

    public static func narrow(_ src: UnsafePointer<Double>, to dst: UnsafeMutablePointer<Double>, count: Int, accumulating: Bool) {
        if accumulating { for i in 0..<count { dst[i] += src[i] } } else { dst.update(from: src, count: count) }
    }

    public static var dtypeName: String { "F64" }

    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        CBLAS.dgemm(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
