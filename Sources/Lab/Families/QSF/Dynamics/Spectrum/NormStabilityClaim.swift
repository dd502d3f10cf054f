// `qsf.norm-stability` (seed 001 §IV.4) and its rule, reading the final hidden-state norms
// `TrainedSpectrum` measures (QSFSpectrumKey.Norms). docs/CLAIMS.md, "qsf.norm-stability".

enum NormStabilityClaim {
    typealias Key = QSFSpectrumKey.Norms

    static let claim = Claim(
        id: "qsf.norm-stability", seed: Seed.pathIntegral, section: "§IV.4",
        statement: "Final-layer hidden-state norms stay bounded despite growth modes.",
        claimed: "mean 1.02, std 0.08, none > 1.5",
        experiment: SpectrumExperiment.experimentID, evidence: .trainedModel,
        scope: .seedModels(
            quote: "§IV.4, measured on the seed's model across 10,000 validation sequences: mean 1.02, std 0.08, none > 1.5",
            scale: SeedModelScale.qsfPaper),
        rule: rule)

    static let rule = VerdictRule(
        "final hidden-state norms ‖h‖/√C pooled over seeds: none > 1.5, |mean − 1.02| + 2σ ≤ 0.1 and std ≤ 0.16 → reproduced; a norm "
            + "> 1.5, |mean − 1.02| > 0.1 by more than 2σ, or std > 0.16 → contradicted; otherwise inconclusive (and at smoke scale)",
        measuring: [Key.mean, Key.std, Key.max, Key.countAbove, Key.count]
    ) { e in
        guard let mean = e[Key.mean], let std = e[Key.std], let maximum = e[Key.max], let above = e[Key.countAbove],
            let count = e[Key.count]
        else {
            return KoopmanSpectrumClaims.needsModel(e, "final-layer hidden states of the trained Stage III model on validation sequences")
        }
        let summary =
            "mean \(mean.formatted), std \(NumberText.of(std.value)), max \(NumberText.of(maximum.value)), \(Int(above.value)) of \(Int(count.value)) above 1.5 (seed: 1.02, 0.08, none)"
        if e.scale == .smoke { return .inconclusive("smoke-scale model; \(summary)") }
        let offset = abs(mean.value - 1.02), sigma = mean.error ?? 0
        if above.value > 0 || offset - 2 * sigma > 0.1 || std.value > 0.16 { return .contradicted(summary) }
        if offset + 2 * sigma <= 0.1 { return .reproduced(summary) }
        return .inconclusive("the mean is within 2σ of the 0.1 band; \(summary)")
    }
}
