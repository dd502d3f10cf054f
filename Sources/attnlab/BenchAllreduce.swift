import ArgumentParser
import Foundation
import Models

extension AttnLab.Bench {
    struct Allreduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "MPI_Allreduce (sum of Floats) time and bandwidth over message sizes, with an α–β fit; run under mpirun -np N.",
            discussion: """
                Each size is summed --repeats times after 3 warm-up calls; the table shows the median \
                time (all ranks start each call after a barrier; rank 0's clock), the algorithm bandwidth \
                (bytes / time) and the bus bandwidth (× 2(N−1)/N, what each link carries in a ring). The \
                fit t(n) = α + β·n over all sizes (least squares on the medians) gives the latency α and \
                the effective bandwidth 1/β that docs/BENCHMARKS.md projects to a cluster with.
                """
        )

        @Option(help: "Comma-separated message sizes in Floats.")
        var sizes = "1,16,256,4096,65536,262144,1048576,4194304"

        @Option(help: "Timed calls per size.")
        var repeats = 20

        @OptionGroup var output: JSONOutput

        struct Row: Codable {
            var floats: Int
            var bytes: Int
            var medianSeconds: Double
            var algorithmGBps: Double
            var busGBps: Double
        }

        struct Report: Codable {
            var ranks: Int
            var rows: [Row]
            /// t(n) = alphaSeconds + n bytes × betaSecondsPerByte.
            var alphaSeconds: Double
            var betaSecondsPerByte: Double
        }

        func validate() throws {
            guard repeats > 0 else { throw ValidationError("--repeats must be positive, got \(repeats)") }
            _ = try parseList(sizes, option: "--sizes")
        }

        func run() throws {
            let group = ProcessGroup.world
            guard group.isDistributed else {
                throw ValidationError("bench allreduce needs at least 2 ranks: mpirun -np 2 attnlab bench allreduce")
            }
            var rows: [Row] = []
            for n in try parseList(sizes, option: "--sizes") {
                var buffer = [Float](repeating: 1, count: n)
                var times: [Double] = []
                for call in 0..<(repeats + 3) {
                    group.barrier()
                    let start = group.seconds
                    buffer.withUnsafeMutableBufferPointer { group.sum($0) }
                    if call >= 3 { times.append(group.seconds - start) }
                    // Keeps the values small and exact (a sum of N ones, reset).
                    buffer.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = 1 } }
                }
                let median = times.sorted()[times.count / 2]
                let bytes = n * MemoryLayout<Float>.size
                let algorithm = Double(bytes) / median / 1e9
                rows.append(
                    Row(
                        floats: n, bytes: bytes, medianSeconds: median, algorithmGBps: algorithm,
                        busGBps: algorithm * 2 * Double(group.size - 1) / Double(group.size)))
                if group.rank == 0 { output.progress("\(n) floats: \(String(format: "%.1f", median * 1e6)) µs") }
            }
            guard group.rank == 0 else { return }
            let (alpha, beta) = Self.fit(rows)
            let report = Report(ranks: group.size, rows: rows, alphaSeconds: alpha, betaSecondsPerByte: beta)
            try output.print(report, table: Self.table)
        }

        /// Least-squares α, β of t = α + β·bytes.
        static func fit(_ rows: [Row]) -> (alpha: Double, beta: Double) {
            let n = Double(rows.count)
            let x = rows.map { Double($0.bytes) }, y = rows.map(\.medianSeconds)
            let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
            let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
            let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
            let beta = sxx > 0 ? sxy / sxx : 0
            return (my - beta * mx, beta)
        }

        static func table(_ r: Report) -> String {
            var lines = [
                "MPI_Allreduce (sum, Float) over \(r.ranks) ranks",
                "     floats        bytes    median µs   algbw GB/s   busbw GB/s",
            ]
            for row in r.rows {
                lines.append(
                    String(
                        format: "%11d %12d %12.1f %12.3f %12.3f", row.floats, row.bytes, row.medianSeconds * 1e6,
                        row.algorithmGBps, row.busGBps))
            }
            lines.append(
                String(
                    format: "fit t = α + β·bytes: α = %.1f µs, 1/β = %.2f GB/s", r.alphaSeconds * 1e6,
                    r.betaSecondsPerByte > 0 ? 1 / r.betaSecondsPerByte / 1e9 : .infinity))
            return lines.joined(separator: "\n")
        }
    }
}
