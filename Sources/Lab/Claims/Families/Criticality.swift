// Claims about criticality in transformers (seed 000 §2, §4, §5).

extension ClaimRegistry {
    static let criticality: [Claim] = [
        Claim(id: "kpz.exponents", seed: Seed.symmetryBreaking, section: "§2.1, table",
              statement: "Attention logits roughen during training like a (1+1)-D KPZ surface.",
              claimed: "α 0.48 ± 0.03, β 0.34 ± 0.02, z 1.49 ± 0.05",
              experiment: nil, rule: .pending),
        Claim(id: "entanglement.log-law", seed: Seed.symmetryBreaking, section: "§4.2",
              statement: "The entanglement entropy of hidden states across head partitions grows logarithmically with sequence length.",
              claimed: "S_A ~ log L",
              experiment: nil, rule: .pending),
        Claim(id: "criticality.branching-one", seed: Seed.symmetryBreaking, section: "§5.1",
              statement: "Transformers operate at criticality with branching factor ≈ 1.",
              claimed: "η ≈ 1",
              experiment: nil, rule: .pending),
        Claim(id: "iit.phi", seed: Seed.symmetryBreaking, section: "§5.1",
              statement: "Integrated information exceeds 50 bits at 175B parameters.",
              claimed: "Φ > 50 bits at 175B parameters",
              experiment: nil, rule: .pending),
        Claim(id: "hardware.coherence-circuit", seed: Seed.symmetryBreaking, section: "§4.1, proof-of-concept protocol",
              statement: "The one-qubit circuit (H, 300 ps delay, measure) shows about 15% |1⟩ survival, evidencing GPU tensor-core coherence.",
              claimed: "~15% |1⟩ after 300 ps; T2 150–300 ps at 300 K",
              experiment: nil, rule: .pending),
    ]
}

extension ExperimentRegistry {
    static let criticality: [any Experiment] = []
}
