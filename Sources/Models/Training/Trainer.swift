import Foundation
import TensorCore

/// Trains a language model: AdamW + OneCycle, gradient clipping and accumulation, LayerNorm
/// annealing, periodic evaluation and atomic checkpoints (SPEC.md §1.3).
///
/// Deterministic: step s draws its batches from `SeededRNG(seed).stream(s)`, so the same seed
/// and thread count give identical losses, and a run resumed from a checkpoint continues the
/// uninterrupted trajectory exactly.
///
/// Data-parallel over a `ProcessGroup` of N ranks (`mpirun -np N`): step s draws the same
/// N × accumulation micro-batches from the same stream on every rank, and rank r trains on
/// micro-batches r·accumulation ..< (r+1)·accumulation, seeding its backward pass with
/// 1 / (N × accumulation) as one process with accumulation N × accumulation would. The
/// gradients are then summed over ranks in one flat buffer (MPI_Allreduce) before clipping
/// and AdamW, so every rank applies the same update; data order and seeds do not depend on N.
/// Rank 0 alone writes checkpoints; every rank compares a hash of its weights with rank 0's
/// after each checkpoint and resume.
public final class Trainer {
    public let model: LanguageModel<Float>
    public let config: TrainingConfig
    /// The ranks training this model together (`config.rankCount` of them).
    public let group: ProcessGroup
    public let train: TokenDataset
    public let validation: TokenDataset
    public private(set) var optimizer: AdamW<Float>
    /// Steps completed.
    public private(set) var step = 0
    public private(set) var tokensSeen = 0
    /// Where checkpoints go (nil: none are written).
    public var checkpointFolder: URL?
    /// The last checkpoint written, if any.
    public private(set) var lastCheckpoint: URL?
    /// Receives every metrics record.
    public var onRecord: (TrainingRecord) -> Void = { _ in }
    /// Receives progress after every step.
    public var onProgress: (TrainingProgress) -> Void = { _ in }
    /// Polled after every step; true stops training after a checkpoint (e.g. on SIGINT).
    public var shouldStop: () -> Bool = { false }

    private let schedule: OneCycleSchedule
    private let tape = Tape<Float>()
    /// Whether a step runs with subnormals flushed to zero (`DenormalMode`; docs/BENCHMARKS.md).
    public var flushesDenormals = true
    /// Wall time of the first two steps of this run (warm-up), and of the most recent
    /// `timedStepWindow` steps after them (a ring, so the heap does not grow with the step count).
    private var warmupSeconds: [Double] = []
    private var stepSeconds: [Double] = []
    private var stepsTimed = 0
    static let timedStepWindow = 1024
    private var lastLoss = Double.nan
    /// Every parameter's gradient end to end, for the all-reduce (empty in a group of one).
    private var flatGradients: [Float] = []

    public init(
        model: LanguageModel<Float>, config: TrainingConfig, train: TokenDataset, validation: TokenDataset,
        group: ProcessGroup = .single
    ) throws {
        try config.validate()
        guard config.rankCount == group.size else {
            throw TrainingError.invalidConfig(field: "ranks", expected: "the job's \(group.size) rank(s), got \(config.rankCount)")
        }
        self.group = group
        guard config.contextLength <= model.config.contextLength else {
            throw TrainingError.invalidConfig(
                field: "contextLength",
                expected: "at most the model's context \(model.config.contextLength), got \(config.contextLength)")
        }
        guard train.vocabularySize <= model.config.vocabularySize else {
            throw TrainingError.invalidConfig(
                field: "vocabularySize",
                expected: "a model vocabulary ≥ the data's \(train.vocabularySize), got \(model.config.vocabularySize)")
        }
        for (name, data) in [("training", train), ("validation", validation)] where data.tokens.count <= config.contextLength {
            throw TrainingError.dataTooShort(split: name, tokens: data.tokens.count, needed: config.contextLength + 1)
        }
        self.model = model
        self.config = config
        if config.layerNormAnnealFraction > 0 { model.norms.forEach { $0.tracksStatistics = true } }
        self.train = train
        self.validation = validation
        optimizer = AdamW(weightDecay: config.weightDecay)
        schedule = OneCycleSchedule(maxLR: config.maxLearningRate, totalSteps: max(2, config.steps), pctStart: config.warmupFraction)
    }

    /// Continues from a checkpoint folder written by this trainer's configuration.
    public func resume(from folder: URL) throws {
        let manifest = try Checkpoint.restore(model: model, optimizer: &optimizer, from: folder)
        guard manifest.training == config else {
            throw TrainingError.checkpointMismatch(
                path: folder.appendingPathComponent(Checkpoint.configFile).path,
                reason: "was written with a different training configuration (\(Checkpoint.differences(manifest.training, config)))")
        }
        step = manifest.step
        tokensSeen = manifest.tokensSeen
        lastCheckpoint = folder
        group.requireAgreement(weightsHash, on: "the hash of the weights loaded from \(folder.path) at step \(step)")
    }

    /// A fingerprint of the step and every weight, for checking that all ranks hold the same model.
    public var weightsHash: UInt64 {
        var hash = WordHash()
        hash.combine(UInt64(step))
        for p in model.parameters { p.value.withUnsafeBufferPointer { hash.combine($0) } }
        return hash.value
    }

    /// The learned γ of every layer that has one.
    public var gammas: [Double] { model.blocks.compactMap { $0.gamma.map { Double($0.value.scalars[0]) } } }

    /// Trains until `config.steps` (or until `shouldStop`), then evaluates on the whole
    /// validation stream (recorded and checkpointed only when a step ran).
    public func run() throws -> TrainingSummary {
        let start = Date()
        var stoppedEarly = false
        while step < config.steps {
            try trainStep()
            let finished = step == config.steps
            if config.evalInterval > 0 && step % config.evalInterval == 0 && !finished {
                emitEvaluation(evaluate(maxBatches: config.evalBatches == 0 ? nil : config.evalBatches))
            }
            if config.checkpointInterval > 0 && step % config.checkpointInterval == 0 && !finished { try writeCheckpoint() }
            if stopRequested() && !finished {
                try writeCheckpoint()
                stoppedEarly = true
                break
            }
        }
        try requireFiniteWeights()
        let evaluation = evaluate(maxBatches: nil)
        // No step ran (a resumed run that had already finished): its final evaluation and
        // checkpoint exist already, and there is no throughput to report (0 tokens/s).
        let ranAStep = stepsTimed > 0
        if ranAStep { emitEvaluation(evaluation) }
        if !stoppedEarly && ranAStep { try writeCheckpoint() }
        let timed = stepsTimed > 4 ? stepSeconds : warmupSeconds + stepSeconds
        let median = timed.isEmpty ? Double.infinity : timed.sorted()[timed.count / 2]
        let tokensPerStep = Double(config.tokensPerStep)
        return TrainingSummary(
            steps: step, parameters: model.parameterCount, finalTrainingLoss: lastLoss,
            validation: evaluation, tokensPerSecond: tokensPerStep / median,
            seconds: Date().timeIntervalSince(start), stoppedEarly: stoppedEarly)
    }

    /// One optimizer step (all micro-batches): step `step + 1` in the 1-based numbering of the
    /// metrics records, which is the step a divergence error names.
    public func trainStep() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let denormals = flushesDenormals ? DenormalMode.beginFlushing() : nil
        defer { denormals.map(DenormalMode.restore) }
        let parameters = model.parameters
        let alpha = config.annealing(at: step)
        if alpha > 0 {
            if model.norms.contains(where: { $0.frozen == nil }) { measureAndFreezeNorms() }
            for norm in model.norms { norm.annealing = alpha }
        }
        parameters.forEach { $0.zeroGrad() }
        var rng = SeededRNG(seed: config.seed).stream(UInt64(step))
        // The micro-batches of lower ranks are drawn and discarded, so every rank's come from
        // the same positions of the stream whatever N is.
        for _ in 0..<(group.rank * config.accumulation) {
            _ = train.randomBatch(batchSize: config.batchSize, contextLength: config.contextLength, rng: &rng)
        }
        let microBatches = config.accumulation * group.size
        let propagators = config.replicaCount > 1 ? replicas.beginStep() : nil
        var lossSum = 0.0
        for _ in 0..<config.accumulation {
            let batch = train.randomBatch(batchSize: config.batchSize, contextLength: config.contextLength, rng: &rng)
            let value =
                config.replicaCount == 1
                ? forwardBackward(tape, batch.inputs, batch.targets, sequences: config.batchSize, seed: 1 / Float(microBatches))
                : replicatedForwardBackward(batch, microBatches: microBatches, propagators: propagators)
            guard value.isFinite else {
                throw TrainingError.nonFiniteLoss(step: step + 1, loss: value, checkpoint: lastCheckpoint?.path)
            }
            lossSum += value
        }
        if config.replicaCount > 1 { replicas.sumGradients(parameters) }
        if group.isDistributed {
            sumGradientsOverRanks(parameters)
            var losses = [lossSum]
            group.sum(&losses)
            lossSum = losses[0]
        }
        let norm = GradientClipping.globalNorm(parameters)
        if !norm.isFinite, let bad = GradientClipping.firstNonFinite(parameters) {
            throw TrainingError.nonFiniteGradient(step: step + 1, parameter: bad.name, index: bad.index, checkpoint: lastCheckpoint?.path)
        }
        if config.clipNorm > 0 { GradientClipping.scale(parameters, norm: norm, maxNorm: config.clipNorm) }
        let lr = schedule.learningRate(at: step)
        optimizer.update(parameters, learningRate: lr, beta1: schedule.momentum(at: step))
        step += 1
        let tokens = config.tokensPerStep
        tokensSeen += tokens
        lastLoss = lossSum / Double(microBatches)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if stepsTimed < 2 {
            warmupSeconds.append(seconds)
        } else if stepSeconds.count < Self.timedStepWindow {
            stepSeconds.append(seconds)
        } else {
            stepSeconds[(stepsTimed - 2) % Self.timedStepWindow] = seconds
        }
        stepsTimed += 1
        if config.logInterval > 0 && (step % config.logInterval == 0 || step == 1 || step == config.steps) {
            var record = TrainingRecord(kind: .train, step: step)
            record.loss = lastLoss
            record.learningRate = lr
            record.gradientNorm = norm
            record.tokensPerSecond = Double(tokens) / seconds
            record.annealing = alpha
            if !gammas.isEmpty { record.gamma = gammas }
            onRecord(record)
        }
        onProgress(TrainingProgress(step: step, steps: config.steps, loss: lastLoss, tokensPerSecond: Double(tokens) / seconds))
    }

    /// The loss of `sequences` sequences (row-major (B, T) tokens) on `tape`, after its backward
    /// pass seeded with `seed`; a non-finite loss is returned without a backward pass.
    private func forwardBackward(
        _ tape: Tape<Float>, _ inputs: [Int32], _ targets: [Int32], sequences: Int, seed: Float,
        propagators: [KoopmanMixer<Float>.Propagator]? = nil
    ) -> Double {
        let loss = model.loss(
            tape, inputs: inputs, targets: targets, batch: sequences, length: config.contextLength, training: true,
            propagators: propagators)
        let value = Double(loss.value.scalar)
        if value.isFinite { tape.backward(from: loss, seed: seed) }
        tape.reset()
        return value
    }

    /// The replicas' tapes and shared propagators (created on first use, with R > 1).
    private lazy var replicas = TrainingReplicas(count: config.replicaCount, model: model)

    /// Forward and backward passes of a micro-batch split over the replicas, reading the step's
    /// shared `propagators`. Returns the micro-batch's mean loss.
    private func replicatedForwardBackward(
        _ batch: TokenBatch, microBatches: Int, propagators: [KoopmanMixer<Float>.Propagator]?
    ) -> Double {
        let sequences = config.batchSize / replicas.count, seed = 1 / Float(microBatches * replicas.count)
        let work = SendableBox((self, propagators))
        return replicas.forwardBackward(batch, first: tape) { tape, inputs, targets in
            let (trainer, propagators) = work.value
            return trainer.forwardBackward(tape, inputs, targets, sequences: sequences, seed: seed, propagators: propagators)
        }
    }

    /// Replaces every gradient with its sum over the ranks: one MPI_Allreduce of all
    /// gradients laid end to end (parameter order), then copied back.
    private func sumGradientsOverRanks(_ parameters: [Parameter<Float>]) {
        let total = parameters.reduce(0) { $0 + $1.grad.count }
        if flatGradients.count != total { flatGradients = [Float](repeating: 0, count: total) }
        flatGradients.withUnsafeMutableBufferPointer { flat in
            var offset = 0
            for p in parameters {
                p.grad.withUnsafeBufferPointer { g in (flat.baseAddress! + offset).update(from: g.baseAddress!, count: g.count) }
                offset += p.grad.count
            }
            group.sum(flat)
            offset = 0
            for p in parameters {
                p.grad.withUnsafeMutableBufferPointer { g in g.baseAddress!.update(from: flat.baseAddress! + offset, count: g.count) }
                offset += p.grad.count
            }
        }
    }

    /// `shouldStop` of rank 0, on every rank (ranks stop together, after the same step).
    private func stopRequested() -> Bool {
        let stop = shouldStop()
        return group.isDistributed ? group.broadcast(stop ? 1 : 0) == 1 : stop
    }

    /// Measures every LayerNorm's per-token statistics on a few training batches (forward only)
    /// and freezes them: the start of annealing (seed 001 §XI.4). Uses its own random stream,
    /// so the batches of the training steps are unchanged.
    private func measureAndFreezeNorms(batches: Int = 4) {
        let recording = tape.recordsGradients
        tape.recordsGradients = false
        defer { tape.recordsGradients = recording }
        model.norms.forEach { $0.beginMeasurement() }
        var rng = SeededRNG(seed: config.seed).stream(UInt64.max - 1)
        for _ in 0..<batches {
            let batch = train.randomBatch(batchSize: config.batchSize, contextLength: config.contextLength, rng: &rng)
            _ = model.logits(tape, tokens: batch.inputs, batch: config.batchSize, length: config.contextLength, training: true)
            tape.reset()
        }
        model.norms.forEach { $0.freeze() }
    }

    /// Mean validation loss over `maxBatches` batches (all when nil), without gradients.
    public func evaluate(maxBatches: Int?) -> Evaluation {
        Evaluator.evaluate(
            model, on: validation, batchSize: config.batchSize, contextLength: config.contextLength,
            maxBatches: maxBatches, tape: tape)
    }

    private func emitEvaluation(_ e: Evaluation) {
        var record = TrainingRecord(kind: .eval, step: step)
        record.validationLoss = e.loss
        record.perplexity = e.perplexity.isFinite ? e.perplexity : nil  // exp(loss) overflowed: JSON has no ∞
        record.bitsPerByte = e.bitsPerByte
        if !gammas.isEmpty { record.gamma = gammas }
        onRecord(record)
    }

    /// Throws when an update has left a weight NaN or ±∞ (a learning rate so large the last
    /// update overflowed, where no later loss would show it): no checkpoint or evaluation is
    /// made of such weights.
    func requireFiniteWeights() throws {
        for p in model.parameters {
            if let bad = p.value.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
                throw TrainingError.nonFiniteWeights(step: step, parameter: p.name, index: bad, checkpoint: lastCheckpoint?.path)
            }
        }
    }

    /// Writes a checkpoint into `checkpointFolder` (no-op without one); never of non-finite
    /// weights. Only rank 0 writes; every rank then checks it holds rank 0's weights.
    public func writeCheckpoint() throws {
        guard let folder = checkpointFolder else { return }
        try requireFiniteWeights()
        if group.rank == 0 {
            let manifest = Checkpoint.Manifest(model: model.config, training: config, step: step, tokensSeen: tokensSeen)
            try Checkpoint.write(model: model, optimizer: optimizer, manifest: manifest, to: folder)
        }
        lastCheckpoint = folder
        group.requireAgreement(weightsHash, on: "the hash of the weights at step \(step)")
    }
}

/// Progress after a step.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var steps: Int
    public var loss: Double
    public var tokensPerSecond: Double
}

/// Loss, perplexity and bits per byte of a model on a token stream.
public enum Evaluator {
    public static func evaluate(
        _ model: LanguageModel<Float>, on data: TokenDataset, batchSize: Int, contextLength: Int,
        maxBatches: Int? = nil, tape: Tape<Float> = Tape()
    ) -> Evaluation {
        let recording = tape.recordsGradients
        tape.recordsGradients = false
        defer { tape.recordsGradients = recording }
        var total = 0.0, count = 0
        for batch in data.evaluationBatches(batchSize: batchSize, contextLength: contextLength, maxBatches: maxBatches) {
            let loss = model.loss(tape, inputs: batch.inputs, targets: batch.targets, batch: batch.batchSize, length: contextLength)
            let n = batch.batchSize * contextLength
            total += Double(loss.value.scalar) * Double(n)
            count += n
            tape.reset()
        }
        let mean = count > 0 ? total / Double(count) : .nan
        return Evaluation(loss: mean, perplexity: Foundation.exp(mean), bitsPerByte: data.bitsPerByte(nats: mean), tokens: count)
    }

    /// Mean loss of every evaluation window (one per row of `evaluationBatches`), in stream
    /// order: the paired samples for comparing two models on the same text.
    public static func windowLosses(
        _ model: LanguageModel<Float>, on data: TokenDataset, batchSize: Int, contextLength: Int,
        maxBatches: Int? = nil
    ) -> [Double] {
        let tape = Tape<Float>()
        tape.recordsGradients = false
        let v = model.config.vocabularySize
        var out: [Double] = []
        for batch in data.evaluationBatches(batchSize: batchSize, contextLength: contextLength, maxBatches: maxBatches) {
            let logits = model.logits(tape, tokens: batch.inputs, batch: batch.batchSize, length: contextLength).value
            logits.withUnsafeBufferPointer { p in
                for row in 0..<batch.batchSize {
                    var sum = 0.0
                    for t in 0..<contextLength {
                        let base = (row * contextLength + t) * v
                        var top = -Float.infinity
                        for j in 0..<v where p[base + j] > top { top = p[base + j] }
                        var z = 0.0
                        for j in 0..<v { z += Foundation.exp(Double(p[base + j] - top)) }
                        sum += Double(top) + Foundation.log(z) - Double(p[base + Int(batch.targets[row * contextLength + t])])
                    }
                    out.append(sum / Double(contextLength))
                }
            }
            tape.reset()
        }
        return out
    }
}
