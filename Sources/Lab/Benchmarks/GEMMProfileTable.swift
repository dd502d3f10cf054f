import TensorCore

extension TrainingBenchmark.Result {
    /// The GEMM profile as a table, slowest shape first: per timed step, each shape's calls, CPU
    /// milliseconds, share of all GEMM time and rate; nil when the run was not profiled.
    public func gemmProfileTable(steps: Int) -> String? {
        guard let rows = gemmProfile, !rows.isEmpty, steps > 0 else { return nil }
        let total = rows.map(\.cpuSeconds).reduce(0, +)
        let perStep = Double(steps)
        let lines = rows.sorted { $0.cpuSeconds > $1.cpuSeconds }.map { r in
            [
                "\(r.m) × \(r.n) × \(r.k)", (r.transA ? "Aᵀ" : "A") + (r.transB ? "·Bᵀ" : "·B"), r.accumulates ? "+=" : "=",
                NumberText.fixed(Double(r.calls) / perStep, 1), NumberText.fixed(r.cpuSeconds / perStep * 1000, 1),
                NumberText.fixed(100 * r.cpuSeconds / total, 1) + " %", NumberText.fixed(r.gflops, 1),
            ]
        }
        let header = ["m × n × k", "op", "C", "calls/step", "CPU ms/step", "share", "GFLOP/s"]
        let cpu = cpuSecondsPerStep.map { ", \(NumberText.fixed(100 * total / perStep / $0, 1)) % of the step's CPU time" } ?? ""
        return TextTable.render(header: header, rows: lines)
            + "GEMMs: \(NumberText.fixed(total / perStep * 1000, 1)) CPU ms per step\(cpu)\n"
    }
}
