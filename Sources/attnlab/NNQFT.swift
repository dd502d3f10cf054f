import ArgumentParser
import Foundation
import Lab
import Physics

extension AttnLab {
    struct NNQFT: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nnqft",
            abstract: "Correlators of random attention-head ensembles (seed 002): G2, G4c with jackknife errors and noise floor, fits vs N_h and d_k.",
            discussion: """
                Points: a regular n-gon of radius R in R^D. Tokens are embedded by random Fourier features \
                e(x) = sqrt(2/m) cos(Ωx + b); each head is softmax(q·k/sqrt(d_k)) attention read out to a scalar; \
                N_h independent heads are summed with 1/sqrt(N_h). One row per (d_k, N_h) pair. See docs/NNQFT.md.
                """
        )

        @Option(help: "Dimension D of the points (≥ 2).") var dimension = 3
        @Option(help: "Number of points (tokens) n.") var points = 8
        @Option(help: "Radius of the ring of points.") var radius = 1.5
        @Option(name: .customLong("features"), help: "Random Fourier features m.") var features = 64
        @Option(name: .customLong("length-scale"), help: "RFF length scale ℓ.") var lengthScale = 1.0
        @Option(help: "Comma-separated d_k values; 'inf' samples d_k → ∞.") var dk = "16"
        @Option(help: "d_v: 'same' (= d_k), an integer, or 'inf'.") var dv = "same"
        @Option(help: "Comma-separated head counts N_h.") var heads = "1,2,4,8,16"
        @Option(help: "Draws per grid point (≥ 10⁵ for the claims).") var draws = 100_000
        @Option(help: "Jackknife blocks.") var blocks = 100
        @OptionGroup var random: RandomSeed
        @Option(help: "Worker threads (results do not depend on it).") var threads = 2
        @Option(name: .customLong("logit-scale"), help: "β = σ_Q σ_K, the logits' standard deviation.") var logitScale = 1.0
        @Option(name: .customLong("value-scale"), help: "σ_V.") var valueScale = 1.0
        @Option(help: "Embedding: per-head (redrawn per head and draw), shared (per draw), fixed.") var embedding = "per-head"
        @Option(help: "Sampler: gram (exact reparametrisation) or weights (literal matrices).") var sampler = "gram"
        @Option(name: .customLong("floor-replicas"), help: "Gaussian replicas for the noise floor (0 skips it).") var floorReplicas = 2
        @OptionGroup var output: JSONOutput

        func validate() throws {
            _ = try makeOptions()
        }

        func makeOptions() throws -> NNQFTScan.Options {
            var o = NNQFTScan.Options()
            o.dimension = dimension
            o.points = points
            o.radius = radius
            o.features = features
            o.lengthScale = lengthScale
            o.keyWidths = try parseWidths(dk)
            switch dv.lowercased() {
            case "same": o.valueWidth = .sameAsKey
            case "inf", "∞": o.valueWidth = .infinite
            default:
                guard let v = Int(dv), v > 0 else { throw ValidationError("--dv expects 'same', 'inf' or a positive integer, got '\(dv)'") }
                o.valueWidth = .fixed(v)
            }
            o.heads = try parseList(heads, option: "--heads")
            o.draws = draws
            o.blocks = blocks
            o.seed = random.seed
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
            o.threads = threads
            o.logitScale = logitScale
            o.valueScale = valueScale
            guard let e = EmbeddingMode(rawValue: embedding) else {
                throw ValidationError("--embedding expects per-head, shared or fixed, got '\(embedding)'")
            }
            o.embedding = e
            guard let s = AttentionSamplerKind(rawValue: sampler) else {
                throw ValidationError("--sampler expects gram or weights, got '\(sampler)'")
            }
            o.sampler = s
            guard floorReplicas >= 0 else { throw ValidationError("--floor-replicas must be ≥ 0") }
            o.floorReplicas = floorReplicas
            if let problem = o.problem { throw ValidationError(problem) }
            return o
        }

        func run() throws {
            let scan = NNQFTScan(options: try makeOptions())
            let report = scan.run(progress: output.progress)
            try output.print(report, table: NNQFTScan.table)
        }
    }
}

/// "4,16,inf" → [4, 16, nil].
func parseWidths(_ text: String) throws -> [Int?] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard !parts.isEmpty else { throw ValidationError("--dk expects comma-separated positive integers or 'inf', got '\(text)'") }
    return try parts.map { part in
        if part == "inf" || part == "∞" { return nil }
        guard let v = Int(part), v > 0 else {
            throw ValidationError("--dk expects comma-separated positive integers or 'inf', got '\(text)'")
        }
        return v
    }
}
