import ArgumentParser
import Foundation
import Lab
import TensorCore

extension AttnLab {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure attnlab's speed.",
            subcommands: [Gemm.self, NNQFT.self]
        )
    }
}

extension AttnLab.Bench {
    struct Gemm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "sgemm/dgemm GFLOP/s of the BLAS in use, beside the CPU's nominal peak and OpenBLAS's generic kernel."
        )

        @Flag(help: "Print the results as JSON.")
        var json = false

        @Option(help: "Comma-separated matrix sizes.")
        var sizes = "256,512,1024,2048"

        @Option(help: "Comma-separated BLAS thread counts.")
        var threads = "1,2"

        @Flag(inversion: .prefixedNo, help: "Also measure OpenBLAS's generic (Prescott) kernel in the same run.")
        var generic = true

        func run() throws {
            var benchmark = GemmBenchmark()
            benchmark.sizes = try parseList(sizes, option: "--sizes")
            benchmark.threadCounts = try parseList(threads, option: "--threads")
            benchmark.compareGeneric = generic
            let report = try benchmark.run(progress: { line in
                if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            })
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(GemmBenchmark.table(report))
            }
        }
    }
}

func parseList(_ text: String, option: String) throws -> [Int] {
    let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError("\(option) expects comma-separated positive integers, got '\(text)'")
    }
    return values.map { $0! }
}
