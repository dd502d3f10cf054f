import Foundation
import TensorCore
import Testing

@testable import Physics

/// The attention-head field: its two samplers agree, the attention-weight representation of G2
/// agrees with the direct one, the uniform-attention limit has its closed form, the RFF
/// embedding is unbiased, and Euclidean invariance holds exactly when the embedding is averaged
/// over and fails detectably when it is quenched.
@Suite("NNQFT attention field")
struct NNQFTAttentionTests {
    static let ring = PointSet.ring(count: 5, dimension: 3, radius: 0.9)

    static func run(_ config: AttentionFieldConfig, points: PointSet = ring, draws: Int = 40_000, seed: UInt64) -> CorrelatorEstimate {
        CorrelatorEstimator.run(
            AttentionField(points: points, config: config),
            plan: CorrelatorPlan(draws: draws, blocks: 40, quadruples: Quadruple.standard(points.count), seed: seed))
    }

    @Test(
        "the Gram reparametrisation and the literal weights give the same G2 and G4c",
        arguments: [
            (8, AttentionFieldConfig.init(features: 8, keyWidth: 4, logitScale: 2)),
            (3, AttentionFieldConfig.init(features: 3, keyWidth: 6, valueWidth: 2, heads: 2, embedding: .shared)),
        ])
    func samplersAgree(features: Int, config: AttentionFieldConfig) {
        var literal = config
        literal.sampler = .weights
        let a = Self.run(config, draws: 60_000, seed: 31), b = Self.run(literal, draws: 60_000, seed: 32)
        let g2z = zip(a.g2, b.g2).map { abs($0.value - $1.value) / ($0.error * $0.error + $1.error * $1.error).squareRoot() }
        #expect(g2z.max()! < 4.5, "m=\(features): G2 max |z| \(g2z.max()!)")
        let ka = a.connectedMean(), kb = b.connectedMean()
        #expect(
            abs(ka.value - kb.value) < 4.5 * (ka.error * ka.error + kb.error * kb.error).squareRoot(),
            "m=\(features): G4c \(ka.value) ± \(ka.error) vs \(kb.value) ± \(kb.error)")
        #expect(ka.value > 5 * ka.error, "a single random head must be visibly non-Gaussian")
    }

    @Test(
        "G2 and G4c from attention weights (E[C], Σ Cov(C, C)) equal the direct moments",
        arguments: AttentionSamplerKind.allCases)
    func attentionRepresentation(sampler: AttentionSamplerKind) {
        let config = AttentionFieldConfig(features: 16, keyWidth: 8, heads: 3, logitScale: 1.5, valueScale: 0.7, sampler: sampler)
        let estimate = Self.run(config, seed: 33)
        let difference = estimate.g2Difference!
        let worst = difference.map { abs($0.value) / $0.error }.max()!
        #expect(worst < 4.5, "worst |direct − attention|/σ = \(worst)")
        // The representation is the better estimator: smaller errors on every pair.
        let direct = estimate.g2, conditional = estimate.g2Conditional!
        #expect(zip(direct, conditional).allSatisfy { $1.error < $0.error })
        let worst4 = estimate.g4ConnectedDifference!.map { abs($0.value) / $0.error }.max()!
        #expect(worst4 < 4.5, "worst |G4c direct − mixture|/σ = \(worst4)")
        let mixture = estimate.conditionalConnectedMean()!
        #expect(mixture.value > 5 * mixture.error && mixture.error < estimate.connectedMean().error)
    }

    @Test(
        "uniform attention (β = 0) with a quenched embedding: G2 = σ_V² s and G4c = 6σ_V⁴s²/d_v exactly",
        arguments: AttentionSamplerKind.allCases)
    func uniformAttention(sampler: AttentionSamplerKind) {
        let points = Self.ring
        let dv = 3
        let config = AttentionFieldConfig(
            features: 12, keyWidth: 4, valueWidth: dv, heads: 2, logitScale: 0, valueScale: 1.3,
            embedding: .fixed, sampler: sampler)
        var rng = SeededRNG(seed: config.fixedEmbeddingSeed)
        let gram = RandomFourierFeatures(features: 12, dimension: 3, lengthScale: 1, rng: &rng).gram(points)
        let s = gram.reduce(0, +) / 25
        let sv2 = 1.3 * 1.3
        let estimate = Self.run(config, points: points, draws: 80_000, seed: 34)
        for v in estimate.g2 { #expect(abs(v.value - sv2 * s) < 4.5 * v.error) }
        // With two heads: φ = (ψ̄₁ + ψ̄₂)/√2, so κ4 = (1/2)·6σ_V⁴s²/d_v.
        let exact = 0.5 * 6 * sv2 * sv2 * s * s / Double(dv)
        for v in estimate.g4Connected { #expect(abs(v.value - exact) < 4.5 * v.error, "G4c \(v.value) ± \(v.error) vs \(exact)") }
        // The conditional covariance is σ_V² s (ρ₁² + ρ₂²)/2 in every entry: only the read-out norm varies.
        for v in estimate.g2Conditional! { #expect(abs(v.value - sv2 * s) < 4.5 * v.error) }
        for v in estimate.g4ConnectedConditional! { #expect(abs(v.value - exact) < 4.5 * v.error) }
    }

    @Test("random Fourier features estimate exp(−r²/2ℓ²) without bias")
    func rffKernel() {
        let points = PointSet.ring(count: 6, dimension: 2, radius: 1.1)
        let ell = 0.8, m = 7, draws = 40_000
        var rng = SeededRNG(seed: 35)
        var sum = [Double](repeating: 0, count: 36), sum2 = [Double](repeating: 0, count: 36)
        for _ in 0..<draws {
            let g = RandomFourierFeatures(features: m, dimension: 2, lengthScale: ell, rng: &rng).gram(points)
            for k in 0..<36 { sum[k] += g[k]; sum2[k] += g[k] * g[k] }
        }
        let kernel = RandomFourierFeatures.kernelMatrix(points, lengthScale: ell)
        for k in 0..<36 {
            let mean = sum[k] / Double(draws)
            let error = ((sum2[k] / Double(draws) - mean * mean) / Double(draws)).squareRoot()
            #expect(abs(mean - kernel[k]) < 4.5 * max(error, 1e-12), "entry \(k): \(mean) vs \(kernel[k])")
        }
    }

    @Test("G2 is invariant under translations and rotations when the embedding is averaged over")
    func euclideanInvariance() {
        var rng = SeededRNG(seed: 36)
        let base = Self.ring
        let moved = base.translated(by: [0.7, -1.3, 2.1]).transformed(by: PointSet.randomRotation(dimension: 3, rng: &rng))
        let config = AttentionFieldConfig(features: 16, keyWidth: 8, heads: 1)
        let a = Self.run(config, points: base, seed: 37), b = Self.run(config, points: moved, seed: 38)
        let direct = InvarianceComparison(a.g2, b.g2)
        let conditional = InvarianceComparison(a.g2Conditional!, b.g2Conditional!)
        #expect(direct.consistent(at: 0.001), "direct G2: max|z| \(direct.maxAbsZ), p \(direct.pValue)")
        #expect(conditional.consistent(at: 0.001), "attention G2: max|z| \(conditional.maxAbsZ), p \(conditional.pValue)")
    }

    @Test("a quenched embedding breaks translation invariance, and the test sees it")
    func quenchedEmbeddingBreaksInvariance() {
        let base = Self.ring
        let moved = base.translated(by: [0.9, 0.4, -0.6])
        let config = AttentionFieldConfig(features: 4, keyWidth: 8, heads: 1, embedding: .fixed)
        let a = Self.run(config, points: base, seed: 39), b = Self.run(config, points: moved, seed: 40)
        let conditional = InvarianceComparison(a.g2Conditional!, b.g2Conditional!)
        #expect(conditional.pValue < 1e-6, "p = \(conditional.pValue), max|z| = \(conditional.maxAbsZ)")
    }

    @Test("the d_k → ∞ sampler agrees with a wide head, and single-head G4c does not vanish there", .tags(.slow), .skippedInFastRuns)
    func infiniteWidth() {
        let wide = AttentionFieldConfig(features: 16, keyWidth: 1024, valueWidth: nil, heads: 1)
        var infinite = wide
        infinite.keyWidth = nil
        infinite.valueWidth = nil
        let a = Self.run(wide, draws: 60_000, seed: 41), b = Self.run(infinite, draws: 60_000, seed: 42)
        let ka = a.connectedMean(), kb = b.connectedMean()
        #expect(abs(ka.value - kb.value) < 4.5 * (ka.error * ka.error + kb.error * kb.error).squareRoot())
        #expect(kb.value > 5 * kb.error, "G4c at d_k = ∞: \(kb.value) ± \(kb.error)")
    }
}
