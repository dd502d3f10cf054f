/// The models `qsf.pipeline` trains (seed 001 §XI.4, Table 2), by the name of their checkpoint.
public enum QSFStage: String, CaseIterable, Sendable {
    case transformer, fnet, koopman, qsf, hamiltonian
    /// Stage III trained without LayerNorm annealing, from the same Stage II weights and batches.
    case qsfNoAnneal = "qsf-no-anneal"
    /// The transformer trained on Stage III's cumulative three budgets.
    case transformer3x = "transformer-3x"

    /// The stage as the seed names it ("Stage III"), for verdicts and errors.
    public var title: String {
        switch self {
        case .transformer: "the transformer baseline"
        case .fnet: "Stage I"
        case .koopman: "Stage II"
        case .qsf: "Stage III"
        case .hamiltonian: "Stage IV"
        case .qsfNoAnneal: "the unannealed Stage III twin"
        case .transformer3x: "the three-budget transformer"
        }
    }
}

/// The measurement keys of `qsf.pipeline`, shared by the experiment and the training claims' rules.
public enum QSFTrainingKey {
    /// Validation loss of a stage over the whole validation stream (nats/token).
    public static func loss(_ s: QSFStage) -> MeasurementKey { MeasurementKey("loss", s.rawValue) }
    public static func parameters(_ s: QSFStage) -> MeasurementKey { MeasurementKey("params", s.rawValue) }
    public static func bitsPerByte(_ s: QSFStage) -> MeasurementKey { MeasurementKey("bitsPerByte", s.rawValue) }
    /// Tokens/s of the stage's own training (median step); for the Table 2 analogue, not for a verdict.
    public static func trainingTokensPerSecond(_ s: QSFStage) -> MeasurementKey { MeasurementKey("tokensPerSecond", s.rawValue) }
    /// Validation windows whose loss exceeds ln V (worse than a uniform guess); pooled as a sum.
    public static func blownUpWindows(_ s: QSFStage) -> MeasurementKey { MeasurementKey("blownUpWindows", s.rawValue) }

    /// 1 when the stage's training diverged (no loss, window or comparison keys then); pooled as
    /// a sum, the number of seeds in which it diverged. Absent when it trained.
    public static func diverged(_ s: QSFStage) -> MeasurementKey { MeasurementKey("diverged", s.rawValue) }
    /// The step (from 1) at which the stage diverged; pooled as the minimum, the earliest.
    public static func divergedStep(_ s: QSFStage) -> MeasurementKey { MeasurementKey("divergedStep", s.rawValue) }
    /// 1 when that step was in the stage's LayerNorm annealing, 0 before it; pooled as a sum.
    public static func divergedDuringAnnealing(_ s: QSFStage) -> MeasurementKey { MeasurementKey("divergedDuringAnnealing", s.rawValue) }

    /// Relative paired change T(L_a − L_b)/T(L_b) over validation windows (`PairedWindowComparison`).
    public static func relativeChange(_ a: QSFStage, _ b: QSFStage) -> MeasurementKey {
        MeasurementKey("relativeChange", "\(a.rawValue)-\(b.rawValue)")
    }
    /// Plain mean of L_a − L_b over validation windows (nats/token), reported beside the trimmed change.
    public static func meanDifference(_ a: QSFStage, _ b: QSFStage) -> MeasurementKey {
        MeasurementKey("meanDifference", "\(a.rawValue)-\(b.rawValue)")
    }

    /// Tokens/s of a stage's training step, timed interleaved with the others (`StepThroughput`).
    public static func stepTokensPerSecond(_ s: QSFStage) -> MeasurementKey { MeasurementKey("stepTokensPerSecond", s.rawValue) }
    /// Ratio of two stages' step tokens/s, from the same rounds of interleaved timing.
    public static func stepThroughputRatio(_ a: QSFStage, _ b: QSFStage) -> MeasurementKey {
        MeasurementKey("stepThroughputRatio", "\(a.rawValue)-\(b.rawValue)")
    }

    /// The comparisons the pipeline reports, (a, b) for a − b.
    static let comparisons: [(QSFStage, QSFStage)] = [
        (.qsf, .transformer), (.koopman, .transformer), (.fnet, .transformer), (.fnet, .koopman), (.fnet, .qsf),
        (.hamiltonian, .qsf), (.qsf, .qsfNoAnneal), (.qsfNoAnneal, .transformer), (.qsf, .transformer3x),
    ]

    // The keys the rules read.
    public static let qsfVsTransformer = relativeChange(.qsf, .transformer)
    public static let koopmanVsTransformer = relativeChange(.koopman, .transformer)
    public static let fnetVsTransformer = relativeChange(.fnet, .transformer)
    public static let fnetVsKoopman = relativeChange(.fnet, .koopman)
    public static let fnetVsQSF = relativeChange(.fnet, .qsf)
    public static let hamiltonianVsQSF = relativeChange(.hamiltonian, .qsf)
    public static let annealedVsUnannealed = relativeChange(.qsf, .qsfNoAnneal)
    public static let unannealedVsTransformer = relativeChange(.qsfNoAnneal, .transformer)
    public static let qsfVsTransformer3x = relativeChange(.qsf, .transformer3x)
    public static let hamiltonianMeanDifference = meanDifference(.hamiltonian, .qsf)
    public static let qsfThroughput = stepThroughputRatio(.qsf, .transformer)
    public static let hamiltonianThroughput = stepThroughputRatio(.hamiltonian, .qsf)
    /// Parameters of Stage III over the transformer's (the baseline is sized to match).
    public static let parametersRatio = MeasurementKey("paramsRatio.qsf-transformer")
}
