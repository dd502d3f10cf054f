import Foundation
import Testing

@testable import TensorCore

/// The Float C kernels (vector_kernels.c, multiversioned AVX-512 / AVX2 / baseline) against
/// their references: libm in Double for exp/tanh/sigmoid/GELU, and the Swift kernels they
/// replace (`…Reference`, run in Float) for the row kernels and the optimiser. Lengths that
/// are not multiples of 16 exercise the padded tail; extreme values (±100, −∞, denormals)
/// and NaN check the edge behaviour. Tolerances are stated per test with their reason.
@Suite struct VectorKernelTests {
    /// Lengths around the 16-lane width, plus one above the parallel threshold (2¹⁵).
    static let lengths = [1, 5, 15, 16, 17, 31, 33, 100, 1003, 40_009]

    static func random(_ n: Int, _ rng: inout SeededRNG, scale: Double = 1, offset: Double = 0) -> [Float] {
        (0..<n).map { _ in Float(offset + scale * rng.normal()) }
    }

    /// Runs the Float C path of a unary op over `x`.
    static func unary(_ op: UnaryOp, _ x: [Float]) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { unaryForward(op, xb.baseAddress!, $0.baseAddress!, x.count) }
        }
        return y
    }

    static func ulps(_ a: Float, _ exact: Double) -> Double { abs(Double(a) - exact) / Double(Float(exact).ulp) }

    // MARK: exp, tanh, sigmoid, GELU

    /// exp: ≤ 2 ulp against exp in Double on [−87.3, 88] (the Cephes contract, same as
    /// FastMath.exp); exactly 0 below −87.33654; e⁸⁸ above 88; NaN → NaN; denormal inputs → 1.
    @Test func expKeepsTheCephesContract() {
        var xs = stride(from: Float(-87.3), through: 88, by: 0.00731).map { $0 }
        var rng = SeededRNG(seed: 1)
        xs += Self.random(1001, &rng, scale: 30)
        let specials: [Float] = [
            -.infinity, -200, -100, -87.5, -87.34, 0, -0.0, .leastNormalMagnitude / 64, -.leastNormalMagnitude / 64, .leastNonzeroMagnitude,
            88.5, 100, .infinity, .nan,
        ]
        let y = Self.unary(.exp, xs + specials)
        var worst = 0.0
        for (i, x) in xs.enumerated() where x >= -87.3 && x <= 88 { worst = max(worst, Self.ulps(y[i], Foundation.exp(Double(x)))) }
        #expect(worst <= 2, "worst exp error \(worst) ulp")
        let s = Array(y[xs.count...])
        let e88 = Self.unary(.exp, [88])[0]
        #expect(s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0, "underflow gives 0: \(s[0..<5])")
        #expect(s[5] == 1 && s[6] == 1 && s[7] == 1 && s[8] == 1 && s[9] == 1, "exp of 0 and denormals: \(s[5..<10])")
        #expect(s[10] == e88 && s[11] == e88 && s[12] == e88 && e88.isFinite, "saturation: \(s[10..<13])")
        #expect(s[13].isNaN)
        // The padded tail computes what the full vector does: every prefix agrees bit for bit.
        let full = Self.unary(.exp, Array(xs[0..<40]))
        for n in 1...40 { #expect(Self.unary(.exp, Array(xs[0..<n])) == Array(full[0..<n]), "prefix \(n)") }
    }

    /// tanh: absolute error ≤ 3e-7 (1 − 2/(e^{2|x|} + 1) loses relative accuracy near 0, where
    /// the absolute error stays a few ulp of 1); sigmoid: ≤ 3e-7 absolute (values in [0, 1],
    /// exp ≤ 2 ulp, one add and one divide). Odd symmetry is exact, NaN propagates.
    @Test func tanhAndSigmoidMatchLibm() {
        var rng = SeededRNG(seed: 2)
        let xs = Self.random(4099, &rng, scale: 4) + [0, 100, -100, 1e-30, -1e-30, .nan]
        let th = Self.unary(.tanh, xs), sg = Self.unary(.sigmoid, xs)
        let minus = Self.unary(.tanh, xs.map { -$0 })
        var worstT = 0.0, worstS = 0.0
        for (i, x) in xs.enumerated() where !x.isNaN {
            worstT = max(worstT, abs(Double(th[i]) - Foundation.tanh(Double(x))))
            worstS = max(worstS, abs(Double(sg[i]) - 1 / (1 + Foundation.exp(-Double(x)))))
            #expect(minus[i] == -th[i], "tanh(−x) = −tanh(x) at \(x)")
        }
        #expect(worstT <= 3e-7, "tanh error \(worstT)")
        #expect(worstS <= 3e-7, "sigmoid error \(worstS)")
        #expect(th[xs.count - 5] == 1 && th[xs.count - 4] == -1 && sg[xs.count - 5] == 1 && sg[xs.count - 4] < 1e-37)
        #expect(th.last!.isNaN && sg.last!.isNaN)
    }

    /// GELU forward against the exact tanh form in Double (≤ 3e-6 absolute, as FastMath's test:
    /// tanh's 3e-7 scaled by ½|x| up to |x| = 12) and against FastMath.gelu, the Swift kernel it
    /// replaces (≤ 4e-6: both within 3e-6 of exact... plus rounding); the saved tanh within 3e-7.
    @Test func geluForwardMatchesExactAndSwift() {
        for n in Self.lengths {
            var rng = SeededRNG(seed: UInt64(n))
            var x = Self.random(n, &rng, scale: 3)
            if n > 20 { x[3] = 100; x[4] = -100; x[5] = .nan; x[6] = 0 }
            var y = [Float](repeating: 0, count: n), t = y, yRef = y, tRef = y
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    t.withUnsafeMutableBufferPointer { geluForward(xb.baseAddress!, yb.baseAddress!, $0.baseAddress!, n) }
                }
                yRef.withUnsafeMutableBufferPointer { yb in
                    tRef.withUnsafeMutableBufferPointer { FastMath.gelu(xb.baseAddress!, yb.baseAddress!, $0.baseAddress!, n) }
                }
            }
            for i in 0..<n {
                if x[i].isNaN { #expect(y[i].isNaN && t[i].isNaN); continue }
                let v = Double(x[i]), exactT = Foundation.tanh(geluScale * (v + 0.044715 * v * v * v))
                #expect(abs(Double(y[i]) - 0.5 * v * (1 + exactT)) <= 3e-6, "n \(n) x \(x[i])")
                #expect(abs(Double(t[i]) - exactT) <= 3e-7)
                #expect(abs(y[i] - yRef[i]) <= 4e-6 && abs(t[i] - tRef[i]) <= 5e-7)
            }
        }
    }

    /// The strided row kernels against their Swift loops, bit for bit (the same operations in the
    /// same order, no fused multiply-add): strided and in place, with per-row and shared scales,
    /// a scale-only shift of −0 keeping the sign of zeros, and column sums over row tails.
    @Test func stridedRowKernelsMatchSwiftExactly() {
        var rng = SeededRNG(seed: 41)
        for n in Self.lengths {
            let rows = 5, ldx = n + 3, ldy = n + 1
            var x = Self.random(rows * ldx, &rng)
            x[0] = -0.0
            let scales = Self.random(rows, &rng)
            for (perRow, shift) in [(false, Float(1)), (true, Float(-0.0)), (false, Float(0.25))] {
                var y = [Float](repeating: .nan, count: rows * ldy), yRef = y
                x.withUnsafeBufferPointer { xb in
                    scales.withUnsafeBufferPointer { sb in
                        let s = perRow ? sb.baseAddress : nil
                        y.withUnsafeMutableBufferPointer {
                            rowsScaleShift(xb.baseAddress!, ldx: ldx, $0.baseAddress!, ldy: ldy, rows: rows, n: n, scales: s, scale: 3, shift: shift)
                        }
                        yRef.withUnsafeMutableBufferPointer {
                            rowsScaleShiftReference(xb.baseAddress!, ldx: ldx, $0.baseAddress!, ldy: ldy, rows: rows, n: n, scales: s, scale: 3, shift: shift)
                        }
                    }
                }
                #expect(zip(y, yRef).allSatisfy { $0.bitPattern == $1.bitPattern }, "n \(n) per-row \(perRow) shift \(shift)")
            }
            var inPlace = x, inPlaceRef = x
            inPlace.withUnsafeMutableBufferPointer {
                rowsScaleShift($0.baseAddress!, ldx: ldx, $0.baseAddress!, ldy: ldx, rows: rows, n: n, scale: 0.5, shift: -0.0)
            }
            inPlaceRef.withUnsafeMutableBufferPointer {
                rowsScaleShiftReference($0.baseAddress!, ldx: ldx, $0.baseAddress!, ldy: ldx, rows: rows, n: n, scale: 0.5, shift: -0.0)
            }
            #expect(zip(inPlace, inPlaceRef).allSatisfy { $0.bitPattern == $1.bitPattern } && inPlace[0].sign == .minus, "in place n \(n)")
            let start = Self.random(n, &rng)
            var sums = start, sumsRef = start
            x.withUnsafeBufferPointer { xb in
                sums.withUnsafeMutableBufferPointer { columnSumsAccumulate(xb.baseAddress!, ldx: ldx, rows: rows, n: n, into: $0.baseAddress!) }
                sumsRef.withUnsafeMutableBufferPointer {
                    columnSumsAccumulateReference(xb.baseAddress!, ldx: ldx, rows: rows, n: n, into: $0.baseAddress!)
                }
            }
            #expect(sums == sumsRef && sums != start, "column sums n \(n)")
        }
    }

    /// `geluBackward` (the C kernel) into a copy of `start`, with the saved tanh values `t` or
    /// recomputing them (nil).
    static func geluBackwardC(_ g: [Float], _ x: [Float], _ t: [Float]?, _ start: [Float], accumulate: Bool) -> [Float] {
        var dx = start
        if let t { geluBackward(g, x, t, &dx, g.count, accumulate: accumulate) } else { geluBackward(g, x, nil, &dx, g.count, accumulate: accumulate) }
        return dx
    }

    /// The Float backward without saved tanh values recomputes them as the forward kernel does:
    /// the same gradient, bit for bit, as with the values the forward kernel saved.
    @Test(arguments: [true, false]) func geluBackwardRecomputesTheSavedTanhExactly(accumulate: Bool) {
        for n in Self.lengths {
            var rng = SeededRNG(seed: 20 + UInt64(n))
            let g = Self.random(n, &rng), x = Self.random(n, &rng, scale: 3), start = Self.random(n, &rng)
            var y = [Float](repeating: 0, count: n), t = y
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    t.withUnsafeMutableBufferPointer { geluForward(xb.baseAddress!, yb.baseAddress!, $0.baseAddress!, n) }
                }
            }
            let saved = Self.geluBackwardC(g, x, t, start, accumulate: accumulate)
            let recomputed = Self.geluBackwardC(g, x, nil, start, accumulate: accumulate)
            #expect(zip(saved, recomputed).allSatisfy { $0.bitPattern == $1.bitPattern }, "n \(n)")
        }
    }

    /// GELU backward against the Swift loop it replaces: the same formula, the C kernel fuses
    /// multiply-adds, so results differ by a few ulp of the O(|g|·(1 + |x|)) terms: 1e-6 relative.
    /// Both modes: adding into dx, and writing dx whatever it held (a fresh gradient buffer).
    @Test(arguments: [true, false]) func geluBackwardMatchesSwift(accumulate: Bool) {
        for n in Self.lengths {
            var rng = SeededRNG(seed: 10 + UInt64(n))
            let g = Self.random(n, &rng), x = Self.random(n, &rng, scale: 3)
            let t = x.map { v in Float(Foundation.tanh(geluScale * Double(v + 0.044715 * v * v * v))) }
            let start = Self.random(n, &rng, scale: 1000)
            let dx = Self.geluBackwardC(g, x, t, start, accumulate: accumulate)
            var dxRef = start
            geluBackwardReference(g, x, t, &dxRef, n, accumulate: accumulate)
            for i in 0..<n {
                let bound = 1e-6 * ((accumulate ? abs(start[i]) : 0) + abs(g[i]) * (1 + abs(x[i])))
                #expect(abs(dx[i] - dxRef[i]) <= bound, "n \(n) i \(i): \(dx[i]) vs \(dxRef[i])")
            }
        }
    }
}

// MARK: row kernels and the optimiser

extension VectorKernelTests {
    /// Largest |a − b| / (1 + |b|) over finite pairs; NaN where exactly one of a pair is NaN.
    static func relativeGap(_ a: [Float], _ b: [Float]) -> Double {
        var worst = 0.0
        for (u, v) in zip(a, b) {
            if u.isNaN != v.isNaN { return .nan }
            if u.isNaN || u == v { continue }
            worst = max(worst, Double(abs(u - v)) / (1 + Double(abs(v))))
        }
        return worst
    }

    /// Layer norm forward and backward against the Swift kernels, in Float. The C kernel sums
    /// a row in 16 lanes instead of left to right and fuses multiply-adds; both orders are within
    /// a few ulp of the exact sums for these well-conditioned rows (mean 3, std 2, C ≤ 257), so
    /// the outputs (O(1) normalised values, gradients ~C·|dy|/σ) agree to 2e-5 relative. A row
    /// holding NaN is NaN in every output and leaves the other rows alone. Row blocks of any
    /// size give bit-identical results (the threading contract).
    @Test func layerNormMatchesSwift() {
        for c in [1, 5, 16, 17, 100, 128, 257] {
            for affine in [false, true] {
                var rng = SeededRNG(seed: UInt64(c) * 2 + (affine ? 1 : 0))
                let rows = c == 128 ? 300 : 37  // 300 × 128 crosses the parallel threshold
                var x = Self.random(rows * c, &rng, scale: 2, offset: 3)
                x[c * 2] = .nan  // row 2 (or a later row when c = 1)
                let w = Self.random(c, &rng, offset: 1), b = Self.random(c, &rng)
                let dy = Self.random(rows * c, &rng)
                /// [y, mean, rstd, dx, dw, db] from the C kernels (forward whole or in blocks of
                /// `block` rows) or from the Swift reference.
                func run(fast: Bool, block: Int? = nil) -> [[Float]] {
                    var y = [Float](repeating: 0, count: rows * c), mean = [Float](repeating: 0, count: rows), rstd = mean
                    var dx = [Float](repeating: 0.5, count: rows * c), dw = [Float](repeating: 0.25, count: c), db = dw
                    w.withUnsafeBufferPointer { wb in
                        b.withUnsafeBufferPointer { bb in
                            let wp = affine ? wb.baseAddress : nil, bp = affine ? bb.baseAddress : nil
                            if let block {
                                for r0 in stride(from: 0, to: rows, by: block) {
                                    let k = min(block, rows - r0)
                                    var yk = [Float](repeating: 0, count: k * c), mk = [Float](repeating: 0, count: k), sk = mk
                                    layerNormForward(Array(x[(r0 * c)..<((r0 + k) * c)]), wp, bp, &yk, &mk, &sk, rows: k, c: c, eps: 1e-5)
                                    y.replaceSubrange((r0 * c)..<((r0 + k) * c), with: yk)
                                    mean.replaceSubrange(r0..<(r0 + k), with: mk)
                                    rstd.replaceSubrange(r0..<(r0 + k), with: sk)
                                }
                            } else if fast {
                                layerNormForward(x, wp, bp, &y, &mean, &rstd, rows: rows, c: c, eps: 1e-5)
                            } else {
                                layerNormForwardReference(x, wp, bp, &y, &mean, &rstd, rows: rows, c: c, eps: 1e-5)
                            }
                            dw.withUnsafeMutableBufferPointer { dwb in
                                db.withUnsafeMutableBufferPointer { dbb in
                                    let dwp = affine ? dwb.baseAddress : nil, dbp = affine ? dbb.baseAddress : nil
                                    if fast {
                                        layerNormBackward(dy, x, wp, mean, rstd, &dx, dwp, dbp, rows: rows, c: c)
                                    } else {
                                        layerNormBackwardReference(dy, x, wp, mean, rstd, &dx, dwp, dbp, rows: rows, c: c)
                                    }
                                }
                            }
                        }
                    }
                    return [y, mean, rstd, dx, dw, db]
                }
                let fast = run(fast: true), reference = run(fast: false), blocked = run(fast: true, block: 7)
                for (k, name) in ["y", "mean", "rstd", "dx"].enumerated() {
                    let clean = (0..<fast[k].count).filter { i in (name == "mean" || name == "rstd") ? i != 2 : i / c != 2 }
                    let gap = Self.relativeGap(clean.map { fast[k][$0] }, clean.map { reference[k][$0] })
                    #expect(gap <= 2e-5, "C \(c) affine \(affine) \(name): gap \(gap)")
                    #expect(
                        fast[k].enumerated().allSatisfy { i, v in
                            let inNaNRow = (name == "mean" || name == "rstd") ? i == 2 : i / c == 2
                            return v.isNaN == inNaNRow
                        }, "C \(c) \(name): NaN confined to row 2")
                    #expect(fast[k].map(\.bitPattern) == blocked[k].map(\.bitPattern), "C \(c) \(name): row blocks change bits")
                }
                if affine {  // dw, db sum over rows including the NaN row: all NaN, in both
                    #expect(fast[4].allSatisfy(\.isNaN) == reference[4].allSatisfy(\.isNaN))
                    #expect(fast[5].map(\.isNaN) == reference[5].map(\.isNaN))
                }
            }
        }
        // dw, db without NaN, against the reference (column sums in row order in both).
        var rng = SeededRNG(seed: 99)
        let (rows, c) = (300, 129)
        let x = Self.random(rows * c, &rng, scale: 2, offset: 3), dy = Self.random(rows * c, &rng)
        var mean = [Float](repeating: 0, count: rows), rstd = mean, y = x
        layerNormForwardReference(x, nil, nil, &y, &mean, &rstd, rows: rows, c: c, eps: 1e-5)
        var dw = [Float](repeating: 0, count: c), db = dw, dwRef = dw, dbRef = dw
        layerNormBackward(dy, x, nil, mean, rstd, nil, &dw, &db, rows: rows, c: c)
        layerNormBackwardReference(dy, x, nil, mean, rstd, nil, &dwRef, &dbRef, rows: rows, c: c)
        #expect(Self.relativeGap(dw, dwRef) <= 1e-5 && Self.relativeGap(db, dbRef) <= 1e-6)
    }
}

extension VectorKernelTests {
    /// Softmax and fused cross-entropy against the Swift kernels in Float. The probabilities
    /// differ by the two exps (each ≤ 2 ulp) and the order of the row sum (16 lanes vs left to
    /// right, ≲ log₂(n) ulp for these positive terms): 1e-5 relative is a 10× margin, while a
    /// masking or indexing slip moves a probability by ≥ 1/n ≥ 2e-4. Logits of ±100 and −∞ are
    /// finite-safe; a NaN logit makes its row NaN and leaves the others; target −1 rows are skipped.
    @Test func softmaxAndCrossEntropyMatchSwift() {
        for n in [1, 7, 16, 33, 2053] {
            var rng = SeededRNG(seed: 300 + UInt64(n))
            let rows = n == 2053 ? 20 : 9  // 20 × 2053 crosses the parallel threshold
            var x = Self.random(rows * n, &rng, scale: 5)
            x[n * 1] = 100; x[n * 1 + n / 2] = -100; x[n * 3] = .nan
            if n > 1 { x[n * 4] = -.infinity }  // row 4 keeps finite entries
            let targets: [Int32] = (0..<rows).map { $0 == 5 ? -1 : $0 == 4 ? Int32(n - 1) : Int32(rng.int(below: n)) }
            var y = [Float](repeating: 0, count: rows * n), yRef = y, p = y, pRef = y
            softmaxForward(x, &y, rows: rows, n: n)
            softmaxForwardReference(x, &yRef, rows: rows, n: n)
            let (loss, counted) = crossEntropyForward(x, targets, &p, rows: rows, n: n)
            let (lossRef, countedRef) = crossEntropyForwardReference(x, targets, &pRef, rows: rows, n: n)
            let clean = (0..<(rows * n)).filter { $0 / n != 3 }
            #expect(Self.relativeGap(clean.map { y[$0] }, clean.map { yRef[$0] }) <= 1e-5, "softmax n \(n)")
            #expect(Self.relativeGap(clean.map { p[$0] }, clean.map { pRef[$0] }) <= 1e-5, "probs n \(n)")
            #expect((0..<(rows * n)).allSatisfy { y[$0].isNaN == ($0 / n == 3) && p[$0].isNaN == ($0 / n == 3) })
            #expect(counted == countedRef && counted == rows - 1 && loss.isNaN && lossRef.isNaN)
            for r in 0..<rows {  // each row's probabilities sum to 1
                let total = (0..<n).reduce(0.0) { $0 + Double(p[r * n + $1]) }
                #expect(r == 3 || abs(total - 1) <= 1e-5, "row \(r) sums to \(total)")
            }
            // The loss without the NaN row: logsumexp − x[t] in Float, a few ulp of |loss| ≲ 200.
            var xs = x
            for j in 0..<n { xs[3 * n + j] = 0 }
            let (l, _) = crossEntropyForward(xs, targets, &p, rows: rows, n: n)
            let (lRef, _) = crossEntropyForwardReference(xs, targets, &pRef, rows: rows, n: n)
            #expect(abs(l - lRef) <= 1e-5 * max(1, abs(lRef)), "loss \(l) vs \(lRef)")
            // Backward: dx += scale·(p − onehot), the same operations in both: ≤ 1 ulp per term.
            let start = Self.random(rows * n, &rng)
            var dx = start, dxRef = start
            crossEntropyBackward(pRef, targets, &dx, rows: rows, n: n, scale: 0.37)
            crossEntropyBackwardReference(pRef, targets, &dxRef, rows: rows, n: n, scale: 0.37)
            #expect(Self.relativeGap(dx, dxRef) <= 1e-6, "cross-entropy backward n \(n)")
            #expect((0..<n).allSatisfy { dx[5 * n + $0] == start[5 * n + $0] }, "target −1 row untouched")
        }
    }

    /// The causal softmax rows (attention) against a plain softmax of columns 0…i in Double:
    /// ≤ 2e-6 absolute on probabilities ≤ 1 (exp ≤ 2 ulp, float sums of ≤ 37 terms); entries
    /// after the diagonal are exactly 0. Backward against the formula in Double: ≤ 1e-5 on O(1)
    /// values (one float dot product of ≤ 37 terms).
    @Test func causalSoftmaxRowsMatchNaiveLoops() {
        for t in [1, 5, 16, 17, 37] {
            var rng = SeededRNG(seed: 400 + UInt64(t))
            var s = Self.random(t * t, &rng, scale: 4)
            if t > 3 { s[3 * t] = 100; s[3 * t + 1] = -100; s[3 * t + 2] = .nan }  // row 3: NaN at column 2
            var p = s
            FloatRowKernels.causalSoftmaxRows(&p, t: t)
            for i in 0..<t {
                let row = (0...i).map { Double(s[i * t + $0]) }
                let top = row.filter { !$0.isNaN }.max()!
                let e = row.map { Foundation.exp($0 - top) }, total = e.reduce(0, +)
                for j in 0..<t {
                    let v = p[i * t + j]
                    if j > i { #expect(v == 0); continue }
                    if t > 3 && i == 3 { #expect(v.isNaN, "NaN row"); continue }
                    #expect(abs(Double(v) - e[j] / total) <= 2e-6, "t \(t) (\(i), \(j))")
                }
            }
            let clean = (0..<(t * t)).map { $0 / t == 3 && t > 3 ? Float(0) : p[$0] }
            let dp0 = Self.random(t * t, &rng)
            var dp = dp0
            FloatRowKernels.causalSoftmaxBackwardRows(clean, &dp, t: t, scale: 0.25)
            for i in 0..<t {
                let dot = (0...i).reduce(0.0) { $0 + Double(clean[i * t + $1]) * Double(dp0[i * t + $1]) }
                for j in 0..<t {
                    let exact = j > i ? 0 : Double(clean[i * t + j]) * (Double(dp0[i * t + j]) - dot) * 0.25
                    #expect(abs(Double(dp[i * t + j]) - exact) <= 1e-5, "backward t \(t) (\(i), \(j))")
                }
            }
        }
    }

    /// AdamW against the Swift kernel in Float over 5 steps: the same operations in the same
    /// order except fused multiply-adds, so each step differs by a few ulp of w and of the
    /// update: 1e-6 relative to (|w| + step size) after 5 steps. Moments likewise.
    @Test func adamwMatchesSwift() {
        for n in Self.lengths {
            var rng = SeededRNG(seed: 500 + UInt64(n))
            var w = Self.random(n, &rng), m = [Float](repeating: 0, count: n), v = m
            var (wRef, mRef, vRef) = (w, m, v)
            for step in 1...5 {
                var g = Self.random(n, &rng, scale: 0.1)
                if n > 20 { g[7] = 100; g[8] = -100; g[9] = 0 }
                let stepSize = Float(1e-3 / (1 - pow(0.9, Double(step)))), root = Float((1 - pow(0.999, Double(step))).squareRoot())
                adamwKernel(&w, g, &m, &v, n, decay: 0.9999, beta1: 0.9, beta2: 0.999, stepSize: stepSize, rootBC2: root, eps: 1e-8)
                adamwKernelReference(
                    &wRef, g, &mRef, &vRef, n, decay: 0.9999, beta1: 0.9, beta2: 0.999,
                    stepSize: stepSize, rootBC2: root, eps: 1e-8)
            }
            #expect((0..<n).allSatisfy { abs(w[$0] - wRef[$0]) <= 1e-6 * (abs(wRef[$0]) + 1e-3) }, "w, n \(n)")
            #expect(Self.relativeGap(m, mRef) <= 1e-6 && Self.relativeGap(v, vRef) <= 1e-6, "moments, n \(n)")
        }
    }

    /// Σx² in Double: float squares are exact in Double (24 + 24 bits < 53), so the two sums
    /// differ only by their order, ≤ n·2⁻⁵³ relative: 1e-12 for n ≤ 40,009. NaN propagates.
    @Test func sumOfSquaresMatchesSwift() {
        for n in Self.lengths {
            var rng = SeededRNG(seed: 600 + UInt64(n))
            var x = Self.random(n, &rng, scale: 10)
            if n > 20 { x[2] = .leastNormalMagnitude / 64; x[3] = 3e38 }
            let (fast, reference) = (sumOfSquares(x, n), sumOfSquaresReference(x, n))
            #expect(abs(fast - reference) <= 1e-12 * reference, "n \(n): \(fast) vs \(reference)")
            x[n - 1] = .nan
            #expect(sumOfSquares(x, n).isNaN)
        }
    }
}
