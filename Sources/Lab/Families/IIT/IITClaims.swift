import Foundation

// iit.*: integrated information (seed 000 §5.1). The claim is untestable as stated (the rule
// below says why in numbers; docs/CLAIMS.md, "iit.phi", in words). `IntegratedInformationExperiment`
// validates the Φ machinery on systems with known answers; `KoopmanPhiExperiment` (report
// `KoopmanPhiReport`) measures Φ of trained Koopman layers as context.

extension ClaimFamily {
    static let iit = ClaimFamily(
        claims: [
            Claim(
                id: "iit.phi", seed: Seed.symmetryBreaking, section: "§5.1",
                statement: "Integrated information exceeds 50 bits at 175B parameters.",
                claimed: "Φ > 50 bits at 175B parameters",
                experiment: KoopmanPhiExperiment.experimentID, evidence: .trainedModel,
                scope: .seedModels(quote: "§5.1: \"Achieves Φ > 50 bits (human-level integration) at 175B parameters\"", scale: SeedModelScale.gpt3),
                rule: IITRules.phi)
        ],
        experiments: [IntegratedInformationExperiment(), KoopmanPhiExperiment()])
}

/// The measurements the Φ rule reads.
enum PhiKey {
    /// Two coupled nodes (analytic 0.5 bits) and two disconnected blocks (exact 0), carried over
    /// from `IntegratedInformationExperiment`.
    static let twoNode = MeasurementKey("validation.phi.two-node")
    static let disconnected = MeasurementKey("validation.phi.disconnected")
    /// The largest Φ measured on a trained Koopman layer (pooled: the largest over seeds).
    static let maxBits = MeasurementKey("koopman-phi.max-bits")
}

/// The verdict rule of `iit.phi`.
enum IITRules {
    /// Variables up to which Φ is computed exhaustively (2^{n−1} − 1 bipartitions).
    static let exhaustiveLimit = 16

    static let phi = VerdictRule(
        "untestable as stated: Φ of a 175B-parameter model is not computable and the seed gives no method",
        measuring: [PhiKey.twoNode, PhiKey.disconnected, PhiKey.maxBits]
    ) { e in
        func text(_ key: MeasurementKey) -> String { e[key]?.formatted ?? "not measured" }
        return .untestable(
            "the seed states no units, dynamics, partition scheme or estimator for its 50 bits; exact Φ over n units "
                + "scores 2^(n−1) − 1 bipartitions (exhaustive here up to n = \(exhaustiveLimit)). Validation: two coupled nodes "
                + "\(text(PhiKey.twoNode)) bits (analytic 0.5), disconnected blocks \(text(PhiKey.disconnected)) bits (exact 0). "
                + "Largest Φ of a trained Koopman layer: \(text(PhiKey.maxBits)) bits.")
    }
}
