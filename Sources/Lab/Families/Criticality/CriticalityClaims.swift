import Foundation

// criticality.*: the branching ratio of trained transformer blocks (seed 000 §5.1). The rule is
// below; the measurement is `ModelBranchingExperiment` (with its report `ModelBranchingReport`),
// and the estimator's validation on reference networks is `BranchingExperiment`. Why the rule is
// what it is: docs/CLAIMS.md, "criticality.branching-one".

extension ClaimFamily {
    static let criticality = ClaimFamily(
        claims: [
            Claim(
                id: "criticality.branching-one", seed: Seed.symmetryBreaking, section: "§5.1",
                statement: "Transformers operate at criticality with branching factor ≈ 1.",
                claimed: "η ≈ 1",
                experiment: ModelBranchingExperiment.experimentID, evidence: .trainedModel,
                scope: .universal(quote: "§5.1: \"The transformer's dynamic core: … 3. Exhibits critical branching factor η ≈ 1 (neural criticality)\""),
                rule: CriticalityRules.branchingOne)
        ],
        experiments: [BranchingExperiment(), ModelBranchingExperiment()])
}

/// The measurements the branching rule reads, shared with `ModelBranchingReport`.
enum BranchingKey {
    /// Block-averaged relative-perturbation ln gain ln η of `model` ("transformer", "qsf") in
    /// `state` ("init", "trained"); its error is the standard error over validation windows of
    /// each window's block average (gain and norm growth taken from the same window).
    static func relativeLogGain(_ model: String, _ state: String) -> MeasurementKey { MeasurementKey("branching", model, state, "relative-log-gain") }
    /// ln gain per block of one perturbation carried through the whole stack.
    static func depthLogGain(_ model: String, _ state: String) -> MeasurementKey { MeasurementKey("branching", model, state, "depth-log-gain") }

    static let transformerTrained = relativeLogGain("transformer", "trained")
    static let transformerInit = relativeLogGain("transformer", "init")
    static let transformerDepth = depthLogGain("transformer", "trained")
    static let qsfTrained = relativeLogGain("qsf", "trained")
    static let qsfInit = relativeLogGain("qsf", "init")
    /// The estimator on six layers g·Q with g = 2 (`BranchingExperiment`, carried over).
    static let linearGainTwo = MeasurementKey("validation.linear.gain-2.branching")
}

/// The verdict rule of `criticality.branching-one`.
enum CriticalityRules {
    /// |ln η| ≤ this counts as "η ≈ 1" (η within about 10% of 1).
    static let branchingTolerance = 0.1

    /// Judged on the trained transformer alone (seed 000 speaks of transformers): reproduced when
    /// the 2σ interval of ln η lies inside ±0.1, contradicted when it lies outside, inconclusive
    /// when it straddles a bound. The QSF model and both models at initialisation are context.
    static let branchingOne = VerdictRule(
        "trained transformer, per-block branching η = exp(relative-perturbation ln gain), error over validation windows and seeds: "
            + "reproduced when |ln η| + 2σ ≤ \(formatRuleNumber(branchingTolerance)), contradicted when |ln η| − 2σ > "
            + "\(formatRuleNumber(branchingTolerance)), else inconclusive; the estimator must give 2 for linear maps of gain 2; scale ≥ quick",
        measuring: [
            BranchingKey.transformerTrained, BranchingKey.transformerInit, BranchingKey.transformerDepth,
            BranchingKey.qsfTrained, BranchingKey.qsfInit, BranchingKey.linearGainTwo,
        ]
    ) { e in
        let g2 = e[BranchingKey.linearGainTwo]?.value ?? .nan
        guard abs(g2 - 2) < 1e-9 else {
            return .inconclusive("estimator check on linear maps of gain 2 gave \(formatRuleNumber(g2))")
        }
        guard let g = e[BranchingKey.transformerTrained] else { return .inconclusive("the trained transformer's branching was not measured") }
        func eta(_ m: Measurement) -> String { "\(m.formatted) (η = \(formatRuleNumber(Foundation.exp(m.value))))" }
        var summary = "transformer: trained ln η = \(eta(g))"
        if let i = e[BranchingKey.transformerInit] { summary += ", at initialisation \(eta(i))" }
        if let a = e[BranchingKey.transformerDepth] { summary += "; absolute ln gain per block \(a.formatted)" }
        if let q = e[BranchingKey.qsfTrained] { summary += "; QSF (context): trained \(eta(q))" }
        if let q = e[BranchingKey.qsfInit] { summary += ", at initialisation \(eta(q))" }
        guard e.scale >= .quick else { return .inconclusive("scale \(e.scale.rawValue) < quick. " + summary) }
        guard let sigma = g.error, sigma.isFinite, g.value.isFinite else { return .inconclusive("ln η has no error. " + summary) }
        let tolerance = formatRuleNumber(branchingTolerance)
        if abs(g.value) + 2 * sigma <= branchingTolerance {
            return .reproduced("|ln η| + 2σ = \(formatRuleNumber(abs(g.value) + 2 * sigma)) ≤ \(tolerance). " + summary)
        }
        if abs(g.value) - 2 * sigma > branchingTolerance {
            return .contradicted("|ln η| − 2σ = \(formatRuleNumber(abs(g.value) - 2 * sigma)) > \(tolerance). " + summary)
        }
        return .inconclusive("the 2σ interval of ln η straddles ±\(tolerance). " + summary)
    }
}
