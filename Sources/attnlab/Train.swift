import ArgumentParser
import Foundation
import Lab
import Models
import TensorCore

/// Options that shape a model (each overrides the base configuration).
struct ModelOptions: ParsableArguments {
    @Option(help: "Architecture: \(choices(Architecture.self)).")
    var arch: String = "qsf"
    @Option(help: "Residual width C.") var width = 128
    @Option(help: "Number of blocks.") var layers = 4
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "Feed-forward width (default 4 × width).") var ff: Int?
    @Option(help: "Context length (default: the training context).") var context: Int?
    @Option(help: "Linear-attention normalisation: count, none, katharopoulos.") var normalisation = "count"
    @Flag(inversion: .prefixedNo, help: "Tie the LM head to the token embedding.") var tied = true
    @Flag(inversion: .prefixedNo, help: "Learned position embeddings.") var positions = true
    @Option(help: "Size the feed-forward so the model has about this many parameters.") var matchParams: Int?

    func validate() throws {
        let _: Architecture = try parseChoice(arch, option: "--arch")
        guard LinearAttentionNormalisation(rawValue: normalisation) != nil else {
            throw ValidationError("--normalisation must be count, none or katharopoulos, got '\(normalisation)'")
        }
        try requirePositive(["--width": width, "--layers": layers, "--heads": heads, "--ff": ff ?? 1, "--context": context ?? 1])
        if let matchParams, matchParams <= 0 { throw ValidationError("--match-params must be positive, got \(matchParams)") }
    }

    /// The model these options describe, refused before anything is allocated when training it
    /// on batches of `batch` × `contextLength` tokens needs more memory than the machine has.
    func config(vocabularySize: Int, contextLength: Int, batch: Int) throws -> ModelConfig {
        let (feedForward, overflow) = width.multipliedReportingOverflow(by: 4)
        var c = ModelConfig(
            architecture: Architecture(rawValue: arch)!, vocabularySize: vocabularySize,
            contextLength: context ?? contextLength, width: width, layers: layers, heads: heads,
            feedForward: ff ?? (overflow ? Int.max : feedForward))
        c.tiedEmbeddings = tied
        c.learnedPositions = positions
        c.linearAttentionNormalisation = LinearAttentionNormalisation(rawValue: normalisation)!
        let source =
            "train --arch \(arch) --width \(width) --layers \(layers) --ff \(c.feedForward) --context \(c.contextLength) "
            + "--batch \(batch) --seq-len \(contextLength) (vocabulary \(vocabularySize))"
        try MemoryBudget.check(.training(c, batch: batch, context: contextLength), source: source)
        if let matchParams {
            guard Double(matchParams) * 16 <= MemoryBudget.physicalBytes else {
                throw ValidationError(
                    "--match-params \(matchParams): training that many parameters needs at least "
                        + "\(MemoryBudget.gigabytes(Double(matchParams) * 16)), more than the "
                        + "\(MemoryBudget.gigabytes(MemoryBudget.physicalBytes)) this machine has")
            }
            c = c.matchingParameters(matchParams)
            try MemoryBudget.check(.training(c, batch: batch, context: contextLength), source: source)
        }
        try c.validate()
        return c
    }
}

/// Where the training data comes from: a prepared folder or the stories generator.
struct DataOptions: ParsableArguments {
    @Option(help: "A folder written by `attnlab data prepare` (default: generate stories and train a tokenizer).")
    var data: String?
    @Option(help: "Stories to generate when --data is not given.") var documents = 4000
    @Option(help: "Vocabulary of the tokenizer trained when --data is not given.") var vocab = 1024

    func validate() throws {
        if data == nil && documents < 2 { throw ValidationError("--documents must be at least 2, got \(documents)") }
        if data == nil { try CorpusOptions.checkStoryMemory(documents) }
        if data == nil && !(257...Int(Int32.max)).contains(vocab) {
            throw ValidationError("--vocab must be in 257...\(Int32.max) (256 bytes + <|endoftext|>; llm.c token files store 32-bit ids), got \(vocab)")
        }
    }

    func load(log: (String) -> Void) throws -> PreparedData {
        if let data { return try PreparedData.load(from: URL(fileURLWithPath: data)) }
        return try DataPreparation(corpus: .stories(documents: documents, seed: 0), tokenizer: .train(vocabularySize: vocab)).run(log: log)
    }
}

extension AttnLab {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train one language model; checkpoints, metrics.jsonl and the tokenizer go to --out.",
            discussion: """
                Ctrl-C stops after the current step and writes a checkpoint; --resume continues it exactly.
                Under `mpirun -np N` the N ranks train data-parallel: each step averages N × --accumulation \
                micro-batches of --batch sequences (the same numbers as one process with --accumulation N × \
                --accumulation); rank 0 writes --out, which the other ranks read (a shared file system).
                """
        )

        @OptionGroup var model: ModelOptions
        @OptionGroup var dataOptions: DataOptions
        @Option(help: "Optimizer steps.") var steps = 500
        @Option(help: "Sequences per micro-batch.") var batch = 16
        @Option(help: "Tokens per sequence.") var seqLen = 64
        @Option(help: "Micro-batches per step.") var accumulation = 1
        @Option(
            help:
                "Data-parallel replicas inside the process: each micro-batch split into R shards trained side by side on the threads (faster for small models; the numbers depend on R, not on the threads)."
        ) var replicas = 1
        @Option(help: "Peak learning rate (OneCycle).") var lr = 3e-3
        @Option(help: "Decoupled weight decay on matrices.") var weightDecay = 0.1
        @Option(help: "Gradient-norm clip (0: off).") var clip = 1.0
        @Option(help: "Fraction of final steps over which LayerNorm anneals to linear scaling.") var anneal = 0.0
        @Option(help: "Steps between evaluations.") var evalInterval = 100
        @Option(help: "Steps between checkpoints.") var checkpointInterval = 100
        @Option(help: "Steps between training-loss records in metrics.jsonl.") var logInterval = 10
        @Option(help: "Seed of initialisation and batch order.") var seed: UInt64 = 0
        @Option(help: "Output folder.") var out = "runs/train"
        @Flag(help: "Continue from the checkpoint in --out.") var resume = false

        func validate() throws {
            try requirePositive(["--steps": steps, "--batch": batch, "--seq-len": seqLen, "--accumulation": accumulation, "--replicas": replicas])
            for (name, value) in [("--eval-interval", evalInterval), ("--checkpoint-interval", checkpointInterval), ("--log-interval", logInterval)]
            where value < 0 {
                throw ValidationError("\(name) must be ≥ 0 (0: never), got \(value)")
            }
            guard batch % replicas == 0 else {
                throw ValidationError("--replicas must divide --batch \(batch) (each replica trains on batch ÷ replicas sequences), got \(replicas)")
            }
            guard replicas == 1 || anneal == 0 else {
                throw ValidationError("--replicas needs --anneal 0: LayerNorm's statistics are measured on whole batches")
            }
            guard lr > 0 && lr.isFinite else { throw ValidationError("--lr must be positive and finite, got \(lr)") }
            guard anneal >= 0 && anneal < 1 else { throw ValidationError("--anneal must be in [0, 1), got \(anneal)") }
            guard weightDecay >= 0 && weightDecay.isFinite else {
                throw ValidationError("--weight-decay must be a finite number ≥ 0, got \(weightDecay)")
            }
            guard clip >= 0 && clip.isFinite else { throw ValidationError("--clip must be a finite number ≥ 0 (0: off), got \(clip)") }
        }

        /// The training configuration these options give, for a job of `ranks` processes.
        func training(ranks: Int) -> TrainingConfig {
            var training = TrainingConfig()
            training.steps = steps
            training.batchSize = batch
            training.contextLength = seqLen
            training.accumulation = accumulation
            training.maxLearningRate = lr
            training.weightDecay = weightDecay
            training.clipNorm = clip
            training.layerNormAnnealFraction = anneal
            training.evalInterval = evalInterval
            training.checkpointInterval = checkpointInterval
            training.logInterval = logInterval
            training.seed = seed
            training.ranks = ranks > 1 ? ranks : nil
            training.replicas = replicas > 1 ? replicas : nil
            return training
        }

        func run() throws {
            let group = ProcessGroup.world
            guard group.isDistributed else { return try train(group: group) }
            // A rank that fails ends the job (MPI_Abort) with a message naming it; the others
            // would otherwise wait for it in the next collective.
            do {
                if group.rank == 0 { try train(group: group) } else { try follow(group: group) }
            } catch {
                group.abort("train: \(error)")
            }
        }

        /// The work of ranks 1…N−1: wait until rank 0 has checked --out and written its data,
        /// read the data (and checkpoint) from there, and train beside rank 0 without writing.
        private func follow(group: ProcessGroup) throws {
            guard group.broadcast(0) == 1 else { return }  // rank 0 found nothing to train
            let folder = URL(fileURLWithPath: out)
            let data = try PreparedData.load(from: folder.appendingPathComponent("data"))
            let training = self.training(ranks: group.size)
            let config = try model.config(vocabularySize: data.tokenizer.vocabularySize, contextLength: seqLen, batch: batch)
            var rng = SeededRNG(seed: seed)
            let languageModel = try LanguageModel<Float>(config: config, rng: &rng)
            let trainer = try Trainer(model: languageModel, config: training, train: data.train, validation: data.validation, group: group)
            trainer.checkpointFolder = folder.appendingPathComponent("checkpoint")
            if resume { try trainer.resume(from: folder.appendingPathComponent("checkpoint")) }
            _ = try trainer.run()
        }

        /// The whole run in one process, or rank 0's part of a data-parallel one.
        private func train(group: ProcessGroup) throws {
            // A size limit (ulimit -f) then fails a write with EFBIG, reported like a full disk,
            // instead of killing the process mid-checkpoint.
            signal(SIGXFSZ, SIG_IGN)
            // Locked for this process, and holding nothing but a training run (TrainingRunFolder).
            let folder = try TrainingRunFolder(claiming: URL(fileURLWithPath: out))
            defer { withExtendedLifetime(folder) {} }  // the lock is held until the command ends
            let checkpoint = folder.checkpoint
            try Checkpoint.recover(checkpoint)
            let hasCheckpoint = FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent(Checkpoint.configFile).path)
            if !resume, hasCheckpoint {
                throw ValidationError("\(checkpoint.path) already holds a checkpoint: pass --resume to continue it, or choose another --out")
            }
            if resume, !hasCheckpoint {
                throw ValidationError("--resume: \(checkpoint.path) holds no checkpoint (config.json) to continue")
            }
            let training = self.training(ranks: group.size)
            try training.validate()
            let manifestPath = checkpoint.appendingPathComponent(Checkpoint.configFile).path
            // Validated before anything in the folder is changed.
            let stored = resume ? try Checkpoint.manifest(in: checkpoint) : nil
            if let stored, stored.training.rankCount != training.rankCount {
                let n = stored.training.rankCount
                throw TrainingError.checkpointMismatch(
                    path: manifestPath,
                    reason: "was written by a job of \(n) rank\(n == 1 ? "" : "s") (each step \(n) × \(stored.training.accumulation) micro-batches); "
                        + "this job has \(training.rankCount): resume it with \(n == 1 ? "a plain `attnlab train`" : "`mpirun -np \(n)`"), "
                        + "whose steps are the same, or start a new --out")
            }
            if let stored, stored.training != training {
                throw TrainingError.checkpointMismatch(
                    path: manifestPath,
                    reason: "was written with a different training configuration (\(Checkpoint.differences(stored.training, training)))")
            }
            if !resume, folder.heldARun { printError("starting over in \(folder.url.path): it holds a run that wrote no checkpoint") }
            let data = try dataOptions.load(log: printError)
            if resume {
                let storedData = try PreparedData.load(from: folder.data)
                if storedData.train.tokens != data.train.tokens || storedData.validation.tokens != data.validation.tokens {
                    throw ValidationError(
                        "--resume: \(folder.data.path) holds other data than these options give (\(storedData.train.tokens.count) training tokens there, \(data.train.tokens.count) now); resume with the --data/--documents/--vocab the run started with"
                    )
                }
            }
            let config = try model.config(vocabularySize: data.tokenizer.vocabularySize, contextLength: seqLen, batch: batch)
            if let stored {
                guard stored.model == config else {
                    throw TrainingError.checkpointMismatch(
                        path: manifestPath,
                        reason: "was written for a different model configuration (\(Checkpoint.differences(stored.model, config)))")
                }
                if stored.step == training.steps {
                    _ = group.broadcast(0)
                    print(
                        "\(folder.url.path): the run finished at step \(stored.step) of \(training.steps); nothing to resume "
                            + "(`attnlab eval \(out)` evaluates it)")
                    return
                }
            }
            var rng = SeededRNG(seed: seed)
            let languageModel = try LanguageModel<Float>(config: config, rng: &rng)
            let trainer = try Trainer(model: languageModel, config: training, train: data.train, validation: data.validation, group: group)
            trainer.checkpointFolder = checkpoint
            if !resume { try data.write(to: folder.data) }
            _ = group.broadcast(1)  // the other ranks may read --out now
            if resume {
                try trainer.resume(from: checkpoint)
                printError("resuming at step \(trainer.step) of \(steps)")
                try MetricsLog.keepRecords(throughStep: trainer.step, in: folder.metrics)
            }
            let metrics = try MetricsLog.opening(folder.metrics, truncating: !resume, onFailure: { printError($0) })
            let progress = ProgressLine()
            let interrupt = InterruptFlag()
            trainer.shouldStop = { interrupt.isRaised }
            trainer.onRecord = { metrics.append($0) }
            trainer.onProgress = { p in
                progress.update(
                    Double(p.step) / Double(p.steps),
                    String(format: "step %d/%d  loss %.3f  %.0f tok/s", p.step, p.steps, p.loss, p.tokensPerSecond))
            }
            printError(
                "\(config.architecture.rawValue): \(languageModel.parameterCount) parameters; training \(steps) steps of \(batch)×\(seqLen) tokens"
                    + (group.isDistributed ? " on each of \(group.size) ranks" : ""))
            let summary = try trainer.run()
            progress.finish()
            if summary.stoppedEarly {
                print("stopped at step \(summary.steps); checkpoint in \(checkpoint.path) (continue with --resume)")
                return
            }
            print(
                String(
                    format: "validation loss %.4f nats/token, perplexity %.2f%@, %.0f tokens/s; checkpoint in %@",
                    summary.validation.loss, summary.validation.perplexity,
                    summary.validation.bitsPerByte.map { String(format: ", %.3f bits/byte", $0) } ?? "",
                    summary.tokensPerSecond, checkpoint.path))
        }
    }
}
