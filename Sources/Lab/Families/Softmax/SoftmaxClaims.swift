// Claims that softmax attention is a Gibbs/Born distribution (seed 003).

extension ClaimRegistry {
    static let thermodynamics: [Claim] = [
        Claim(id: "softmax.gibbs-identity", seed: Seed.bornRule, section: "Theorem (softmax with temperature τ)",
              statement: "Softmax with temperature τ is the Gibbs (thermal Born) distribution with energies E = −score and β = 1/τ.",
              claimed: "α_i = exp(−βE_i)/Z exactly; F = U − S/β",
              experiment: GibbsIdentityExperiment.id,
              evidence: .identity, rule: VerdictRule.allOf([
                  .atMost("gibbs.softmax-deviation", 1),
                  .atMost("gibbs.free-energy-identity", 1e-12),
                  .atMost("gibbs.born-amplitudes", 1e-12),
                  .atMost("gibbs.thermal-density-born", 1e-9),
              ]).requiringSamples(100, of: "gibbs.softmax-deviation")),
        Claim(id: "softmax.max-entropy", seed: Seed.bornRule, section: "Maximum entropy derivation",
              statement: "Among distributions with the same expected score, softmax has maximal entropy.",
              claimed: "H(softmax) ≥ H(p) for every p with the same ⟨E⟩",
              experiment: MaxEntropyExperiment.id,
              evidence: .identity, rule: VerdictRule.allOf([
                  .atMost("maxent.entropy-excess", 1e-12),
                  .atMost("maxent.constraint-residual", 1e-12),
                  .atMost("maxent.solved-softmax-distance", 1),
              ]).requiringSamples(1000, of: "maxent.entropy-excess")),
    ]
}

extension ExperimentRegistry {
    static let thermodynamics: [any Experiment] = [GibbsIdentityExperiment(), MaxEntropyExperiment()]
}
