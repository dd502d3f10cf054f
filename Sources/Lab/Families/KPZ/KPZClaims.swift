import Foundation

// kpz.*: KPZ exponents of attention logits recorded during training (seed 000 §2.1). The rule is
// below; the measurement is `AttentionSurfaceExperiment` (recorder `AttentionSurfaceRecorder`,
// analysis `AttentionSurfaceAnalysis`, report `AttentionSurfaceReport`), and the estimator's
// validation on reference growth models is `SurfaceGrowthExperiment`. Why the rule is what it is:
// docs/CLAIMS.md, "kpz.exponents"; the estimator: docs/CRITICALITY.md.

extension ClaimFamily {
    static let kpz = ClaimFamily(
        claims: [
            Claim(
                id: "kpz.exponents", seed: Seed.symmetryBreaking, section: "§2.1, table",
                statement: "Attention logits roughen during training like a (1+1)-D KPZ surface.",
                claimed: "α 0.48 ± 0.03, β 0.34 ± 0.02, z 1.49 ± 0.05",
                experiment: AttentionSurfaceExperiment.experimentID, evidence: .trainedModel,
                scope: .seedModels(quote: "§2.1 table: \"Transformer (12L)\", GPT-3 vs KPZ theory", scale: SeedModelScale.gpt3TwelveLayers),
                rule: KPZRules.kpzExponents)
        ],
        experiments: [SurfaceGrowthExperiment(), AttentionSurfaceExperiment()])
}

/// The verdict rule of `kpz.exponents`.
enum KPZRules {
    /// |v − c| / √(σ² + σ_c²) of a measurement against a claimed c ± σ_c (nil without an error).
    static func sigmas(_ m: Measurement?, _ claimed: Double, _ claimedError: Double) -> Double? {
        guard let m, m.value.isFinite, let e = m.error, e.isFinite else { return nil }
        return abs(m.value - claimed) / (e * e + claimedError * claimedError).squareRoot()
    }

    /// The seed's table (§2.1): symbol, measurement suffix, value, error.
    static let kpzTable: [(String, String, Double, Double)] = [("α", "alpha", 0.48, 0.03), ("β", "beta", 0.34, 0.02), ("z", "z", 1.49, 0.05)]

    /// The reference-model validation the rule gates on (`SurfaceGrowthExperiment`, carried over
    /// as `validation.*`): at most one of the n reference exponents may disagree (docs/CLAIMS.md).
    static let kpzValidationKey = "validation." + SurfaceGrowthExperiment.agreementKey

    static let kpzExponents = VerdictRule(
        "pooled α, β, z of attention-logit surfaces recorded during training: reproduced when all three lie within 2σ (σ combined with the seed's) of 0.48, 0.34, 1.49 and the surfaces grow as one power law and saturate later on larger sizes; contradicted when an exponent lies > 3σ off or the surfaces show neither regime; at scale ≥ quick, and only while at most one reference-model exponent lies outside its 95% interval (fit-window systematics included) widened by the finite-time allowance",
        measuring: [
            "attention.pooled.alpha", "attention.pooled.beta", "attention.pooled.z", "attention.pooled.beta-drift",
            "attention.pooled.half-time-exponent", "attention.flow.beta", kpzValidationKey,
        ]
    ) { e in
        var parts: [String] = [], distances: [Double] = []
        for (symbol, key, claimed, error) in kpzTable {
            let m = e["attention.pooled.\(key)"]
            if let d = sigmas(m, claimed, error) {
                distances.append(d)
                parts.append("\(symbol) = \(m!.formatted) (\(formatRuleNumber(d))σ from \(Measurement(claimed, error: error).formatted))")
            } else {
                parts.append("\(symbol) not estimated")
            }
        }
        let drift = e["attention.pooled.beta-drift"]
        let powerLaw = drift.map { abs($0.value) <= max(2 * ($0.error ?? 0), 0.05) } ?? false
        let saturated = e["attention.pooled.saturated-sizes"]
        let halfTime = e["attention.pooled.half-time-exponent"]
        let sizeDependent = (saturated?.value ?? 0) >= 2 && (halfTime.map { $0.value > 0.2 && $0.value > 2 * ($0.error ?? .infinity) } ?? false)
        var regime =
            drift.map { "β drift across its window \($0.formatted) (\(powerLaw ? "one power law" : "no single power law"))" } ?? "no growth window found"
        regime += "; \(Int(saturated?.value ?? 0)) of \(saturated?.samples ?? 0) sizes saturated"
        if let h = halfTime { regime += ", time to half width ∝ L^\(h.formatted)" }
        regime += sizeDependent ? " (size-dependent saturation)" : " (no size-dependent saturation)"
        var summary = "Pooled over all heads and probe sequences: " + parts.joined(separator: ", ") + ". Regime: " + regime + "."
        if let flow = e["attention.flow.beta"] { summary += " In gradient-flow time β = \(flow.formatted)." }
        if let agreeing = e["attention.heads-beta-agreeing"], let n = agreeing.samples {
            summary += " Heads with β within 2σ of the seed: \(Int(agreeing.value)) of \(n)."
        }
        let validation = e[kpzValidationKey]
        if let v = validation, let n = v.samples {
            summary +=
                " Estimator validation: \(Int(v.value)) of \(n) reference exponents agree with their exact values (95% interval with fit-window systematics, plus the finite-time allowance)."
        }
        guard e.scale >= .quick else {
            return .inconclusive("scale \(e.scale.rawValue) trains a toy model for a few dozen steps; the surfaces cannot decide the claim. " + summary)
        }
        guard let v = validation, let n = v.samples, Int(v.value) >= n - 1 else {
            return .inconclusive("the estimator's reference validation did not pass at this scale, so its exponents cannot be trusted. " + summary)
        }
        if distances.contains(where: { $0 > 3 }) || (!powerLaw && !sizeDependent) {
            return .contradicted(summary)
        }
        if distances.count == 3 && distances.allSatisfy({ $0 <= 2 }) && powerLaw && sizeDependent {
            return .reproduced(summary)
        }
        return .inconclusive("neither within 2σ with both regimes present, nor beyond 3σ. " + summary)
    }
}
