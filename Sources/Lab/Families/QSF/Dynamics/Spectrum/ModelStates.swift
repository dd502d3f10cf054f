import Foundation
import Models
import Physics
import TensorCore

/// The thin layer between a trained Koopman-family `LanguageModel` and the dynamics analyses:
/// plain matrices out, nothing else.
///
/// Size letters: C = width (= Koopman state size S), N = tokens analysed, L = layers.
///
/// Conventions. The Koopman scan is s_t = K s_{t−1} + u_t on column vectors (Models' KoopmanScan),
/// with u_t = (x_t W_U)ᵀ and x_t = N₁(h_t) the block's normalised input, so K itself is the
/// operator whose left eigenvectors measure a token's excitation of each mode. Linear attention
/// computes row vectors v = x·W_V with W_V the (in, out) value block of W_qkv, so the measurement
/// matrix of the seed's column form y = W x is W = W_Vᵀ.
public enum QSFModelGlue {
    /// Per-layer A (and K = exp(A)), W = W_Vᵀ and γ_l of a `koopman`, `qsf` or `hamiltonian` model
    /// (the Hamiltonian model's effective generator is the skew part). Throws if the model has no
    /// Koopman mixer.
    public static func layers(_ model: LanguageModel<Float>) throws -> [KoopmanLayer] {
        guard model.config.architecture.hasKoopman else {
            throw ModelConfigError.mismatch("a \(model.config.architecture.rawValue) model has no Koopman generator to analyse")
        }
        return try model.blocks.map { block in
            try KoopmanLayer(index: block.index, generator: block.koopman!.generatorMatrix(),
                             valueProjection: block.linearAttention.map { $0.valueProjection().transposed },
                             gamma: block.gamma.map { Double($0.value.scalars[0]) })
        }
    }

    /// γ_l over training with the loss, from the training records: the training loss (logged far
    /// more often than the validation loss), as a running mean over 5 logged steps so that batch
    /// noise does not decide when it "settles"; nil when fewer than two records carry γ.
    public static func gammaTrajectory(_ records: [TrainingRecord]) -> GammaTrajectoryAnalysis? {
        var byStep: [Int: (gamma: [Double], loss: Double)] = [:]
        for r in records where r.kind == .train { if let g = r.gamma, let l = r.loss { byStep[r.step] = (g, l) } }
        let steps = byStep.keys.sorted()
        guard steps.count >= 2, let layers = byStep[steps[0]]?.gamma.count, layers > 0,
              steps.allSatisfy({ byStep[$0]!.gamma.count == layers }) else { return nil }
        let gamma = (0..<layers).map { l in steps.map { byStep[$0]!.gamma[l] } }
        let raw = steps.map { byStep[$0]!.loss }
        let loss = raw.indices.map { i -> Double in
            let window = raw[max(0, i - 2)...min(raw.count - 1, i + 2)]
            return window.reduce(0, +) / Double(window.count)
        }
        return GammaTrajectoryAnalysis(steps: steps, gamma: gamma, loss: loss)
    }

    /// Per-token Koopman excitations u_t = (N₁(h_t) W_U)ᵀ of every layer and the final hidden
    /// states (after the final norm), for `sequences` of equal length, by running the blocks one
    /// by one (inference mode). Rows are tokens in sequence order: (N, C) per layer and (N, C).
    public static func states(_ model: LanguageModel<Float>, sequences: [[Int32]]) -> (excitations: [Matrix], final: Matrix) {
        precondition(!sequences.isEmpty && sequences.allSatisfy { $0.count == sequences[0].count && !$0.isEmpty },
                     "QSFModelGlue.states: needs sequences of one non-zero length")
        let batch = sequences.count, length = sequences[0].count
        let tape = Tape<Float>()
        var h = model.tokenEmbedding(tape, sequences.flatMap { $0 }, batch: batch, length: length)      // (B, T, C)
        if let positions = model.positionEmbedding {
            h = h + tape.parameter(positions.table).sliced(axis: 0, 0..<length)
        }
        var excitations: [Matrix] = []
        for block in model.blocks {
            if let koopman = block.koopman {
                let u = koopman.input(block.norm1(h))                                      // (B, T, C)
                excitations.append(Matrix(u.value.reshaped([batch * length, model.config.width])))
            }
            h = block(h, training: false, trace: nil)
        }
        let final = model.finalNorm(h)
        return (excitations, Matrix(final.value.reshaped([batch * length, model.config.width])))
    }

    /// Discourse markers of the built-in stories and of TinyStories-like text.
    public static let discourseMarkers: Set<String> = [
        "then", "but", "so", "because", "however", "finally", "suddenly", "after", "when", "once", "one", "day",
        "and", "later", "meanwhile", "therefore", "also",
    ]

    /// Whether a decoded token is a sentence/paragraph boundary or a discourse marker: it ends a
    /// sentence (. ! ?), contains a line break or the end-of-text marker, or is a marker word.
    public static func isBoundaryOrMarker(_ token: String) -> Bool {
        if token.contains("\n") || token.contains("<|endoftext|>") { return true }
        let trimmed = token.trimmingCharacters(in: .whitespaces)
        if let last = trimmed.last, ".!?".contains(last) { return true }
        return discourseMarkers.contains(trimmed.lowercased().trimmingCharacters(in: .punctuationCharacters))
    }
}

extension QSFModelGlue {
    /// The model stored in a checkpoint folder (config.json + model.safetensors).
    public static func loadModel(checkpoint folder: URL) throws -> LanguageModel<Float> {
        let manifest = try Checkpoint.manifest(in: folder)
        var rng = SeededRNG(seed: 0)
        let model = try LanguageModel<Float>(config: manifest.model, rng: &rng)
        try Checkpoint.readModel(into: model, from: folder.appendingPathComponent(Checkpoint.modelFile))
        return model
    }

    /// The records of a metrics.jsonl file; lines that are not training records are skipped.
    public static func readMetrics(_ url: URL) throws -> [TrainingRecord] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw MatrixFile.Error(url.path, "cannot read the metrics file")
        }
        let decoder = JSONDecoder()
        return text.split(whereSeparator: \.isNewline).compactMap { try? decoder.decode(TrainingRecord.self, from: Data($0.utf8)) }
    }
}

extension QSFModelGlue {
    /// Where an experiment artifact lives: artifacts are relative to the run directory, or (as the
    /// pipeline writes them) to its `experiments/` folder.
    static func resolve(_ relative: String, runDirectory: URL) -> URL? {
        for base in [runDirectory, runDirectory.appendingPathComponent("experiments")] {
            let url = base.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    /// Validation windows per scale for the hidden-state analyses.
    static func windows(_ scale: Scale) -> Int {
        switch scale {
        case .smoke: 8
        case .quick: 64
        case .small: 128
        case .paper: 64
        }
    }

    /// The spectrum measurements of the models trained by `qsf.pipeline`: Stage III (`qsf`) and
    /// Stage IV (`hamiltonian`) layers, γ over Stage III training, semantic sparsity of the layer
    /// with the largest spectral radius and final-layer norms (‖h‖/√C) on validation windows.
    public static func pipelineAnalysis(_ pipeline: ExperimentOutput, runDirectory: URL, scale: Scale,
                                        epsilon: Double = 1e-3, log: (String) -> Void = { _ in }) throws -> ExperimentOutput {
        guard let qsfPath = pipeline.artifacts["checkpoint.qsf"], let qsfFolder = resolve(qsfPath, runDirectory: runDirectory) else {
            throw LabInputError("qsf.pipeline reported no Stage III checkpoint (artifact 'checkpoint.qsf') that exists under \(runDirectory.path)")
        }
        let stageIII = try loadModel(checkpoint: qsfFolder)
        let layersIII = try layers(stageIII)
        var layersIV: [KoopmanLayer]?
        if let path = pipeline.artifacts["checkpoint.hamiltonian"], let folder = resolve(path, runDirectory: runDirectory) {
            layersIV = try layers(try loadModel(checkpoint: folder))
        }
        var gamma: GammaTrajectoryAnalysis?
        if let data = try? Data(contentsOf: qsfFolder.appendingPathComponent("result.json")),
           let result = try? JSONDecoder().decode(QSFPipeline.StageResult.self, from: data) {
            gamma = gammaTrajectory(result.records)
        }
        var sparsity: ModeSparsityAnalysis?, norms: HiddenStateNorms?, notes: [String] = [], layerZ: [Double] = []
        if let path = pipeline.artifacts["data"], let folder = resolve(path, runDirectory: runDirectory) {
            let data = try PreparedData.load(from: folder)
            let length = stageIII.config.contextLength, tokens = data.validation.tokens
            let count = min(windows(scale), tokens.count / length)
            if count > 0 {
                let sequences = (0..<count).map { Array(tokens[($0 * length)..<(($0 + 1) * length)]) }
                log("spectrum: hidden states of \(count) validation windows of \(length) tokens")
                let (excitations, final) = states(stageIII, sequences: sequences)
                let flat = sequences.flatMap { $0 }
                let labels = flat.map { data.tokenizer.decode([Int($0)]) }
                let flags = labels.map(isBoundaryOrMarker)
                // Every layer's analysis; the verdict reads the layer with the largest spectral
                // radius and how many layers agree with it.
                var perLayer: [(layer: Int, radius: Double, analysis: ModeSparsityAnalysis)] = []
                for (l, layer) in layersIII.enumerated() {
                    let spectrum = try KoopmanSpectrum(propagator: layer.propagator, epsilon: epsilon)
                    let distinctModes = spectrum.eigenvalues.filter { $0.imaginary >= 0 }.count
                    guard distinctModes > 2 else { continue }
                    perLayer.append((l, spectrum.spectralRadius,
                                     ModeSparsityAnalysis(spectrum: spectrum, states: excitations[l], isBoundary: flags, labels: labels, topModes: 2)))
                }
                if let best = perLayer.max(by: { $0.radius < $1.radius }) {
                    sparsity = best.analysis
                    let zs = perLayer.map { $0.analysis.measurements()["sparsity.boundaryZ"]!.value }
                    layerZ = zs
                    notes.append("Semantic sparsity: Koopman excitations u_t = (N₁(h_t)W_U)ᵀ over \(flat.count) validation tokens; the measurements are those of layer \(best.layer) (the largest spectral radius); boundary-share z per layer: \(zs.map { String(format: "%.1f", $0) }.joined(separator: ", ")). Boundary/discourse tokens are sentence ends, line breaks, end-of-text and a fixed list of marker words.")
                    let frequent = best.analysis.frequentTopLabels().map { "\($0.label) ×\($0.count)" }.joined(separator: ", ")
                    notes.append("Most frequent tokens among the \(best.analysis.topItems.count) top-1% items of layer \(best.layer)'s top modes: \(frequent). The verdict depends on which of them count as boundaries or discourse markers; the list is fixed in QSFModelGlue.discourseMarkers, not fitted to this outcome.")
                }
                norms = HiddenStateNorms(states: final * (1 / Double(stageIII.config.width).squareRoot()))
                notes.append("Final hidden-state norms are ‖h‖/√C of the final norm's output (C = \(stageIII.config.width)), per validation token.")
            }
        }
        var output = try SpectrumExperiment.modelOutput(stageIII: layersIII, stageIV: layersIV, gamma: gamma, sparsity: sparsity,
                                                        finalNorms: norms, epsilon: epsilon)
        if !layerZ.isEmpty {
            output.measurements["sparsity.layers"] = Measurement(Double(layerZ.count), label: "layers with a semantic-sparsity analysis")
            output.measurements["sparsity.layersEnriched"] = Measurement(Double(layerZ.filter { $0 > 3 }.count),
                                                                         label: "layers whose top modes' boundary share exceeds the base rate by z > 3")
        }
        output.notes = ["Spectral analysis of the Stage III model trained by qsf.pipeline: \(layersIII.count) layers of width \(stageIII.config.width)\(layersIV == nil ? "" : ", and of its Stage IV (Hamiltonian) successor")."] + notes
        if gamma == nil { output.notes.append("No γ trajectory: the Stage III result.json with training records was not found.") }
        return output
    }
}

/// Missing or malformed input to the dynamics experiments, with what was expected.
public struct LabInputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
