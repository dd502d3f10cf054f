import Foundation
import Models

/// The corpus every trained-model experiment of a run trains on, reported as its `data`
/// artefact: the run's named corpus (`RunCorpus`, prepared into `corpus/` before the run starts)
/// when there is one, otherwise generated stories prepared (documents, BPE tokenizer, llm.c
/// token files) once per replicate. Experiments that need only data depend on it; the QSF pipeline too.
///
/// The built-in `stories` generator draws its documents from the replicate's seed, so the
/// seed-to-seed spread of a trained-model measurement holds the variation of the data as well as
/// of training.
public struct CorpusExperiment: RegisteredExperiment {
    public static let experimentID = "corpus"
    /// The prepared-data folder (vocab.json, merges.txt, train.bin, val.bin, data.json).
    public static let dataArtifact = "data"

    public let title = "Training corpus: generated stories, tokenizer and token files"

    public init() {}

    /// The corpus as a trained scale names it: "generated stories" for the built-in generator,
    /// otherwise the file's name.
    public static func label(_ summary: DataSummary) -> String {
        summary.corpus == "stories" ? "generated stories" : URL(fileURLWithPath: summary.corpus).lastPathComponent
    }

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let named = context.runDirectory.appendingPathComponent(RunCorpus.folderName, isDirectory: true)
        if FileManager.default.fileExists(atPath: named.appendingPathComponent(PreparedData.summaryFileName).path) {
            return try output(
                data: try PreparedData.load(from: named), folder: named, context: context,
                note: "The run's named corpus (config.json `corpus`), prepared once into \(RunCorpus.folderName)/ "
                    + "and shared by every replicate: the seed-to-seed spread holds training noise only.")
        }
        let scale = CorpusScale.at(context.scale)
        let folder = context.directory.appendingPathComponent("data")
        let data: PreparedData
        if let saved = try? PreparedData.load(from: folder) {
            data = saved
        } else {
            context.log("preparing \(scale.documents) stories, tokenizer to \(scale.vocabulary) tokens")
            data = try DataPreparation(
                corpus: .stories(documents: scale.documents, seed: context.seed),
                tokenizer: .train(vocabularySize: scale.vocabulary)
            ).run(log: context.log)
            try data.write(to: folder)
        }
        return try output(
            data: data, folder: folder, context: context,
            note: "Generated stories (the built-in `stories` corpus), \(scale.documents) documents at this replicate's seed.")
    }

    private func output(data: PreparedData, folder: URL, context: ExperimentContext, note: String) throws -> ExperimentOutput {
        let train = Double(data.train.tokens.count), validation = Double(data.validation.tokens.count)
        var measurements: [String: Measurement] = [:]
        measurements[CorpusKey.trainTokens] = Measurement(train, unit: "tokens", label: "training tokens")
        measurements[CorpusKey.validationTokens] = Measurement(validation, unit: "tokens", label: "validation tokens")
        measurements[CorpusKey.vocabulary] = Measurement(Double(data.tokenizer.vocabularySize), label: "tokenizer vocabulary")
        return ExperimentOutput(
            measurements: measurements,
            notes: [
                note + " Corpus \(data.summary.corpus): BPE vocabulary \(data.tokenizer.vocabularySize); "
                    + "\(Int(train)) training and \(Int(validation)) validation tokens."
            ],
            artifacts: [Self.dataArtifact: context.artifactPath(folder)])
    }
}

/// The corpus experiment's measurement keys.
public enum CorpusKey {
    public static let trainTokens = MeasurementKey("corpus.trainTokens")
    public static let validationTokens = MeasurementKey("corpus.validationTokens")
    public static let vocabulary = MeasurementKey("corpus.vocabulary")
}

/// The built-in corpus's size at each scale.
public struct CorpusScale: Sendable, Equatable {
    public var documents: Int
    /// Vocabulary the BPE tokenizer is trained to (a model's vocabulary is at least this).
    public var vocabulary: Int

    public static func at(_ scale: Scale) -> CorpusScale {
        switch scale {
        case .smoke: CorpusScale(documents: 300, vocabulary: 320)
        case .quick: CorpusScale(documents: 3000, vocabulary: 512)
        case .small: CorpusScale(documents: 20000, vocabulary: 2048)
        case .paper: CorpusScale(documents: 20000, vocabulary: 4096)
        }
    }
}
