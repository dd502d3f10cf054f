import ArgumentParser
import Foundation
import Lab

extension AttnLab {
    struct Criticality: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "criticality",
            abstract: "Run the criticality experiments (surface growth, entanglement, branching, Φ, coherence circuit) and print their verdicts.",
            discussion: "Writes criticality.md and figures/*.svg under --out. Experiment ids: \(CriticalityFamilyRun.experiments.map(\.id).joined(separator: ", "))."
        )

        @Option(help: "Scale: smoke, quick, small or paper.")
        var scale: String = "quick"

        @Option(help: "Master seed.")
        var seed: UInt64 = 1

        @Option(help: "Output directory.")
        var out: String = "runs/criticality"

        @Option(help: "Comma-separated experiment ids to run (default: all).")
        var only: String?

        func validate() throws {
            guard Scale(rawValue: scale) != nil else { throw ValidationError("--scale must be smoke, quick, small or paper, got '\(scale)'") }
            if let only {
                let known = Set(CriticalityFamilyRun.experiments.map(\.id))
                for id in only.split(separator: ",").map(String.init) where !known.contains(id) {
                    throw ValidationError("--only: unknown experiment '\(id)'; known: \(known.sorted().joined(separator: ", "))")
                }
            }
        }

        func run() throws {
            let start = Date()
            let markdown = try CriticalityFamilyRun.run(
                scale: Scale(rawValue: scale)!, seed: seed, directory: URL(fileURLWithPath: out),
                only: only.map { Set($0.split(separator: ",").map(String.init)) },
                log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
            print(markdown)
            print(String(format: "(%.1f s; figures in %@/figures)", Date().timeIntervalSince(start), out))
        }
    }
}
