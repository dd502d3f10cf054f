import Foundation
import Models
import Physics
import TensorCore

/// The measurements of one replicate of `qsf.pipeline` from its trained stages: each stage's
/// validation loss, parameters and blown-up windows, and every paired comparison the training
/// claims read (`QSFTrainingKey.comparisons`). Pooled over seeds by the runner; counts of
/// blown-up windows pool as a sum, everything else as the mean. A stage that diverged has its
/// divergence keys instead of losses, and comparisons with a stage without a model are absent.
struct QSFPipelineMeasurements {
    let results: [QSFPipeline.StageResult]
    /// Seed of the bootstrap generators (the replicate's).
    let seed: UInt64

    func stage(_ s: QSFStage) -> QSFPipeline.StageResult? { results.first { $0.name == s.rawValue } }

    var measurements: [String: Measurement] {
        var m: [String: Measurement] = [:]
        for r in results {
            guard let s = QSFStage(rawValue: r.name) else { continue }
            m[QSFTrainingKey.parameters(s)] = Measurement(Double(r.parameters), unit: "parameters", label: "parameters, \(r.name)")
            if let d = r.divergence {
                m[QSFTrainingKey.diverged(s)] = Measurement(1, unit: "seeds", label: "\(r.name) diverged", pooling: .sum)
                m[QSFTrainingKey.divergedStep(s)] = Measurement(
                    Double(d.step), unit: "step", label: "step at which \(r.name) diverged",
                    pooling: .minimum)
                m[QSFTrainingKey.divergedDuringAnnealing(s)] = Measurement(
                    d.duringAnnealing ? 1 : 0, unit: "seeds",
                    label: "\(r.name) diverged during LayerNorm annealing", pooling: .sum)
            }
            guard let summary = r.summary else { continue }
            let windows = SampleSummary(r.windowLosses)
            m[QSFTrainingKey.loss(s)] = Measurement(
                summary.validation.loss, error: windows.standardError, samples: windows.count,
                unit: "nats/token", label: "validation loss, \(r.name)")
            m[QSFTrainingKey.trainingTokensPerSecond(s)] = Measurement(
                summary.tokensPerSecond, unit: "tokens/s",
                label: "training throughput, \(r.name) (its own training, not interleaved)")
            if let bpb = summary.validation.bitsPerByte {
                m[QSFTrainingKey.bitsPerByte(s)] = Measurement(bpb, unit: "bits/byte", label: "bits per byte, \(r.name)")
            }
            m[QSFTrainingKey.blownUpWindows(s)] = Measurement(
                Double(Self.blownUp(r)), samples: r.windowLosses.count, unit: "windows",
                label: "validation windows of \(r.name) with loss above ln V", pooling: .sum)
        }
        for (index, (a, b)) in QSFTrainingKey.comparisons.enumerated() {
            guard let x = stage(a), let y = stage(b), x.isTrained, y.isTrained else { continue }
            var rng = SeededRNG(seed: seed).stream(UInt64(index))
            let c = PairedWindowComparison(a: x.windowLosses, b: y.windowLosses, rng: &rng, label: "\(a.rawValue) vs \(b.rawValue)")
            m[QSFTrainingKey.relativeChange(a, b)] = c.relative
            m[QSFTrainingKey.meanDifference(a, b)] = c.meanDifference
        }
        if let iii = stage(.qsf), let base = stage(.transformer) {
            m[QSFTrainingKey.parametersRatio] = Measurement(
                Double(iii.parameters) / Double(base.parameters),
                label: "Stage III / transformer parameters")
        }
        return m
    }

    /// Windows whose loss exceeds ln V, the loss of a uniform guess over the model's vocabulary.
    static func blownUp(_ r: QSFPipeline.StageResult) -> Int {
        let uniform = Foundation.log(Double(r.config.vocabularySize))
        return r.windowLosses.filter { !($0 <= uniform) }.count
    }
}
