import Testing

@testable import Models
@testable import TensorCore

/// The fused causal linear attention (heads read in place from the packed (B, T, 3C)
/// projection) against the composition it replaces, and against finite differences.
@Suite struct FusedLinearAttentionTests {
    /// (batch, length, heads, head width): one chunk up to 128 positions, 64-position chunks
    /// beyond (150: two full chunks and a partial one).
    static let shapes: [(b: Int, t: Int, h: Int, d: Int)] = [(2, 9, 3, 4), (1, 64, 2, 8), (2, 150, 4, 5), (3, 1, 2, 3)]

    /// qkv (B, T, 3C) → (B, T, C) by reshape, permute and slice around the per-pair running sums
    /// (`causalLinearAttentionReference`), then permute back: the unfused path, with the
    /// reference kernel rather than the chunked one.
    static func composed<S: TensorScalar>(_ qkv: Variable<S>, heads: Int, normalisation: LinearAttentionNormalisation) -> Variable<S> {
        let (b, t, c) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let d = c / heads
        let split = qkv.reshaped([b, t, 3, heads, d]).permuted([2, 0, 3, 1, 4])
        let q = split.sliced(axis: 0, 0..<1).reshaped([b, heads, t, d])
        let k = split.sliced(axis: 0, 1..<2).reshaped([b, heads, t, d])
        let v = split.sliced(axis: 0, 2..<3).reshaped([b, heads, t, d])
        let y = Variable.causalLinearAttentionReference(q: q, k: k, v: v, normalisation: normalisation)
        return y.permuted([0, 2, 1, 3]).reshaped([b, t, c])
    }

    /// A packed projection; katharopoulos gets φ > 0 (entries in [0, 1)) so that n_t ≠ 0.
    static func projection(_ shape: [Int], _ normalisation: LinearAttentionNormalisation, rng: inout SeededRNG) -> Tensor<Double> {
        Tensor<Double>.randomUniform(shape, low: normalisation == .katharopoulos ? 0 : -1, high: 1, rng: &rng)
    }

    /// Output and qkv gradient of ⟨f(qkv), W⟩.
    static func run<S: TensorScalar>(
        _ x: Tensor<S>, weights: Tensor<S>, fused: Bool, heads: Int,
        normalisation: LinearAttentionNormalisation
    ) -> (Tensor<S>, Tensor<S>) {
        let tape = Tape<S>()
        let qkv = tape.variable(x)
        let y =
            fused
            ? qkv.fusedCausalLinearAttention(heads: heads, normalisation: normalisation)
            : composed(qkv, heads: heads, normalisation: normalisation)
        tape.backward(from: (y * tape.constant(weights)).sum())
        return (y.value, qkv.gradient!)
    }

    static func relative<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
        let scale = max(1, b.scalars.map { abs(Double($0)) }.max() ?? 0)
        return Double(a.maxAbsDifference(b)) / scale
    }

    @Test(arguments: LinearAttentionNormalisation.allCases)
    func fusedEqualsComposedInDoubleAndFloat(normalisation: LinearAttentionNormalisation) {
        var rng = SeededRNG(seed: 31)
        for s in Self.shapes {
            let shape = [s.b, s.t, 3 * s.h * s.d]
            let x = Self.projection(shape, normalisation, rng: &rng)
            let w = Tensor<Double>.randomNormal([s.b, s.t, s.h * s.d], rng: &rng)
            let (yf, gf) = Self.run(x, weights: w, fused: true, heads: s.h, normalisation: normalisation)
            let (yr, gr) = Self.run(x, weights: w, fused: false, heads: s.h, normalisation: normalisation)
            #expect(yf.shape == [s.b, s.t, s.h * s.d])
            #expect(Self.relative(yf, yr) < 1e-12, "forward \(s) \(normalisation)")
            #expect(Self.relative(gf, gr) < 1e-11, "gradient \(s) \(normalisation)")
            let (xs, ws) = (Tensor<Float>(x), Tensor<Float>(w))
            let (yfs, gfs) = Self.run(xs, weights: ws, fused: true, heads: s.h, normalisation: normalisation)
            let (yrs, grs) = Self.run(xs, weights: ws, fused: false, heads: s.h, normalisation: normalisation)
            #expect(Self.relative(yfs, yrs) < 2e-5, "Float forward \(s) \(normalisation)")
            #expect(Self.relative(gfs, grs) < 2e-5, "Float gradient \(s) \(normalisation)")
            // The Float kernel tracks the Double one to single precision.
            #expect(Self.relative(Tensor<Double>(yfs), yr) < 1e-4, "Float vs Double \(s) \(normalisation)")
        }
    }

    @Test(arguments: LinearAttentionNormalisation.allCases)
    func fusedGradientMatchesFiniteDifferences(normalisation: LinearAttentionNormalisation) {
        var rng = SeededRNG(seed: 32)
        // 150 positions: two full 64-position chunks and a partial one.
        for (t, heads, d) in [(5, 2, 3), (150, 1, 2)] {
            let x = Self.projection([2, t, 3 * heads * d], normalisation, rng: &rng)
            let error = GradientCheck.maxRelativeError([x]) { _, v in
                v[0].fusedCausalLinearAttention(heads: heads, normalisation: normalisation)
            }
            #expect(error < 1e-7, "t = \(t): \(error)")
        }
    }

    @Test(arguments: LinearAttentionNormalisation.allCases)
    func layerEqualsItsReferenceInEveryGradient(normalisation: LinearAttentionNormalisation) {
        var rng = SeededRNG(seed: 33)
        let layer = LinearAttention<Double>(
            "l", width: 12, heads: 3, normalisation: normalisation,
            std: 0.3, residualStd: 0.3, rng: &rng)
        let layerF = LinearAttention<Float>(
            "l", width: 12, heads: 3, normalisation: normalisation,
            std: 0.3, residualStd: 0.3, rng: &rng)
        for (p, pf) in zip(layer.parameters, layerF.parameters) { pf.value = Tensor<Float>(p.value) }
        // Inputs in [0, 1) keep φ(q), φ(k) positive for katharopoulos with these weights' scale.
        let x = Tensor<Double>.randomUniform([2, 70, 12], low: 0, high: 1, rng: &rng)
        let w = Tensor<Double>.randomNormal([2, 70, 12], rng: &rng)
        func gradients<S: TensorScalar>(
            _ layer: LinearAttention<S>, _ x: Tensor<S>, _ w: Tensor<S>,
            fused: Bool
        ) -> [Tensor<S>] {
            layer.parameters.forEach { $0.zeroGrad() }
            let tape = Tape<S>()
            let input = tape.variable(x)
            let y = fused ? layer(input) : layer.reference(input)
            tape.backward(from: (y * tape.constant(w)).sum())
            return [y.value, input.gradient!] + layer.parameters.map(\.grad)
        }
        let (fused, reference) = (gradients(layer, x, w, fused: true), gradients(layer, x, w, fused: false))
        for (a, b) in zip(fused, reference) { #expect(Self.relative(a, b) < 1e-11) }
        let (xf, wf) = (Tensor<Float>(x), Tensor<Float>(w))
        let (fusedF, referenceF) = (gradients(layerF, xf, wf, fused: true), gradients(layerF, xf, wf, fused: false))
        for (a, b) in zip(fusedF, referenceF) { #expect(Self.relative(a, b) < 2e-5) }
    }

    /// The chunked kernel gives the running sums' attention and gradients at every chunk length,
    /// from one position per chunk to the whole sequence in one (`chunkLength` only picks which).
    @Test(arguments: LinearAttentionNormalisation.allCases)
    func everyChunkLengthGivesTheSameAttention(normalisation: LinearAttentionNormalisation) {
        var rng = SeededRNG(seed: 34)
        let (t, d) = (67, 3)
        let low = normalisation == .katharopoulos ? 0.0 : -1.0  // keep φ positive so n_t ≠ 0
        let (q, k, v) = (
            Tensor<Double>.randomUniform([1, 1, t, d], low: low, high: 1, rng: &rng),
            Tensor<Double>.randomUniform([1, 1, t, d], low: low, high: 1, rng: &rng),
            Tensor<Double>.randomUniform([1, 1, t, d], low: -1, high: 1, rng: &rng)
        )
        let g = Tensor<Double>.randomNormal([1, 1, t, d], rng: &rng)
        let tape = Tape<Double>()
        let (vq, vk, vv) = (tape.variable(q), tape.variable(k), tape.variable(v))
        let reference = Variable.causalLinearAttentionReference(q: vq, k: vk, v: vv, normalisation: normalisation)
        tape.backward(from: (reference * tape.constant(g)).sum())
        let expected = [reference.value, vq.gradient!, vk.gradient!, vv.gradient!]
        for chunk in [1, 7, 16, 64, 66, 67] {
            let y = Tensor<Double>(shape: [1, 1, t, d], repeating: 0), n = Tensor<Double>(shape: [t], repeating: 0)
            let scratch = Tensor<Double>(shape: [ChunkedLinearAttention.scratchSize(t: t, d: d, chunk: chunk)], repeating: 0)
            ChunkedLinearAttention.forward(
                q.ptr, k.ptr, v.ptr, ldx: d, y.mptr, ldy: d, n.mptr, scratch.mptr,
                t: t, d: d, chunk: chunk, normalisation: normalisation)
            // Adding into zeros, and writing over whatever a fresh gradient buffer held (NaN here).
            for accumulate in [true, false] {
                let grads = (0..<3).map { _ in Tensor<Double>(shape: [1, 1, t, d], repeating: accumulate ? 0 : .nan) }
                ChunkedLinearAttention.backward(
                    v.ptr, ldx: d, y.ptr, g.ptr, ldy: d, n.ptr,
                    grads[0].mptr, grads[1].mptr, grads[2].mptr, scratch.mptr,
                    t: t, d: d, chunk: chunk, normalisation: normalisation, accumulate: accumulate)
                for (got, want) in zip([y] + grads, expected) {
                    #expect(Self.relative(got, want) < 1e-12, "chunk \(chunk) \(normalisation) accumulate \(accumulate)")
                }
            }
        }
    }
}
