import Foundation

/// Renders `report.md`: title, run configuration, the claims table, a verdict summary, then one
/// section per experiment with its figures (linked SVG files), measurements, tables, notes and
/// failures.
public enum MarkdownReport {
    public static func render(results: RunResults, outcomes: [ClaimOutcome]) -> String {
        let model = ReportModel(results: results, outcomes: outcomes)
        var md = "# attnlab claims report\n\n"
        md +=
            "Run of \(results.startedAt) at scale **\(results.config.scale.rawValue)**, master seed \(results.config.seed), "
            + "\(results.config.seeds) seed\(results.config.seeds == 1 ? "" : "s") per experiment that trains or samples.\n\n"

        md += "## Run configuration\n\n"
        for (label, value) in model.configurationLines { md += "- **\(label)**: \(value)\n" }
        md += "\n"

        md += "## Claims\n\n"
        md += "| claim | statement | seed § | evidence | seed's value | measured | verdict | reason |\n"
        md += "|---|---|---|---|---|---|---|---|\n"
        for row in model.claimRows {
            let id = row.experimentAnchor.map { "[`\(row.id)`](#\($0))" } ?? "`\(row.id)`"
            let evidence = row.evidence + (row.scope.map { " (\($0))" } ?? "")
            let reason = row.reason + (row.seedVerdicts.map { " [\($0)]" } ?? "")
            md +=
                "| \(id) | \(cell(row.statement)) | \(cell(row.seed)) | \(cell(evidence)) | \(cell(row.claimed)) | \(cell(row.measured)) "
                + "| **\(row.verdict.label)** | \(cell(reason)) |\n"
        }
        md += "\n**Verdicts:** \(model.summaryText)\n\n"
        md += "**By kind of evidence:** \(ClaimEvaluation.summaryText(outcomes))\n\n"

        for experiment in model.experiments {
            md += "## \(experiment.title)\n\n"
            md += "<a id=\"\(ReportModel.anchor(experiment.id))\"></a>"
            md += "Experiment `\(experiment.id)` — \(experiment.status.rawValue) in \(Runner.duration(experiment.seconds)).\n\n"
            let claims = model.claims(of: experiment.id)
            if !claims.isEmpty {
                md += "Claims: " + claims.map { "`\($0.claim.id)` (\($0.verdict.label))" }.joined(separator: ", ") + "\n\n"
            }
            if let error = experiment.error {
                md += "**\(experiment.status == .skipped ? "Skipped" : "Failed"):**\n\n```\n\(error)\n```\n\n"
            }
            if !experiment.measurements.isEmpty {
                md += "| measurement | value | at each seed | samples | description |\n|---|---|---|---|---|\n"
                for (name, m) in experiment.measurements.sorted(by: { $0.key < $1.key }) {
                    md +=
                        "| `\(name)` | \(cell(ReportModel.measurementText(m))) | \(ReportModel.perSeedText(m) ?? "—") "
                        + "| \(m.samples.map(String.init) ?? "—") | \(cell(m.label)) |\n"
                }
                md += "\n"
            }
            for figure in experiment.figures {
                md += "![\(figure.caption.replacingOccurrences(of: "]", with: ")"))](\(figure.file))\n\n*\(figure.caption)*\n\n"
            }
            for table in experiment.tables { md += render(table) }
            if !experiment.notes.isEmpty {
                for note in experiment.notes { md += "- \(note)\n" }
                md += "\n"
            }
        }
        return md
    }

    static func render(_ table: ReportTable) -> String {
        guard !table.header.isEmpty else { return "" }
        var md = table.title.isEmpty ? "" : "**\(table.title)**\n\n"
        md += "| " + table.header.map(cell).joined(separator: " | ") + " |\n"
        md += "|" + String(repeating: "---|", count: table.header.count) + "\n"
        for row in table.rows {
            let padded = row + Array(repeating: "", count: max(0, table.header.count - row.count))
            md += "| " + padded.prefix(table.header.count).map(cell).joined(separator: " | ") + " |\n"
        }
        return md + "\n"
    }

    /// Text safe inside a Markdown table cell.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
