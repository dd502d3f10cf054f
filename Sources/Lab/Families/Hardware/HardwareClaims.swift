import Foundation

// hardware.*: the seed's one-qubit "tensor-core coherence" circuit (seed 000 §4.1). The rule is
// below; the measurement is `CoherenceCircuitExperiment`. Why the rule is what it is:
// docs/CLAIMS.md, "hardware.coherence-circuit".

extension ClaimFamily {
    static let hardware = ClaimFamily(
        claims: [
            Claim(
                id: "hardware.coherence-circuit", seed: Seed.symmetryBreaking, section: "§4.1, proof-of-concept protocol",
                statement: "The one-qubit circuit (H, 300 ps delay, measure) shows about 15% |1⟩ survival, evidencing GPU tensor-core coherence.",
                claimed: "~15% |1⟩ after 300 ps; T2 150–300 ps at 300 K",
                experiment: CoherenceCircuitExperiment.experimentID, evidence: .simulation, rule: HardwareRules.coherenceCircuit)
        ],
        experiments: [CoherenceCircuitExperiment()])
}

/// The measurements the coherence-circuit rule reads, shared with `CoherenceCircuitExperiment`.
enum CoherenceKey {
    /// Fraction of |1⟩ in 1000 shots of the seed's script (no noise model).
    static let p1SeedScript = MeasurementKey("p1.seed-script")
    /// Change of P(|1⟩) over the seed's T2 values at fixed T1 (pooled: the largest over seeds).
    static let p1SpreadOverT2 = MeasurementKey("p1.spread-over-t2")
    /// T1 that would make ½e^{−τ/T1} = 0.15, and T2 whose Ramsey contrast e^{−τ/T2} is 0.15 (ps).
    static let t1For15Percent = MeasurementKey("t1.for-15-percent")
    static let t2For15PercentContrast = MeasurementKey("t2.for-15-percent-contrast")
    static let p1Range300K = MeasurementKey("p1.range-300K")
}

/// The verdict rule of `hardware.coherence-circuit`.
enum HardwareRules {
    /// The seed's |1⟩ fraction.
    static let claimedP1 = 0.15
    /// Standard errors by which P(|1⟩) must miss 0.15 to contradict.
    static let sigmas = 5.0
    /// A spread of P(|1⟩) over T2 below this counts as "T2 does not move it".
    static let spreadTolerance = 1e-9

    static let coherenceCircuit = VerdictRule(
        "P(|1⟩) of the seed's circuit on its own simulator: contradicted when it lies > \(formatRuleNumber(sigmas))σ from "
            + "\(formatRuleNumber(claimedP1)) and the seed's T2 values move it by < \(formatRuleNumber(spreadTolerance)); else inconclusive",
        measuring: [CoherenceKey.p1SeedScript, CoherenceKey.p1SpreadOverT2, CoherenceKey.t1For15Percent, CoherenceKey.t2For15PercentContrast]
    ) { e in
        guard let p1 = e[CoherenceKey.p1SeedScript], let err = p1.error, err > 0, let spread = e[CoherenceKey.p1SpreadOverT2] else {
            return .inconclusive("the circuit was not run")
        }
        let deviation = abs(p1.value - claimedP1) / err
        let t1 = e[CoherenceKey.t1For15Percent]?.value ?? .nan, t2 = e[CoherenceKey.t2For15PercentContrast]?.value ?? .nan
        let summary =
            "P(|1⟩) = \(p1.formatted), \(formatRuleNumber(deviation))σ from \(formatRuleNumber(claimedP1)); spread over the seed's T2 "
            + "values \(formatRuleNumber(spread.value)); 15% needs T1 = \(formatRuleNumber(t1)) ps (unstated), or is the Ramsey contrast at T2 = \(formatRuleNumber(t2)) ps"
        if deviation > sigmas && spread.value < spreadTolerance { return .contradicted(summary) }
        return .inconclusive(summary)
    }
}
