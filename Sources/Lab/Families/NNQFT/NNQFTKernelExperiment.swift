import Foundation
import Physics
import TensorCore

/// `nnqft.kernel`: is the head's two-point function Euclidean invariant, and what kernel is it?
/// (claim `nnqft.euclidean-kernel`).
///
/// One head (d_k = d_v = 16) on the ring, on the ring translated by a random vector and on the
/// ring rotated by a Haar-random rotation of R^D, each from its own draws. Invariance is tested
/// pair by pair on G2 (direct and attention-weight) with a Bonferroni max|z| test; the ring's own
/// symmetry (pairs at equal separation) is tested within the base run with paired jackknife
/// errors. The test's power is shown on a quenched embedding (one fixed draw of Ω, b), which
/// breaks translation invariance at O(1/√m). Finally G2(r)/G2(0) against the separation r is
/// compared with the RFF kernel exp(−r²/2ℓ²) the embedding estimates.
///
/// Averaged over (Ω, b) the invariance holds in law, so the claim is an identity; to show that
/// the rule can fail, `embedding` can be set to `.fixed` (the quenched embedding in place of the
/// averaged one).
public struct NNQFTKernelExperiment: RegisteredExperiment {
    public static let experimentID = "nnqft.kernel"
    public let title = "NN-QFT: Euclidean invariance and shape of the two-point function"
    /// How the embedding of the tested runs is drawn; the claim is about `.perHead` (averaged).
    var embedding: EmbeddingMode = .perHead

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = NNQFTSettings.at(context.scale)
        var options = settings.baseOptions(seed: derivedSeed(context.seed, label: 0x4E51_0300))
        options.keyWidths = [16]
        options.heads = [1]
        options.floorReplicas = 0
        options.embedding = embedding
        let base = options.pointSet
        var rng = SeededRNG(seed: derivedSeed(context.seed, label: 0x4E51_0301))
        let shift = (0..<options.dimension).map { _ in 2 * options.lengthScale * rng.normal() }
        let rotation = PointSet.randomRotation(dimension: options.dimension, rng: &rng)
        let translated = base.translated(by: shift), rotated = base.transformed(by: rotation)

        let (_, a) = NNQFTScan.runPoint(options: options, keyWidth: 16, heads: 1, label: 0, points: base)
        let (_, b) = NNQFTScan.runPoint(options: options, keyWidth: 16, heads: 1, label: 1, points: translated)
        let (_, c) = NNQFTScan.runPoint(options: options, keyWidth: 16, heads: 1, label: 2, points: rotated)
        var quenchedOptions = options
        quenchedOptions.embedding = .fixed
        let (_, qa) = NNQFTScan.runPoint(options: quenchedOptions, keyWidth: 16, heads: 1, label: 3, points: base)
        let (_, qb) = NNQFTScan.runPoint(options: quenchedOptions, keyWidth: 16, heads: 1, label: 4, points: translated)

        let translation = InvarianceComparison(a.g2Conditional!, b.g2Conditional!)
        let translationDirect = InvarianceComparison(a.g2, b.g2)
        let rotationTest = InvarianceComparison(a.g2Conditional!, c.g2Conditional!)
        let rotationDirect = InvarianceComparison(a.g2, c.g2)
        let quenched = InvarianceComparison(qa.g2Conditional!, qb.g2Conditional!)
        let representation = a.g2Difference!
        let representationMaxZ = representation.map { abs($0.value) / $0.error }.max() ?? 0
        let representationP = min(1, Double(representation.count) * TailProbability.normalTwoSided(representationMaxZ))

        // Ring symmetry: every pair (i, i+s) against (0, s), paired within the base run.
        let n = options.points
        var contrasts: [((Int, Int), (Int, Int))] = []
        for s in 0...(n / 2) { for i in 1..<n { contrasts.append(((i, (i + s) % n), (0, s))) } }
        let ring = a.g2Contrasts(contrasts, conditional: true)
        let ringMaxZ = ring.map { $0.error > 0 ? abs($0.value) / $0.error : 0 }.max() ?? 0
        let ringP = min(1, Double(ring.count) * TailProbability.normalTwoSided(ringMaxZ))

        // Shape: G2(r)/G2(0) against the RFF kernel.
        let separations = Array(0...(n / 2))
        let chords = separations.map { base.distance(0, $0) }
        let shapeDirect = separations.map { a.g2Ratio((0, $0), over: (0, 0)) }
        let shapeAttention = separations.map { a.g2Ratio((0, $0), over: (0, 0), conditional: true) }
        let kernel = chords.map { RandomFourierFeatures.kernel(distance: $0, lengthScale: options.lengthScale) }
        let deviation = zip(shapeAttention, kernel).map { abs($0.value - $1) }.max() ?? 0

        // Null-hypothesis p-values pool as Bonferroni over seeds; the power control as its worst seed.
        var m: [String: Measurement] = [:]
        let draws = settings.draws
        m[NNQFTKey.translationP] = Measurement(
            translation.pValue, samples: draws,
            label: "Bonferroni p of max|z| over pairs, attention-weight G2, ring vs translated ring", pooling: .pValue)
        m[NNQFTKey.translationPDirect] = Measurement(
            translationDirect.pValue, samples: draws, label: "the same for the direct G2",
            pooling: .pValue)
        m[NNQFTKey.rotationP] = Measurement(
            rotationTest.pValue, samples: draws,
            label: "Bonferroni p, attention-weight G2, ring vs rotated ring", pooling: .pValue)
        m[NNQFTKey.rotationPDirect] = Measurement(
            rotationDirect.pValue, samples: draws, label: "the same for the direct G2",
            pooling: .pValue)
        m[NNQFTKey.ringSymmetryP] = Measurement(
            ringP, samples: draws, label: "Bonferroni p: pairs at equal separation have equal G2",
            pooling: .pValue)
        m[NNQFTKey.representationP] = Measurement(
            representationP, samples: draws,
            label: "Bonferroni p: direct G2 = attention-weight G2 σ_V²E[ρ²AGAᵀ]", pooling: .pValue)
        m[NNQFTKey.quenchedTranslationP] = Measurement(
            quenched.pValue, samples: draws,
            label: "Bonferroni p of the translation test on a quenched embedding (power control: should be small)", pooling: .maximum)
        m[NNQFTKey.shapeMaxDeviation] = Measurement(
            deviation, samples: draws,
            label: "max over r of |G2(r)/G2(0) − exp(−r²/2ℓ²)| (attention-weight G2)", pooling: .maximum)

        let table = ReportTable(
            title: "G2 against separation on the ring (d_k = d_v = 16, one head)",
            header: ["s", "|x − y|", "G2 direct", "G2 attention", "G2(r)/G2(0)", "exp(−r²/2ℓ²)"],
            rows: separations.map { s in
                [
                    String(s), NumberText.fixed(chords[s], 3), a.g2(0, s).formatted, a.g2Conditional![s].formatted,
                    shapeAttention[s].formatted, NumberText.fixed(kernel[s], 4),
                ]
            })
        func cells(_ c: InvarianceComparison) -> [String] { [NumberText.fixed(c.maxAbsZ, 2), NumberText.of(c.pValue)] }
        let tests = ReportTable(
            title: "Invariance tests (Bonferroni max|z| over the \(n * (n + 1) / 2) pairs)",
            header: ["comparison", "max|z| attention", "p attention", "max|z| direct", "p direct"],
            rows: [
                ["translated by \(shift.map { NumberText.fixed($0, 2) }.joined(separator: ", "))"] + cells(translation) + cells(translationDirect),
                ["Haar-random rotation"] + cells(rotationTest) + cells(rotationDirect),
                ["quenched embedding, translated"] + cells(quenched) + ["", ""],
            ])
        let notes = [
            "G2 of a head is σ_V² E[ρ² A G Aᵀ]: the RFF Gram matrix G (whose mean is the kernel exp(−r²/2ℓ²)) smoothed by two random attention matrices, so it is a Euclidean-invariant kernel but not the RFF kernel itself; the last two columns of the table compare their shapes.",
            "Largest relative change of G2 under translation: \(NumberText.of(translation.maxRelativeDifference, digits: 2)) "
                + "(embedding \(embedding.rawValue)) against \(NumberText.of(quenched.maxRelativeDifference, digits: 2)) for a quenched embedding.",
        ]
        return ExperimentOutput(
            measurements: m,
            figures: NNQFTFigures.kernel(
                chords: chords, direct: shapeDirect, attention: shapeAttention,
                lengthScale: options.lengthScale),
            tables: [table, tests], notes: notes)
    }
}
