// `qsf.semantic-sparsity` (seed 001 §IV.2) and its rule, reading `SemanticSparsityLayers`
// (QSFSpectrumKey.Sparsity): per layer two binomial tests with Holm over the layers, counts
// summed over seeds. docs/CLAIMS.md, "qsf.semantic-sparsity".

enum SemanticSparsityClaim {
    typealias Key = QSFSpectrumKey.Sparsity

    static let claim = Claim(
        id: "qsf.semantic-sparsity", seed: Seed.pathIntegral, section: "§IV.2",
        statement: "The largest-|λ| modes are excited mostly by paragraph/sentence ends and discourse markers, and rarely by typical tokens.",
        claimed: "top tokens of high-|λ| modes are boundaries/discourse markers; low activation probability",
        experiment: SpectrumExperiment.experimentID, evidence: .trainedModel,
        scope: .seedModels(
            quote: "§IV.2: \"Eigenvalue analysis reveals that the largest-|λ| modes concentrate on special tokens\"",
            scale: SeedModelScale.qsfPaper),
        rule: rule)

    static let rule = VerdictRule(
        "per layer, the top-1% items of its two largest-|λ| modes: boundary share > base rate (enriched) and < 2 × base rate (not "
            + "concentrated), one-sided binomial tests with Holm over layers at α = 0.05, counted over (seed, layer) pairs; "
            + "activation excess = P(active | top modes) − P(active | others), pooled mean. More than half enriched and excess < 0 "
            + "by > 2σ → reproduced; more than half not concentrated or excess > 0 by > 2σ → contradicted; otherwise inconclusive "
            + "(and at smoke scale)",
        measuring: [
            Key.layersEnriched, Key.layersNotConcentrated, Key.layers, Key.activationExcess, Key.boundaryShare,
            Key.boundaryBaseRate,
        ]
    ) { e in
        guard let layers = e[Key.layers], let enriched = e[Key.layersEnriched], let weak = e[Key.layersNotConcentrated],
            let excess = e[Key.activationExcess]
        else {
            return KoopmanSpectrumClaims.needsModel(e, "validation hidden states and tokens of the trained Stage III model")
        }
        var summary = "\(Int(enriched.value)) of \(Int(layers.value)) layers enriched, \(Int(weak.value)) below twice the base rate"
        if let share = e[Key.boundaryShare], let base = e[Key.boundaryBaseRate] {
            summary += " (boundary share \(NumberText.of(share.value)) vs base rate \(NumberText.of(base.value)))"
        }
        summary += "; activation excess of the top modes \(excess.formatted)"
        if e.scale == .smoke { return .inconclusive("smoke-scale model; \(summary)") }
        let sigma = excess.error ?? 0
        if 2 * weak.value > layers.value || excess.value - 2 * sigma > 0 { return .contradicted(summary) }
        if 2 * enriched.value > layers.value && excess.value + 2 * sigma < 0 { return .reproduced(summary) }
        return .inconclusive(summary)
    }
}
