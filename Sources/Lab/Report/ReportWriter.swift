import Foundation

/// Writes `report.md` and `report.html` into a run directory.
public enum ReportWriter {
    public static func write(results: RunResults, outcomes: [ClaimOutcome], to run: RunDirectory) throws {
        try run.write(MarkdownReport.render(results: results, outcomes: outcomes), to: "report.md")
        // A figure's path comes from results.json, which may not be ours: read only files
        // inside the run folder (UntrustedFigure).
        let html = HTMLReport.render(results: results, outcomes: outcomes) { figure in
            UntrustedFigure.read(figure.file, in: run.url)
        }
        try run.write(html, to: "report.html")
    }

    /// `attnlab report RUN_DIR`: reads results.json, recomputes every verdict from the stored
    /// measurements with the current registry, and rewrites the two reports. Claims the run
    /// checked that the registry no longer knows are left out (and listed in the return value).
    @discardableResult
    public static func rerender(_ directory: URL, registry: [Claim] = ClaimRegistry.all) throws -> (outcomes: [ClaimOutcome], dropped: [String]) {
        let run = RunDirectory(existing: directory)
        let results = try RunResults.load(run.url.appendingPathComponent("results.json"))
        let claims = results.config.claims.compactMap { id in registry.first { $0.id == id } }
        let dropped = results.config.claims.filter { id in !registry.contains { $0.id == id } }
        let outcomes = ClaimEvaluation.outcomes(claims, in: results)
        try write(results: results, outcomes: outcomes, to: run)
        return (outcomes, dropped)
    }
}
