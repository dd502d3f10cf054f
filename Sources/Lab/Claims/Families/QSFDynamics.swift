// Claims about the learned Koopman dynamics and the Gaussian measurement picture (seed 001 §II–X).

extension ClaimRegistry {
    static let qsfDynamics: [Claim] = [
        Claim(id: "qsf.spectrum-annulus", seed: Seed.pathIntegral, section: "§III.1, §XII, §XII.1",
              statement: "The trained Koopman operators have eigenvalues on both sides of the unit circle, supported on an annulus.",
              claimed: "|λ| from 0.3 to 27.9; decay, neutral and growth modes all present",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.net-dissipation", seed: Seed.pathIntegral, section: "§III.2–III.3, Eqs. 6–9",
              statement: "Each learned generator is net dissipative: Tr D < 0, so total growth is funded by total decay.",
              claimed: "Tr D < 0; Σ growth rates < |Σ decay rates|",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.gamma", seed: Seed.pathIntegral, section: "§XI.3, §XI.5",
              statement: "The learned measurement strengths γ_l all exceed 1, rise with depth, and converge before the loss plateaus.",
              claimed: "γ in 1.05–1.35, all > 1, increasing with depth, stable by mid-training",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.norm-stability", seed: Seed.pathIntegral, section: "§IV.4",
              statement: "Final-layer hidden-state norms stay bounded despite growth modes.",
              claimed: "mean 1.02, std 0.08, none > 1.5",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.semantic-sparsity", seed: Seed.pathIntegral, section: "§IV.2",
              statement: "The largest-|λ| modes are excited mostly by paragraph/sentence ends and discourse markers, and rarely by typical tokens.",
              claimed: "top tokens of high-|λ| modes are boundaries/discourse markers; low activation probability",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.hamiltonian-unit-circle", seed: Seed.pathIntegral, section: "§XII.1",
              statement: "In the Hamiltonian ablation (Stage IV) every Koopman eigenvalue lies on the unit circle.",
              claimed: "|λ| = 1 for all eigenvalues",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.propagator-exact", seed: Seed.pathIntegral, section: "§IX, Eqs. 56–59; §X",
              statement: "The closed-form Gaussian propagator (mean and covariance) is exact for the measured linear dynamics within a token interval.",
              claimed: "closed form = ensemble of the SDE, no approximation",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.gaussian-closure", seed: Seed.pathIntegral, section: "§V.1, §V.4, Eq. 59",
              statement: "Bayesian fusion with a Gaussian measurement keeps the state Gaussian, so chained Koopman prediction and measurement updates are exact.",
              claimed: "posterior precision Λ + WᵀW/σ²; chained updates = batch conditioning",
              experiment: nil, rule: .pending),
        Claim(id: "qsf.sse-norm", seed: Seed.pathIntegral, section: "§VII, Eq. 43",
              statement: "The normalisation drift term of the stochastic Schrödinger equation keeps the state normalised.",
              claimed: "‖ψ‖ = 1 maintained",
              experiment: nil, rule: .pending),
    ]
}

extension ExperimentRegistry {
    static let qsfDynamics: [any Experiment] = []
}
