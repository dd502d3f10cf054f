import Foundation

extension TrainingComparison {
    /// The side-by-side table: per config, every implementation with tokens/s and its ratio to
    /// PyTorch SDPA and to attnlab's transformer (same run), then the issue's targets.
    public static func table(_ report: Report) -> String {
        var lines: [String] = []
        lines.append(
            String(
                format: "Training throughput: %d threads, float32, AdamW + OneCycle + clipping, median step after warm-up",
                report.threads))
        let firstLoad = report.rows.first?.loadBefore ?? .nan
        lines.append(String(format: "1-minute load %.2f before the first run, %.2f after the last", firstLoad, report.loadAfter))
        lines.append(denormalLine(report.rows))
        if let rounds = report.rounds {
            lines.append("Every row is the fastest of \(rounds) interleaved rounds (each round runs the config's whole sequence; all rounds in the JSON)")
        }
        if let policies = report.referenceWaitPolicies, policies.count > 1 {
            lines.append(
                "PyTorch: each reference runs under OMP_WAIT_POLICY " + policies.joined(separator: " and ")
                    + " back to back and keeps the faster (column omp; docs/BENCHMARKS.md)")
        } else if let policies = report.referenceWaitPolicies {
            lines.append("PyTorch runs with OMP_WAIT_POLICY " + policies.joined())
        }
        if report.rows.contains(where: { $0.replicas != nil || $0.ranks != nil }) {
            lines.append(
                "Data parallel on the threads: attnlab ×R replicas (one thread each), PyTorch SDPA DDP ×R (processes of one thread); "
                    + "ratios and targets take each side's fastest row")
        }
        for shape in report.shapes {
            let rows = report.rows.filter { $0.config == shape.name }
            lines.append("")
            lines.append(
                "config \(shape.name): vocab \(shape.vocabularySize), width \(shape.width), \(shape.layers) layers, "
                    + "\(shape.heads) heads, context \(shape.contextLength), batch \(shape.batchSize)"
                    + (shape.tiedEmbeddings ? ", tied embeddings" : ""))
            lines.append("CPU: " + report.cpu.summary)
            let sdpa = fastest(rows, attnlab: false, "sdpa"), transformer = fastest(rows, attnlab: true, "transformer")
            lines.append("implementation                               params   tokens/s   ms/step  GFLOP/s  peak MB  load   ×SDPA  ×attnlab transformer  omp")
            for row in rows {
                let name = (row.isAttnlab ? "attnlab " : "\(row.framework) ") + label(row.model) + layout(row)
                var line = name.padding(toLength: 40, withPad: " ", startingAt: 0)
                if let failure = row.failure {
                    line += "  failed: \(failure)"
                    lines.append(line)
                    continue
                }
                let tps = row.tokensPerSecond ?? .nan
                line += pad(row.parameters.map { grouped(Double($0)) } ?? "—", 11)
                line += pad(grouped(tps), 11)
                line += pad(String(format: "%.1f", 1000 * (row.secondsPerStep ?? .nan)), 10)
                line += pad(row.gflops.map { String(format: "%.1f", $0) } ?? "—", 9)
                line += pad(row.peakResidentMegabytes.map { String(format: "%.0f", $0) } ?? "—", 9)
                line += pad(String(format: "%.2f", row.loadBefore), 6)
                line += pad(sdpa.map { String(format: "%.2f", tps / $0) } ?? "—", 8)
                line += pad(transformer.map { String(format: "%.2f", tps / $0) } ?? "—", 22)
                if let policy = row.waitPolicy {
                    line += "  " + policy + (row.otherPolicyTokensPerSecond.map { " (other: " + $0.map(grouped).joined(separator: ", ") + ")" } ?? "")
                }
                lines.append(line)
            }
        }
        lines.append("")
        lines.append(contentsOf: targets(report))
        if let note = report.referenceNote { lines.append("PyTorch references not run: \(note)") }
        return lines.joined(separator: "\n")
    }

    /// How each side treated subnormals, from what the runs reported.
    static func denormalLine(_ rows: [Row]) -> String {
        func describe(_ values: Set<Bool?>) -> String {
            switch values {
            case [true]: "flushed"
            case [false]: "kept (IEEE)"
            case [nil]: "not reported"
            default: "mixed"
            }
        }
        let attnlab = Set(rows.filter(\.isAttnlab).map(\.flushesDenormals))
        let pytorch = rows.filter { !$0.isAttnlab && $0.failure == nil }
        var line = "Subnormals: attnlab " + describe(attnlab) + " (FTZ/DAZ in the training threads)"
        if !pytorch.isEmpty {
            let inits = Set(pytorch.map { $0.initialisation ?? "not reported" })
            line +=
                "; PyTorch " + describe(Set(pytorch.map(\.flushesDenormals))) + " (torch.set_flush_denormal), initialisation "
                + inits.sorted().map { $0 == "gpt2" ? "attnlab's (gpt2)" : $0 }.joined(separator: ", ")
        }
        return line
    }

    /// The fastest tokens/s among a config's rows of one framework and model (threaded or
    /// data-parallel: each side is compared at its best).
    static func fastest(_ rows: [Row], attnlab: Bool, _ model: String) -> Double? {
        rows.filter { $0.isAttnlab == attnlab && $0.model == model }.compactMap(\.tokensPerSecond).max()
    }

    /// The issue's targets, each with the measured ratio and whether it is met; each side at its
    /// fastest way of using the threads.
    static func targets(_ report: Report) -> [String] {
        func tps(_ attnlab: Bool, _ model: String, _ config: String) -> Double? {
            fastest(report.rows.filter { $0.config == config }, attnlab: attnlab, model)
        }
        var lines = ["targets (same run):"]
        func check(_ text: String, _ numerator: Double?, _ denominator: Double?, _ goal: Double) {
            guard let n = numerator, let d = denominator, n.isFinite, d.isFinite, d > 0 else {
                lines.append("  \(text): not measured")
                return
            }
            let ratio = n / d, met = ratio >= goal
            // Two decimals; a ratio short of its goal that would round up to it is shown with four,
            // rounded down (0.9996 is not 1.00).
            let shown =
                met || (ratio * 100).rounded() / 100 < goal
                ? String(format: "%.2f", ratio) : String(format: "%.4f", (ratio * 10_000).rounded(.down) / 10_000)
            lines.append(String(format: "  %@: %@× (goal ≥ %.1f×) %@", text, shown, goal, met ? "met" : "NOT met"))
        }
        for shape in report.shapes {
            let c = shape.name
            check("config \(c) attnlab transformer vs PyTorch SDPA", tps(true, "transformer", c), tps(false, "sdpa", c), 1.3)
            check("config \(c) attnlab qsf vs PyTorch SDPA", tps(true, "qsf", c), tps(false, "sdpa", c), 1.0)
            check("config \(c) attnlab koopman vs attnlab transformer", tps(true, "koopman", c), tps(true, "transformer", c), 0.8)
            check("config \(c) attnlab linear attention vs attnlab transformer", tps(true, "linear", c), tps(true, "transformer", c), 1.0)
        }
        return lines
    }

    static func label(_ model: String) -> String {
        switch model {
        case "sdpa": "SDPA"
        case "manual": "masked softmax"
        case "linear": "linear attention"
        default: model
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// 13602.4 → "13,602".
    static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        let digits = String(Int(value.rounded()))
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
}
