// The one place where attnlab calls BLAS and LAPACK.
//
// Every routine checks its sizes and leading dimensions before the C call, so a shape
// mistake stops with a message naming the routine instead of reading out of bounds.
// Row-major throughout: LAPACKE is called with LAPACK_ROW_MAJOR.
import CLinearAlgebra

enum CBLAS {
    // MARK: Runtime

    static var corename: String { String(cString: alab_blas_corename()) }
    static var config: String { String(cString: alab_blas_config()) }
    static var cpuFeatures: Int32 { alab_cpu_features() }
    static func forceCore(_ name: String) -> Int32 { alab_blas_force_core(name) }
    static func setOpenBLASThreads(_ n: Int) { alab_blas_set_threads(Int32(n)) }
    static var sgemmBackend: Int32 {
        get { alab_sgemm_backend() }
        set { alab_set_sgemm_backend(newValue) }
    }
    static var openBLASThreads: Int { Int(alab_blas_get_threads()) }
    static func profileSGEMMs(_ on: Bool) { alab_gemm_profile_enable(on ? 1 : 0) }
    /// Whether the calling thread's 32 × 32 × 32 products take attnlab's AVX-512 kernel
    /// (small_gemm.c) instead of oneDNN.
    static func useSmallSGEMMKernel(_ on: Bool) { alab_sgemm_small_kernels(on ? 1 : 0) }
    static var sgemmProfile: [alab_gemm_profile_row] {
        var rows = [alab_gemm_profile_row](repeating: alab_gemm_profile_row(), count: Int(ALAB_GEMM_PROFILE_CAPACITY))
        let count = alab_gemm_profile_rows(&rows, rows.count)
        return Array(rows.prefix(Int(count)))
    }

    // MARK: GEMM

    /// Checks one GEMM's arguments: op(A) is m×k, op(B) is k×n, C is m×n, all row-major.
    @inline(__always)
    private static func checkGEMM(
        _ routine: String, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        lda: Int, ldb: Int, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "\(routine): negative size m=\(m) n=\(n) k=\(k)")
        precondition(lda >= max(1, transA ? m : k), "\(routine): lda=\(lda) too small for \(transA ? "Aᵀ" : "A") with m=\(m) k=\(k)")
        precondition(ldb >= max(1, transB ? k : n), "\(routine): ldb=\(ldb) too small for \(transB ? "Bᵀ" : "B") with k=\(k) n=\(n)")
        precondition(ldc >= max(1, n), "\(routine): ldc=\(ldc) smaller than n=\(n)")
        precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max), "\(routine): size exceeds 32-bit BLAS")
        BLASRuntime.ensureConfigured()
    }

    static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        checkGEMM("sgemm", transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        if m == 0 || n == 0 { return }
        split(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc) {
            m, n, a, b, c in
            alab_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }

    static func dgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        checkGEMM("dgemm", transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        if m == 0 || n == 0 { return }
        split(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc) {
            m, n, a, b, c in
            cblas_dgemm(
                CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }

    /// Runs one GEMM as `BLASRuntime.threads` independent GEMMs on disjoint blocks of C — rows
    /// of op(A) when m ≥ n, else columns of op(B) — each on its own thread with OpenBLAS itself
    /// single-threaded. attnlab owns every thread this way: OpenBLAS's idle workers no longer
    /// spin beside attnlab's own parallel loops (a profile showed a quarter of a training step
    /// in the scheduler). Small products run whole on the calling thread.
    @inline(__always)
    private static func split<S>(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int,
        b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int,
        _ gemm: @escaping (Int, Int, UnsafePointer<S>, UnsafePointer<S>, UnsafeMutablePointer<S>) -> Void
    ) {
        let parts = BLASRuntime.gemmParts(m: m, n: n, k: k)
        if parts <= 1 { gemm(m, n, a, b, c); return }
        let pa = UnsafeSendablePointer(UnsafeMutablePointer(mutating: a)), pb = UnsafeSendablePointer(UnsafeMutablePointer(mutating: b))
        let pc = UnsafeSendablePointer(c)
        let call = UnsafeSendableClosure(gemm)
        if m >= n {
            Parallel.forEach(parts, threads: parts) { i in
                let lo = m * i / parts, hi = m * (i + 1) / parts
                guard lo < hi else { return }
                let rowsOfA = transA ? UnsafePointer(pa.pointer + lo) : UnsafePointer(pa.pointer + lo * lda)
                call.body(hi - lo, n, rowsOfA, UnsafePointer(pb.pointer), pc.pointer + lo * ldc)
            }
        } else {
            Parallel.forEach(parts, threads: parts) { i in
                let lo = n * i / parts, hi = n * (i + 1) / parts
                guard lo < hi else { return }
                let columnsOfB = transB ? UnsafePointer(pb.pointer + lo * ldb) : UnsafePointer(pb.pointer + lo)
                call.body(m, hi - lo, UnsafePointer(pa.pointer), columnsOfB, pc.pointer + lo)
            }
        }
    }

    // MARK: LAPACK (Double, row-major)

    private static func checkSquare(_ routine: String, _ n: Int, _ count: Int) {
        precondition(n >= 0 && count == n * n, "\(routine): expected \(n)×\(n) = \(n * n) elements, got \(count)")
        BLASRuntime.ensureConfigured()
    }

    /// General eigenproblem (dgeev): eigenvalues (wr, wi) and, when asked, left and right
    /// eigenvectors as row-major n×n matrices in LAPACK's real-pair convention.
    static func dgeev(
        n: Int, a: inout [Double], wantLeft: Bool, wantRight: Bool,
        wr: inout [Double], wi: inout [Double], vl: inout [Double], vr: inout [Double]
    ) -> Int32 {
        checkSquare("dgeev", n, a.count)
        wr = [Double](repeating: 0, count: n)
        wi = [Double](repeating: 0, count: n)
        vl = [Double](repeating: 0, count: wantLeft ? n * n : 1)
        vr = [Double](repeating: 0, count: wantRight ? n * n : 1)
        let ldvl = Int32(wantLeft ? max(1, n) : 1)
        let ldvr = Int32(wantRight ? max(1, n) : 1)
        return LAPACKE_dgeev(
            LAPACK_ROW_MAJOR, wantLeft ? 86 /* V */ : 78 /* N */, wantRight ? 86 : 78,
            Int32(n), &a, Int32(max(1, n)), &wr, &wi, &vl, ldvl, &vr, ldvr)
    }

    /// Symmetric eigenproblem (dsyevd): ascending eigenvalues, eigenvectors in the columns of a.
    static func dsyevd(n: Int, a: inout [Double], w: inout [Double], wantVectors: Bool) -> Int32 {
        checkSquare("dsyevd", n, a.count)
        w = [Double](repeating: 0, count: n)
        return LAPACKE_dsyevd(LAPACK_ROW_MAJOR, wantVectors ? 86 : 78, 85 /* U */, Int32(n), &a, Int32(max(1, n)), &w)
    }

    /// Thin SVD (dgesdd, job 'S'): a is m×n; u is m×r, s has r values, vt is r×n, r = min(m, n).
    static func dgesdd(
        m: Int, n: Int, a: inout [Double], s: inout [Double], u: inout [Double], vt: inout [Double],
        wantVectors: Bool
    ) -> Int32 {
        precondition(m >= 0 && n >= 0 && a.count == m * n, "dgesdd: expected \(m)×\(n) elements, got \(a.count)")
        BLASRuntime.ensureConfigured()
        let r = min(m, n)
        s = [Double](repeating: 0, count: r)
        u = [Double](repeating: 0, count: wantVectors ? max(1, m * r) : 1)
        vt = [Double](repeating: 0, count: wantVectors ? max(1, r * n) : 1)
        return LAPACKE_dgesdd(
            LAPACK_ROW_MAJOR, wantVectors ? 83 /* S */ : 78, Int32(m), Int32(n), &a, Int32(max(1, n)),
            &s, &u, Int32(wantVectors ? max(1, r) : 1), &vt, Int32(max(1, n)))
    }

    /// LU factorisation (dgetrf) in place; pivots are 1-based as in LAPACK.
    static func dgetrf(n: Int, a: inout [Double], pivots: inout [Int32]) -> Int32 {
        checkSquare("dgetrf", n, a.count)
        pivots = [Int32](repeating: 0, count: max(1, n))
        return LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), &a, Int32(max(1, n)), &pivots)
    }

    /// LU factorisation in place of a row-major n×n matrix (sgetrf / dgetrf); `pivots` (n of them,
    /// 1-based as in LAPACK) receive the row interchanges.
    static func getrf<S: TensorScalar>(n: Int, a: UnsafeMutablePointer<S>, pivots: UnsafeMutablePointer<Int32>) -> Int32 {
        precondition(n >= 0 && n <= Int(Int32.max), "getrf: size n=\(n) out of range")
        BLASRuntime.ensureConfigured()
        if S.self == Float.self {
            return LAPACKE_sgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), asFloat(a), Int32(max(1, n)), pivots)
        }
        return LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), asDouble(a), Int32(max(1, n)), pivots)
    }

    /// Solves A X = B from `getrf`'s factors; B (n×nrhs, row-major) is overwritten by X.
    static func getrs<S: TensorScalar>(
        n: Int, nrhs: Int, factors: UnsafePointer<S>, pivots: UnsafePointer<Int32>,
        b: UnsafeMutablePointer<S>
    ) -> Int32 {
        precondition(n >= 0 && nrhs >= 0 && n <= Int(Int32.max) && nrhs <= Int(Int32.max), "getrs: sizes n=\(n) nrhs=\(nrhs) out of range")
        BLASRuntime.ensureConfigured()
        if S.self == Float.self {
            return LAPACKE_sgetrs(
                LAPACK_ROW_MAJOR, 78 /* N */, Int32(n), Int32(nrhs), asFloat(factors), Int32(max(1, n)),
                pivots, asFloat(b), Int32(max(1, nrhs)))
        }
        return LAPACKE_dgetrs(
            LAPACK_ROW_MAJOR, 78 /* N */, Int32(n), Int32(nrhs), asDouble(factors), Int32(max(1, n)),
            pivots, asDouble(b), Int32(max(1, nrhs)))
    }

    /// Solves A X = B (dgesv) for an n×n A and n×nrhs B, both row-major; B is overwritten by X.
    static func dgesv(n: Int, nrhs: Int, a: inout [Double], b: inout [Double]) -> Int32 {
        checkSquare("dgesv", n, a.count)
        precondition(nrhs >= 0 && b.count == n * nrhs, "dgesv: B must be \(n)×\(nrhs), got \(b.count) elements")
        var pivots = [Int32](repeating: 0, count: max(1, n))
        return LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), &a, Int32(max(1, n)), &pivots, &b, Int32(max(1, nrhs)))
    }

    /// Inverse from an LU factorisation (dgetri).
    static func dgetri(n: Int, a: inout [Double], pivots: [Int32]) -> Int32 {
        checkSquare("dgetri", n, a.count)
        return LAPACKE_dgetri(LAPACK_ROW_MAJOR, Int32(n), &a, Int32(max(1, n)), pivots)
    }

    /// Cholesky factorisation (dpotrf), lower triangle; the upper triangle is left as it was.
    static func dpotrf(n: Int, a: inout [Double]) -> Int32 {
        checkSquare("dpotrf", n, a.count)
        return LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 76 /* L */, Int32(n), &a, Int32(max(1, n)))
    }
}
