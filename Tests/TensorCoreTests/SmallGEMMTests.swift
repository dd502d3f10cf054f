import CLinearAlgebra
import Testing

@testable import TensorCore

/// The 32 × 32 × 32 sgemm kernel (small_gemm.c) against a Double reference and against oneDNN,
/// for every transpose case and both β, with leading dimensions wider than the matrices.
@Suite(.serialized) struct SmallGEMMTests {
    @Test func equalsTheReferenceAndOneDNN() {
        BLASRuntime.ensureConfigured()
        guard BLASRuntime.sgemmBackend == .onednn else { return }  // the kernel stands in for oneDNN only
        var rng = SeededRNG(seed: 23)
        let ld = 48
        let a = (0..<32 * ld).map { _ in Float(rng.normal()) }, b = (0..<32 * ld).map { _ in Float(rng.normal()) }
        let c0 = (0..<32 * ld).map { _ in Float(rng.normal()) }
        func product(_ ta: Bool, _ tb: Bool, beta: Float, small: Bool) -> [Float] {
            CBLAS.useSmallSGEMMKernel(small)
            defer { CBLAS.useSmallSGEMMKernel(true) }
            var c = c0
            Float.gemm(
                transA: ta, transB: tb, m: 32, n: 32, k: 32, alpha: 1, a: a, lda: ld, b: b, ldb: ld, beta: beta, c: &c,
                ldc: ld)
            return c
        }
        // The switch holds on this thread: switched off, the kernel declines and oneDNN runs.
        CBLAS.useSmallSGEMMKernel(false)
        var scratch = [Float](repeating: 0, count: 32 * 32)
        #expect(alab_sgemm_small32(0, 0, a, ld, b, ld, 0, &scratch, 32) == 0)
        CBLAS.useSmallSGEMMKernel(true)
        var identical = 0
        for ta in [false, true] {
            for tb in [false, true] {
                for beta: Float in [0, 1] {
                    let fast = product(ta, tb, beta: beta, small: true), onednn = product(ta, tb, beta: beta, small: false)
                    var worst = 0.0
                    for i in 0..<32 {
                        for j in 0..<32 {
                            var sum = Double(beta) * Double(c0[i * ld + j])
                            for k in 0..<32 {
                                sum += Double(ta ? a[k * ld + i] : a[i * ld + k]) * Double(tb ? b[j * ld + k] : b[k * ld + j])
                            }
                            worst = max(worst, abs(Double(fast[i * ld + j]) - sum))
                            #expect(abs(fast[i * ld + j] - onednn[i * ld + j]) <= 1e-5 * max(1, abs(onednn[i * ld + j])))
                            if fast[i * ld + j] == onednn[i * ld + j] { identical += 1 }
                        }
                    }
                    #expect(worst < 1e-4, "transA \(ta) transB \(tb) β \(beta): \(worst)")
                    // Outside the 32 × 32 block C is untouched.
                    #expect(fast[32] == c0[32] && fast[31 * ld + 40] == c0[31 * ld + 40])
                }
            }
        }
        print("32 × 32 × 32 kernel: \(identical) of \(8 * 1024) elements bit-identical to oneDNN's")
    }
}
