import Foundation
import Models

/// The corpus every trained-model experiment of a run trains on: it prepares the data
/// (documents, BPE tokenizer, llm.c token files) once per replicate and reports the folder as
/// its `data` artefact. Experiments that need only data depend on it; the QSF pipeline too.
///
/// The built-in `stories` generator draws its documents from the replicate's seed, so the
/// seed-to-seed spread of a trained-model measurement holds the variation of the data as well as
/// of training.
public struct CorpusExperiment: Experiment {
    public static let experimentID = "corpus"
    /// The prepared-data folder (vocab.json, merges.txt, train.bin, val.bin, data.json).
    public static let dataArtifact = "data"

    public let id = CorpusExperiment.experimentID
    public let title = "Training corpus: generated stories, tokenizer and token files"

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let scale = CorpusScale.at(context.scale)
        let folder = context.directory.appendingPathComponent("data")
        let data: PreparedData
        if let saved = try? PreparedData.load(from: folder) {
            data = saved
        } else {
            context.log("preparing \(scale.documents) stories, tokenizer to \(scale.vocabulary) tokens")
            data = try DataPreparation(corpus: .stories(documents: scale.documents, seed: context.seed),
                                       tokenizer: .train(vocabularySize: scale.vocabulary)).run(log: context.log)
            try data.write(to: folder)
        }
        let train = Double(data.train.tokens.count), validation = Double(data.validation.tokens.count)
        var measurements: [String: Measurement] = [:]
        measurements[CorpusKey.trainTokens] = Measurement(train, unit: "tokens", label: "training tokens")
        measurements[CorpusKey.validationTokens] = Measurement(validation, unit: "tokens", label: "validation tokens")
        measurements[CorpusKey.vocabulary] = Measurement(Double(data.tokenizer.vocabularySize), label: "tokenizer vocabulary")
        return ExperimentOutput(
            measurements: measurements,
            notes: ["Generated stories (the built-in `stories` corpus), \(scale.documents) documents at this replicate's seed; "
                    + "BPE trained to \(scale.vocabulary) tokens; \(Int(train)) training and \(Int(validation)) validation tokens."],
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
