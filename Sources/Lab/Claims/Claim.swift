/// A measurable statement from one of the seed documents.
///
/// The registry (`ClaimRegistry`) holds one `Claim` per id. A claim names the experiment that
/// measures it and the rule that turns that experiment's measurements into a verdict.
public struct Claim: Sendable {
    /// Stable identifier, "<family>.<name>", e.g. "kpz.exponents".
    public let id: String
    /// Seed file the claim comes from, e.g. "000_acbaf190f49b9f92.txt".
    public let seed: String
    /// Section, table or equation within the seed, e.g. "§2.1, table".
    public let section: String
    /// The claim in one sentence.
    public let statement: String
    /// The value(s) the seed states, with its uncertainty, as text ("α 0.48 ± 0.03 …").
    public let claimed: String
    /// Id of the experiment that measures it; nil while not yet implemented.
    public let experiment: String?
    /// How measurements become a verdict.
    public let rule: VerdictRule
    /// What kind of evidence decides it: an identity, a simulation or a trained model.
    public let evidence: EvidenceKind
    /// For trained-model claims: whether the seed states it universally or about its own models
    /// (with their scale). Nil for identities and simulations.
    public let scope: ClaimScope?

    public init(
        id: String, seed: String, section: String, statement: String, claimed: String,
        experiment: String?, evidence: EvidenceKind, scope: ClaimScope? = nil, rule: VerdictRule
    ) {
        self.id = id
        self.seed = seed
        self.section = section
        self.statement = statement
        self.claimed = claimed
        self.experiment = experiment
        self.evidence = evidence
        self.scope = scope
        self.rule = rule
    }

    /// The rule's verdict on one set of measurements (pooled over seeds, or one seed's).
    public func verdict(_ evidence: Evidence) -> Verdict {
        guard experiment != nil else { return .notImplemented }
        return rule.judge(evidence)
    }

    /// The scale of the seed's own models, when the claim is stated about them.
    public var seedScale: ModelScale? {
        if case .seedModels(_, let scale) = scope { return scale }
        return nil
    }
}

/// What a verdict rule sees: the measurements of the claim's experiment and the scale it ran at.
public struct Evidence: Sendable {
    public var measurements: [String: Measurement]
    public var scale: Scale
    /// The trained model the measurements come from, when there is one.
    public var trainedScale: ModelScale?

    public init(measurements: [String: Measurement], scale: Scale, trainedScale: ModelScale? = nil) {
        self.measurements = measurements
        self.scale = scale
        self.trainedScale = trainedScale
    }

    public subscript(_ name: String) -> Measurement? { measurements[name] }
}

/// A rule from measurements to a verdict, with a description for the report.
public struct VerdictRule: Sendable {
    /// The rule in words, shown in the report ("β within 2σ of 0.34 ± 0.02").
    public let description: String
    public let judge: @Sendable (Evidence) -> Verdict
    /// Names of the measurements the rule reads; the report shows them beside the verdict.
    public var measurementNames: [String] = []

    public init(_ description: String, judge: @escaping @Sendable (Evidence) -> Verdict) {
        self.description = description
        self.judge = judge
    }

    /// A rule that names the measurements it reads (shown in the claims table).
    public init(_ description: String, measuring names: [String], judge: @escaping @Sendable (Evidence) -> Verdict) {
        self.description = description
        self.judge = judge
        self.measurementNames = names
    }
}

/// How big an experiment runs.
public enum Scale: String, Sendable, Codable, CaseIterable, Comparable {
    /// Seconds; used by the test suite. Verdicts at this scale are rarely conclusive.
    case smoke
    /// Minutes on 2 cores; what `make run` uses.
    case quick
    /// About two hours on 2 cores: trained models within ten times the seed's (the scale gate,
    /// docs/CLAIMS.md "Scale"). Only the trained models grow: simulations and identity checks run
    /// at quick's sizes, so that the trained models get the budget; `paper` grows everything.
    case small
    /// The seed's own configuration where one is stated.
    case paper

    public static func < (a: Scale, b: Scale) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// A simulation's or identity check's size at this scale: `small` grows only the trained
    /// models, so a simulation runs there at `quick`'s size. Trained-model sizes switch on the
    /// scale themselves.
    public func simulation<T>(smoke: T, quick: T, paper: T) -> T {
        switch self {
        case .smoke: smoke
        case .quick, .small: quick
        case .paper: paper
        }
    }
}
