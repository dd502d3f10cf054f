import Foundation
import Models
import Physics
import TensorCore

/// KPZ exponents of attention logits during training (seed 000 §2.1): trains a small transformer
/// on the pipeline's `stories` data, records each head's pre-softmax logit rows at log-spaced
/// steps (`AttentionSurfaceRecorder`), writes them as .npy (`surfaces/`, re-analysed by
/// `attnlab kpz attention RUN_DIR`) and estimates α, β, z per head and pooled, with the regime
/// checks that say whether those numbers are exponents at all. The reference-model validation of
/// the estimator (`criticality.surface-growth`) is carried over as `validation.*`.
public struct AttentionSurfaceExperiment: Experiment {
    public static let experimentID = "criticality.attention-surface"
    public let id = AttentionSurfaceExperiment.experimentID
    public let title = "KPZ exponents of attention logits during training"
    public let dependencies = [CriticalityModels.pipelineID, "criticality.surface-growth"]

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput()
        for (key, m) in context.dependencyOutputs["criticality.surface-growth"]?.measurements ?? [:] {
            out.measurements["validation." + key] = m
        }
        let pipeline = try CriticalityModels.pipeline(context)
        let data = try PreparedData.load(from: try CriticalityModels.artifact("data", of: pipeline, runDirectory: context.runDirectory))
        let recorder = AttentionSurfaceRecorder.at(context.scale, vocabulary: data.tokenizer.vocabularySize, seed: context.seed)
        context.log("attention surfaces: \(recorder.description)")
        let outcome = try recorder.run(data: data, log: context.log)
        let surfaces = outcome.surfaces
        let folder = context.directory.appendingPathComponent("surfaces")
        try surfaces.write(to: folder)
        out.artifacts["attention-surfaces"] = context.artifactPath(folder)
        let analysis = try AttentionSurfaceAnalysis.analyze(surfaces)
        AttentionSurfaceReport(analysis: analysis, surfaces: surfaces, outcome: outcome).add(to: &out)
        return out
    }
}
