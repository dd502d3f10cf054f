import Foundation
import Models
import Physics
import TensorCore

/// The spectral analyses of the models `qsf.pipeline` trained (seed 001 §II–IV, XI.5, XII), from
/// models and data already loaded: Stage III's per-layer spectra and energy budget beside those
/// of the initial generators, Stage IV's spectra, γ over training, the measurement term's share
/// of the residual update, semantic sparsity per layer and the final hidden-state norms.
///
/// Size letters: L = layers, C = width, B = validation windows, T = context length.
struct TrainedSpectrum {
    let stageIII: KoopmanModelAnalysis
    let stageIV: KoopmanModelAnalysis?
    /// The Koopman generators before training (Stage II as the pipeline initialises it).
    let initial: KoopmanModelAnalysis?
    let gamma: GammaTrajectoryAnalysis?
    /// The analyses that need validation tokens (nil without data).
    let share: MeasurementShare?
    let sparsity: SemanticSparsityLayers?
    let norms: HiddenStateNorms?
    /// Validation windows and the width, for the notes.
    let windows: Int, width: Int

    /// - Parameters:
    ///   - stageIII: the trained `qsf` model; `stageIV` the `hamiltonian` one, when trained.
    ///   - initial: a model holding the Koopman generators at initialisation.
    ///   - records: Stage III's training records (γ_l over training).
    ///   - data: the run's corpus, for the analyses on validation windows of T tokens.
    ///   - windows: how many validation windows (B) at most.
    init(
        stageIII: LanguageModel<Float>, stageIV: LanguageModel<Float>?, initial: LanguageModel<Float>?,
        records: [TrainingRecord]?, data: PreparedData?, windows: Int, epsilon: Double = 1e-3, log: (String) -> Void = { _ in }
    ) throws {
        let layers = try KoopmanLayer.layers(of: stageIII)
        self.stageIII = try KoopmanModelAnalysis(layers: layers, epsilon: epsilon)
        self.stageIV = try stageIV.map { try KoopmanModelAnalysis(layers: try KoopmanLayer.layers(of: $0), epsilon: epsilon) }
        self.initial = try initial.map { try KoopmanModelAnalysis(layers: try KoopmanLayer.layers(of: $0), epsilon: epsilon) }
        gamma = records.flatMap { GammaTrajectoryAnalysis(records: $0) }
        width = stageIII.config.width
        let sequences = data.map { ModelStates.windows(Array($0.validation.tokens), length: stageIII.config.contextLength, count: windows) } ?? []
        self.windows = sequences.count
        guard let data, !sequences.isEmpty else {
            share = nil; sparsity = nil; norms = nil
            return
        }
        log("spectrum: hidden states of \(sequences.count) validation windows of \(sequences[0].count) tokens")
        let states = ModelStates(stageIII, sequences: sequences)
        share =
            states.koopmanEnergy.isEmpty
            ? nil
            : MeasurementShare(
                koopman: states.koopmanEnergy, measurement: states.measurementEnergy,
                tokens: sequences.map(\.count))
        let labels = sequences.flatMap { $0 }.map { data.tokenizer.decode([Int($0)]) }
        let flags = labels.map(BoundaryTokens.isBoundaryOrMarker)
        var analysed: [(index: Int, analysis: ModeSparsityAnalysis)] = []
        for (l, layer) in layers.enumerated() {
            let spectrum = try KoopmanSpectrum(propagator: layer.propagator, epsilon: epsilon)
            guard spectrum.eigenvalues.filter({ $0.imaginary >= 0 }).count > 2 else { continue }
            analysed.append(
                (
                    layer.index,
                    ModeSparsityAnalysis(
                        spectrum: spectrum, states: states.excitations[l], isBoundary: flags,
                        labels: labels, topModes: 2)
                ))
        }
        sparsity = analysed.isEmpty ? nil : SemanticSparsityLayers(analysed)
        norms = HiddenStateNorms(states: states.final * (1 / Double(width).squareRoot()))
    }

    /// Every measurement the six spectrum claims read (`QSFSpectrumKey`).
    func measurements() -> [String: Measurement] {
        var m = stageIII.measurements(QSFSpectrumKey.stageIII)
        if let stageIV { m.merge(stageIV.measurements(QSFSpectrumKey.stageIV)) { $1 } }
        if let initial {
            m.merge(initial.measurements(QSFSpectrumKey.initial)) { $1 }
            if let trained = stageIII.traces, let before = initial.traces, trained.count == before.count {
                m[QSFSpectrumKey.traceDRise] = Measurement(
                    zip(trained, before).map { $0 - $1 }.max()!,
                    label: "max over layers of Tr D (trained) − Tr D (initialisation)", pooling: .maximum)
            }
        }
        if let gamma { m.merge(gamma.measurements()) { $1 } }
        if let share { m.merge(share.measurements(windows: windows)) { $1 } }
        if let sparsity { m.merge(sparsity.measurements()) { $1 } }
        if let norms { m.merge(TrainedSpectrum.measurements(norms)) { $1 } }
        return m
    }

    static func measurements(_ n: HiddenStateNorms) -> [String: Measurement] {
        typealias Key = QSFSpectrumKey.Norms
        var m: [String: Measurement] = [:]
        m[Key.mean] = Measurement(n.mean, error: n.summary.standardError, samples: n.norms.count, label: "mean final hidden-state norm ‖h‖/√C")
        m[Key.std] = Measurement(n.standardDeviation, samples: n.norms.count, label: "standard deviation of the final hidden-state norm")
        m[Key.max] = Measurement(n.maximum, samples: n.norms.count, label: "largest final hidden-state norm", pooling: .maximum)
        m[Key.countAbove] = Measurement(
            Double(n.countAbove), samples: n.norms.count, label: "norms above the bound (summed over seeds)",
            pooling: .sum)
        m[Key.count] = Measurement(Double(n.norms.count), label: "hidden states measured (summed over seeds)", pooling: .sum)
        m[Key.bound] = Measurement(n.bound, label: "bound")
        return m
    }
}
