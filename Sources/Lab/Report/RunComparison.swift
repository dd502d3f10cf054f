import Foundation

/// Several runs' verdicts side by side (`attnlab report RUN_A RUN_B …`): claim by run, each run's
/// scale, corpus and seeds in the header, and every claim whose verdict differs between runs
/// marked. Verdicts are recomputed from each run's stored measurements with the current rules,
/// as `attnlab report RUN` does, so the page compares evidence, not rule versions.
public struct RunComparison {
    /// One run: its folder, its results and the recomputed outcomes.
    public struct Run {
        public var directory: URL
        public var results: RunResults
        public var outcomes: [ClaimOutcome]

        /// The folder name, the run's label in the page.
        public var name: String { directory.lastPathComponent }

        /// "quick · master seed 1 · 4 seeds per experiment · generated stories".
        public var setting: String {
            let c = results.config
            return "\(c.scale.rawValue) · master seed \(c.seed) · \(c.seeds) seed\(c.seeds == 1 ? "" : "s") per experiment · "
                + (c.corpus?.label ?? "generated stories")
        }

        /// The corpus and the largest trained model, as the run's experiments report them.
        public var trained: String {
            let scales = results.experiments.compactMap(\.trainedScale)
            guard let largest = scales.max(by: { ($0.parameters ?? 0) < ($1.parameters ?? 0) }) else { return "no trained model" }
            return largest.text
        }

        public func outcome(_ id: String) -> ClaimOutcome? { outcomes.first { $0.claim.id == id } }
    }

    public var runs: [Run]
    /// Claim ids in registry order, then any a run checked that the registry no longer knows.
    public var claimIDs: [String]
    /// Ids some run checked that the registry no longer knows (shown without a verdict).
    public var dropped: [String]

    /// Reads each run's results.json (errors name the run) and recomputes its verdicts.
    public init(runs directories: [URL], registry: [Claim] = ClaimRegistry.all) throws {
        runs = try directories.map { dir in
            let results = try RunResults.load(dir.appendingPathComponent("results.json"))
            let claims = results.config.claims.compactMap { id in registry.first { $0.id == id } }
            return Run(directory: dir, results: results, outcomes: ClaimEvaluation.outcomes(claims, in: results))
        }
        let checked = Set(runs.flatMap(\.results.config.claims))
        claimIDs = registry.map(\.id).filter(checked.contains)
        dropped = checked.subtracting(registry.map(\.id)).sorted()
    }

    /// Whether the claim's verdict differs between the runs that checked it.
    public func changed(_ id: String) -> Bool {
        Set(runs.compactMap { $0.outcome(id)?.verdict.label }).count > 1
    }

    /// The console table: claim, then one verdict column per run ("*" marks a change).
    public func text() -> String {
        let header = ["claim"] + runs.map(\.name)
        let rows = claimIDs.map { id in
            [(changed(id) ? "* " : "  ") + id] + runs.map { $0.outcome(id)?.verdict.label ?? "—" }
        }
        var out = TextTable.render(header: header, rows: rows)
        for (i, run) in runs.enumerated() { out += "\(i + 1). \(run.name): \(run.setting); \(run.trained)\n" }
        let changes = claimIDs.filter(changed).count
        return out + "\(changes) of \(claimIDs.count) claims change verdict between the runs (marked *).\n"
    }

    /// One self-contained page (inline CSS, no scripts, no network).
    public func html(title: String = "attnlab: runs side by side") -> String {
        let esc = HTMLReport.esc
        var h =
            HTMLReport.pageHead(title: title, css: HTMLReport.css + Self.css) + """
                <header><h1>\(esc(title))</h1>
                <p class="sub">\(runs.count) runs · \(claimIDs.count) claims · \(claimIDs.filter(changed).count) change verdict between runs \
                (marked ◆) · verdicts recomputed with the current rules</p></header>

                """
        h +=
            "<section><h2>Runs</h2><table class=\"data runs\"><thead><tr><th>#</th><th>run</th><th>scale and seeds</th>"
            + "<th>trained model and corpus</th><th>started</th><th>attnlab</th></tr></thead><tbody>\n"
        for (i, run) in runs.enumerated() {
            let c = run.results.config
            h +=
                "<tr><td>\(i + 1)</td><td><code>\(esc(run.name))</code></td><td>\(esc(run.setting))</td><td>\(esc(run.trained))</td>"
                + "<td>\(esc(run.results.startedAt))</td><td>\(esc(c.attnlabVersion + (c.gitCommit.map { " (\($0.prefix(12)))" } ?? "")))</td></tr>\n"
        }
        h += "</tbody></table></section>\n"
        h +=
            "<section><h2>Verdicts</h2><table class=\"claims compare\"><thead><tr><th>claim</th><th>evidence</th>"
            + runs.enumerated().map { "<th>\($0.offset + 1). \(esc($0.element.name))</th>" }.joined() + "</tr></thead><tbody>\n"
        for id in claimIDs {
            let claim = runs.lazy.compactMap { $0.outcome(id)?.claim }.first
            let mark = changed(id) ? "<span class=\"changed\" title=\"the verdict differs between runs\">◆</span> " : ""
            h +=
                "<tr class=\"\(changed(id) ? "row-changed" : "")\"><td>\(mark)<code>\(esc(id))</code>"
                + (claim.map { "<div class=\"statement\">\(esc($0.statement))</div>" } ?? "") + "</td>"
                + "<td>\(claim.map { esc(ClaimsCatalog.evidenceText($0)) } ?? "")</td>"
            for run in runs {
                guard let o = run.outcome(id) else { h += "<td class=\"absent\">not checked</td>"; continue }
                h += "<td>\(HTMLReport.badge(o.verdict))<div class=\"reason\">\(esc(ClaimEvaluation.firstLine(o.verdict.reason)))</div></td>"
            }
            h += "</tr>\n"
        }
        h += "</tbody></table>\n"
        if !dropped.isEmpty {
            h += "<p class=\"meta\">Checked by a run but no longer registered: \(dropped.map { "<code>\(esc($0))</code>" }.joined(separator: ", "))</p>\n"
        }
        h +=
            "</section>\n<footer>Generated by attnlab. Each column is a run directory's results.json judged by the current rules; "
            + "<code>attnlab report &lt;run&gt;</code> renders one run in full.</footer>\n</body>\n</html>\n"
        return h
    }

    static let css = """

        table.compare td { font-size: 12.5px; }
        table.compare .reason { max-height: 4.4em; overflow: hidden; }
        tr.row-changed td:first-child { border-left: 4px solid #b45309; }
        .changed { color: #b45309; font-weight: 700; }
        td.absent { color: #999; font-style: italic; }
        """
}
