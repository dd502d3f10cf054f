// Claims about field theories defined by random attention heads (seed 002, Ageev & Ageeva,
// arXiv 2602.10209). Their rules are in NNQFTRules.swift, the measurement keys in
// NNQFTKeys.swift, the experiments beside them in this folder; docs/NNQFT.md explains the
// construction and the estimators, docs/CLAIMS.md the rules.

extension ClaimFamily {
    static let nnqft = ClaimFamily(
        claims: [
            Claim(
                id: "nnqft.inverse-heads", seed: Seed.nnqft, section: "Abstract",
                statement: "Summing N_h independent heads with 1/√N_h normalisation suppresses the connected 4-point function as 1/N_h.",
                claimed: "|G4c| ∝ N_h^−1 (exact for independent heads: a positive control)",
                experiment: NNQFTHeadsExperiment.experimentID, evidence: .identity, rule: NNQFTRules.inverseHeads),
            Claim(
                id: "nnqft.width-persistence", seed: Seed.nnqft, section: "Abstract",
                statement: "For a single head, non-Gaussian field statistics persist as d_k → ∞.",
                claimed: "single-head G4c stays finite as d_k grows",
                experiment: NNQFTWidthExperiment.experimentID, evidence: .simulation, rule: NNQFTRules.widthPersistence),
            Claim(
                id: "nnqft.euclidean-kernel", seed: Seed.nnqft, section: "Abstract",
                statement: "Random-Fourier-feature token embeddings give a Euclidean-invariant two-point function.",
                claimed: "G2 invariant under translations and rotations of the points (in law, by construction); built from the RFF kernel exp(−r²/2ℓ²)",
                experiment: NNQFTKernelExperiment.experimentID, evidence: .identity, rule: NNQFTRules.euclideanKernel),
        ],
        experiments: [NNQFTHeadsExperiment(), NNQFTWidthExperiment(), NNQFTKernelExperiment()])
}
