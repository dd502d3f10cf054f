import Foundation

/// Runs the criticality family's experiments on their own and writes a Markdown summary with
/// figures — what `attnlab criticality` prints, independent of the whole-suite report.
public enum CriticalityFamilyRun {
    /// Experiments of this family, in report order.
    public static var experiments: [any Experiment] { ExperimentRegistry.criticality }
    /// Claims of this family.
    public static var claims: [Claim] { ClaimRegistry.criticality }

    /// Runs the experiments (all, or those whose id is in `only`), writes `figures/*.svg` and
    /// `criticality.md` under `directory`, and returns the Markdown.
    public static func run(scale: Scale, seed: UInt64, directory: URL, only: Set<String>? = nil,
                           log: @escaping @Sendable (String) -> Void) throws -> String {
        let figures = directory.appendingPathComponent("figures")
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        var md = "# Criticality diagnostics (scale \(scale.rawValue), seed \(seed))\n\n"
        var outputs: [String: ExperimentOutput] = [:]
        var failures: [String: String] = [:]
        for experiment in experiments where only?.contains(experiment.id) ?? true {
            let folder = directory.appendingPathComponent(experiment.id)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let context = ExperimentContext(scale: scale, seed: seed, directory: folder, runDirectory: directory, log: log)
            let start = Date()
            do {
                let out = try experiment.run(context)
                outputs[experiment.id] = out
                md += section(experiment, out, seconds: Date().timeIntervalSince(start))
                for f in out.figures {
                    try Data(f.svg.utf8).write(to: figures.appendingPathComponent(f.name + ".svg"))
                }
            } catch {
                failures[experiment.id] = "\(error)"
                md += "## \(experiment.title)\n\nFAILED: \(error)\n\n"
            }
        }
        md += "## Verdicts\n\n| claim | claimed | verdict | reason |\n|---|---|---|---|\n"
        for claim in claims {
            guard let id = claim.experiment, only?.contains(id) ?? true else { continue }
            let verdict: Verdict
            if let failure = failures[id] { verdict = .failed(failure) }
            else if let out = outputs[id] { verdict = claim.verdict(Evidence(measurements: out.measurements, scale: scale)) }
            else { continue }
            md += "| `\(claim.id)` | \(cell(claim.claimed)) | **\(verdict.label)** | \(cell(verdict.reason)) |\n"
        }
        try Data(md.utf8).write(to: directory.appendingPathComponent("criticality.md"))
        return md
    }

    /// A Markdown table cell: pipes escaped.
    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }

    static func section(_ e: any Experiment, _ out: ExperimentOutput, seconds: Double) -> String {
        var md = "## \(e.title)\n\n`\(e.id)`, \(String(format: "%.1f", seconds)) s\n\n"
        md += "| measurement | value | samples | meaning |\n|---|---|---|---|\n"
        for name in out.measurements.keys.sorted() {
            let m = out.measurements[name]!
            md += "| `\(name)` | \(m.formatted)\(m.unit.isEmpty ? "" : " " + m.unit) | \(m.samples.map(String.init) ?? "") | \(cell(m.label)) |\n"
        }
        for t in out.tables {
            md += "\n**\(t.title)**\n\n| " + t.header.map(cell).joined(separator: " | ") + " |\n|" + t.header.map { _ in "---" }.joined(separator: "|") + "|\n"
            for r in t.rows { md += "| " + r.map(cell).joined(separator: " | ") + " |\n" }
        }
        if !out.notes.isEmpty { md += "\n" + out.notes.map { "- " + $0 }.joined(separator: "\n") + "\n" }
        if !out.figures.isEmpty {
            md += "\n" + out.figures.map { "![\($0.caption)](figures/\($0.name).svg)" }.joined(separator: "\n\n") + "\n"
        }
        return md + "\n"
    }
}
