// Claims about quantum probability flow, Hebbian memory and annealer forward maps (seed 004).

extension ClaimRegistry {
    static let qpf: [Claim] = [
        Claim(id: "qpf.softmax-hebbian", seed: Seed.quantumProbabilityFlow, section: "Abstract; Methodology",
              statement: "The gradient of the imaginary-time leakage free energy is a softmax-weighted Hebbian update.",
              claimed: "∇F = softmax-weighted outer products (exact identity)",
              experiment: nil, rule: .pending),
        Claim(id: "qpf.real-time-lorentzian", seed: Seed.quantumProbabilityFlow, section: "Key results",
              statement: "Real-time coherent dynamics weight leakage channels by a power law (Lorentzian) in the energy gap.",
              claimed: "weights ∝ Γ²/(Γ² + Δ²)",
              experiment: nil, rule: .pending),
        Claim(id: "qpf.forward-map-softmax", seed: Seed.quantumProbabilityFlow, section: "Key results (D-Wave tests)",
              statement: "Sampled one-hot forward maps are better fitted by a softmax than by a Lorentzian power law.",
              claimed: "KL(softmax fit) < KL(Lorentzian fit)",
              experiment: nil, rule: .pending),
        Claim(id: "qpf.fast-anneal-slope", seed: Seed.quantumProbabilityFlow, section: "Key results (fast anneal)",
              statement: "Faster anneals lower the fitted softmax slope without improving the global KL.",
              claimed: "fitted slope decreases with shorter anneals",
              experiment: nil, rule: .pending),
        Claim(id: "qpf.capacity", seed: Seed.quantumProbabilityFlow, section: "beyond the seed (SPEC §7)",
              statement: "How the QPF learning rules' storage capacity compares with Hebbian learning's 0.138 N.",
              claimed: "(open question; Hebbian reference 0.138 N)",
              experiment: nil, rule: .pending),
    ]
}

extension ExperimentRegistry {
    static let qpf: [any Experiment] = []
}
