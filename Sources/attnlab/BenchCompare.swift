import ArgumentParser
import Foundation
import Lab
import Models

extension AttnLab.Bench {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training tokens/s of every architecture on configs A and B beside the PyTorch references, in one run, as one table with ratios."
        )

        @Option(help: "Python with torch (from benchmarks/pytorch/setup.sh); empty: attnlab's figures only.")
        var python = ""

        @Option(help: "Why the PyTorch references are not run (printed under the table when --python is empty).")
        var pythonNote = "no python with torch given (--python); run benchmarks/pytorch/setup.sh"

        @Option(help: "The PyTorch reference script.")
        var reference = "benchmarks/pytorch/reference.py"

        @Option(help: "Comma-separated configs (A, B).")
        var configs = "A,B"

        @Option(help: "Comma-separated architectures.")
        var archs = Architecture.allCases.map(\.rawValue).joined(separator: ",")

        @Option(help: "Comma-separated PyTorch mixings: sdpa, manual, linear.")
        var mixings = "sdpa,manual,linear"

        @Option(help: "Timed steps per measurement (after 3 warm-up steps).")
        var steps = 10

        @Option(help: "Rounds: each config's whole sequence runs this many times, interleaved, and each row keeps its fastest round.")
        var rounds = 1

        @Option(help: "Also write the report as JSON to this file.")
        var output: String?

        func run() throws {
            let executable =
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
            var comparison = TrainingComparison(executable: executable)
            comparison.shapes = try parseNames(configs, option: "--configs", kind: "config", known: "A, B") { name in
                switch name.uppercased() {
                case "A": .a
                case "B": .b
                default: nil
                }
            }
            comparison.architectures = try parseNames(archs, option: "--archs", kind: "architecture", known: choices(Architecture.self)) {
                Architecture(rawValue: $0)
            }
            let mixingNames = ["sdpa", "manual", "linear"]
            comparison.referenceMixings = try parseNames(mixings, option: "--mixings", kind: "mixing", known: mixingNames.joined(separator: ", ")) {
                mixingNames.contains($0) ? $0 : nil
            }
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
            comparison.timedSteps = steps
            guard rounds > 0 else { throw ValidationError("--rounds must be positive, got \(rounds)") }
            comparison.rounds = rounds
            if python.isEmpty {
                comparison.referenceNote = pythonNote
            } else {
                guard FileManager.default.isExecutableFile(atPath: python) else {
                    throw ValidationError("--python: '\(python)' is not an executable file")
                }
                guard FileManager.default.fileExists(atPath: reference) else {
                    throw ValidationError("--reference: '\(reference)' not found (run from the repository root)")
                }
                comparison.python = python
            }
            comparison.referenceScript = reference
            let report = comparison.run(progress: printError)
            print(TrainingComparison.table(report))
            if let output { try encodeJSON(report).write(to: URL(fileURLWithPath: output)) }
        }
    }
}
