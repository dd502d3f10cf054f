import Testing

@testable import TensorCore

// The elementwise kernels of VectorKernelTests: same-shape and row-broadcast binary ops, their
// backward, and the bias-gradient column sums, each bit-identical to a scalar loop.

extension VectorKernelTests {
    /// The same-shape path of binaryForward (one contiguous run, split over cores when large)
    /// performs the same IEEE operation per element as a scalar loop: results agree exactly,
    /// NaN included. The row-wise broadcast path is checked against the same loop.
    @Test func contiguousBinaryOpsAreExact() {
        for n in Self.lengths {
            var rng = SeededRNG(seed: 700 + UInt64(n))
            var a = Self.random(n, &rng), b = Self.random(n, &rng)
            a[0] = .nan
            if n > 2 { b[1] = 0 }
            for (op, f) in [(BinaryOp.add, { (x: Float, y: Float) in x + y }), (.sub, { $0 - $1 }), (.mul, { $0 * $1 }), (.div, { $0 / $1 })] {
                var out = [Float](repeating: 0, count: n)
                binaryForward(op, BroadcastPlan([n], [n], op: "test"), a, b, &out)
                let expected = (0..<n).map { f(a[$0], b[$0]) }
                #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "\(op) n \(n)")
                var rowWise = [Float](repeating: 0, count: 2 * n)  // (2, n) ∘ (n): broadcast rows
                binaryForward(op, BroadcastPlan([2, n], [n], op: "test"), a + a, b, &rowWise)
                #expect(rowWise.map(\.bitPattern) == (expected + expected).map(\.bitPattern), "\(op) broadcast n \(n)")
            }
        }
    }
}

extension VectorKernelTests {
    /// binaryBackward's same-shape path against the documented formulas as a scalar loop
    /// (dA += g, dB ±= g; mul: dA += g·b, dB += g·a; div: dA += g/b, dB −= g·a/b²): the same
    /// IEEE operations per element, so the gradients agree bit for bit.
    @Test func contiguousBinaryBackwardMatchesFormulas() {
        for n in Self.lengths {
            var rng = SeededRNG(seed: 800 + UInt64(n))
            let a = Self.random(n, &rng), b = Self.random(n, &rng).map { $0 + 3 }, g = Self.random(n, &rng)
            let start = Self.random(n, &rng)
            for op in [BinaryOp.add, .sub, .mul, .div] {
                for intoA in [true, false] {
                    var fast = start
                    binaryBackward(op, BroadcastPlan([n], [n], op: "test"), intoA: intoA, g, a, b, &fast)
                    let expected: [Float] = (0..<n).map { j in
                        switch (op, intoA) {
                        case (.add, _), (.sub, true): start[j] + g[j]
                        case (.sub, false): start[j] - g[j]
                        case (.mul, true): start[j] + g[j] * b[j]
                        case (.mul, false): start[j] + g[j] * a[j]
                        case (.div, true): start[j] + g[j] / b[j]
                        case (.div, false): start[j] - g[j] * a[j] / (b[j] * b[j])
                        }
                    }
                    #expect(fast.map(\.bitPattern) == expected.map(\.bitPattern), "\(op) intoA \(intoA) n \(n)")
                }
            }
        }
    }
}

extension VectorKernelTests {
    /// Bias-gradient column sums, split by columns over the cores when large, against a
    /// scalar loop that sums each column in row order: the same additions in the same order,
    /// so the result is bit-identical (and so independent of the thread count).
    @Test func columnSumsAreSummedInRowOrder() {
        for (rows, n) in [(3, 5), (300, 129), (2048, 33)] {
            var rng = SeededRNG(seed: 900 + UInt64(n))
            let g = Self.random(rows * n, &rng), start = Self.random(n, &rng)
            var db = start
            columnSumsAccumulate(g, &db, rows: rows, n: n)
            var expected = start
            for r in 0..<rows { for j in 0..<n { expected[j] += g[r * n + j] } }
            #expect(db.map(\.bitPattern) == expected.map(\.bitPattern), "rows \(rows) n \(n)")
        }
    }
}
