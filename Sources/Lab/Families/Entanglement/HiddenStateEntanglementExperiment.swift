import Foundation
import Models
import Physics
import TensorCore

/// Entanglement entropy of trained hidden states against sequence length (seed 000 §4.2): the
/// pipeline's transformer and QSF models read validation windows of several lengths L; every
/// block's hidden states (T = L, H, D) are split positions × features and head × (position,
/// within-head); S(L) is fitted by the constant, log and power laws (AIC) and compared with two
/// null models of the same shape (`HiddenStateEntropy`). The reference validation
/// (`criticality.entanglement`) is carried over as `validation.*`.
public struct HiddenStateEntanglementExperiment: RegisteredExperiment {
    public static let experimentID = "criticality.hidden-entanglement"
    public let title = "Entanglement entropy of trained hidden states against sequence length"
    public let dependencies = [RunModels.pipelineID, EntanglementExperiment.experimentID]

    public init() {}

    /// The models measured: pipeline stage names.
    static let stages = ["transformer", "qsf"]

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput(measurements: context.validationMeasurements(of: EntanglementExperiment.experimentID))
        let models = try RunModels(context)
        let data = try models.data()
        let sequences = context.scale == .smoke ? 6 : context.scale == .quick ? 24 : 64
        var results: [HiddenStateEntropy] = []
        for (s, stage) in try models.measurable(Self.stages, notingIn: &out, log: context.log) {
            let model = try models.model(stage)
            let lengths = Self.lengths(context: model.config.contextLength)
            context.log("hidden-state entanglement: \(stage), L = \(lengths.map(String.init).joined(separator: ", ")), \(sequences) sequences each")
            results += try Self.measure(
                model, name: stage, lengths: lengths, sequences: sequences, data: data,
                rng: SeededRNG(seed: context.seed).stream(UInt64(40 + s)))
        }
        HiddenStateEntanglementReport(results: results).add(to: &out)
        return out
    }

    /// Sequence lengths: 4, 6, 8, 12, 16, 24 … up to the context (about two per octave).
    static func lengths(context: Int) -> [Int] {
        var out: [Int] = []
        var l = 4
        while l <= context {
            out.append(l)
            if l * 3 / 2 <= context && (l & (l - 1)) == 0 { out.append(l * 3 / 2) }
            l *= 2
        }
        return out
    }

    /// S(L) of every layer and split of one model, with both null models.
    static func measure(
        _ model: LanguageModel<Float>, name: String, lengths: [Int], sequences n: Int, data: PreparedData,
        rng: SeededRNG
    ) throws -> [HiddenStateEntropy] {
        let (layers, c, h) = (model.config.layers, model.config.width, model.config.heads)
        let splits = HiddenStateSplit.allCases
        // measured[layer][split][length] = entropies over sequences
        var measured = [[[[Double]]]](repeating: [[[Double]]](repeating: [], count: splits.count), count: layers)
        var tokenVectors = [[[Double]]](repeating: [], count: layers)
        for length in lengths {
            let windows = try ModelProbes.validationWindows(data, count: n, length: length)
            let hidden = ModelProbes.hiddenStates(model, sequences: windows)  // per layer (B, T, C)
            for l in 0..<layers {
                let values = hidden[l].scalars.map(Double.init)
                for (k, split) in splits.enumerated() {
                    let s = try (0..<windows.count).map { b in
                        try HiddenStateEntropy.entropy(
                            Array(values[(b * length * c)..<((b + 1) * length * c)]), length: length, heads: h, width: c, split: split)
                    }
                    measured[l][k].append(s)
                }
                if length == lengths.last! {
                    tokenVectors[l] = (0..<(windows.count * length)).map { Array(values[($0 * c)..<(($0 + 1) * c)]) }
                }
            }
        }
        var out: [HiddenStateEntropy] = []
        for l in 0..<layers {
            let (mean, covariance) = HiddenStateEntropy.moments(tokenVectors[l])
            var jittered = covariance
            let scale = (0..<c).map { covariance[$0, $0] }.reduce(0, +) / Double(c)
            for i in 0..<c { jittered[i, i] += 1e-9 * max(scale, 1e-12) }
            let factor = try jittered.cholesky()
            for (k, split) in splits.enumerated() {
                var g = rng.stream(UInt64(l * 8 + k))
                var gaussian: [[Double]] = [], matched: [[Double]] = []
                for length in lengths {
                    gaussian.append(
                        try (0..<n).map { _ in
                            try HiddenStateEntropy.entropy((0..<(length * c)).map { _ in g.normal() }, length: length, heads: h, width: c, split: split)
                        })
                    matched.append(
                        try (0..<n).map { _ in
                            try HiddenStateEntropy.entropy(
                                HiddenStateEntropy.matchedDraw(length: length, mean: mean, cholesky: factor, rng: &g),
                                length: length, heads: h, width: c, split: split)
                        })
                }
                out.append(
                    HiddenStateEntropy(
                        model: name, layer: l, split: split, heads: h, width: c,
                        measured: EntropyCurve(lengths: lengths, samples: measured[l][k]),
                        gaussian: EntropyCurve(lengths: lengths, samples: gaussian),
                        matched: EntropyCurve(lengths: lengths, samples: matched)))
            }
        }
        return out
    }
}
