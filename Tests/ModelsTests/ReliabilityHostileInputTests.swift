import Foundation
import TensorCore
import Testing

@testable import Models

/// The second reliability round (docs/RELIABILITY.md) in the Models layer: checkpoint manifests
/// validated before anything acts on them, weights checked on load, sampling and training that
/// stop with the file, tensor or step named instead of trapping or printing garbage, data sets
/// that must belong together, run folders owned by one writer, and memory estimated before
/// allocating.
@Suite(.serialized) struct ReliabilityHostileInputTests {
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-hostile-\(getpid())")

    static func folder(_ name: String) throws -> URL {
        let url = scratch.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
    }

    static func text(_ error: Error?) -> String { error.map { "\($0)" } ?? "no error" }

    // MARK: checkpoint manifests

    static var manifest: Checkpoint.Manifest {
        let config = ModelConfig(architecture: .transformer, vocabularySize: 20, contextLength: 8, width: 8, layers: 1, heads: 2, feedForward: 16)
        return Checkpoint.Manifest(model: config, training: ReliabilityReaderTests.tinyTraining, step: 3, tokensSeen: 3 * 2 * 8)
    }

    /// One edit of a valid config.json and a phrase the error must contain.
    struct ManifestCase: Sendable, CustomStringConvertible {
        var description: String
        var edit: @Sendable (inout [String: Any]) -> Void
        var expected: String
    }

    static let manifestCases: [ManifestCase] = [
        .init(description: "negative step", edit: { $0["step"] = -5 }, expected: "step is -5; expected a step in 0...5"),
        .init(description: "step past the end", edit: { $0["step"] = 6 }, expected: "step is 6; expected a step in 0...5"),
        .init(description: "tokensSeen inconsistent", edit: { $0["tokensSeen"] = 7 }, expected: "tokensSeen is 7; 3 steps of 2 × 8 × 1 tokens make 48"),
        .init(
            description: "tokensSeen overflows",
            edit: {
                $0["step"] = 5; $0["training"] = training { $0["batchSize"] = Int.max / 2 }
            },
            expected: "make more than Int.max"),
        .init(description: "absurd layers", edit: { $0["model"] = model { $0["layers"] = 1_000_000_000 } }, expected: "of memory"),
        .init(
            description: "absurd width",
            edit: {
                $0["model"] = model {
                    $0["width"] = 1 << 40; $0["heads"] = 1
                }
            },
            expected: "model.width is 1099511627776; sizes above 2147483647 are not supported"),
        .init(description: "absurd vocabulary", edit: { $0["model"] = model { $0["vocabularySize"] = 2_000_000_000 } }, expected: "more than the"),
        .init(description: "zero layers", edit: { $0["model"] = model { $0["layers"] = 0 } }, expected: "layers: expected at least one layer"),
        .init(description: "heads not a divisor", edit: { $0["model"] = model { $0["heads"] = 3 } }, expected: "heads: expected a divisor of width 8"),
        .init(
            description: "training context past the model's", edit: { $0["training"] = training { $0["contextLength"] = 9 } },
            expected: "training.contextLength 9 exceeds the model's context 8"),
        .init(description: "zero steps", edit: { $0["training"] = training { $0["steps"] = 0 } }, expected: "steps: expected a positive number of steps"),
        .init(description: "negative batch", edit: { $0["training"] = training { $0["batchSize"] = -1 } }, expected: "batchSize"),
        .init(description: "unknown format", edit: { $0["format"] = 2 }, expected: "format 2 is not supported"),
        .init(description: "negative seed", edit: { $0["training"] = training { $0["seed"] = -1 } }, expected: "not a valid checkpoint manifest"),
    ]

    static func model(_ edit: (inout [String: Any]) -> Void) -> [String: Any] { var m = object(manifest.model); edit(&m); return m }
    static func training(_ edit: (inout [String: Any]) -> Void) -> [String: Any] { var t = object(manifest.training); edit(&t); return t }
    static func object<T: Encodable>(_ value: T) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(value))) as? [String: Any] ?? [:]
    }

    @Test(arguments: manifestCases) func hostileManifestsAreRefusedBeforeUse(_ c: ManifestCase) throws {
        var object = Self.object(Self.manifest)
        c.edit(&object)
        let data = try JSONSerialization.data(withJSONObject: object)
        let error = #expect(throws: (any Error).self) { try Checkpoint.Manifest.decode(data, path: "/run/checkpoint/config.json", memoryLimit: 8e9) }
        #expect(Self.text(error).hasPrefix("/run/checkpoint/config.json: "), "\(Self.text(error))")
        #expect(Self.text(error).contains(c.expected), "\(Self.text(error))")
    }

    @Test func theValidManifestOfTheTableDecodesAndADuplicateKeyDoesNot() throws {
        let data = try JSONEncoder().encode(Self.manifest)
        #expect(try Checkpoint.Manifest.decode(data, path: "m") == Self.manifest)
        var text = String(decoding: data, as: UTF8.self)
        text.removeLast()
        text += #","step":-5}"#
        let error = #expect(throws: TrainingError.self) { try Checkpoint.Manifest.decode(Data(text.utf8), path: "m") }
        #expect(Self.text(error).contains(#"the key "step" appears twice in the top-level object"#), "\(Self.text(error))")
    }

    // MARK: weights

    static func checkpoint(_ name: String) throws -> (folder: URL, model: LanguageModel<Float>) {
        let folder = try Self.folder(name)
        var rng = SeededRNG(seed: 1)
        let model = try LanguageModel<Float>(config: manifest.model, rng: &rng)
        var optimizer = AdamW<Float>(weightDecay: 0)
        optimizer.restore(
            step: 3, firstMoments: model.parameters.map { Tensor(shape: $0.shape, repeating: 0) },
            secondMoments: model.parameters.map { Tensor(shape: $0.shape, repeating: 0) })
        try Checkpoint.write(model: model, optimizer: optimizer, manifest: manifest, to: folder)
        return (folder, model)
    }

    struct WeightCase: Sendable, CustomStringConvertible {
        var description: String
        var value: Float
        var expected: String
    }

    static let weightCases: [WeightCase] = [
        .init(description: "NaN", value: .nan, expected: "element 5 is nan"),
        .init(description: "+inf", value: .infinity, expected: "element 5 is inf"),
        .init(description: "-inf", value: -.infinity, expected: "element 5 is -inf"),
        .init(description: "1e30", value: 1e30, expected: "element 5 is 1e+30"),
        .init(description: "just above the bound", value: 2e6, expected: "at most 1000000.0 in magnitude"),
    ]

    /// eval and generate load through `Checkpoint.loadModel`: a non-finite or huge weight is
    /// refused with the file and tensor named (before, eval printed `nan` and generate NUL bytes
    /// or trapped).
    @Test(arguments: weightCases) func nonFiniteOrHugeWeightsAreRefusedOnLoad(_ c: WeightCase) throws {
        let (folder, _) = try Self.checkpoint("weights-\(c.description)")
        let url = folder.appendingPathComponent(Checkpoint.modelFile)
        var st = try SafeTensors.read(url)
        var t: Tensor<Float> = try st.tensor("blocks.0.ffn.up.weight")
        t.withUnsafeMutableBufferPointer { $0[5] = c.value }
        st.set("blocks.0.ffn.up.weight", t)
        try st.write(to: url)
        let error = #expect(throws: TrainingError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(Self.text(error).hasPrefix(url.path + ": tensor 'blocks.0.ffn.up.weight' "), "\(Self.text(error))")
        #expect(Self.text(error).contains(c.expected), "\(Self.text(error))")
    }

    @Test func damagedModelFilesAreRefusedByName() throws {
        let (folder, _) = try Self.checkpoint("damaged")
        let url = folder.appendingPathComponent(Checkpoint.modelFile)
        let original = try SafeTensors.read(url)
        var st = original
        st.set("norm_state.0", Tensor<Double>(shape: [6], scalars: [0, .nan, 0, 0, 1, 0]))
        try st.write(to: url)
        #expect(Self.text(#expect(throws: TrainingError.self) { try Checkpoint.loadModel(from: folder) }).contains("norm_state.0 is"))
        st = original
        st.set("extra", Tensor<Float>(shape: [1], repeating: 0))
        try st.write(to: url)
        #expect(Self.text(#expect(throws: TrainingError.self) { try Checkpoint.loadModel(from: folder) }).contains("holds a tensor 'extra'"))
        st = original
        st.set("norm.weight", int32: [1, 2, 3, 4, 5, 6, 7, 8])
        try st.write(to: url)
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(Self.text(error) == "\(url.path): safetensors: tensor 'norm.weight' is I32, expected F32 or F64")
        // The optimizer's step must be the manifest's.
        try original.write(to: url)
        var optimizerFile = try SafeTensors.read(folder.appendingPathComponent(Checkpoint.optimizerFile))
        optimizerFile.set("step", int64: [-5])
        try optimizerFile.write(to: folder.appendingPathComponent(Checkpoint.optimizerFile))
        let (model, _) = try Checkpoint.loadModel(from: folder)
        var optimizer = AdamW<Float>(weightDecay: 0)
        let restore = #expect(throws: TrainingError.self) { try Checkpoint.restore(model: model, optimizer: &optimizer, from: folder) }
        #expect(Self.text(restore).contains("optimizer step [-5] does not match the manifest's step 3"), "\(Self.text(restore))")
    }

    // MARK: sampling

    /// Weights that overflow in the forward pass (here set in memory, past the load check) stop
    /// generation with the token named; an infinite temperature is refused. Before, both
    /// trapped in `SeededRNG.categorical` or printed NUL bytes.
    @Test func generationRefusesNonFiniteLogitsAndTemperatures() throws {
        var rng = SeededRNG(seed: 1)
        let model = try LanguageModel<Float>(config: Self.manifest.model, rng: &rng)
        #expect(throws: GenerationError.temperature(.infinity)) {
            _ = try Generator.sample(model, prompt: [1], count: 3, temperature: .infinity, seed: 0)
        }
        #expect(throws: GenerationError.promptOutsideVocabulary(position: 1, token: 20, vocabularySize: 20)) {
            _ = try Generator.sample(model, prompt: [1, 20], count: 3, seed: 0)
        }
        for value in [Float.nan, .infinity] {
            model.tokenEmbedding.table.value.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = value } }
            for temperature in [0.0, 1.0] {
                let error = #expect(throws: GenerationError.self) {
                    _ = try Generator.sample(model, prompt: [1], count: 3, temperature: temperature, seed: 0)
                }
                #expect(Self.text(error).contains("logits for generated token 1 are not finite"), "\(Self.text(error))")
            }
        }
    }

    // MARK: training

    static let data: PreparedData = {
        try! DataPreparation(corpus: .stories(documents: 60, seed: 2), tokenizer: .train(vocabularySize: 300)).run()
    }()

    static func trainer(steps: Int, lr: Double, folder: URL? = nil) throws -> Trainer {
        let config = ModelConfig(
            architecture: .transformer, vocabularySize: data.tokenizer.vocabularySize, contextLength: 16,
            width: 16, layers: 1, heads: 2, feedForward: 32)
        var rng = SeededRNG(seed: 1)
        var training = TrainingConfig()
        training.steps = steps
        training.batchSize = 2
        training.contextLength = 16
        training.maxLearningRate = lr
        training.logInterval = 1
        training.evalInterval = 0
        let trainer = try Trainer(model: LanguageModel(config: config, rng: &rng), config: training, train: data.train, validation: data.validation)
        trainer.checkpointFolder = folder
        return trainer
    }

    /// `--lr 1e300`: step 1 logs a finite loss and its update overflows the weights; the error
    /// names step 2, whose loss is NaN (it named step 1 before). When the overflowing update is
    /// the last step, no later loss shows it: the run stops before evaluating or writing a
    /// checkpoint of non-finite weights.
    @Test func divergenceNamesTheStepWhoseLossOrUpdateFailed() throws {
        let trainer = try Self.trainer(steps: 5, lr: 1e300)
        var losses: [Int: Double] = [:]
        trainer.onRecord = { if let loss = $0.loss { losses[$0.step] = loss } }
        let error = #expect(throws: TrainingError.self) { _ = try trainer.run() }
        #expect(losses.keys.sorted() == [1] && losses[1]!.isFinite)
        #expect(Self.text(error).hasPrefix("training diverged at step 2: its loss is"), "\(Self.text(error))")

        let folder = try Self.folder("overflow-last")
        let last = try Self.trainer(steps: 1, lr: 1e300, folder: folder)
        var records: [TrainingRecord] = []
        last.onRecord = { records.append($0) }
        let lastError = #expect(throws: TrainingError.self) { _ = try last.run() }
        #expect(Self.text(lastError).hasPrefix("training diverged at step 1: its update left "), "\(Self.text(lastError))")
        #expect(records.map(\.kind) == [.train])
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    /// A finished run resumed: no step, no new evaluation record, the checkpoint untouched.
    @Test func resumingAFinishedRunRecordsNothing() throws {
        let folder = try Self.folder("finished")
        let first = try Self.trainer(steps: 3, lr: 1e-3, folder: folder)
        _ = try first.run()
        let before = try Data(contentsOf: folder.appendingPathComponent(Checkpoint.modelFile))
        let again = try Self.trainer(steps: 3, lr: 1e-3, folder: folder)
        try again.resume(from: folder)
        var records: [TrainingRecord] = []
        again.onRecord = { records.append($0) }
        let summary = try again.run()
        #expect(records.isEmpty && summary.steps == 3)
        #expect(try Data(contentsOf: folder.appendingPathComponent(Checkpoint.modelFile)) == before)
    }

    // MARK: data sets

    static func smallSet(_ seed: UInt64) throws -> PreparedData {
        try DataPreparation(corpus: .stories(documents: 12, seed: seed), tokenizer: .bytes).run()
    }

    /// A data folder is one set: a file of another preparation, or counts that disagree with
    /// data.json (a folder written before the hashes), are refused by name; the set is never
    /// written over files that are not a data set's.
    @Test func aDataFolderMustHoldOneSet() throws {
        let a = try Self.folder("set-a"), b = try Self.folder("set-b")
        try Self.smallSet(1).write(to: a)
        try Self.smallSet(2).write(to: b)
        _ = try PreparedData.load(from: a)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent("data.json"))) as? [String: Any]
        #expect((summary?["files"] as? [String: Any])?.keys.sorted() == ["merges.txt", "train.bin", "val.bin", "vocab.json"])
        // val.bin of another preparation.
        try FileManager.default.removeItem(at: a.appendingPathComponent("val.bin"))
        try FileManager.default.copyItem(at: b.appendingPathComponent("val.bin"), to: a.appendingPathComponent("val.bin"))
        let mixed = #expect(throws: TokenFileError.self) { try PreparedData.load(from: a) }
        #expect(Self.text(mixed).hasPrefix(a.appendingPathComponent("val.bin").path + ": does not belong to this data set"), "\(Self.text(mixed))")
        // The same without the recorded hashes (an older folder): the counts disagree.
        var object = try #require(summary)
        object["files"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: a.appendingPathComponent("data.json"))
        let counts = #expect(throws: TokenFileError.self) { try PreparedData.load(from: a) }
        #expect(Self.text(counts).contains("the val.bin token count is"), "\(Self.text(counts))")
        // A folder of other files is refused, and left as it was.
        let other = try Self.folder("not-data")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: other.appendingPathComponent("notes.txt"))
        let refused = #expect(throws: TokenFileError.self) { try Self.smallSet(1).write(to: other) }
        #expect(Self.text(refused).contains("holds files that are not part of an attnlab data set (notes.txt)"), "\(Self.text(refused))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: other.path) == ["notes.txt"])
    }

    // MARK: run folders

    @Test func aRunFolderIsOwnedByOneWriterAndHoldsOnlyItsRun() throws {
        // A folder of another kind of run: refused, untouched (not even a lock file).
        let claims = try Self.folder("claims-run")
        try FileManager.default.createDirectory(at: claims, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: claims.appendingPathComponent("results.json"))
        let foreign = #expect(throws: RunFolderError.self) { try TrainingRunFolder(claiming: claims) }
        #expect(foreign == .foreign(path: claims.path, entries: ["results.json"]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: claims.path) == ["results.json"])

        // A run's own folder, with a leftover temporary file, is accepted; a second writer is not.
        let run = try Self.folder("own-run")
        try FileManager.default.createDirectory(at: run.appendingPathComponent("checkpoint"), withIntermediateDirectories: true)
        try Data().write(to: run.appendingPathComponent("checkpoint/config.json"))
        try Data().write(to: run.appendingPathComponent("metrics.jsonl"))
        try Data().write(to: run.appendingPathComponent(".metrics.jsonl.tmp-1-2"))
        do {
            let owner = try TrainingRunFolder(claiming: run)
            withExtendedLifetime(owner) {
                #expect(owner.heldARun)
                let second = #expect(throws: RunFolderError.self) { try TrainingRunFolder(claiming: run) }
                #expect(second == .inUse(path: run.path, pid: Int(getpid())))
                #expect(Self.text(second).contains("in use by another attnlab train (pid \(getpid()))"))
            }
        }
        _ = try TrainingRunFolder(claiming: run)  // released with its owner

        // A stray file inside the checkpoint (the checkpoint swap would delete it).
        try Data("mine".utf8).write(to: run.appendingPathComponent("checkpoint/notes.txt"))
        #expect(throws: RunFolderError.foreign(path: run.path, entries: ["checkpoint/notes.txt"])) { try TrainingRunFolder(claiming: run) }
        try FileManager.default.removeItem(at: run.appendingPathComponent("checkpoint/notes.txt"))

        // A symbolic link where the data folder goes: writes would land outside the run.
        let elsewhere = try Self.folder("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: run.appendingPathComponent("data"), withDestinationURL: elsewhere)
        #expect(throws: RunFolderError.symbolicLink(path: run.appendingPathComponent("data").path)) { try TrainingRunFolder(claiming: run) }

        // A file where the folder should be, and a folder created for nothing, removed again.
        let file = try Self.folder("a-file")
        try Data("x".utf8).write(to: file)
        #expect(throws: AtomicFileError.notAFolder(path: file.path)) { try TrainingRunFolder(claiming: file) }
        let fresh = try Self.folder("fresh")
        do { _ = try TrainingRunFolder(claiming: fresh.appendingPathComponent("a/b")) }
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
    }

    // MARK: memory

    struct MemoryCase: Sendable, CustomStringConvertible {
        var description: String
        var model: ModelConfig
        var batch: Int
        var context: Int
        var fits: Bool
    }

    static func config(
        _ arch: Architecture = .transformer, vocabulary: Int = 1024, context: Int = 64, width: Int = 128,
        layers: Int = 4, heads: Int = 4, ff: Int? = nil
    ) -> ModelConfig {
        ModelConfig(
            architecture: arch, vocabularySize: vocabulary, contextLength: context, width: width, layers: layers, heads: heads,
            feedForward: ff ?? 4 * width)
    }

    static let memoryCases: [MemoryCase] = [
        .init(description: "train defaults", model: config(.qsf), batch: 16, context: 64, fits: true),
        .init(
            description: "benchmark B", model: config(vocabulary: 4096, context: 256, width: 256, layers: 6, heads: 8, ff: 1024),
            batch: 8, context: 256, fits: true),
        .init(
            description: "a larger model", model: config(vocabulary: 8192, context: 256, width: 512, layers: 8, heads: 8), batch: 16,
            context: 256, fits: true),
        .init(description: "--context 1000000000", model: config(context: 1_000_000_000), batch: 16, context: 64, fits: false),
        .init(description: "--width 1000000", model: config(width: 1_000_000), batch: 16, context: 64, fits: false),
        .init(description: "--batch 1000000000", model: config(), batch: 1_000_000_000, context: 64, fits: false),
        .init(description: "a million layers", model: config(layers: 1_000_000), batch: 16, context: 64, fits: false),
        .init(description: "fnet context 100000", model: config(.fnet, context: 100_000), batch: 1, context: 64, fits: false),
        .init(
            description: "sizes whose product overflows Int",
            model: config(
                vocabulary: Int(Int32.max), context: Int(Int32.max),
                width: Int(Int32.max), layers: Int(Int32.max), heads: 1, ff: Int(Int32.max)), batch: Int.max, context: Int.max, fits: false),
    ]

    /// Refused with the number before anything is allocated (against an 8 GB machine, so the
    /// table does not depend on this one); ordinary configurations fit.
    @Test(arguments: memoryCases) func memoryIsEstimatedBeforeAllocating(_ c: MemoryCase) throws {
        let estimate = MemoryEstimate.training(c.model, batch: c.batch, context: c.context)
        if c.fits {
            try MemoryBudget.check(estimate, source: "test", limit: 8e9)
        } else {
            let error = #expect(throws: MemoryBudgetError.self) { try MemoryBudget.check(estimate, source: "test", limit: 8e9) }
            #expect(Self.text(error).hasPrefix("test: training this model needs at least "), "\(Self.text(error))")
            #expect(Self.text(error).contains("more than the 8.0 GB this machine has"))
        }
    }
}
