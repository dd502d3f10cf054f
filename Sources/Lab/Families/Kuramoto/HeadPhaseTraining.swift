import Foundation
import Models
import Physics
import TensorCore

// Size letters: B validation sequences, M heads (all layers), T length.

/// Trains a small transformer and logs the Kuramoto phase of every head along the way (seed 003:
/// "Our Lojban zooper had r = 1.000 throughout training").
///
/// Every `every` steps (and before the first) the model reads a fixed validation batch; each
/// head's mean attention-over-distance profile gives its phase (`PhaseSynchrony`), and the
/// order parameter r across all heads of all layers is bootstrapped over the sequences.
struct HeadPhaseTraining {
    struct Settings: Sendable {
        var model: ModelConfig
        var training: TrainingConfig
        var every: Int
        var validationSequences: Int
        var replicates: Int
        var initSeed: UInt64
    }

    /// The heads at one training step.
    struct Snapshot: Sendable {
        var step: Int
        /// Mean training loss of the steps since the previous snapshot (NaN at step 0).
        var loss: Double
        /// θ_m and |c₁| per head.
        var phases: [Double]
        var amplitudes: [Double]
        /// r across all heads, and its bootstrap standard deviation over sequences.
        var r: Double
        var rError: Double
        /// r within each layer.
        var layerR: [Double]
        /// Mean distance profile a_m(Δ) per head.
        var profiles: [[Double]]
        /// Per-sequence profiles (B) × (M) × (T), for bootstraps across snapshots.
        var sequenceProfiles: [[[Double]]]
    }

    /// Phases of every head from one batch's scores: per-sequence profiles (B) × (M) × (T).
    static func profiles(_ a: AttentionScores) -> [[[Double]]] {
        let t = a.length
        return Parallel.map(a.batch) { b in
            (0..<a.layers).flatMap { l in
                (0..<a.heads).map { h -> [Double] in
                    let w = a.weights(layer: l, sequence: b, head: h)
                    return w.withUnsafeBufferPointer { PhaseSynchrony.distanceProfile(weights: $0, length: t) }
                }
            }
        }
    }

    /// Mean profile per head over the sequences listed in `draw`.
    static func meanProfiles(_ perSequence: [[[Double]]], draw: [Int]) -> [[Double]] {
        let m = perSequence[0].count, t = perSequence[0][0].count
        var out = [[Double]](repeating: [Double](repeating: 0, count: t), count: m)
        for b in draw {
            for h in 0..<m { for d in 0..<t { out[h][d] += perSequence[b][h][d] } }
        }
        let n = Double(draw.count)
        return out.map { $0.map { $0 / n } }
    }

    /// A snapshot of `model` on the fixed batch.
    static func snapshot(
        _ model: LanguageModel<Float>, step: Int, loss: Double, tokens: [Int32], batch: Int,
        replicates: Int, rng: inout SeededRNG
    ) -> Snapshot {
        let captured = AttentionScores.capture(model, tokens: tokens, batch: batch, length: model.config.contextLength)
        let perSequence = profiles(captured)
        let mean = meanProfiles(perSequence, draw: Array(0..<batch))
        let modes = mean.map(PhaseSynchrony.firstMode)
        let phases = modes.map(\.phase)
        var boot: [Double] = []
        for _ in 0..<replicates {
            let draw = (0..<batch).map { _ in rng.int(below: batch) }
            boot.append(PhaseSynchrony.orderParameter(meanProfiles(perSequence, draw: draw).map { PhaseSynchrony.firstMode($0).phase }).r)
        }
        let h = captured.heads
        let layerR = (0..<captured.layers).map { l in PhaseSynchrony.orderParameter(Array(phases[(l * h)..<((l + 1) * h)])).r }
        return Snapshot(
            step: step, loss: loss, phases: phases, amplitudes: modes.map(\.amplitude),
            r: PhaseSynchrony.orderParameter(phases).r, rError: SampleSummary(boot).standardDeviation,
            layerR: layerR, profiles: mean, sequenceProfiles: perSequence)
    }

    /// The snapshots of one training run, in order, and the size of what was trained.
    struct Run: Sendable {
        var snapshots: [Snapshot]
        var parameters: Int
        /// Training tokens seen: steps × batch × context.
        var tokens: Int
    }

    /// Trains on `data` for `settings.training.steps` steps, taking a snapshot every `every` steps.
    static func run(
        data: PreparedData, settings: Settings, log: (String) -> Void,
        onSnapshot: (Snapshot) -> Void = { _ in }
    ) throws -> Run {
        var config = settings.model
        config.vocabularySize = max(config.vocabularySize, data.tokenizer.vocabularySize)
        var initRng = SeededRNG(seed: settings.initSeed)
        let model = try LanguageModel<Float>(config: config, rng: &initRng)
        let trainer = try Trainer(model: model, config: settings.training, train: data.train, validation: data.validation)
        let (tokens, batch) = try AttentionScores.validationBatch(data, batch: settings.validationSequences, length: config.contextLength)
        var rng = SeededRNG(seed: settings.initSeed ^ 0x6B75_7261)  // "kura"
        var snapshots = [snapshot(model, step: 0, loss: .nan, tokens: tokens, batch: batch, replicates: settings.replicates, rng: &rng)]
        onSnapshot(snapshots[0])
        var lossSum = 0.0, lossCount = 0
        trainer.onProgress = { p in
            lossSum += p.loss; lossCount += 1
        }
        log(
            "training a \(config.layers)-layer, \(config.heads)-head transformer (\(model.parameterCount) parameters) for "
                + "\(settings.training.steps) steps; phases every \(settings.every) steps on \(batch) validation sequences")
        while trainer.step < settings.training.steps {
            try trainer.trainStep()
            if trainer.step % settings.every == 0 || trainer.step == settings.training.steps {
                let s = snapshot(
                    model, step: trainer.step, loss: lossSum / Double(max(1, lossCount)), tokens: tokens, batch: batch,
                    replicates: settings.replicates, rng: &rng)
                lossSum = 0; lossCount = 0
                snapshots.append(s)
                onSnapshot(s)
            }
        }
        let t = settings.training
        return Run(snapshots: snapshots, parameters: model.parameterCount, tokens: t.steps * t.batchSize * t.contextLength)
    }
}
