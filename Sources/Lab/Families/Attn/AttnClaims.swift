// Claims about attention "phases" in d_k and in temperature (seed 000 §1, seed 003). The rules are
// in AttnRules.swift; why each is what it is, in docs/CLAIMS.md.

/// The measurements of `attn.dk-entropy` (DkEntropyExperiment).
enum DkKey {
    /// "dk.<quantity>.<width>.<initialisation>": width "fixed" (C = 512, H = C/d_k) or "growing" (C = 4·d_k).
    static func key(_ quantity: String, growing: Bool, _ initialisation: DkEntropySweep.Initialisation) -> MeasurementKey {
        MeasurementKey("dk", quantity, growing ? "growing" : "fixed", initialisation.rawValue)
    }

    /// Normalised entropy at the smallest d_k minus at the largest, with the 1/√d_k scale.
    static func scaledDrop(growing: Bool = false, _ initialisation: DkEntropySweep.Initialisation) -> MeasurementKey {
        key("entropy-drop-scaled", growing: growing, initialisation)
    }

    /// The same drop without the 1/√d_k scale.
    static func unscaledDrop(growing: Bool = false, _ initialisation: DkEntropySweep.Initialisation) -> MeasurementKey {
        key("entropy-drop-unscaled", growing: growing, initialisation)
    }
}

/// The measurements of `attn.temperature-sweep` (HeatCapacityExperiment, HeatCapacityReport).
enum HeatKey {
    static let peakDrift = MeasurementKey("thermo.peak-drift")
    static let peakSharpening = MeasurementKey("thermo.peak-sharpening")
    static let sharpeningExcess = MeasurementKey("thermo.sharpening-excess")
    /// Size bins with an interior peak (pooled as the smallest count over seeds).
    static let sizeBins = MeasurementKey("thermo.size-bins")
    static let peakBeta = MeasurementKey("thermo.peak-beta")
    static let peakHeight = MeasurementKey("thermo.peak-height")
    static let entropyAtModelBeta = MeasurementKey("thermo.entropy-at-model-beta")
    static let initialDrift = MeasurementKey("thermo.init.peak-drift")
    static let initialSharpening = MeasurementKey("thermo.init.peak-sharpening")
    static let randomEnergyDrift = MeasurementKey("thermo.reference.rem-drift")
    static let randomEnergySharpening = MeasurementKey("thermo.reference.rem-sharpening")
    static let firstOrderDrift = MeasurementKey("thermo.reference.first-order-drift")
    static let firstOrderSharpening = MeasurementKey("thermo.reference.first-order-sharpening")
}

extension ClaimFamily {
    static let attn = ClaimFamily(
        claims: [
            Claim(
                id: "attn.dk-phases", seed: Seed.symmetryBreaking, section: "§1.1",
                statement: "At initialisation, small d_k gives uniform (symmetric) attention and large d_k gives sparse (broken-symmetry) attention.",
                claimed: "attention entropy falls from uniform to sparse as d_k grows",
                experiment: DkEntropyExperiment.experimentID,
                evidence: .simulation,
                rule: VerdictRule.entropyFalls([DkKey.scaledDrop(.gpt2), DkKey.scaledDrop(.fanIn)], sparseDrop: 0.3, flatDrop: 0.1)
                    .requiringSamples(4, of: DkKey.scaledDrop(.gpt2).name)),
            Claim(
                id: "attn.heat-capacity-peak", seed: Seed.symmetryBreaking, section: "§1; seed 003 temperature section",
                statement: "Attention undergoes a symmetric/broken transition in temperature, marked by a heat-capacity peak.",
                claimed: "a transition (peak in C(β)) between uniform and focused attention",
                experiment: HeatCapacityExperiment.experimentID,
                evidence: .trainedModel,
                scope: .universal(
                    quote: "seed 000 §1, of \"the transformer attention mechanism\": \"The softmax temperature 1/√d_k acts as a "
                        + "quantum fluctuation parameter\"; seed 003: \"Low τ → sharp attention … High τ → diffuse attention\""),
                rule: VerdictRule.finiteTemperatureTransition(
                    drift: HeatKey.peakDrift, excess: HeatKey.sharpeningExcess,
                    bins: HeatKey.sizeBins
                )
                .requiringScale(.quick)),
        ],
        experiments: [DkEntropyExperiment(), HeatCapacityExperiment()])
}
