import Foundation
import Models
import Physics
import TensorCore

/// KPZ exponents of attention logits during training (seed 000 §2.1): trains a small transformer
/// on the run's corpus (`corpus`), records each head's pre-softmax logit rows at log-spaced
/// steps (`AttentionSurfaceRecorder`), writes them as .npy (`surfaces/`, re-analysed by
/// `attnlab kpz attention RUN_DIR`) and estimates α, β, z per head and pooled, with the regime
/// checks that say whether those numbers are exponents at all. The reference-model validation of
/// the estimator (`criticality.surface-growth`) is carried over as `validation.*`.
public struct AttentionSurfaceExperiment: RegisteredExperiment {
    public static let experimentID = "criticality.attention-surface"
    public let title = "KPZ exponents of attention logits during training"
    public let dependencies = [CorpusExperiment.experimentID, SurfaceGrowthExperiment.experimentID]

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput(measurements: context.validationMeasurements(of: SurfaceGrowthExperiment.experimentID))
        let data = try RunModels(context).data()
        let recorder = AttentionSurfaceRecorder.at(context.scale, vocabulary: data.tokenizer.vocabularySize, seed: context.seed)
        context.log("attention surfaces: \(recorder.description)")
        let outcome = try recorder.run(data: data, log: context.log)
        let surfaces = outcome.surfaces
        let folder = context.directory.appendingPathComponent("surfaces")
        try surfaces.write(to: folder)
        out.artifacts["attention-surfaces"] = context.artifactPath(folder)
        let analysis = try AttentionSurfaceAnalysis.analyze(surfaces)
        AttentionSurfaceReport(analysis: analysis, surfaces: surfaces, outcome: outcome).add(to: &out)
        out.trainedScale = Self.scale(of: recorder, data: data)
        return out
    }

    /// The model this experiment trains (not the pipeline's): its parameters, the tokens it sees
    /// and the corpus, for the scale gate.
    static func scale(of recorder: AttentionSurfaceRecorder, data: PreparedData) -> ModelScale {
        let tokens = recorder.training.steps * recorder.training.batchSize * recorder.model.contextLength
        let documents = data.summary.documents.train + data.summary.documents.validation
        return ModelScale(
            parameters: Double(recorder.model.parameterCount), tokens: Double(tokens),
            corpus: "\(CorpusExperiment.label(data.summary)), \(documents) documents")
    }
}
