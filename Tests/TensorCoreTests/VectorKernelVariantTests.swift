import CLinearAlgebra
import Testing

@testable import TensorCore

/// The C kernels give the same bits on every CPU: each kernel of vector_kernels.c runs in the
/// baseline (SSE2), AVX2 and AVX-512 variants this CPU can run, on the same inputs (lengths
/// around the 16-lane width, so every padded tail is covered), and every output must equal the
/// baseline's bit for bit. Before the file was compiled without floating-point contraction the
/// AVX2 and AVX-512 variants fused a·b + c into FMAs (558 of them) and differed in the last bits.
@Suite struct VectorKernelVariantTests {
    /// Every variant this CPU runs, baseline first.
    static var variants: [Int32] { Array(0...alab_vector_kernels_best_variant()) }

    /// `body` run once per variant on this thread; the outputs of each, as bit patterns.
    static func perVariant(_ body: () -> [Float]) -> [[UInt32]] {
        defer { alab_vector_kernels_use_variant(-1) }
        return variants.map { variant in
            #expect(alab_vector_kernels_use_variant(variant) == 0)
            #expect(alab_vector_kernels_variant() == variant)
            return body().map(\.bitPattern)
        }
    }

    static func expectIdentical(_ name: String, _ outputs: [[UInt32]]) {
        for (i, output) in outputs.enumerated().dropFirst() {
            let differing = zip(output, outputs[0]).filter { $0 != $1 }.count
            #expect(output == outputs[0], "\(name): variant \(variants[i]) differs from the baseline in \(differing) of \(output.count) values")
        }
    }

    static func random(_ n: Int, _ rng: inout SeededRNG, scale: Double = 1, offset: Double = 0) -> [Float] {
        (0..<n).map { _ in Float(offset + scale * rng.normal()) }
    }

    static let lengths = [1, 7, 16, 17, 33, 100, 257]

    @Test func thisCPURunsMoreThanTheBaseline() {
        // On an x86-64 machine without AVX2 this test would compare nothing; say so loudly.
        #expect(Self.variants.count > 1, "only the baseline variant runs here: the other variants are not compared")
        #expect(alab_vector_kernels_use_variant(alab_vector_kernels_best_variant() + 1) == -1, "a variant the CPU lacks is refused")
    }

    @Test func elementwiseKernelsAgreeBitForBit() {
        for n in Self.lengths {
            var rng = SeededRNG(seed: UInt64(n))
            let x = Self.random(n, &rng, scale: 4), g = Self.random(n, &rng)
            let t0 = Self.random(n, &rng, scale: 0.5)
            Self.expectIdentical(
                "exp n=\(n)",
                Self.perVariant {
                    var y = x; alab_exp_f32(x, &y, n); return y
                })
            Self.expectIdentical(
                "tanh n=\(n)",
                Self.perVariant {
                    var y = x; alab_tanh_f32(x, &y, n); return y
                })
            Self.expectIdentical(
                "sigmoid n=\(n)",
                Self.perVariant {
                    var y = x; alab_sigmoid_f32(x, &y, n); return y
                })
            Self.expectIdentical(
                "exp shifted n=\(n)",
                Self.perVariant {
                    var y = x
                    let sum = alab_exp_shifted_f32(x, &y, n, 1.5)
                    return y + [sum]
                })
            Self.expectIdentical(
                "gelu n=\(n)",
                Self.perVariant {
                    var y = x, t = x
                    alab_gelu_forward_f32(x, &y, &t, n)
                    return y + t
                })
            for accumulate: Int32 in [1, 0] {
                for saved in [true, false] {  // tanh read from t0, or recomputed from x
                    Self.expectIdentical(
                        "gelu backward n=\(n) accumulate \(accumulate) saved tanh \(saved)",
                        Self.perVariant {
                            var dx = g
                            t0.withUnsafeBufferPointer { alab_gelu_backward_f32(g, x, saved ? $0.baseAddress : nil, &dx, n, accumulate) }
                            return dx
                        })
                }
            }
            Self.expectIdentical(
                "rows scale shift n=\(n)",
                Self.perVariant {
                    var y = x
                    alab_rows_scale_shift_f32(x, Int(n), &y, Int(n), 1, n, nil, 0.75, 1)
                    alab_rows_scale_shift_f32(g, Int(n), &y, Int(n), 1, n, nil, 1.5, -0.0)
                    return y
                })
            Self.expectIdentical(
                "column sums n=\(n)",
                Self.perVariant {
                    var sums = g
                    alab_column_sums_accumulate_f32(x, 1, max(1, n / 2), n - max(1, n / 2) + 1, &sums)
                    return sums
                })
            Self.expectIdentical(
                "sum of squares n=\(n)",
                Self.perVariant {
                    let s = alab_sum_of_squares_f32(x, n)
                    return [Float(s), Float(s - Double(Float(s)))]
                })
            Self.expectIdentical(
                "adamw n=\(n)",
                Self.perVariant {
                    var w = x, m = g, v = g.map { $0 * $0 }
                    alab_adamw_f32(&w, g, &m, &v, n, 0.999, 0.9, 0.95, 1e-3, 0.7, 1e-8)
                    return w + m + v
                })
        }
    }

    @Test func rowKernelsAgreeBitForBit() {
        for c in Self.lengths {
            let rows = 3
            var rng = SeededRNG(seed: 100 + UInt64(c))
            let x = Self.random(rows * c, &rng, scale: 2, offset: 0.3), dy = Self.random(rows * c, &rng)
            let w = Self.random(c, &rng, offset: 1), b = Self.random(c, &rng)
            Self.expectIdentical(
                "layer norm c=\(c)",
                Self.perVariant {
                    var y = x, mean = [Float](repeating: 0, count: rows), rstd = mean
                    alab_layernorm_forward_f32(x, w, b, &y, &mean, &rstd, rows, c, 1e-5)
                    var dx = dy, dw = w, db = b
                    alab_layernorm_backward_dx_f32(dy, x, w, mean, rstd, &dx, rows, c)
                    alab_layernorm_backward_dwdb_f32(dy, x, mean, rstd, &dw, &db, rows, c, 0, c)
                    return y + mean + rstd + dx + dw + db
                })
            let targets: [Int32] = (0..<rows).map { r in r == 1 ? -1 : Int32((r * 7) % c) }
            Self.expectIdentical(
                "softmax and cross-entropy c=\(c)",
                Self.perVariant {
                    var p = x, probs = x, loss = [Double](repeating: 0, count: rows), dx = dy
                    alab_softmax_rows_f32(x, &p, rows, c)
                    alab_cross_entropy_forward_f32(x, targets, &probs, &loss, rows, c)
                    alab_cross_entropy_backward_f32(probs, targets, &dx, rows, c, 0.25)
                    return p + probs + loss.map { Float($0) } + dx
                })
            let square = Self.random(c * c, &rng, scale: 3), dSquare = Self.random(c * c, &rng)
            Self.expectIdentical(
                "causal softmax t=\(c)",
                Self.perVariant {
                    var p = square
                    alab_causal_softmax_rows_f32(&p, c)
                    var dp = dSquare
                    alab_causal_softmax_backward_rows_f32(p, &dp, c, 0.125)
                    return p + dp
                })
        }
    }
}
