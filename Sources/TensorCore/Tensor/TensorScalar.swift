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
}

extension Float: TensorScalar {
    public static var dtypeName: String { "F32" }

    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        CBLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

extension Double: TensorScalar {
    public static var dtypeName: String { "F64" }

    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        CBLAS.dgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
