import Foundation

// criticality.*: the branching ratio of trained transformer blocks (seed 000 §5.1). The rule is
// below; the measurement is `ModelBranchingExperiment` (with its report `ModelBranchingReport`),
// and the estimator's validation on reference networks is `BranchingExperiment`. Why the rule is
// what it is: docs/CLAIMS.md, "criticality.branching-one".

extension ClaimRegistry {
    static let criticality: [Claim] = [
        Claim(id: "criticality.branching-one", seed: Seed.symmetryBreaking, section: "§5.1",
              statement: "Transformers operate at criticality with branching factor ≈ 1.",
              claimed: "η ≈ 1",
              experiment: ModelBranchingExperiment.experimentID, evidence: .trainedModel, scope: .seedModels(quote: "§5.1: \"The transformer's dynamic core … at 175B parameters … exhibits critical branching factor η ≈ 1\"", scale: SeedModelScale.gpt3),
              rule: CriticalityRules.branchingOne),
    ]
}

extension ExperimentRegistry {
    static let criticality: [any Experiment] = [BranchingExperiment(), ModelBranchingExperiment()]
}

/// The verdict rule of `criticality.branching-one`.
enum CriticalityRules {
    /// |ln η| ≤ this counts as "η ≈ 1" (η within about 10% of 1).
    static let branchingTolerance = 0.1

    /// η = exp of the per-block log gain of a perturbation relative to the residual stream it rides
    /// on, ⟨ln ‖J v‖/‖v‖⟩ − ⟨ln ‖x_out‖/‖x_in‖⟩: every block reads its input through a LayerNorm and
    /// the logits come through the final norm, so a perturbation matters in proportion to the
    /// stream, and the stream's own growth (which the absolute gain contains) carries nothing.
    static let branchingOne = VerdictRule(
        "trained transformer and QSF: per-block branching η = exp(relative-perturbation log gain) with |ln η| ≤ 0.1 — reproduced within 2σ, contradicted beyond; the absolute gain ⟨ln ‖J v‖/‖v‖⟩ and the values at initialisation are reported beside it; the estimator must give g for linear maps of gain g; scale ≥ quick",
        measuring: ["branching.transformer.trained.relative-log-gain", "branching.qsf.trained.relative-log-gain",
                    "branching.transformer.trained.depth-log-gain", "branching.transformer.init.relative-log-gain",
                    "validation.linear.gain-2.branching"]
    ) { e in
        let g2 = e["validation.linear.gain-2.branching"]?.value ?? .nan
        guard abs(g2 - 2) < 1e-9 else {
            return .inconclusive("the estimator's linear-map check gave \(g2) instead of 2: not validated")
        }
        var measured = 0, inside = 0, outside = 0, parts: [String] = []
        for model in ["transformer", "qsf"] {
            guard let g = e["branching.\(model).trained.relative-log-gain"] else { continue }
            measured += 1
            let sigma = g.error ?? 0
            if abs(g.value) <= branchingTolerance + 2 * sigma { inside += 1 }
            if abs(g.value) - 2 * sigma > branchingTolerance { outside += 1 }
            var line = "\(model): trained relative ln η = \(g.formatted) (η = \(formatRuleNumber(Foundation.exp(g.value))))"
            if let i = e["branching.\(model).init.relative-log-gain"] { line += ", at initialisation \(i.formatted) (η = \(formatRuleNumber(Foundation.exp(i.value))))" }
            if let a = e["branching.\(model).trained.depth-log-gain"] {
                line += "; absolute ln gain per block \(a.formatted) (η_abs = \(formatRuleNumber(Foundation.exp(a.value))), the residual stream growing with it)"
            }
            parts.append(line)
        }
        guard measured > 0 else { return .inconclusive("no trained model's branching was measured") }
        let summary = parts.joined(separator: "; ") + ". Every block is residual (Jacobian I + J_F), so η near 1 is the architecture's default rather than a tuned critical point: compare the values at initialisation."
        guard e.scale >= .quick else { return .inconclusive("scale \(e.scale.rawValue): toy models. " + summary) }
        if outside > 0 { return .contradicted(summary) }
        if inside == measured { return .reproduced(summary) }
        return .inconclusive(summary)
    }
}
