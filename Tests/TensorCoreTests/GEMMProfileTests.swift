import Testing

@testable import TensorCore

/// `BLASRuntime.profilingSGEMMs` counts every single-precision GEMM inside its body by shape and
/// nothing outside it. The profile is process-wide, so other tests' GEMMs running at the same
/// time may add rows: the checks read only this test's own shape (56 × 24 × 40), which nothing
/// else uses.
@Suite struct GEMMProfileTests {
    @Test func countsEachShapeInsideTheBodyOnly() {
        BLASRuntime.ensureConfigured()
        let (m, n, k) = (56, 24, 40)  // below the size at which a GEMM is split into parts
        let a = [Float](repeating: 1, count: m * k), b = [Float](repeating: 2, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        func product(beta: Float, transB: Bool = false) {
            Float.gemm(
                transA: false, transB: transB, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: transB ? k : n,
                beta: beta, c: &c, ldc: n)
        }
        product(beta: 0)  // before: not counted
        let (_, profile) = BLASRuntime.profilingSGEMMs {
            for _ in 0..<3 { product(beta: 0) }
            product(beta: 1)
            product(beta: 0, transB: true)
        }
        product(beta: 0)  // after: not counted
        let rows = profile.filter { $0.m == m && $0.n == n && $0.k == k }
        #expect(rows.count == 3)
        #expect(rows.first { !$0.accumulates && !$0.transB }?.calls == 3)
        #expect(rows.first { $0.accumulates }?.calls == 1)
        #expect(rows.first { $0.transB }?.calls == 1)
        #expect(rows.allSatisfy { !$0.transA && $0.cpuSeconds >= 0 })
        #expect(c[0] == Float(2 * k))  // the products themselves still ran
    }
}
