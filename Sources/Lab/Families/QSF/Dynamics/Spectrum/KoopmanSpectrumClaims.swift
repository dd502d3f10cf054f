// The claims about the trained Koopman operators' spectra and energy budget (seed 001 §II–III,
// §XII): their rules, reading what `SpectrumExperiment` measures (QSFSpectrumKey). Why each rule
// is what it is: docs/CLAIMS.md, "Rule notes and changes".

enum KoopmanSpectrumClaims {
    typealias Key = QSFSpectrumKey

    static let annulus = Claim(
        id: "qsf.spectrum-annulus", seed: Seed.pathIntegral, section: "§III.1, §XII, §XII.1",
        statement: "The trained Koopman operators have eigenvalues on both sides of the unit circle, supported on an annulus.",
        claimed: "|λ| from 0.3 to 27.9; decay, neutral and growth modes all present",
        experiment: SpectrumExperiment.experimentID, evidence: .trainedModel,
        scope: .universal(quote: "§II.2: \"Language generation requires all three regimes: decay …, growth … and neutral modes\""),
        rule: annulusRule)

    static let netDissipation = Claim(
        id: "qsf.net-dissipation", seed: Seed.pathIntegral, section: "§III.2–III.4, Eqs. 6–9",
        statement: "Each learned generator is net dissipative: Tr D < 0, so total growth is funded by total decay.",
        claimed: "Tr D < 0; Σ growth rates < |Σ decay rates|",
        experiment: SpectrumExperiment.experimentID, evidence: .trainedModel,
        scope: .universal(
            quote:
                "§III.4: \"Stability requires only that total decay exceeds total growth\"; individual amplifying modes \"remain 'self-funded' by dissipative modes\""
        ),
        rule: netDissipationRule)

    static let hamiltonianUnitCircle = Claim(
        id: "qsf.hamiltonian-unit-circle", seed: Seed.pathIntegral, section: "§XII.1",
        statement: "In the Hamiltonian ablation (Stage IV) every Koopman eigenvalue lies on the unit circle.",
        claimed: "|λ| = 1 for all eigenvalues",
        experiment: SpectrumExperiment.experimentID, evidence: .identity, rule: hamiltonianUnitCircleRule)

    /// The verdict while no trained model has been analysed, quoting how well the machinery did
    /// on known answers.
    static func needsModel(_ e: Evidence, _ what: String) -> Verdict {
        var validation = ""
        if let err = e[Key.Validation.modulusError], let trace = e[Key.Validation.traceDError] {
            validation =
                "; the spectrum machinery recovers known generators' |λ| to \(NumberText.of(err.value, digits: 2)) and Tr D to \(NumberText.of(trace.value, digits: 2))"
        }
        return .inconclusive("needs \(what) from the qsf pipeline (no trained model reached the experiment)\(validation)")
    }

    static let annulusRule = VerdictRule(
        "growth modes (|λ| > 1 + 1e-3) and decay modes (|λ| < 1 − 1e-3) in the trained Stage III model, counted over layers and "
            + "pooled by their least value over seeds: both ≥ 1 → reproduced; either 0 → contradicted; inconclusive at smoke scale; "
            + "the |λ| range is reported beside the seed's 0.3–27.9",
        measuring: [
            Key.stageIII.growthModes, Key.stageIII.decayModes, Key.stageIII.minModulus, Key.stageIII.maxModulus,
            Key.stageIII.layersWithBothSides, Key.initial.growthModes,
        ]
    ) { e in
        guard let growth = e[Key.stageIII.growthModes], let decay = e[Key.stageIII.decayModes],
            let lo = e[Key.stageIII.minModulus], let hi = e[Key.stageIII.maxModulus]
        else {
            return needsModel(e, "the trained Stage III model's per-layer K = exp(A)")
        }
        var summary =
            "\(Int(growth.value)) growth and \(Int(decay.value)) decay modes (least over seeds); |λ| from \(NumberText.of(lo.value)) to \(NumberText.of(hi.value)) (seed: 0.3–27.9)"
        if let both = e[Key.stageIII.layersWithBothSides] { summary += "; \(Int(both.value)) layers with both" }
        if let before = e[Key.initial.growthModes] { summary += "; \(Int(before.value)) growth modes at initialisation" }
        if e.scale == .smoke { return .inconclusive("smoke-scale model; \(summary)") }
        if growth.value >= 1 && decay.value >= 1 { return .reproduced(summary) }
        return .contradicted("a trained model without \(growth.value < 1 ? "growth" : "decay") modes; \(summary)")
    }

    static let netDissipationRule = VerdictRule(
        "trained Stage III model: some layer with Tr D ≥ 0 (largest over layers and seeds) → contradicted; no growth mode at some "
            + "seed → inconclusive; every Tr D < 0 and no layer's Tr D above its value at initialisation (largest rise over layers "
            + "and seeds < 0) → reproduced, otherwise inconclusive; inconclusive at smoke scale",
        measuring: [
            Key.stageIII.maxTraceD, Key.stageIII.growthModes, Key.traceDRise, Key.initial.maxTraceD,
            Key.stageIII.maxGrowthOverDecay, Key.stageIII.layers,
        ]
    ) { e in
        guard let maxTrace = e[Key.stageIII.maxTraceD], let growth = e[Key.stageIII.growthModes],
            let layers = e[Key.stageIII.layers], let ratio = e[Key.stageIII.maxGrowthOverDecay]
        else {
            return needsModel(e, "the trained Stage III model's per-layer generators A")
        }
        var summary = "max Tr D \(NumberText.of(maxTrace.value)) over \(Int(layers.value)) layers"
        if let initial = e[Key.initial.maxTraceD] { summary += " (at initialisation \(NumberText.of(initial.value)))" }
        summary += "; \(Int(growth.value)) growth modes (least over seeds); max Σ growth / |Σ decay| \(NumberText.of(ratio.value))"
        if e.scale == .smoke { return .inconclusive("smoke-scale model; \(summary)") }
        if maxTrace.value >= 0 { return .contradicted("a layer with Tr D ≥ 0; \(summary)") }
        if growth.value < 1 { return .inconclusive("no growth modes to fund: with every mode decaying Tr D < 0 follows; \(summary)") }
        guard let rise = e[Key.traceDRise] else { return .inconclusive("Tr D at initialisation was not measured; \(summary)") }
        if rise.value >= 0 {
            return .inconclusive("Tr D rose during training by up to \(NumberText.of(rise.value)) in a layer: its sign may be the initialisation's; \(summary)")
        }
        return .reproduced("every Tr D < 0 and below its initial value (largest rise \(NumberText.of(rise.value))); \(summary)")
    }

    static let hamiltonianUnitCircleRule = VerdictRule(
        "max ||λ| − 1| over the Stage IV layers (largest over seeds) < 1e-6 → reproduced (a positive control: K is orthogonal by "
            + "construction); > 1e-3 → contradicted; inconclusive between",
        measuring: [Key.stageIV.maxModulusDeviation]
    ) { e in
        guard let deviation = e[Key.stageIV.maxModulusDeviation] else {
            if let v = e[Key.Validation.hamiltonianDeviation] {
                return .inconclusive(
                    "needs the trained Stage IV model's per-layer K from the qsf pipeline (no trained model reached the experiment); skew validation generators give ||λ| − 1| ≤ \(NumberText.of(v.value, digits: 2))"
                )
            }
            return needsModel(e, "the trained Stage IV model's per-layer K")
        }
        let text = "max ||λ| − 1| = \(NumberText.of(deviation.value, digits: 2))"
        if deviation.value < 1e-6 { return .reproduced("\(text); by construction (the Stage IV generator is a skew part), so this checks the implementation") }
        if deviation.value > 1e-3 { return .contradicted(text) }
        return .inconclusive("\(text), between the rounding and the contradiction bounds")
    }
}
