import Testing

@testable import TensorCore

/// `BLASRuntime.profilingSGEMMs` counts every single-precision GEMM inside its body by shape and
/// nothing outside it.
@Suite struct GEMMProfileTests {
    @Test func countsEachShapeInsideTheBodyOnly() {
        BLASRuntime.ensureConfigured()
        let saved = BLASRuntime.threads
        defer { BLASRuntime.threads = saved }
        BLASRuntime.threads = 1  // one call per product (no split into parts)
        let a = [Float](repeating: 1, count: 64 * 32), b = [Float](repeating: 2, count: 32 * 16)
        var c = [Float](repeating: 0, count: 64 * 16)
        func product(beta: Float, transB: Bool = false) {
            Float.gemm(
                transA: false, transB: transB, m: 64, n: 16, k: 32, alpha: 1, a: a, lda: 32, b: b, ldb: transB ? 32 : 16,
                beta: beta, c: &c, ldc: 16)
        }
        product(beta: 0)  // before: not counted
        let (_, rows) = BLASRuntime.profilingSGEMMs {
            for _ in 0..<3 { product(beta: 0) }
            product(beta: 1)
            product(beta: 0, transB: true)
        }
        product(beta: 0)  // after: not counted
        #expect(rows.count == 3)
        let plain = rows.first { !$0.accumulates && !$0.transB }
        #expect(plain?.calls == 3 && plain?.m == 64 && plain?.n == 16 && plain?.k == 32 && plain?.transA == false)
        #expect(rows.first { $0.accumulates }?.calls == 1)
        #expect(rows.first { $0.transB }?.calls == 1)
        #expect(rows.allSatisfy { $0.cpuSeconds >= 0 })
        #expect(c[0] == 64)  // the products themselves still ran: 32 × 1 × 2
    }
}
