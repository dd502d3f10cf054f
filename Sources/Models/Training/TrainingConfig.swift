/// How a model is trained (SPEC.md §1.3). Every field has a default; `validate()` names a bad one.
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// Optimizer steps.
    public var steps: Int = 200
    /// B: sequences per micro-batch.
    public var batchSize: Int = 16
    /// T: tokens per sequence (≤ the model's context).
    public var contextLength: Int = 64
    /// Micro-batches whose gradients are averaged per step (on each rank).
    public var accumulation: Int = 1
    /// N: data-parallel ranks (`mpirun -np N`; nil: one process). A step averages the gradients
    /// of N × accumulation micro-batches, so N ranks train exactly as one process with
    /// accumulation N × `accumulation`. Absent from config.json for one process.
    public var ranks: Int?
    /// R: data-parallel replicas inside the process (nil: one). Each micro-batch is split into R
    /// shards of B / R sequences whose forward and backward passes run side by side on R worker
    /// threads, each on its own tape with single-threaded kernels; their gradients are summed in
    /// replica order. For small models, whose kernels are too small to split well over threads.
    /// The arithmetic depends on R (the summation order of the gradients), never on the thread
    /// count: with fewer threads than R the shards run in turn. Absent from config.json for one.
    public var replicas: Int?
    /// Peak learning rate of the OneCycle schedule.
    public var maxLearningRate: Double = 3e-3
    /// Fraction of steps spent warming up (OneCycle `pct_start`).
    public var warmupFraction: Double = 0.3
    /// Decoupled weight decay, applied to matrices only.
    public var weightDecay: Double = 0.1
    /// Global gradient-norm clip (0 disables).
    public var clipNorm: Double = 1.0
    /// Fraction of the final steps over which LayerNorm is annealed to frozen linear scaling (0: never).
    public var layerNormAnnealFraction: Double = 0
    /// Steps between validation evaluations (0: only at the end).
    public var evalInterval: Int = 50
    /// Validation batches per evaluation (0: the whole validation stream).
    public var evalBatches: Int = 8
    /// Steps between checkpoints (0: only at the end).
    public var checkpointInterval: Int = 0
    /// Steps between log lines.
    public var logInterval: Int = 10
    /// Seed of the batch order (each step draws from its own stream, so resuming is exact).
    public var seed: UInt64 = 0

    public init() {}

    /// N (1 for one process).
    public var rankCount: Int { ranks ?? 1 }

    /// R (1 without replicas).
    public var replicaCount: Int { replicas ?? 1 }

    /// Tokens of one optimizer step over all ranks: N × accumulation × B × T.
    public var tokensPerStep: Int { rankCount * accumulation * batchSize * contextLength }

    public func validate() throws {
        func require(_ ok: Bool, _ field: String, _ expected: String) throws {
            if !ok { throw TrainingError.invalidConfig(field: field, expected: expected) }
        }
        try require(steps > 0, "steps", "a positive number of steps, got \(steps)")
        try require(batchSize > 0, "batchSize", "a positive batch size, got \(batchSize)")
        try require(contextLength > 0, "contextLength", "a positive context length, got \(contextLength)")
        try require(accumulation > 0, "accumulation", "at least 1, got \(accumulation)")
        try require(rankCount > 0, "ranks", "at least 1, got \(rankCount)")
        try require(replicaCount > 0, "replicas", "at least 1, got \(replicaCount)")
        try require(
            batchSize % replicaCount == 0, "replicas",
            "a divisor of the batch size \(batchSize) (each replica trains on B / R sequences), got \(replicaCount)")
        try require(
            replicaCount == 1 || layerNormAnnealFraction == 0, "replicas",
            "1 when LayerNorm is annealed (its statistics are measured on whole batches), got \(replicaCount)")
        try require(maxLearningRate > 0 && maxLearningRate.isFinite, "maxLearningRate", "a positive learning rate, got \(maxLearningRate)")
        try require(warmupFraction > 0 && warmupFraction < 1, "warmupFraction", "a fraction in (0, 1), got \(warmupFraction)")
        try require(weightDecay >= 0 && weightDecay.isFinite, "weightDecay", "a finite non-negative decay, got \(weightDecay)")
        try require(clipNorm >= 0 && clipNorm.isFinite, "clipNorm", "a finite non-negative norm, got \(clipNorm)")
        try require(
            layerNormAnnealFraction >= 0 && layerNormAnnealFraction < 1, "layerNormAnnealFraction",
            "a fraction in [0, 1), got \(layerNormAnnealFraction)")
        try require(
            evalInterval >= 0 && evalBatches >= 0 && checkpointInterval >= 0 && logInterval >= 0,
            "evalInterval/evalBatches/checkpointInterval/logInterval", "non-negative values")
    }

    /// First step of LayerNorm annealing (== steps when there is none).
    public var annealStart: Int { steps - Int((Double(steps) * layerNormAnnealFraction).rounded()) }

    /// α of the annealing at a step: 0 before `annealStart`, ramping linearly to 1 at the last step.
    public func annealing(at step: Int) -> Double {
        let start = annealStart
        guard step >= start, start < steps else { return 0 }
        let span = Swift.max(1, steps - 1 - start)
        return Swift.min(1, Double(step - start + 1) / Double(span + 1))
    }
}

public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(field: String, expected: String)
    /// `step` counts from 1, as the metrics records do: the step whose loss is not finite.
    case nonFiniteLoss(step: Int, loss: Double, checkpoint: String?)
    case nonFiniteGradient(step: Int, parameter: String, index: Int, checkpoint: String?)
    /// The update of step `step` left a weight non-finite.
    case nonFiniteWeights(step: Int, parameter: String, index: Int, checkpoint: String?)
    case dataTooShort(split: String, tokens: Int, needed: Int)
    case checkpointMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfig(let field, let expected): "training config: \(field): expected \(expected)"
        case .nonFiniteLoss(let step, let loss, let checkpoint):
            "training diverged at step \(step): its loss is \(loss.isNaN ? "NaN" : "\(loss)")" + Self.kept(checkpoint)
        case .nonFiniteGradient(let step, let parameter, let index, let checkpoint):
            "training diverged at step \(step): the gradient of \(parameter) is not finite (element \(index))" + Self.kept(checkpoint)
        case .nonFiniteWeights(let step, let parameter, let index, let checkpoint):
            "training diverged at step \(step): its update left \(parameter) not finite (element \(index)); is the learning rate too large?"
                + Self.kept(checkpoint)
        case .dataTooShort(let split, let tokens, let needed):
            "the \(split) stream has \(tokens) tokens; a context of \(needed - 1) tokens needs at least \(needed)"
        case .checkpointMismatch(let path, let reason): "\(path): \(reason)"
        }
    }

    /// The step at which training diverged (a non-finite loss, gradient or weight), nil for the
    /// errors that are not a divergence.
    public var divergedStep: Int? {
        switch self {
        case .nonFiniteLoss(let step, _, _), .nonFiniteGradient(let step, _, _, _), .nonFiniteWeights(let step, _, _, _): step
        case .invalidConfig, .dataTooShort, .checkpointMismatch: nil
        }
    }

    private static func kept(_ checkpoint: String?) -> String {
        checkpoint.map { "; the last good checkpoint is \($0)" } ?? "; no checkpoint was written before it"
    }
}
