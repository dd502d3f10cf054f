import Foundation
import Models
import Physics
import TensorCore

// Size letters: B = R probe sequences, T context (positions), H heads, L = i + 1 keys of query i.

/// Trains a small transformer step by step and, at log-spaced steps, records each head's
/// pre-softmax logit rows q_i·K/√D (keys j ≤ i) for fixed query positions i on fixed probe
/// sequences: the height fields of the KPZ analysis of attention (seed 000 §2.1).
///
/// Time is the optimizer step. The learning rate follows the trainer's one-cycle schedule
/// (warm-up over the first 30% of steps, then cosine decay to ≈ 0), so a step is not a uniform
/// unit of "growth"; the recorder also stores the gradient-flow time Σ lr/lr_max, which removes
/// the schedule's pace from the time axis.
struct AttentionSurfaceRecorder {
    var model: ModelConfig
    var training: TrainingConfig
    /// Probe sequences (validation windows of the context length): the realisations.
    var probes: Int
    /// Query positions i (< context); the surface of query i has i + 1 sites.
    var queryPositions: [Int]
    /// Recording times per decade of steps.
    var perDecade = 12
    var initSeed: UInt64

    /// The protocol at a scale, for a tokenizer of `vocabulary` tokens.
    static func at(_ scale: Scale, vocabulary: Int, seed: UInt64) -> AttentionSurfaceRecorder {
        func make(
            width: Int, layers: Int, heads: Int, ff: Int, context: Int, batch: Int, steps: Int, lr: Double,
            probes: Int, queries: [Int]
        ) -> AttentionSurfaceRecorder {
            let model = ModelConfig(
                architecture: .transformer, vocabularySize: vocabulary, contextLength: context,
                width: width, layers: layers, heads: heads, feedForward: ff)
            let training = TrainingConfig.unlogged(steps: steps, batch: batch, context: context, learningRate: lr, seed: seed &+ 11)
            return AttentionSurfaceRecorder(
                model: model, training: training, probes: probes, queryPositions: queries,
                initSeed: seed &+ 12)
        }
        switch scale {
        case .smoke:
            return make(width: 16, layers: 1, heads: 2, ff: 64, context: 32, batch: 4, steps: 40, lr: 1e-2, probes: 4, queries: [15, 31])
        case .quick:
            // ≈ 15 s on 2 cores: context 64 keeps the family's quick budget (context 128 doubled it).
            return make(
                width: 64, layers: 2, heads: 4, ff: 256, context: 64, batch: 8, steps: 600, lr: 5e-3, probes: 24,
                queries: [15, 31, 63])
        case .small:
            return make(
                width: 128, layers: 4, heads: 4, ff: 512, context: 128, batch: 16, steps: 3000, lr: 3e-3, probes: 32,
                queries: [15, 31, 63, 127])
        case .paper:
            // The seed's table is for a 12-layer model.
            return make(
                width: 384, layers: 12, heads: 12, ff: 1536, context: 256, batch: 16, steps: 20000, lr: 6e-4, probes: 32,
                queries: [31, 63, 127, 255])
        }
    }

    var recordingSteps: [Int] { GrowthModel.recordingTimes(upTo: training.steps, perDecade: perDecade).map { Int($0) } }

    var description: String {
        "transformer C = \(model.width), \(model.layers) layer(s) × \(model.heads) heads (D = \(model.width / model.heads)), context \(model.contextLength); "
            + "\(training.steps) one-cycle AdamW steps (peak lr \(training.maxLearningRate), batch \(training.batchSize)); "
            + "\(probes) probe sequences, query positions \(queryPositions.map(String.init).joined(separator: ", "))"
    }

    /// What a recording run returns besides the surfaces.
    struct Outcome {
        var surfaces: AttentionSurfaces
        /// Mean training loss over the first and the last 10% of steps.
        var initialLoss: Double
        var finalLoss: Double
        var seconds: Double
    }

    /// Trains on `data` and records the surfaces.
    func run(data: PreparedData, log: (String) -> Void = { _ in }) throws -> Outcome {
        precondition(queryPositions.allSatisfy { $0 >= 1 && $0 < model.contextLength }, "AttentionSurfaceRecorder: query positions must lie in 1..<context")
        let start = Date()
        var rng = SeededRNG(seed: initSeed)
        var config = model
        config.vocabularySize = max(config.vocabularySize, data.tokenizer.vocabularySize)
        let network = try LanguageModel<Float>(config: config, rng: &rng)
        let trainer = try Trainer(model: network, config: training, train: data.train, validation: data.validation)
        let sequences = try ModelProbes.validationWindows(data, count: probes, length: config.contextLength)
        guard sequences.count == probes else {
            throw LabError.badFile("validation split", "has \(sequences.count) windows of \(config.contextLength) tokens; \(probes) probe sequences are needed")
        }
        let tokens = sequences.flatMap { $0 }
        let steps = recordingSteps
        let (layers, heads, t) = (config.layers, config.heads, config.contextLength)
        // rows[l][h][k][b]: the recorded rows (T · L) of probe b.
        var rows = [[[[[Double]]]]](
            repeating: [[[[Double]]]](
                repeating: queryPositions.map { i in
                    [[Double]](repeating: [], count: probes)
                }, count: heads), count: layers)
        let tape = Tape<Float>()
        tape.recordsGradients = false
        var losses: [Double] = []
        trainer.onProgress = { losses.append($0.loss) }
        var next = 0
        while trainer.step < training.steps {
            try trainer.trainStep()
            guard next < steps.count, trainer.step == steps[next] else { continue }
            next += 1
            let trace = ModelTrace<Float>()
            _ = network.logits(tape, tokens: tokens, batch: probes, length: t, trace: trace)
            tape.reset()
            for l in 0..<layers {
                let scores = trace.tensor(.attentionScores, layer: l)!  // (B, H, T, T)
                scores.withUnsafeBufferPointer { p in
                    for h in 0..<heads {
                        for (k, i) in queryPositions.enumerated() {
                            for b in 0..<probes {
                                let base = ((b * heads + h) * t + i) * t
                                for j in 0...i { rows[l][h][k][b].append(Double(p[base + j])) }
                            }
                        }
                    }
                }
            }
        }
        let schedule = OneCycleSchedule(maxLR: training.maxLearningRate, totalSteps: max(2, training.steps), pctStart: training.warmupFraction)
        var cumulative: [Double] = [0]
        for s in 0..<training.steps { cumulative.append(cumulative[s] + schedule.learningRate(at: s) / training.maxLearningRate) }
        let times = steps.map(Double.init)
        let fields = rows.map { layer in
            layer.map { head in
                head.enumerated().map { k, perProbe in
                    perProbe.map { HeightField(times: times, length: queryPositions[k] + 1, heights: $0) }
                }
            }
        }
        let manifest = AttentionSurfaces.Manifest(
            layers: layers, heads: heads, queryPositions: queryPositions, probes: probes,
            steps: steps, learningRateTimes: steps.map { cumulative[$0] }, description: description)
        let tenth = max(1, losses.count / 10)
        let outcome = Outcome(
            surfaces: AttentionSurfaces(manifest: manifest, fields: fields),
            initialLoss: losses.prefix(tenth).reduce(0, +) / Double(tenth),
            finalLoss: losses.suffix(tenth).reduce(0, +) / Double(tenth),
            seconds: Date().timeIntervalSince(start))
        log(
            String(
                format: "attention surfaces: %d steps, training loss %.3f → %.3f, %.1f s", training.steps, outcome.initialLoss, outcome.finalLoss,
                outcome.seconds))
        return outcome
    }
}
