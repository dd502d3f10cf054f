import Foundation
import Models
import Physics
import TensorCore

/// Barrett–Seth Φ of trained Koopman layers, as context for `iit.phi` (seed 000 §5.1): each layer's
/// propagator K = exp(A) (`KoopmanMixer.propagator()`) with unit noise, x_{t+1} = K x_t + ε,
/// Σ_ε = I, is a linear-Gaussian system; Φ exactly on diagonal sub-blocks of ≤ 16 state
/// coordinates, and by the documented heuristic on the whole state where K is stable. The claim
/// concerns a 175B-parameter model and stays untestable; this measures what the machinery says
/// about layers we have. The reference validation (`criticality.integrated-information`) is
/// carried over as `validation.*`.
public struct KoopmanPhiExperiment: RegisteredExperiment {
    public static let experimentID = "criticality.koopman-phi"
    public let title = "Integrated information Φ of trained Koopman layers"
    public let dependencies = [RunModels.pipelineID, IntegratedInformationExperiment.experimentID]

    public init() {}

    /// Pipeline stages with Koopman mixers whose K can be stable (the Hamiltonian stage's K is
    /// orthogonal: ρ = 1, no stationary state, Φ undefined).
    static let stages = ["koopman", "qsf"]

    /// The most state coordinates Φ of the whole state is searched for (heuristically).
    static let wholeStateLimit = 64
    /// Coordinates per exhaustive sub-block.
    static let blockSize = 16

    struct Row {
        var model: String
        var layer: Int
        /// "block 0–15", "whole state".
        var part: String
        var size: Int
        var spectralRadius: Double
        var phi: PhiResult?
        var seconds: Double
    }

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput(measurements: context.validationMeasurements(of: IntegratedInformationExperiment.experimentID))
        let models = try RunModels(context)
        // The whole state (C variables) by the heuristic costs ≈ 5 s per layer at C = 64 (≈ 25 000
        // bipartitions scored): from `small` scale on, for states of at most `wholeStateLimit`
        // coordinates (at a small run's C = 192 one model's six layers took over 20 min unfinished).
        let wholeScale = context.scale >= .small
        var rows: [Row] = []
        for (s, stage) in try models.measurable(Self.stages, notingIn: &out, log: context.log) {
            let model = try models.model(stage)
            for (l, block) in model.blocks.enumerated() {
                guard let mixer = block.koopman else { continue }
                let k = try mixer.propagator()
                let n = k.rows
                var parts: [(String, [Int])] = stride(from: 0, to: n, by: Self.blockSize).map { start in
                    let end = min(n, start + Self.blockSize)
                    return ("coordinates \(start)–\(end - 1)", Array(start..<end))
                }
                if wholeScale && n <= Self.wholeStateLimit { parts.append(("whole state", Array(0..<n))) }
                for (p, (name, indices)) in parts.enumerated() {
                    let sub = Self.subMatrix(k, indices)
                    let radius = Self.spectralRadius(sub)
                    let start = Date()
                    var phi: PhiResult? = nil
                    if radius < 1 {
                        let system = try LinearGaussianSystem(coupling: sub, noiseCovariance: .identity(indices.count))
                        phi = AutoregressivePhi.phi(system, rng: SeededRNG(seed: context.seed).stream(UInt64(1000 * s + 10 * l + p)))
                    }
                    rows.append(
                        Row(
                            model: stage, layer: l, part: name, size: indices.count, spectralRadius: radius, phi: phi,
                            seconds: Date().timeIntervalSince(start)))
                }
            }
            context.log("Φ: \(stage), \(model.config.layers) Koopman layers of \(model.config.width) state coordinates")
        }
        KoopmanPhiReport(rows: rows).add(to: &out)
        return out
    }

    static func subMatrix(_ k: Matrix, _ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, cols: indices.count)
        for (a, i) in indices.enumerated() { for (b, j) in indices.enumerated() { out[a, b] = k[i, j] } }
        return out
    }

    static func spectralRadius(_ k: Matrix) -> Double {
        ((try? k.eigenvalues()) ?? []).map(\.length).max() ?? .nan
    }
}
