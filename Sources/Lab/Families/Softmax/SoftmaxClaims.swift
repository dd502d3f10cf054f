// Claims that softmax attention is a Gibbs/Born distribution (seed 003). Both are mathematical
// identities: a reproduced verdict checks attnlab's numerics, not a property of attention
// (docs/CLAIMS.md, "softmax.gibbs-identity").

/// The measurements of the softmax identities, shared by the experiments and the rules.
enum SoftmaxKey {
    // GibbsIdentityExperiment: worst deviations over the logit sets (pooled as the worst seed).
    static let softmaxDeviation = MeasurementKey("gibbs.softmax-deviation")
    static let softmaxAbsoluteDeviation = MeasurementKey("gibbs.softmax-abs-deviation")
    static let freeEnergyIdentity = MeasurementKey("gibbs.free-energy-identity")
    static let bornAmplitudes = MeasurementKey("gibbs.born-amplitudes")
    static let thermalDensityBorn = MeasurementKey("gibbs.thermal-density-born")
    // MaxEntropyExperiment.
    static let entropyExcess = MeasurementKey("maxent.entropy-excess")
    static let violations = MeasurementKey("maxent.violations")
    static let constraintResidual = MeasurementKey("maxent.constraint-residual")
    static let solvedSoftmaxDistance = MeasurementKey("maxent.solved-softmax-distance")
    static let solvedSoftmaxTV = MeasurementKey("maxent.solved-softmax-tv")
    static let solverResidual = MeasurementKey("maxent.solver-residual")
    static let medianRelativeDeficit = MeasurementKey("maxent.median-relative-deficit")
}

extension ClaimFamily {
    static let softmax = ClaimFamily(
        claims: [
            Claim(
                id: "softmax.gibbs-identity", seed: Seed.bornRule, section: "Theorem (softmax with temperature τ)",
                statement: "Softmax with temperature τ is the Gibbs (thermal Born) distribution with energies E = −score and β = 1/τ.",
                claimed: "α_i = exp(−βE_i)/Z exactly; F = U − S/β",
                experiment: GibbsIdentityExperiment.experimentID,
                evidence: .identity,
                rule: VerdictRule.allOf([
                    .atMost(SoftmaxKey.softmaxDeviation.name, 1),
                    .atMost(SoftmaxKey.freeEnergyIdentity.name, 1e-12),
                    .atMost(SoftmaxKey.bornAmplitudes.name, 1e-12),
                    .atMost(SoftmaxKey.thermalDensityBorn.name, 1e-9),
                ]).requiringSamples(100, of: SoftmaxKey.softmaxDeviation.name)),
            Claim(
                id: "softmax.max-entropy", seed: Seed.bornRule, section: "Maximum entropy derivation",
                statement: "Among distributions with the same expected score, softmax has maximal entropy.",
                claimed: "H(softmax) ≥ H(p) for every p with the same ⟨E⟩",
                experiment: MaxEntropyExperiment.experimentID,
                evidence: .identity,
                rule: VerdictRule.allOf([
                    .atMost(SoftmaxKey.entropyExcess.name, 1e-12),
                    .atMost(SoftmaxKey.constraintResidual.name, 1e-12),
                    .atMost(SoftmaxKey.solvedSoftmaxDistance.name, 1),
                ]).requiringSamples(1000, of: SoftmaxKey.entropyExcess.name)),
        ],
        experiments: [GibbsIdentityExperiment(), MaxEntropyExperiment()])
}
