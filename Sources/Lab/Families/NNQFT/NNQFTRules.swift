import Foundation

/// The verdict rules of the NN-QFT claims. Each states its thresholds; why they are what they
/// are, and how they changed, is in docs/CLAIMS.md ("Rule notes and changes").
///
/// Every rule combines several sub-tests with Holm's procedure (`MultipleTesting.holm`). The two
/// identities (`inverse-heads`, `euclidean-kernel`) are point hypotheses: reproduced when Holm at
/// α = 0.05 rejects nothing, contradicted only when Holm at α = 0.0027 (3σ for one test)
/// rejects something, inconclusive in between.
enum NNQFTRules {
    typealias Key = NNQFTKey

    /// Holm's family-wise level for "no sub-test differs" (reproduced).
    static let agreementAlpha = 0.05
    /// Holm's family-wise level for "a sub-test differs" (contradicted): 3σ for one test.
    static let contradictionAlpha = 0.0027

    // MARK: nnqft.inverse-heads

    /// The direct and mixture slopes of ln|G4c| against ln N_h are −1.
    static let inverseHeads = VerdictRule(
        "positive control (exact for independent heads): slope of ln|G4c| vs ln N_h = −1 for the direct G4c (N_h ≥ 3× the noise floor) "
            + "and the mixture representation, z = (slope + 1)/σ, Holm over the two: reproduced when none is rejected at α = 0.05, every "
            + "seed fits ≥ 3 N_h and σ(direct) ≤ 0.25; contradicted when one is rejected at α = 0.0027",
        measuring: [Key.slope, Key.slopeMixture, Key.pointsFitted, Key.pointsExcluded, Key.controlSlope, Key.slopeSharedEmbedding]
    ) { e in
        let slopes = [("direct", e[Key.slope]), ("mixture", e[Key.slopeMixture])]
        let p = slopes.map { MultipleTesting.twoSidedP(z: pull($0.1, from: -1)) }
        var detail = zip(slopes, p).map { s, p in
            "\(s.0) slope \(s.1?.formatted ?? "missing") (p = \(NumberText.of(p, digits: 2)))"
        }.joined(separator: ", ")
        let fitted = e[Key.pointsFitted]?.value ?? 0
        detail += "; \(NumberText.of(fitted)) N_h above the noise floor at the worst seed, \(NumberText.of(e[Key.pointsExcluded]?.value ?? 0)) excluded"
        if let control = e[Key.controlSlope] { detail += "; single-layer control \(control.formatted)" }
        if let shared = e[Key.slopeSharedEmbedding] { detail += "; heads sharing one embedding (not independent) \(shared.formatted)" }
        if MultipleTesting.holm(p, alpha: contradictionAlpha).contains(true) {
            return .contradicted(detail + ": a slope differs from −1 (Holm, α = \(NumberText.of(contradictionAlpha)))")
        }
        guard let direct = slopes[0].1, let error = direct.error, slopes[1].1 != nil else {
            return .inconclusive(detail + ": a slope is missing (fewer than two N_h above the noise floor)")
        }
        if fitted < 3 { return .inconclusive(detail + ": fewer than 3 N_h above the noise floor at some seed") }
        if error > 0.25 { return .inconclusive(detail + ": the direct slope's error exceeds 0.25") }
        if p.contains(where: \.isNaN) { return .inconclusive(detail + ": a slope has no usable error, so it cannot be tested") }
        if MultipleTesting.holm(p, alpha: agreementAlpha).contains(true) {
            return .inconclusive(detail + ": between Holm α = \(NumberText.of(agreementAlpha)) and \(NumberText.of(contradictionAlpha))")
        }
        return .reproduced(detail)
    }

    // MARK: nnqft.width-persistence

    /// G4c at d_k = ∞, its extrapolation and its query/key part are all positive under Holm, and
    /// the sample agrees with the extrapolation.
    static let widthPersistence = VerdictRule(
        "one-sided z-tests that G4c(d_k = ∞), the extrapolated c∞ of c∞ + c₁/d_k and G4c(∞) with the embedding quenched exceed 0, "
            + "Holm at α = 0.05 over the three: reproduced when all three are rejected and G4c(∞) agrees with c∞ within 3σ; "
            + "contradicted when G4c(∞) and c∞ are both within 2σ of 0 with 2σ below 5% of G4c at the smallest d_k",
        measuring: [Key.g4cInfinite, Key.g4cExtrapolated, Key.g4cQuenched, Key.g4cSmallestFinite, Key.tailSlope, Key.g4cUniformAttention]
    ) { e in
        let keys = [Key.g4cInfinite, Key.g4cExtrapolated, Key.g4cQuenched, Key.g4cSmallestFinite]
        let values = keys.compactMap { e[$0] }
        guard values.count == keys.count, values.allSatisfy({ $0.value.isFinite && ($0.error ?? 0) > 0 }) else {
            return .inconclusive("a G4c value (d_k = ∞, extrapolated, quenched or smallest d_k) is missing or has no error")
        }
        let (inf, ext, quenched, smallest) = (values[0], values[1], values[2], values[3])
        let (si, se) = (inf.error!, ext.error!)
        let z = [inf, ext, quenched].map { $0.value / $0.error! }
        let rejected = MultipleTesting.holm(z.map { MultipleTesting.upperP(z: $0) }, alpha: agreementAlpha)
        var detail =
            "G4c(d_k = ∞) = \(inf.formatted), extrapolated c∞ = \(ext.formatted), quenched-embedding G4c(∞) = \(quenched.formatted) "
            + "(z = " + z.map { NumberText.of($0) }.joined(separator: ", ") + "); G4c at the smallest d_k \(smallest.formatted)"
        if let tail = e[Key.tailSlope] { detail += ", log-log slope at the largest d_k \(tail.formatted)" }
        if let uniform = e[Key.g4cUniformAttention] { detail += "; uniform-attention control \(uniform.formatted)" }
        let agree = abs(inf.value - ext.value) <= 3 * (si * si + se * se).squareRoot()
        let resolvedZero = [(inf.value, si), (ext.value, se)].allSatisfy { v, s in abs(v) <= 2 * s && 2 * s < 0.05 * smallest.value }
        if resolvedZero { return .contradicted(detail + ": G4c vanishes at infinite width (below 5% of its smallest-width value)") }
        if !agree { return .inconclusive(detail + ": the d_k = ∞ sample and the extrapolation disagree by more than 3σ") }
        if rejected.allSatisfy({ $0 }) { return .reproduced(detail) }
        return .inconclusive(detail + ": not every value is significantly above 0 (Holm, α = \(NumberText.of(agreementAlpha)))")
    }

    // MARK: nnqft.euclidean-kernel

    /// The six invariance sub-tests, each a p-value Bonferroni over pairs of points.
    static let invarianceTests: [(name: String, key: MeasurementKey)] = [
        ("translation", Key.translationP), ("translation (direct G2)", Key.translationPDirect),
        ("rotation", Key.rotationP), ("rotation (direct G2)", Key.rotationPDirect),
        ("ring symmetry", Key.ringSymmetryP), ("direct = attention-weight G2", Key.representationP),
    ]

    /// No invariance test rejects, and the same test sees a quenched embedding's breaking.
    static let euclideanKernel = VerdictRule(
        "identity (invariance in law): translation, rotation (attention-weight and direct G2), ring symmetry and direct = "
            + "attention-weight G2, p-values Bonferroni over pairs and seeds, Holm over the six: reproduced when none is rejected at "
            + "α = 0.05 and the quenched-embedding translation test has p < 0.01 at every seed; contradicted when one is rejected at "
            + "α = 0.0027",
        measuring: invarianceTests.map(\.key) + [Key.quenchedTranslationP, Key.shapeMaxDeviation]
    ) { e in
        let found = invarianceTests.compactMap { t in e[t.key].map { (t.name, $0.value) } }
        guard found.count == invarianceTests.count, let power = e[Key.quenchedTranslationP]?.value else {
            return .inconclusive("an invariance test or the quenched-embedding control is missing from the measurements")
        }
        let p = found.map(\.1)
        var detail =
            found.map { "\($0.0) p = \(NumberText.of($0.1, digits: 2))" }.joined(separator: ", ")
            + "; quenched-embedding translation p = \(NumberText.of(power, digits: 2))"
        if let shape = e[Key.shapeMaxDeviation] {
            detail += "; G2 is the attention-smoothed RFF kernel, max |G2(r)/G2(0) − exp(−r²/2ℓ²)| = \(NumberText.of(shape.value, digits: 2))"
        }
        if MultipleTesting.holm(p, alpha: contradictionAlpha).contains(true) {
            return .contradicted(detail + ": invariance rejected (Holm, α = \(NumberText.of(contradictionAlpha)))")
        }
        if p.contains(where: \.isNaN) { return .inconclusive(detail + ": an invariance p-value is NaN") }
        if !(power < 0.01) {
            return .inconclusive(detail + ": the test cannot see a quenched embedding's O(1/√m) breaking at this scale, so it cannot vouch for invariance")
        }
        if MultipleTesting.holm(p, alpha: agreementAlpha).contains(true) {
            return .inconclusive(detail + ": between Holm α = \(NumberText.of(agreementAlpha)) and \(NumberText.of(contradictionAlpha))")
        }
        return .reproduced(detail)
    }

    /// (value − target)/σ; NaN when the measurement is missing, not finite or has no error.
    static func pull(_ m: Measurement?, from target: Double) -> Double {
        guard let m, m.value.isFinite, let error = m.error, error > 0 else { return .nan }
        return (m.value - target) / error
    }
}
