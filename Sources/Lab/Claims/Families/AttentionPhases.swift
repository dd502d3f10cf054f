// Claims about attention "phases" in temperature and d_k, and Kuramoto synchrony (seeds 000 §1, 003).

extension ClaimRegistry {
    static let attentionPhases: [Claim] = [
        Claim(id: "attn.dk-phases", seed: Seed.symmetryBreaking, section: "§1.1",
              statement: "At initialisation, small d_k gives uniform (symmetric) attention and large d_k gives sparse (broken-symmetry) attention.",
              claimed: "attention entropy falls from uniform to sparse as d_k grows",
              experiment: nil, rule: .pending),
        Claim(id: "attn.heat-capacity-peak", seed: Seed.symmetryBreaking, section: "§1; seed 003 temperature section",
              statement: "Attention undergoes a symmetric/broken transition in temperature, marked by a heat-capacity peak.",
              claimed: "a transition (peak in C(β)) between uniform and focused attention",
              experiment: nil, rule: .pending),
        Claim(id: "kuramoto.heads-locked", seed: Seed.bornRule, section: "Kuramoto locking section",
              statement: "Attention heads stay phase-locked throughout training.",
              claimed: "Kuramoto order parameter r = 1.000 throughout training",
              experiment: nil, rule: .pending),
    ]
}

extension ExperimentRegistry {
    static let attentionPhases: [any Experiment] = []
}
