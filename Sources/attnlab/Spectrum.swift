import ArgumentParser
import Foundation
import Lab

extension AttnLab {
    struct Spectrum: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Koopman spectrum of a matrix: eigenvalues, decay/neutral/growth classes, energy budget (seed 001 §II–III).",
            discussion: "The trained-model form (a run directory) comes with the qsf pipeline; for now give a matrix file."
        )

        @Option(help: "Square matrix as .npy (float64/float32) or CSV/whitespace-separated text.")
        var matrix: String

        @Flag(help: "The matrix is the generator A (K = exp(A)); otherwise it is K itself.")
        var generator = false

        @Option(help: "Half-width ε of the neutral band around |λ| = 1.")
        var epsilon = 1e-3

        @Option(help: "Write the eigenvalue figure (SVG) to this path.")
        var svg: String?

        func validate() throws {
            guard epsilon >= 0 && epsilon.isFinite else { throw ValidationError("--epsilon must be ≥ 0, got \(epsilon)") }
        }

        func run() throws {
            let m = try MatrixFile.load(matrix)
            let (text, figure) = try SpectrumReport.run(matrix: m, isGenerator: generator, epsilon: epsilon)
            print(text, terminator: "")
            if let svg {
                do { try figure.svg.write(toFile: svg, atomically: true, encoding: .utf8) }
                catch { throw ValidationError("--svg: cannot write \(svg): \(error.localizedDescription)") }
            }
        }
    }
}
