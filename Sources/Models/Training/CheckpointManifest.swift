import Foundation
import TensorCore

extension Checkpoint {
    /// What config.json holds.
    public struct Manifest: Codable, Sendable, Equatable {
        public var model: ModelConfig
        public var training: TrainingConfig
        /// Steps completed.
        public var step: Int
        /// Training tokens seen.
        public var tokensSeen: Int
        public var format = 1

        public init(model: ModelConfig, training: TrainingConfig, step: Int, tokensSeen: Int) {
            (self.model, self.training, self.step, self.tokensSeen) = (model, training, step, tokensSeen)
        }

        /// Decodes and validates the bytes of a config.json; `path` names it in errors.
        ///
        /// A manifest is accepted only when everything a reader will use it for is sound, so that
        /// nothing (metrics.jsonl on `--resume`, a model allocation) acts on it before it is
        /// checked: no key appears twice, the model and training configurations pass their own
        /// validation, every model size is at most 2³¹ − 1, the training context fits the model,
        /// `step` is in 0...training.steps and `tokensSeen` is step × batch × context ×
        /// accumulation, and the model fits in memory for evaluation at the stored batch and
        /// context (`MemoryBudget`).
        public static func decode(_ data: Data, path: String, memoryLimit: Double = MemoryBudget.physicalBytes) throws -> Manifest {
            func fail(_ reason: String) -> TrainingError { .checkpointMismatch(path: path, reason: reason) }
            if let finding = StrictJSON.check(data) { throw fail("not a valid checkpoint manifest: \(finding)") }
            let manifest: Manifest
            do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
                throw fail("not a valid checkpoint manifest: \(error)")
            }
            try manifest.validate(path: path, memoryLimit: memoryLimit)
            return manifest
        }

        /// The checks of `decode`, on a manifest already in memory.
        public func validate(path: String, memoryLimit: Double = MemoryBudget.physicalBytes) throws {
            func fail(_ reason: String) -> TrainingError { .checkpointMismatch(path: path, reason: reason) }
            guard format == 1 else { throw fail("format \(format) is not supported (this attnlab reads format 1)") }
            let sizes = [
                ("vocabularySize", model.vocabularySize), ("contextLength", model.contextLength), ("width", model.width),
                ("layers", model.layers), ("heads", model.heads), ("feedForward", model.feedForward),
            ]
            for (field, value) in sizes where value > Int(Int32.max) {
                throw fail("model.\(field) is \(value); sizes above \(Int32.max) are not supported")
            }
            for (field, value) in [
                ("initStd", model.initStd), ("koopmanInitDecay", model.koopmanInitDecay),
                ("koopmanInitScale", model.koopmanInitScale),
            ] where !value.isFinite {
                throw fail("model.\(field) is \(value); expected a finite number")
            }
            do {
                try model.validate()
                try training.validate()
            } catch {
                throw fail("\(error)")
            }
            guard training.contextLength <= model.contextLength else {
                throw fail("training.contextLength \(training.contextLength) exceeds the model's context \(model.contextLength)")
            }
            guard (0...training.steps).contains(step) else {
                throw fail("step is \(step); expected a step in 0...\(training.steps) (training.steps)")
            }
            let perStep = [training.batchSize, training.contextLength, training.accumulation, training.rankCount].reduce((1, false)) { acc, x in
                let (p, o) = acc.0.multipliedReportingOverflow(by: x)
                return (p, acc.1 || o)
            }
            let expected = perStep.0.multipliedReportingOverflow(by: step)
            guard !perStep.1, !expected.overflow, expected.partialValue == tokensSeen else {
                throw fail(
                    "tokensSeen is \(tokensSeen); \(step) steps of \(training.batchSize) × \(training.contextLength) × "
                        + "\(training.accumulation)\(training.ranks.map { " × \($0) ranks" } ?? "") tokens make \(perStep.1 || expected.overflow ? "more than Int.max" : String(expected.partialValue))"
                )
            }
            try MemoryBudget.check(
                .inference(model, batch: training.batchSize, context: training.contextLength),
                source: path, limit: memoryLimit)
        }
    }

    /// The validated manifest of a checkpoint folder, or an error naming the file.
    public static func manifest(in folder: URL) throws -> Manifest {
        try recover(folder)
        let url = folder.appendingPathComponent(configFile)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TrainingError.checkpointMismatch(path: url.path, reason: "cannot read the checkpoint manifest (\(FileErrorText.reason(error)))")
        }
        return try Manifest.decode(data, path: url.path)
    }
}
