// `qsf.gamma` (seed 001 §XI.3, §XI.5) and its rule, reading `SpectrumExperiment`'s
// `MeasurementShare` (QSFSpectrumKey.Gamma). γ's own value is not identifiable — it trades
// scale with W_O — so the rule judges the measurement term's share of the residual update:
// docs/CLAIMS.md, "qsf.gamma".

enum GammaClaim {
    typealias Key = QSFSpectrumKey.Gamma

    static let claim = Claim(
        id: "qsf.gamma", seed: Seed.pathIntegral, section: "§XI.3, §XI.5",
        statement:
            "The learned measurement strengths γ_l all exceed 1 — attention contributes more than Koopman evolution in every layer — rise with depth, and converge before the loss plateaus.",
        claimed: "γ in 1.05–1.35, all > 1, increasing with depth, stable by mid-training",
        experiment: SpectrumExperiment.experimentID, evidence: .trainedModel,
        scope: .seedModels(
            quote:
                "§XI.5, of the trained model's parameters: \"All layers exceed unity. The final γ_l > 1 for all layers indicates that attention (measurement) contributes more than Koopman evolution alone\"",
            scale: SeedModelScale.qsfPaper),
        rule: rule)

    static let rule = VerdictRule(
        "ρ_l = RMS‖γ_l·LinAttn_l(x)‖ / RMS‖Koopman_l(x)‖ on validation tokens (γ alone is not identifiable), pooled over seeds: "
            + "min_l ρ_l > 1 and the slope of ρ_l against depth > 0, each by > 2σ → reproduced; min_l ρ_l < 1 or slope < 0 by > 2σ "
            + "→ contradicted; otherwise inconclusive (and at smoke scale); raw γ (seed 1.05–1.35) and its settling are reported, "
            + "not judged",
        measuring: [
            Key.contributionMin, Key.contributionSlope, Key.contributionMax, Key.min, Key.max, Key.settledFraction,
            Key.lossSettledFraction,
        ]
    ) { e in
        guard let low = e[Key.contributionMin], let slope = e[Key.contributionSlope] else {
            return KoopmanSpectrumClaims.needsModel(e, "validation hidden states of the trained Stage III model")
        }
        var summary = "min_l ρ_l = \(low.formatted)"
        if let high = e[Key.contributionMax] { summary += ", max \(NumberText.of(high.value))" }
        summary += ", slope against depth \(slope.formatted) per layer"
        if let lo = e[Key.min], let hi = e[Key.max] { summary += "; raw γ \(NumberText.of(lo.value))–\(NumberText.of(hi.value)) (seed 1.05–1.35)" }
        if e.scale == .smoke { return .inconclusive("smoke-scale model; \(summary)") }
        guard let lowError = low.error, let slopeError = slope.error, lowError.isFinite, slopeError.isFinite else {
            return .inconclusive("no error estimate; \(summary)")
        }
        var failures: [String] = []
        if low.value + 2 * lowError < 1 { failures.append("in some layer the Koopman term outweighs the measurement term") }
        if slope.value + 2 * slopeError < 0 { failures.append("the measurement term's share falls with depth") }
        if !failures.isEmpty { return .contradicted(failures.joined(separator: "; ") + "; " + summary) }
        if low.value - 2 * lowError > 1 && slope.value - 2 * slopeError > 0 { return .reproduced(summary) }
        return .inconclusive("within 2σ of the bounds; \(summary)")
    }
}
