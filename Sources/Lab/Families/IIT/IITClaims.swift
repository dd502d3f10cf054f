import Foundation

// iit.*: integrated information (seed 000 §5.1). The claim is untestable as stated (the rule
// below says why in numbers; docs/CLAIMS.md, "iit.phi", in words). `IntegratedInformationExperiment`
// validates the Φ machinery on systems with known answers; `KoopmanPhiExperiment` (report
// `KoopmanPhiReport`) measures Φ of trained Koopman layers as context.

extension ClaimRegistry {
    static let iit: [Claim] = [
        Claim(id: "iit.phi", seed: Seed.symmetryBreaking, section: "§5.1",
              statement: "Integrated information exceeds 50 bits at 175B parameters.",
              claimed: "Φ > 50 bits at 175B parameters",
              experiment: KoopmanPhiExperiment.experimentID, evidence: .trainedModel, scope: .seedModels(quote: "§5.1: \"Achieves Φ > 50 bits (human-level integration) at 175B parameters\"", scale: SeedModelScale.gpt3),
              rule: IITRules.phi),
    ]
}

extension ExperimentRegistry {
    static let iit: [any Experiment] = [IntegratedInformationExperiment(), KoopmanPhiExperiment()]
}

/// The verdict rule of `iit.phi`.
enum IITRules {
    static func text(_ m: Measurement?) -> String { m.map { $0.formatted } ?? "not measured" }

    static let phi = VerdictRule(
        "untestable as stated: Φ of a 175B-parameter model is not computable and the seed gives no method",
        measuring: ["validation.phi.two-node", "validation.phi.disconnected", "koopman-phi.max-bits"]
    ) { e in
        let layers = e.measurements.filter { $0.key.hasPrefix("koopman-phi.") && $0.key.hasSuffix(".block-mean") }.sorted { $0.key < $1.key }
            .map { "\($0.key.dropFirst("koopman-phi.".count).dropLast(".block-mean".count)): \($0.value.formatted)" }
        let koopman = layers.isEmpty ? "" : " Trained Koopman layers (x_{t+1} = K x_t + ε, Σ_ε = I), mean Φ over sub-blocks of ≤ 16 coordinates in bits: \(layers.joined(separator: "; ")); largest Φ measured \(text(e["koopman-phi.max-bits"])) bits."
        return .untestable("Φ is defined by a minimum over all bipartitions of the system's units — 2^{n−1} − 1 of them for n units, so exact Φ is exponential in n, and a 175B-parameter model has n ≳ 10^5 units per token under any choice of units; the seed states neither the units, the dynamics (which x_{t+1} = K x_t + ε?), the partition scheme nor the estimator behind \"50 bits\", so the number cannot be recomputed or checked. The machinery works on small systems: two coupled nodes give Φ = \(text(e["validation.phi.two-node"])) bits (analytic 0.5), disconnected blocks \(text(e["validation.phi.disconnected"])) bits (exact 0), and exhaustive search covers up to 16 variables." + koopman)
    }
}
