import Foundation
import TensorCore

// Products of the small per-draw matrices (a few to a few hundred rows). Below ~32k
// multiply-adds a BLAS call costs more than the work, so those are plain loops over contiguous
// rows (which the compiler vectorises); larger ones go to dgemm.

/// Σ_t a[t]·b[t] with eight independent partial sums (two four-lane vectors), so the additions
/// pipeline instead of waiting on each other; the summation order is fixed, so results are the
/// same on every run and thread.
@inline(__always)
func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
    typealias V = SIMD4<Double>
    var s0 = V(), s1 = V()
    var t = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while t + 8 <= count {
        s0 += ra.loadUnaligned(fromByteOffset: t * 8, as: V.self) * rb.loadUnaligned(fromByteOffset: t * 8, as: V.self)
        s1 += ra.loadUnaligned(fromByteOffset: t * 8 + 32, as: V.self) * rb.loadUnaligned(fromByteOffset: t * 8 + 32, as: V.self)
        t += 8
    }
    var s = (s0 + s1).sum()
    while t < count {
        s += a[t] * b[t]
        t += 1
    }
    return s
}

/// C (m, n) = α·A (m, k)·B by dgemm when the product has at least 32 768 multiply-adds, with B
/// (n, k) transposed or (k, n) as it is; false, computing nothing, when it is smaller and the
/// caller's loops are faster.
@inline(__always)
func gemmWhenLarge(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    m: Int, n: Int, k: Int, alpha: Double, transposeB: Bool
) -> Bool {
    guard m * n * k >= 32_768 else { return false }
    Double.gemm(
        transA: false, transB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: k, b: b, ldb: transposeB ? k : n,
        beta: 0, c: c, ldc: n)
    return true
}

/// C (m, n) = α·A (m, k)·B (n, k)ᵀ, all row-major: dot products of rows.
@inline(__always)
func multiplyTransposed(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    m: Int, n: Int, k: Int, alpha: Double = 1
) {
    if gemmWhenLarge(a, b, c, m: m, n: n, k: k, alpha: alpha, transposeB: true) { return }
    for i in 0..<m {
        let ai = a + i * k
        for j in 0..<n { c[i * n + j] = alpha * dot(ai, b + j * k, k) }
    }
}

/// C (m, n) = α·A (m, k)·B (k, n), all row-major: rows of C accumulated from rows of B.
@inline(__always)
func multiply(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    m: Int, n: Int, k: Int, alpha: Double = 1
) {
    if gemmWhenLarge(a, b, c, m: m, n: n, k: k, alpha: alpha, transposeB: false) { return }
    for i in 0..<m {
        let ci = c + i * n
        for j in 0..<n { ci[j] = 0 }
        for t in 0..<k {
            let s = alpha * a[i * k + t]
            let bt = b + t * n
            for j in 0..<n { ci[j] += s * bt[j] }
        }
    }
}

/// y (m) = α·A (m, k)·x (k).
@inline(__always)
func multiplyVector(
    _ a: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
    m: Int, k: Int, alpha: Double = 1
) {
    for i in 0..<m { y[i] = alpha * dot(a + i * k, x, k) }
}

/// Each row of S (n, n) replaced by softmax over that row: A_ij = exp(S_ij − max_j S_ij)/Σ_j.
@inline(__always)
func softmaxRows(_ s: UnsafeMutablePointer<Double>, rows: Int, cols: Int) {
    for i in 0..<rows {
        let row = s + i * cols
        var top = row[0]
        for j in 1..<max(1, cols) { top = max(top, row[j]) }
        var total = 0.0
        for j in 0..<cols {
            let e = exp(row[j] - top)
            row[j] = e
            total += e
        }
        let inverse = 1 / total
        for j in 0..<cols { row[j] *= inverse }
    }
}
