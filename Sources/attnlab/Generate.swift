import ArgumentParser
import Foundation
import Models

extension AttnLab {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sample text from a trained model.")
        @Argument(help: "The training output folder.") var folder: String
        @Option(help: "Text to continue.") var prompt = "Once upon a time"
        @Option(help: "Tokens to generate.") var tokens = 60
        @Option(help: "Sampling temperature (0: greedy).") var temperature = 0.8
        @Option(help: "Sample among the k most likely tokens (0: all).") var topK = 40
        @Option(help: "Seed of the sampler.") var seed: UInt64 = 0

        /// Bytes one generated token costs at most (its id, its text, the printed line).
        static let bytesPerToken = 64.0

        func validate() throws {
            guard tokens > 0 else { throw ValidationError("--tokens must be positive, got \(tokens)") }
            guard Double(tokens) * Self.bytesPerToken <= MemoryBudget.physicalBytes else {
                throw ValidationError(
                    "--tokens \(tokens): the text of that many tokens needs about "
                        + "\(MemoryBudget.gigabytes(Double(tokens) * Self.bytesPerToken)), more than this machine's "
                        + "\(MemoryBudget.gigabytes(MemoryBudget.physicalBytes))")
            }
            guard temperature >= 0 && temperature.isFinite else {
                throw ValidationError("--temperature must be a finite number ≥ 0 (0: greedy), got \(temperature)")
            }
            guard topK >= 0 else { throw ValidationError("--top-k must be ≥ 0, got \(topK)") }
        }

        func run() throws {
            let run = URL(fileURLWithPath: folder)
            let (model, _) = try Checkpoint.loadModel(from: run.appendingPathComponent("checkpoint"))
            let dataFolder = run.appendingPathComponent("data")
            let tokenizer = try BPETokenizer.load(directory: dataFolder)
            guard tokenizer.vocabularySize <= model.config.vocabularySize else {
                throw CommandError(
                    "\(dataFolder.path): the tokenizer's vocabulary of \(tokenizer.vocabularySize) tokens is larger "
                        + "than the model's \(model.config.vocabularySize)")
            }
            var ids = tokenizer.encode(prompt).map { Int32($0) }
            if ids.isEmpty { ids = [Int32(tokenizer.endOfTextToken ?? 0)] }
            let out: [Int32]
            do {
                out = try Generator.sample(model, prompt: ids, count: tokens, temperature: temperature, topK: topK == 0 ? nil : topK, seed: seed)
            } catch let error as GenerationError {
                throw CommandError("\(run.appendingPathComponent("checkpoint/\(Checkpoint.modelFile)").path): \(error)")
            }
            print(prompt + tokenizer.decode(out.map(Int.init)))
        }
    }
}
