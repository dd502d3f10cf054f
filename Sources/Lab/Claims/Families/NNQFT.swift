// Claims about field theories defined by random attention heads (seed 002).

extension ClaimRegistry {
    static let nnqft: [Claim] = [
        Claim(id: "nnqft.inverse-heads", seed: Seed.nnqft, section: "Abstract",
              statement: "Summing N_h independent heads with 1/√N_h normalisation suppresses the connected 4-point function as 1/N_h.",
              claimed: "|G4c| ∝ N_h^−1",
              experiment: nil, rule: .pending),
        Claim(id: "nnqft.width-persistence", seed: Seed.nnqft, section: "Abstract",
              statement: "For a single head, non-Gaussian field statistics persist as d_k → ∞.",
              claimed: "single-head G4c stays finite as d_k grows",
              experiment: nil, rule: .pending),
        Claim(id: "nnqft.euclidean-kernel", seed: Seed.nnqft, section: "Abstract",
              statement: "Random-Fourier-feature token embeddings give a Euclidean-invariant two-point function.",
              claimed: "G2 invariant under translations and rotations; ≈ RFF kernel",
              experiment: nil, rule: .pending),
    ]
}

extension ExperimentRegistry {
    static let nnqft: [any Experiment] = []
}
