import ArgumentParser
import Foundation
import Models

extension AttnLab {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Evaluate a trained model (a folder written by `attnlab train`).")
        @Argument(help: "The training output folder.") var folder: String
        @Option(help: "Evaluate on another prepared data folder instead of the training run's validation split.") var data: String?

        func run() throws {
            let run = URL(fileURLWithPath: folder)
            let (model, manifest) = try Checkpoint.loadModel(from: run.appendingPathComponent("checkpoint"))
            let dataFolder = data.map { URL(fileURLWithPath: $0) } ?? run.appendingPathComponent("data")
            let prepared = try PreparedData.load(from: dataFolder)
            let validationFile = dataFolder.appendingPathComponent(PreparedData.validationFileName).path
            guard prepared.tokenizer.vocabularySize <= model.config.vocabularySize else {
                throw CommandError(
                    "\(dataFolder.path): its vocabulary of \(prepared.tokenizer.vocabularySize) tokens is larger than "
                        + "the model's \(model.config.vocabularySize); evaluate on data prepared with the run's tokenizer")
            }
            let context = manifest.training.contextLength
            guard prepared.validation.tokens.count > context else {
                throw CommandError(
                    "\(validationFile): \(TrainingError.dataTooShort(split: "validation", tokens: prepared.validation.tokens.count, needed: context + 1))")
            }
            let e = Evaluator.evaluate(model, on: prepared.validation, batchSize: manifest.training.batchSize, contextLength: context)
            guard e.loss.isFinite else {
                throw CommandError(
                    "\(run.appendingPathComponent("checkpoint/\(Checkpoint.modelFile)").path): the validation loss is "
                        + "\(e.loss): the model's weights overflow Float arithmetic on \(validationFile)")
            }
            print(
                String(
                    format: "validation loss %.4f nats/token, perplexity %.2f%@ over %d tokens", e.loss, e.perplexity,
                    e.bitsPerByte.map { String(format: ", %.3f bits/byte", $0) } ?? "", e.tokens))
        }
    }
}
