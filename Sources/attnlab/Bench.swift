import ArgumentParser
import Foundation
import Lab
import Models
import TensorCore

extension AttnLab {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure attnlab's speed.",
            subcommands: [Gemm.self, Train.self, Compare.self, NNQFT.self, Allreduce.self]
        )
    }
}

extension AttnLab.Bench {
    struct Gemm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "sgemm/dgemm GFLOP/s of the BLAS in use, beside the CPU's nominal peak and OpenBLAS's generic kernel."
        )

        @OptionGroup var output: JSONOutput

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
            let report = try benchmark.run(progress: output.progress)
            try output.print(report, table: GemmBenchmark.table)
        }
    }
}

extension AttnLab.Bench {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training tokens/s of an architecture on reference configuration A or B, with model GFLOP/s and the fraction of measured sgemm."
        )

        @Option(help: "Architecture: \(choices(Architecture.self)).")
        var arch = "transformer"

        @Option(help: "Reference configuration: A or B.")
        var config = "A"

        @Option(help: "Timed steps (after 3 warm-up steps); with --memory, all steps.")
        var steps = 10

        @Flag(
            help:
                "Instead of timing, train --steps steps (e.g. 1000) and report resident memory and malloc'ed bytes in use after step 100 and every 100 steps, with the growth per step."
        )
        var memory = false

        @Flag(help: "Print the result as JSON.")
        var json = false

        @Flag(help: "Keep IEEE subnormals in the training threads instead of flushing them to zero (docs/BENCHMARKS.md).")
        var keepDenormals = false

        @Option(
            help: ArgumentHelp(
                "Also train data-parallel on N ranks of Open MPI on this machine (each with threads ÷ N threads and batch ÷ N sequences), interleaved with one process in --rounds rounds, and print both with their ratio.",
                valueName: "N"))
        var ranks: Int?

        @Option(help: "Rounds of the --ranks comparison.")
        var rounds = 2

        @Option(
            help: ArgumentHelp(
                "Data-parallel replicas inside the process: the batch split into R shards trained side by side on the threads, each with single-threaded kernels (training config 'replicas').",
                valueName: "R"))
        var replicas = 1

        @Flag(
            help:
                "Count the timed steps' single-precision GEMMs by shape (calls, CPU time, GFLOP/s) and print them, slowest first, after the result.")
        var gemmProfile = false

        /// Configuration A or B (`--config`, any case; validated).
        var shape: TrainingBenchmark.Shape { config.uppercased() == "A" ? .a : .b }

        func validate() throws {
            let _: Architecture = try parseChoice(arch, option: "--arch")
            guard ["A", "B"].contains(config.uppercased()) else { throw ValidationError("--config must be A or B, got '\(config)'") }
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
            let batch = shape.batchSize
            guard replicas >= 1, batch % replicas == 0 else {
                throw ValidationError("--replicas expects a divisor of config \(config.uppercased())'s batch of \(batch), got \(replicas)")
            }
            if memory && gemmProfile { throw ValidationError("--gemm-profile profiles timed steps; it does not combine with --memory") }
            if memory && steps <= 100 { throw ValidationError("--memory needs --steps above 100 (growth is measured from step 100), got \(steps)") }
            if let ranks {
                guard ranks >= 2, batch % ranks == 0 else {
                    throw ValidationError(
                        "--ranks expects a rank count of at least 2 that divides config \(config.uppercased())'s batch of \(batch), got \(ranks)")
                }
                guard !memory, !gemmProfile else {
                    throw ValidationError("--ranks times training steps; it does not combine with --memory or --gemm-profile")
                }
                guard (1...20).contains(rounds) else { throw ValidationError("--rounds expects 1 to 20, got \(rounds)") }
            }
        }

        func run() throws {
            if let ranks {
                return try RankComparison(
                    arch: arch, config: config.uppercased(), steps: steps, ranks: ranks, rounds: rounds,
                    keepDenormals: keepDenormals
                ).run()
            }
            var benchmark = TrainingBenchmark(architecture: Architecture(rawValue: arch)!, shape: shape)
            benchmark.replicas = replicas
            // Under `mpirun -np N` the ranks train one model data-parallel; rank 0 reports.
            let group = ProcessGroup.launchedRanks(ProcessInfo.processInfo.environment) > 1 ? ProcessGroup.world : .single
            if group.isDistributed {
                guard benchmark.shape.batchSize % group.size == 0, !memory else {
                    group.abort(
                        "bench train on \(group.size) ranks needs a rank count that divides config \(benchmark.shape.name)'s batch of "
                            + "\(benchmark.shape.batchSize), without --memory")
                }
                benchmark.group = group
            }
            if memory {
                let report = try benchmark.runMemoryCheck(
                    steps: steps,
                    progress: { sample in
                        if !json { printError("step \(sample.step)") }
                    })
                try printReport(report, json: json, table: \.summary)
                return
            }
            benchmark.timedSteps = steps
            benchmark.flushesDenormals = !keepDenormals
            benchmark.profilesSGEMMs = gemmProfile
            let r = try benchmark.run()
            guard group.rank == 0 else { return }
            let layout = (r.ranks.map { " (each of \($0) ranks)" } ?? "") + (r.replicas.map { ", \($0) replicas" } ?? "")
            try printReport(r, json: json) { r in
                String(
                    format:
                        "%@ config %@: %d parameters, %.0f tokens/s (%.1f ms/step, %.1f CPU ms/step), %.1f GFLOP/s = %.0f%% of sgemm (%.0f GFLOP/s), peak RSS %.0f MB, %d threads, subnormals %@",
                    r.architecture, r.shape.name, r.parameters, r.tokensPerSecond, r.secondsPerStep * 1000,
                    (r.cpuSecondsPerStep ?? .nan) * 1000, r.gflops, 100 * r.fractionOfSgemm, r.sgemmGFLOPS,
                    r.peakResidentMegabytes, r.threads, keepDenormals ? "kept" : "flushed")
                    + layout
            }
            if !json, let table = r.gemmProfileTable(steps: steps) { print(table, terminator: "") }
        }
    }
}
