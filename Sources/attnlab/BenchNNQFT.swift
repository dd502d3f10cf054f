import ArgumentParser
import Foundation
import Lab

extension AttnLab.Bench {
    struct NNQFT: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nnqft",
            abstract: "Draws/s of the NN-QFT correlator estimator beside a vectorised numpy reference of the same estimator."
        )

        @Option(help: "Draws for attnlab.") var draws = 100_000
        @Option(name: .customLong("reference-draws"), help: "Draws for the numpy reference.") var referenceDraws = 20_000
        @Option(help: "Heads N_h.") var heads = 4
        @Option(help: "d_k (= d_v).") var dk = 16
        @Option(help: "Comma-separated thread counts for attnlab.") var threads = "1,2"
        @Option(help: "The script that runs the numpy reference.") var reference = "benchmarks/nnqft/run-reference.sh"
        @OptionGroup var output: JSONOutput

        func run() throws {
            var bench = NNQFTBenchmark()
            guard draws >= 100, referenceDraws >= 20, heads >= 1, dk >= 1 else {
                throw ValidationError("--draws ≥ 100, --reference-draws ≥ 20, --heads ≥ 1 and --dk ≥ 1 are required")
            }
            bench.options.draws = draws
            bench.options.heads = [heads]
            bench.options.keyWidths = [dk]
            bench.referenceDraws = referenceDraws
            bench.threadCounts = try parseList(threads, option: "--threads")
            bench.referenceScript = reference
            let report = bench.run(progress: output.progress)
            try output.print(report, table: NNQFTBenchmark.table)
        }
    }
}
