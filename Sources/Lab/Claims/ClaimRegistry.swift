/// One claim family: the claims of one prefix and the experiments that measure them, declared
/// together in the family's folder under Families/ (`extension ClaimFamily { static let … }`).
struct ClaimFamily: Sendable {
    let claims: [Claim]
    let experiments: [any RegisteredExperiment]
}

/// Every claim attnlab knows, by family.
public enum ClaimRegistry {
    /// The families, in report order: the one list both registries read.
    static var families: [ClaimFamily] {
        [.qsfTraining, .qsfDynamics, .softmax, .attn, .kuramoto, .nnqft, .kpz, .entanglement, .criticality, .iit, .hardware, .qpf]
    }

    /// All claims, in report order.
    public static var all: [Claim] { families.flatMap(\.claims) }

    /// The claim with this id, or nil.
    public static func claim(_ id: String) -> Claim? { all.first { $0.id == id } }
}

/// Every experiment attnlab can run, by family (declared with the claims they measure).
public enum ExperimentRegistry {
    public static var all: [any Experiment] { ClaimRegistry.families.flatMap(\.experiments) }

    public static func experiment(_ id: String) -> (any Experiment)? { all.first { $0.id == id } }
}

extension VerdictRule {
    /// The rule of a claim whose experiment does not exist yet.
    public static let pending = VerdictRule("defined with its experiment") { _ in .notImplemented }
}

/// Seed file names, as in shared/seeds/README.md.
public enum Seed {
    public static let symmetryBreaking = "000_acbaf190f49b9f92.txt"
    public static let pathIntegral = "001_fdb9747a7763c2e9.txt"
    public static let nnqft = "002_6708ba561f8f79d1.txt"
    public static let bornRule = "003_454d2ec6474d7a72.txt"
    public static let quantumProbabilityFlow = "004_5b6960ae7a8b95ee.txt"
}
