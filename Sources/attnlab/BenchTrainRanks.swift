import Foundation
import Lab
import TensorCore

/// `attnlab bench train --ranks N`: training tokens/s of one process against N data-parallel
/// ranks on this machine, the same model and global batch, measured in interleaved rounds in one
/// command (the machine drifts between minutes, so only ratios from the same round mean much).
/// Each side runs as a child `attnlab bench train --json`: one process with T threads (T =
/// ATTNLAB_THREADS or the processor count), then `mpirun -np N` with T ÷ N threads per rank.
struct RankComparison {
    var arch: String
    var config: String
    var steps: Int
    var ranks: Int
    var rounds: Int
    var keepDenormals: Bool

    func run() throws {
        guard let mpirun = Self.onPath("mpirun") else {
            throw CommandError("bench train --ranks needs Open MPI's mpirun on PATH (Debian: apt-get install openmpi-bin)")
        }
        let threads = Parallel.defaultThreads, perRank = max(1, Parallel.defaultThreads / ranks)
        var arguments = ["bench", "train", "--arch", arch, "--config", config, "--steps", String(steps), "--json"]
        if keepDenormals { arguments.append("--keep-denormals") }
        let executable = currentExecutable()
        var mpiArguments = ["-np", String(ranks), "--mca", "btl", "self,vader", "-x", "ATTNLAB_THREADS=\(perRank)"]
        if geteuid() == 0 { mpiArguments.insert("--allow-run-as-root", at: 0) }
        if ranks * perRank > ProcessInfo.processInfo.activeProcessorCount {
            mpiArguments.insert("--oversubscribe", at: 0)
        }
        var single: [TrainingBenchmark.Result] = [], distributed: [TrainingBenchmark.Result] = []
        for round in 1...rounds {
            printError("round \(round) of \(rounds): 1 process × \(threads) thread\(threads == 1 ? "" : "s") …")
            single.append(try Self.result(of: executable, arguments, threads: threads, what: "the one-process run"))
            printError("round \(round) of \(rounds): \(ranks) ranks × \(perRank) thread\(perRank == 1 ? "" : "s") …")
            distributed.append(
                try Self.result(of: mpirun, mpiArguments + [executable.path] + arguments, threads: perRank, what: "the \(ranks)-rank run"))
        }
        let shape = single[0].shape
        print(
            "\(arch) config \(shape.name) (\(single[0].parameters) parameters, batch \(shape.batchSize) × \(shape.contextLength) tokens), "
                + "\(steps) timed steps; tokens/s per round, interleaved")
        var rows = [["1 process × \(threads) thread\(threads == 1 ? "" : "s"), batch \(shape.batchSize)"] + single.map { Self.number($0.tokensPerSecond) }]
        rows.append(
            ["\(ranks) ranks × \(perRank) thread\(perRank == 1 ? "" : "s"), batch \(shape.batchSize / ranks) each"]
                + distributed.map { Self.number($0.tokensPerSecond) })
        rows.append(["\(ranks) ranks ÷ 1 process"] + zip(distributed, single).map { String(format: "%.2f×", $0.tokensPerSecond / $1.tokensPerSecond) })
        print(TextTable.render(header: ["run"] + (1...rounds).map { "round \($0)" }, rows: rows))
    }

    /// Runs a child `bench train --json` and decodes its result; a failure names the run and
    /// quotes the child's last error line.
    static func result(of executable: URL, _ arguments: [String], threads: Int, what: String) throws -> TrainingBenchmark.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["ATTNLAB_THREADS"] = String(threads)
        switch TrainingComparison.runJSON(executable.path, arguments, environment: environment) {
        case .failure(let failure): throw CommandError("\(what) failed: \(failure.message)")
        case .success(let data):
            do { return try JSONDecoder().decode(TrainingBenchmark.Result.self, from: data) } catch {
                throw CommandError("\(what) printed no benchmark result: \(String(decoding: data.prefix(400), as: UTF8.self))")
            }
        }
    }

    static func onPath(_ name: String) -> URL? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static func number(_ x: Double) -> String { String(Int(x.rounded())) }
}
