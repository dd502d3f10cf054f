// Claims about quantum probability flow, Hebbian memory and annealer forward maps (seed 004).
// Their rules are in QPFRules.swift, the measurement keys in QPFKeys.swift, the experiments
// beside them in this folder; docs/QPF.md explains the systems, docs/CLAIMS.md the rules.

extension ClaimFamily {
    static let qpf = ClaimFamily(
        claims: [
            Claim(
                id: "qpf.softmax-hebbian", seed: Seed.quantumProbabilityFlow, section: "Abstract; Methodology",
                statement: "The gradient of the imaginary-time leakage free energy is a softmax-weighted Hebbian update.",
                claimed: "∇F = softmax-weighted outer products (exact identity)",
                experiment: LeakageGradientExperiment.experimentID, evidence: .identity, rule: QPFRules.softmaxHebbian),
            Claim(
                id: "qpf.real-time-lorentzian", seed: Seed.quantumProbabilityFlow, section: "Key results",
                statement: "Real-time coherent dynamics weight leakage channels by a power law (Lorentzian) in the energy gap.",
                claimed: "weights ∝ Γ²/(Γ² + Δ²)",
                experiment: RealTimeLeakageExperiment.experimentID, evidence: .simulation, rule: QPFRules.realTimeLorentzian),
            Claim(
                id: "qpf.forward-map-softmax", seed: Seed.quantumProbabilityFlow, section: "Key results (D-Wave tests)",
                statement: "Sampled one-hot forward maps are better fitted by a softmax than by a Lorentzian power law.",
                claimed: "KL(softmax fit) < KL(Lorentzian fit)",
                experiment: ForwardMapExperiment.experimentID, evidence: .simulation, rule: QPFRules.forwardMapSoftmax),
            Claim(
                id: "qpf.fast-anneal-slope", seed: Seed.quantumProbabilityFlow, section: "Key results (fast anneal)",
                statement: "Faster anneals lower the fitted softmax slope without improving the global KL.",
                claimed: "fitted slope decreases with shorter anneals",
                experiment: ForwardMapExperiment.experimentID, evidence: .simulation, rule: QPFRules.fastAnnealSlope),
            Claim(
                id: "qpf.capacity", seed: Seed.quantumProbabilityFlow, section: "beyond the seed (SPEC §7)",
                statement: "How the QPF learning rules' storage capacity compares with Hebbian learning's 0.138 N (an open question).",
                claimed: "(open question; Hebbian reference 0.138 N)",
                experiment: CapacityExperiment.experimentID, evidence: .simulation, rule: QPFRules.capacity),
        ],
        experiments: [LeakageGradientExperiment(), RealTimeLeakageExperiment(), ForwardMapExperiment(), CapacityExperiment()])
}
