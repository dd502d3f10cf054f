import Foundation

// hardware.*: the seed's one-qubit "tensor-core coherence" circuit (seed 000 §4.1). The rule is
// below; the measurement is `CoherenceCircuitExperiment`. Why the rule is what it is:
// docs/CLAIMS.md, "hardware.coherence-circuit".

extension ClaimRegistry {
    static let hardware: [Claim] = [
        Claim(id: "hardware.coherence-circuit", seed: Seed.symmetryBreaking, section: "§4.1, proof-of-concept protocol",
              statement: "The one-qubit circuit (H, 300 ps delay, measure) shows about 15% |1⟩ survival, evidencing GPU tensor-core coherence.",
              claimed: "~15% |1⟩ after 300 ps; T2 150–300 ps at 300 K",
              experiment: CoherenceCircuitExperiment.experimentID, evidence: .simulation, rule: HardwareRules.coherenceCircuit),
    ]
}

extension ExperimentRegistry {
    static let hardware: [any Experiment] = [CoherenceCircuitExperiment()]
}

/// The verdict rule of `hardware.coherence-circuit`.
enum HardwareRules {
    static let coherenceCircuit = VerdictRule(
        "P(|1⟩) of the seed's circuit on its own simulator against 15%, and whether T2 can change it at all",
        measuring: ["p1.seed-script", "p1.spread-over-t2", "t1.for-15-percent", "t2.for-15-percent-contrast"]
    ) { e in
        guard let p1 = e["p1.seed-script"], let err = p1.error, let spread = e["p1.spread-over-t2"] else {
            return .inconclusive("the circuit was not run")
        }
        let deviation = abs(p1.value - 0.15) / err
        let t1 = e["t1.for-15-percent"]?.value ?? .nan, t2 = e["t2.for-15-percent-contrast"]?.value ?? .nan
        if deviation > 5 && spread.value < 1e-9 {
            return .contradicted(String(format: "the seed's circuit on the seed's noiseless simulator gives P(|1⟩) = %.3f ± %.3f (1000 shots), %.0fσ from 0.15; under any T1/T2 channel P(|1⟩) after H and a delay is ½e^{−τ/T1}, unchanged by T2 (spread over the seed's T2 values %.1e), so the circuit cannot show T2 coherence at all. 15%% would need an unstated T1 = %.0f ps; it matches instead the Ramsey contrast e^{−τ/T2} for T2 = %.0f ps — a coherence, measured by H–delay–H, not a |1⟩ population. And a tensor core has no qubit to measure.", p1.value, err, deviation, spread.value, t1, t2))
        }
        return .inconclusive(String(format: "P(|1⟩) = %.3f ± %.3f is within 5σ of 0.15 or depends on T2 (spread %.2e)", p1.value, err, spread.value))
    }
}
