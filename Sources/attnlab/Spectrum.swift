import ArgumentParser
import Foundation
import Lab
import Models

extension AttnLab {
    struct Spectrum: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Koopman spectrum of a matrix: eigenvalues, decay/neutral/growth classes, energy budget (seed 001 §II–III).",
            discussion: """
                Give a run directory of `attnlab reproduce qsf` or `attnlab claims check` that ran the QSF
                pipeline (RUN_DIR, with --stage), a checkpoint folder of a koopman/qsf/hamiltonian model
                (--checkpoint, with --metrics for γ over training), or a matrix file (--matrix).
                """
        )

        @Argument(help: "Run directory whose qsf.pipeline trained the Koopman stages.")
        var runDirectory: String?

        @Option(help: "Pipeline stage to analyse in RUN_DIR: koopman, qsf or hamiltonian.")
        var stage = "qsf"

        @Option(help: "Square matrix as .npy (float64/float32) or CSV/whitespace-separated text.")
        var matrix: String?

        @Option(help: "Checkpoint folder (config.json + model.safetensors) of a koopman, qsf or hamiltonian model.")
        var checkpoint: String?

        @Option(help: "metrics.jsonl of the checkpoint's training run, for γ_l over training.")
        var metrics: String?

        @Flag(help: "The matrix is the generator A (K = exp(A)); otherwise it is K itself.")
        var generator = false

        @Option(help: "Half-width ε of the neutral band around |λ| = 1.")
        var epsilon = 1e-3

        @Option(help: "Write the eigenvalue figure (SVG) to this path.")
        var svg: String?

        func validate() throws {
            guard epsilon >= 0 && epsilon.isFinite else { throw ValidationError("--epsilon must be ≥ 0, got \(epsilon)") }
            guard [matrix, checkpoint, runDirectory].compactMap({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of RUN_DIR, --matrix and --checkpoint")
            }
            guard ["koopman", "qsf", "hamiltonian"].contains(stage) else {
                throw ValidationError("--stage expects koopman, qsf or hamiltonian, got '\(stage)'")
            }
            if metrics != nil && matrix != nil { throw ValidationError("--metrics needs --checkpoint or RUN_DIR") }
        }

        func run() throws {
            let (text, figure): (String, Figure)
            if let matrix {
                (text, figure) = try SpectrumReport.run(matrix: try MatrixFile.load(matrix), isGenerator: generator, epsilon: epsilon)
            } else if let runDirectory {
                let folder = try RunModels(runDirectory: URL(fileURLWithPath: runDirectory, isDirectory: true)).checkpoint(stage)
                (text, figure) = try SpectrumReport.checkpoint(folder, metrics: metrics.map { URL(fileURLWithPath: $0) }, epsilon: epsilon)
            } else {
                (text, figure) = try SpectrumReport.checkpoint(
                    URL(fileURLWithPath: checkpoint!), metrics: metrics.map { URL(fileURLWithPath: $0) },
                    epsilon: epsilon)
            }
            print(text, terminator: "")
            if let svg {
                do { try figure.svg.write(toFile: svg, atomically: true, encoding: .utf8) } catch {
                    throw ValidationError("--svg: cannot write \(svg): \(error.localizedDescription)")
                }
            }
        }
    }
}
