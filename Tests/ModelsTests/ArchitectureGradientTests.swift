import Testing

@testable import Models
@testable import TensorCore

/// Finite-difference checks (Double) of every architecture's gradients, on tiny sizes, and
/// fused kernels against their naive references.
@Suite struct ArchitectureGradientTests {
    static func tinyConfig(_ arch: Architecture, normalisation: LinearAttentionNormalisation = .count) -> ModelConfig {
        var c = ModelConfig(architecture: arch, vocabularySize: 7, contextLength: 5, width: 8, layers: 1, heads: 2, feedForward: 12)
        c.linearAttentionNormalisation = normalisation
        c.koopmanInitScale = 1
        c.initStd = 0.3  // large enough that every path carries signal
        return c
    }

    /// max |∂ℓ/∂θ (tape) − central difference| / max |central difference| over every parameter element.
    static func parameterGradientError(_ model: LanguageModel<Double>, inputs: [Int32], targets: [Int32], batch: Int, length: Int) -> Double {
        func loss() -> Double {
            let tape = Tape<Double>()
            return model.loss(tape, inputs: inputs, targets: targets, batch: batch, length: length).value.scalar
        }
        let tape = Tape<Double>()
        model.parameters.forEach { $0.zeroGrad() }
        tape.backward(from: model.loss(tape, inputs: inputs, targets: targets, batch: batch, length: length))
        var worst = 0.0, scale = 0.0
        for p in model.parameters {
            let analytic = p.grad.scalars
            for i in 0..<p.count {
                let original = p.value.scalars[i]
                let h = 1e-6
                p.value.withUnsafeMutableBufferPointer { $0[i] = original + h }
                let plus = loss()
                p.value.withUnsafeMutableBufferPointer { $0[i] = original - h }
                let minus = loss()
                p.value.withUnsafeMutableBufferPointer { $0[i] = original }
                let numeric = (plus - minus) / (2 * h)
                worst = max(worst, abs(numeric - analytic[i]))
                scale = max(scale, abs(numeric))
            }
        }
        return worst / max(scale, 1e-12)
    }

    @Test(arguments: Architecture.allCases)
    func everyArchitectureHasExactGradients(arch: Architecture) throws {
        var rng = SeededRNG(seed: 3)
        let model = try LanguageModel<Double>(config: Self.tinyConfig(arch), rng: &rng)
        let inputs: [Int32] = [1, 4, 2, 6, 0, 3, 3, 5, 1, 2]
        let targets: [Int32] = [4, 2, 6, 0, 3, 3, 5, 1, 2, 0]
        let error = Self.parameterGradientError(model, inputs: inputs, targets: targets, batch: 2, length: 5)
        #expect(error < 1e-6, "\(arch): relative gradient error \(error)")
    }

    @Test(arguments: LinearAttentionNormalisation.allCases)
    func qsfGradientsForEveryNormalisation(normalisation: LinearAttentionNormalisation) throws {
        var rng = SeededRNG(seed: 4)
        let model = try LanguageModel<Double>(config: Self.tinyConfig(.qsf, normalisation: normalisation), rng: &rng)
        let error = Self.parameterGradientError(model, inputs: [1, 4, 2, 6, 0], targets: [4, 2, 6, 0, 3], batch: 1, length: 5)
        #expect(error < 1e-6, "\(normalisation): relative gradient error \(error)")
    }

    @Test func annealedLayerNormHasExactGradients() throws {
        var rng = SeededRNG(seed: 5)
        let model = try LanguageModel<Double>(config: Self.tinyConfig(.qsf), rng: &rng)
        let tape = Tape<Double>()
        _ = model.logits(tape, tokens: [1, 2, 3, 4, 5], batch: 1, length: 5, training: true)
        for norm in model.norms { norm.freeze(); norm.annealing = 0.4 }
        let error = Self.parameterGradientError(model, inputs: [1, 4, 2, 6, 0], targets: [4, 2, 6, 0, 3], batch: 1, length: 5)
        #expect(error < 1e-6, "relative gradient error \(error)")
    }
}

@Suite struct FusedKernelTests {
    /// The T×T reference: y = (c ⊙ mask(φ(q)φ(k)ᵀ))·v.
    static func naiveLinearAttention(
        _ tape: Tape<Double>, q: Variable<Double>, k: Variable<Double>, v: Variable<Double>,
        normalisation: LinearAttentionNormalisation
    ) -> Variable<Double> {
        let t = q.shape[2]
        let scores = (q + 1).matmul(k + 1, transposeOther: true).causallyMasked(fill: 0)  // (B, H, T, T)
        switch normalisation {
        case .none: return scores.matmul(v)
        case .count:
            let c = tape.constant(Tensor(shape: [t, 1], scalars: (0..<t).map { 1 / Double($0 + 1) }))
            return (scores * c).matmul(v)
        case .katharopoulos:
            return (scores / scores.sum(axis: -1, keepDims: true)).matmul(v)
        }
    }

    @Test(arguments: LinearAttentionNormalisation.allCases, [9, 150])
    func chunkedKernelEqualsRunningSumsAndTheQuadraticForm(normalisation: LinearAttentionNormalisation, length: Int) {
        var rng = SeededRNG(seed: 11)
        let shape = [2, 3, length, 4]
        let low = normalisation == .katharopoulos ? 0.0 : -1.0  // keep φ positive so n_t ≠ 0
        let (q, k, v) = (
            Tensor<Double>.randomUniform(shape, low: low, high: 1, rng: &rng),
            Tensor<Double>.randomUniform(shape, low: low, high: 1, rng: &rng),
            Tensor<Double>.randomUniform(shape, low: -1, high: 1, rng: &rng)
        )
        let tape = Tape<Double>()
        let (vq, vk, vv) = (tape.variable(q), tape.variable(k), tape.variable(v))
        let fast = Variable.causalLinearAttention(q: vq, k: vk, v: vv, normalisation: normalisation)
        let naive = Self.naiveLinearAttention(tape, q: vq, k: vk, v: vv, normalisation: normalisation)
        let sums = Variable.causalLinearAttentionReference(q: vq, k: vk, v: vv, normalisation: normalisation)
        let scale = max(1, naive.value.scalars.map(abs).max()!)
        #expect(fast.value.maxAbsDifference(naive.value) / scale < 1e-12)
        #expect(sums.value.maxAbsDifference(naive.value) / scale < 1e-12)
        // Gradients of both forms agree too.
        let weights = tape.constant(Tensor<Double>.randomNormal(shape, rng: &rng))
        tape.backward(from: (fast * weights).sum())
        let fastGrads = [vq, vk, vv].map { $0.gradient! }
        let tape2 = Tape<Double>()
        let (wq, wk, wv) = (tape2.variable(q), tape2.variable(k), tape2.variable(v))
        tape2.backward(
            from: (Self.naiveLinearAttention(tape2, q: wq, k: wk, v: wv, normalisation: normalisation)
                * tape2.constant(weights.value)).sum())
        let naiveGrads = [wq, wk, wv].map { $0.gradient! }
        for (a, b) in zip(fastGrads, naiveGrads) {
            #expect(a.maxAbsDifference(b) / max(1, b.scalars.map(abs).max()!) < 1e-10)
        }
        let tape3 = Tape<Double>()
        let (sq, sk, sv) = (tape3.variable(q), tape3.variable(k), tape3.variable(v))
        tape3.backward(
            from: (Variable.causalLinearAttentionReference(q: sq, k: sk, v: sv, normalisation: normalisation)
                * tape3.constant(weights.value)).sum())
        for (a, b) in zip([sq, sk, sv].map { $0.gradient! }, naiveGrads) {
            #expect(a.maxAbsDifference(b) / max(1, b.scalars.map(abs).max()!) < 1e-10)
        }
        // Float kernel equals the Double one to single precision.
        let tf = Tape<Float>()
        let yf = Variable.causalLinearAttention(
            q: tf.constant(Tensor<Float>(q)), k: tf.constant(Tensor<Float>(k)),
            v: tf.constant(Tensor<Float>(v)), normalisation: normalisation)
        #expect(Tensor<Double>(yf.value).maxAbsDifference(fast.value) < 1e-4)
    }

    @Test func fusedSoftmaxAttentionEqualsTheComposedOps() throws {
        var rng = SeededRNG(seed: 16)
        let attention = CausalSelfAttention<Double>("a", width: 12, heads: 3, std: 0.5, residualStd: 0.5, rng: &rng)
        let x = Tensor<Double>.randomNormal([2, 7, 12], rng: &rng)
        let weights = Tensor<Double>.randomNormal([2, 7, 12], rng: &rng)
        var values: [Tensor<Double>] = [], scores: [Tensor<Double>] = [], gradients: [[Tensor<Double>]] = []
        for fused in [true, false] {
            attention.parameters.forEach { $0.zeroGrad() }
            let tape = Tape<Double>()
            let input = tape.variable(x)
            let y = fused ? attention(input, trace: { scores.append($0) }) : attention.reference(input, trace: { scores.append($0) })
            tape.backward(from: (y * tape.constant(weights)).sum())
            values.append(y.value)
            gradients.append([input.gradient!] + attention.parameters.map(\.grad))
        }
        #expect(values[0].maxAbsDifference(values[1]) < 1e-12)
        #expect(scores[0].maxAbsDifference(scores[1]) < 1e-12)
        for (a, b) in zip(gradients[0], gradients[1]) { #expect(a.maxAbsDifference(b) < 1e-11) }
    }

    /// Causal row blocks skip only products with masked (zero) probabilities: every block size
    /// gives the whole-row result, forward and backward, including blocks that do not divide T.
    @Test func causalRowBlocksEqualWholeRows() throws {
        func run<S: TensorScalar>(_ qkv: Tensor<S>, _ weights: Tensor<S>, heads: Int, blockRows: Int) -> (Tensor<S>, Tensor<S>) {
            let tape = Tape<S>()
            let input = tape.variable(qkv)
            let y = input.fusedCausalAttention(heads: heads, blockRows: blockRows)
            tape.backward(from: (y * tape.constant(weights)).sum())
            return (y.value, input.gradient!)
        }
        var rng = SeededRNG(seed: 17)
        let qkv = Tensor<Double>.randomNormal([2, 7, 36], rng: &rng)
        let weights = Tensor<Double>.randomNormal([2, 7, 12], rng: &rng)
        let whole = run(qkv, weights, heads: 3, blockRows: 7)
        for rows in [1, 3, 4] {
            let blocked = run(qkv, weights, heads: 3, blockRows: rows)
            #expect(blocked.0.maxAbsDifference(whole.0) < 1e-13)
            #expect(blocked.1.maxAbsDifference(whole.1) < 1e-13)
        }
        // Float at a training shape: T = 300 in blocks of 128, 128 and 44.
        let qkvF = Tensor<Float>.randomNormal([2, 300, 192], rng: &rng)
        let weightsF = Tensor<Float>.randomNormal([2, 300, 64], rng: &rng)
        let wholeF = run(qkvF, weightsF, heads: 2, blockRows: 300)
        let blockedF = run(qkvF, weightsF, heads: 2, blockRows: 128)
        #expect(FusedLinearAttentionTests.relative(blockedF.0, wholeF.0) < 1e-6)
        #expect(FusedLinearAttentionTests.relative(blockedF.1, wholeF.1) < 1e-6)
    }

    @Test func koopmanScanEqualsExplicitPowers() throws {
        var rng = SeededRNG(seed: 12)
        let (b, t, s) = (2, 6, 4)
        let u = Tensor<Double>.randomNormal([b, t, s], rng: &rng)
        let k = Matrix.randomNormal(rows: s, cols: s, std: 0.5, rng: &rng)
        let tape = Tape<Double>()
        let states = tape.constant(u).koopmanScan(tape.constant(k.tensor(of: Double.self))).value
        var worst = 0.0
        for item in 0..<b {
            for step in 0..<t {
                // s_t = Σ_{r ≤ t} K^{t−r} u_r
                var expected = [Double](repeating: 0, count: s)
                var power = Matrix.identity(s)
                for r in stride(from: step, through: 0, by: -1) {
                    let ur = (0..<s).map { u[item, r, $0] }
                    for (i, x) in power.apply(ur).enumerated() { expected[i] += x }
                    power = power * k
                }
                for i in 0..<s { worst = max(worst, abs(states[item, step, i] - expected[i])) }
            }
        }
        #expect(worst < 1e-12)
        let error = GradientCheck.maxRelativeError([u, k.tensor(of: Double.self)]) { _, v in v[0].koopmanScan(v[1]) }
        #expect(error < 1e-7)
        // The backward's three paths: u's gradient fresh (above), u's gradient already holding
        // another op's contribution (the scan is recorded first, so its backward runs last), and
        // u a constant with only K's gradient wanted.
        let added = GradientCheck.maxRelativeError([u, k.tensor(of: Double.self)]) { _, v in v[0].koopmanScan(v[1]) + v[0] * 0.5 }
        #expect(added < 1e-7)
        let onlyK = GradientCheck.maxRelativeError([k.tensor(of: Double.self)]) { tape, v in tape.constant(u).koopmanScan(v[0]) }
        #expect(onlyK < 1e-7)
    }

    @Test func hamiltonianPropagatorIsOrthogonal() throws {
        var config = ArchitectureGradientTests.tinyConfig(.hamiltonian)
        config.width = 32
        config.heads = 4
        var rng = SeededRNG(seed: 13)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        // Push the raw generator far from skew-symmetric: K must stay orthogonal.
        let mixer = model.blocks[0].koopman!
        mixer.generator.value = Tensor.randomNormal([32, 32], std: 0.5, rng: &rng)
        let tape = Tape<Float>()
        let k = Matrix(mixer.effectiveGenerator(tape).matrixExp().value)
        #expect((k.transposed * k).maxAbsDifference(.identity(32)) < 1e-5)
        for lambda in try k.eigenvalues() { #expect(abs(lambda.length - 1) < 1e-5) }
    }

    @Test func fullyAnnealedNormIsAffine() throws {
        let norm = LayerNorm<Double>("n", width: 6)
        var rng = SeededRNG(seed: 14)
        norm.weight.value = Tensor.randomUniform([6], low: 0.5, high: 2, rng: &rng)
        norm.bias.value = Tensor.randomNormal([6], rng: &rng)
        let tape = Tape<Double>()
        _ = norm(tape.constant(Tensor.randomNormal([10, 6], std: 3, rng: &rng)), track: true)
        norm.freeze()
        norm.annealing = 1
        let (x, y) = (Tensor<Double>.randomNormal([1, 6], rng: &rng), Tensor<Double>.randomNormal([1, 6], rng: &rng))
        func f(_ t: Tensor<Double>) -> Tensor<Double> { norm(tape.constant(t)).value }
        let zero = Tensor<Double>.zeros([1, 6])
        let sum = tape.constant(x) + tape.constant(y)
        // affine: f(x + y) − f(x) − f(y) + f(0) = 0
        let residual = (0..<6).map { f(sum.value).scalars[$0] - f(x).scalars[$0] - f(y).scalars[$0] + f(zero).scalars[$0] }
        #expect(residual.allSatisfy { abs($0) < 1e-12 })
        norm.annealing = 0
        let r0 = (0..<6).map { f(sum.value).scalars[$0] - f(x).scalars[$0] - f(y).scalars[$0] + f(zero).scalars[$0] }
        #expect(r0.contains { abs($0) > 1e-3 })  // LayerNorm itself is not affine
    }

    @Test func parameterCountsAreExact() throws {
        var rng = SeededRNG(seed: 15)
        let (v, t, c, l, f) = (50, 16, 8, 2, 20)
        func count(_ arch: Architecture, tied: Bool = true, positions: Bool = true) throws -> Int {
            var config = ModelConfig(architecture: arch, vocabularySize: v, contextLength: t, width: c, layers: l, heads: 2, feedForward: f)
            config.tiedEmbeddings = tied
            config.learnedPositions = positions
            return try LanguageModel<Float>(config: config, rng: &rng).parameterCount
        }
        let embeddings = v * c + t * c, finalNorm = 2 * c, norms = 4 * c
        let ffn = c * f + f + f * c + c
        let softmaxAttention = c * 3 * c + 3 * c + c * c + c
        let koopman = 3 * c * c
        #expect(try count(.transformer) == embeddings + finalNorm + l * (norms + softmaxAttention + ffn))
        #expect(try count(.transformer, tied: false, positions: false) == v * c + finalNorm + l * (norms + softmaxAttention + ffn) + c * v)
        #expect(try count(.fnet) == embeddings + finalNorm + l * (norms + ffn))
        #expect(try count(.koopman) == embeddings + finalNorm + l * (norms + koopman + ffn))
        #expect(try count(.qsf) == embeddings + finalNorm + l * (norms + koopman + softmaxAttention + 1 + ffn))
        #expect(try count(.hamiltonian) == count(.qsf))
    }
}
