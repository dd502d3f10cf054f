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

    /// γ_l over training with the loss, from the metrics records (validation loss where logged,
    /// else training loss); nil when no record carries γ.
    public static func gammaTrajectory(_ records: [TrainingRecord]) -> GammaTrajectoryAnalysis? {
        let evals = records.filter { $0.validationLoss != nil }
        let lossByStep = Dictionary((evals.isEmpty ? records.filter { $0.loss != nil } : evals).map {
            ($0.step, $0.validationLoss ?? $0.loss!)
        }, uniquingKeysWith: { _, last in last })
        let withGamma = records.filter { $0.gamma != nil && lossByStep[$0.step] != nil }
        var byStep: [Int: [Double]] = [:]
        for r in withGamma { byStep[r.step] = r.gamma! }
        let steps = byStep.keys.sorted()
        guard steps.count >= 2, let layers = byStep[steps[0]]?.count, layers > 0,
              steps.allSatisfy({ byStep[$0]!.count == layers }) else { return nil }
        let gamma = (0..<layers).map { l in steps.map { byStep[$0]![l] } }
        return GammaTrajectoryAnalysis(steps: steps, gamma: gamma, loss: steps.map { lossByStep[$0]! })
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
