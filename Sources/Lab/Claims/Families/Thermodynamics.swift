// Claims that softmax attention is a Gibbs/Born distribution (seed 003).

extension ClaimRegistry {
    static let thermodynamics: [Claim] = [
        Claim(id: "softmax.gibbs-identity", seed: Seed.bornRule, section: "Theorem (softmax with temperature τ)",
              statement: "Softmax with temperature τ is the Gibbs (thermal Born) distribution with energies E = −score and β = 1/τ.",
              claimed: "α_i = exp(−βE_i)/Z exactly; F = U − S/β",
              experiment: nil, rule: .pending),
        Claim(id: "softmax.max-entropy", seed: Seed.bornRule, section: "Maximum entropy derivation",
              statement: "Among distributions with the same expected score, softmax has maximal entropy.",
              claimed: "H(softmax) ≥ H(p) for every p with the same ⟨E⟩",
              experiment: nil, rule: .pending),
    ]
}

extension ExperimentRegistry {
    static let thermodynamics: [any Experiment] = []
}
