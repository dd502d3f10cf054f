import Foundation

/// Renders `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network)
/// with the same content and order as `report.md`.
public enum HTMLReport {
    /// - `figureSVG`: the SVG text of a figure record (read from the run directory); nil shows a
    ///   placeholder.
    public static func render(results: RunResults, outcomes: [ClaimOutcome], figureSVG: (FigureRecord) -> String?) -> String {
        let model = ReportModel(results: results, outcomes: outcomes)
        var h =
            pageHead(title: "attnlab claims report — \(results.config.scale.rawValue), \(results.startedAt)", css: css) + """
                <header>
                <h1>attnlab claims report</h1>
                <p class="sub">Scale <b>\(esc(results.config.scale.rawValue))</b> · master seed \(results.config.seed) · \
                \(results.config.seeds) seed\(results.config.seeds == 1 ? "" : "s") per experiment that trains or samples · \(esc(results.startedAt)) · \
                \(esc(Runner.duration(results.seconds)))</p>
                </header>

                """
        h += "<section id=\"configuration\"><h2>Run configuration</h2>\n<dl class=\"config\">\n"
        for (label, value) in model.configurationLines {
            h += "<div><dt>\(esc(label))</dt><dd>\(esc(value))</dd></div>\n"
        }
        h += "</dl></section>\n"

        h +=
            "<section id=\"claims\"><h2>Claims</h2>\n<table class=\"claims\">\n<colgroup><col class=\"c-claim\"><col class=\"c-seed\">"
            + "<col class=\"c-value\"><col class=\"c-measured\"><col class=\"c-verdict\"></colgroup>\n"
            + "<thead><tr><th>claim</th><th>seed §</th><th>seed's value</th><th>measured</th><th>verdict</th></tr></thead>\n<tbody>\n"
        for (row, outcome) in zip(model.claimRows, outcomes) {
            let id = row.experimentAnchor.map { "<a href=\"#\($0)\"><code>\(esc(row.id))</code></a>" } ?? "<code>\(esc(row.id))</code>"
            let measured =
                outcome.measured.isEmpty
                ? "—"
                : outcome.measured.map {
                    "<div class=\"m\"><span class=\"mname\">\(esc($0.name))</span> \(esc(ReportModel.measurementText($0.measurement)))</div>"
                }.joined()
            let kind =
                "<div class=\"kind k-\(row.evidence.replacingOccurrences(of: " ", with: "-"))\">\(esc(row.evidence))</div>"
                + (row.scope.map { "<div class=\"scope\">\(esc($0))</div>" } ?? "")
            let seeds =
                outcome.seedVerdicts.isEmpty
                ? ""
                : "<div class=\"seeds\" title=\"\(esc(row.seedVerdicts ?? ""))\">at each seed: "
                    + outcome.seedVerdicts.map {
                        "<span class=\"dot v-\($0.verdict.label.replacingOccurrences(of: " ", with: "-"))\" title=\"seed \($0.seed): \(esc($0.verdict.label)) — \(esc($0.verdict.reason))\">\(esc(String($0.verdict.label.prefix(1))))</span>"
                    }.joined()
                    + "</div>"
            h +=
                "<tr class=\"row-\(row.verdict.label.replacingOccurrences(of: " ", with: "-"))\"><td>\(id)<div class=\"statement\">\(esc(row.statement))</div>\(kind)</td>"
                + "<td>\(esc(row.seed))</td><td>\(esc(row.claimed))</td><td class=\"measured\">\(measured)</td>"
                + "<td>\(badge(row.verdict))\(seeds)\(row.verdict == .notImplemented ? "" : "<div class=\"reason\">\(esc(row.reason))</div>")</td></tr>\n"
        }
        h += "</tbody></table>\n"
        h +=
            "<p class=\"summary\"><b>Verdicts:</b> "
            + ClaimEvaluation.summary(outcomes).map { "\(badge(label: $0.label)) × \($0.count)" }.joined(separator: " ")
            + "</p>\n<p class=\"summary\"><b>By kind of evidence:</b> "
            + ClaimEvaluation.summaryByKind(outcomes).map { kind, counts in
                "<span class=\"kind k-\(kind.rawValue.replacingOccurrences(of: " ", with: "-"))\">\(esc(kind.rawValue))</span> "
                    + counts.map { "\(badge(label: $0.label)) × \($0.count)" }.joined(separator: " ")
            }.joined(separator: " · ")
            + "</p></section>\n"

        if !model.experiments.isEmpty {
            h += "<nav><h2>Experiments</h2><ol>\n"
            for e in model.experiments {
                h +=
                    "<li><a href=\"#\(ReportModel.anchor(e.id))\">\(esc(e.title))</a> <code>\(esc(e.id))</code> — "
                    + "\(statusBadge(e.status)) \(esc(Runner.duration(e.seconds)))</li>\n"
            }
            h += "</ol></nav>\n"
        }

        for e in model.experiments {
            h += "<section class=\"experiment\" id=\"\(ReportModel.anchor(e.id))\">\n<h2>\(esc(e.title))</h2>\n"
            h += "<p class=\"meta\"><code>\(esc(e.id))</code> · \(statusBadge(e.status)) · \(esc(Runner.duration(e.seconds)))"
            let claims = model.claims(of: e.id)
            if !claims.isEmpty {
                h += " · claims: " + claims.map { "<code>\(esc($0.claim.id))</code> \(badge($0.verdict))" }.joined(separator: ", ")
            }
            h += "</p>\n"
            if let error = e.error {
                h += "<div class=\"failure\"><b>\(e.status == .skipped ? "Skipped" : "Failed")</b><pre>\(esc(error))</pre></div>\n"
            }
            if !e.measurements.isEmpty {
                h +=
                    "<table class=\"data\"><thead><tr><th>measurement</th><th>value</th><th>at each seed</th><th>samples</th><th>description</th></tr></thead><tbody>\n"
                for (name, m) in e.measurements.sorted(by: { $0.key < $1.key }) {
                    h +=
                        "<tr><td><code>\(esc(name))</code></td><td class=\"num\">\(esc(ReportModel.measurementText(m)))</td>"
                        + "<td class=\"num\">\(esc(ReportModel.perSeedText(m) ?? "—"))</td>"
                        + "<td class=\"num\">\(m.samples.map(String.init) ?? "—")</td><td>\(esc(m.label))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            if !e.figures.isEmpty {
                h += "<div class=\"figures\">\n"
                for figure in e.figures {
                    let svg = figureSVG(figure).map(inlineSVG) ?? "<p class=\"missing\">figure file \(esc(figure.file)) is missing</p>"
                    h += "<figure>\n\(svg)<figcaption>\(esc(figure.caption))</figcaption></figure>\n"
                }
                h += "</div>\n"
            }
            for table in e.tables { h += render(table) }
            if !e.notes.isEmpty {
                h += "<ul class=\"notes\">\n" + e.notes.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n"
            }
            h += "</section>\n"
        }
        h +=
            "<footer>Generated by attnlab \(esc(results.config.attnlabVersion)). Verdicts are computed from the measurements; "
            + "<code>attnlab report &lt;run directory&gt;</code> recomputes them.</footer>\n</body>\n</html>\n"
        return h
    }

    static func render(_ table: ReportTable) -> String {
        var h = "<table class=\"data\">"
        if !table.title.isEmpty { h += "<caption>\(esc(table.title))</caption>" }
        h += "<thead><tr>" + table.header.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in table.rows { h += "<tr>" + row.map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n" }
        return h + "</tbody></table>\n"
    }

    /// A figure's SVG as page markup: an `<img>` with a data URI, never the SVG's own markup, so
    /// a hostile figure's scripts and links stay inert (`UntrustedFigure.embed`).
    static func inlineSVG(_ svg: String) -> String { UntrustedFigure.embed(svg) }

    static func badge(_ verdict: Verdict) -> String { badge(label: verdict.label) }

    static func badge(label: String) -> String {
        "<span class=\"verdict v-\(label.replacingOccurrences(of: " ", with: "-"))\">\(esc(label))</span>"
    }

    static func statusBadge(_ status: ExperimentRecord.Status) -> String {
        "<span class=\"status s-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    /// The page up to and including `<body>`: doctype, charset, viewport, the title and the inline style.
    static func pageHead(title: String, css: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <style>\(css)</style>
        </head>
        <body>

        """
    }

    /// HTML-escapes text.
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static let css = """
        :root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --band: #f6f7f9; }
        * { box-sizing: border-box; }
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto;
               max-width: 1180px; padding: 24px 28px 48px; line-height: 1.45; font-size: 14px; background: #fff; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
        .sub, .meta { color: var(--muted); margin: 0 0 8px; }
        code { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; background: var(--band); padding: 1px 4px; border-radius: 3px; }
        table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
        th, td { border: 1px solid var(--rule); padding: 5px 8px; vertical-align: top; text-align: left; }
        thead th { background: #eef0f4; font-weight: 600; }
        tbody tr:nth-child(even) { background: #fafafb; }
        dl.config { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 28px; margin: 0; }
        dl.config div { display: flex; gap: 10px; border-bottom: 1px solid #eeeef2; padding: 3px 0; }
        dl.config dt { font-weight: 600; min-width: 92px; color: var(--muted); }
        dl.config dd { margin: 0; overflow-wrap: anywhere; }
        table.claims { table-layout: fixed; }
        col.c-claim { width: 29%; } col.c-seed { width: 12%; } col.c-value { width: 16%; } col.c-measured { width: 21%; } col.c-verdict { width: 22%; }
        table.claims td { overflow-wrap: anywhere; }
        .statement { margin-top: 3px; }
        .reason { color: #444; font-size: 12px; margin-top: 4px; }
        td.measured { font-variant-numeric: tabular-nums; font-size: 13px; }
        .m + .m { margin-top: 3px; }
        .mname { display: block; font-family: "DejaVu Sans Mono", monospace; font-size: 11px; color: var(--muted); }
        tr.row-not-yet-implemented td { color: #777; padding-top: 3px; padding-bottom: 3px; }
        td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.data { width: auto; min-width: 50%; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        .verdict, .status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
        .v-reproduced { background: #d3ecd6; color: #14532d; }
        .v-contradicted { background: #f9d2cc; color: #7f1d1d; }
        .v-inconclusive { background: #fbedc0; color: #6b4e00; }
        .v-untestable { background: #dfe6ef; color: #2f3e53; }
        .v-failed { background: #5b0f16; color: #ffffff; }
        .v-not-yet-implemented { background: #eeeeee; color: #666666; font-weight: 500; }
        .s-succeeded { background: #d3ecd6; color: #14532d; }
        .s-failed { background: #5b0f16; color: #fff; }
        .s-skipped { background: #eeeeee; color: #555; }
        .summary .verdict { margin-right: 2px; }
        .kind { display: inline-block; margin-top: 4px; padding: 0 6px; border-radius: 3px; font-size: 11px; font-weight: 600;
                border: 1px solid var(--rule); color: var(--muted); }
        .k-identity { background: #eef3fb; } .k-simulation { background: #f1eefb; } .k-trained-model { background: #eefbf3; }
        .scope { color: var(--muted); font-size: 11.5px; margin-top: 2px; }
        .seeds { font-size: 11.5px; color: var(--muted); margin-top: 4px; }
        .dot { display: inline-block; width: 15px; height: 15px; line-height: 15px; text-align: center; border-radius: 8px;
               font-size: 10px; font-weight: 700; margin-left: 2px; }
        nav ol { columns: 2; margin: 0; }
        .failure { border-left: 4px solid #8b1a1a; background: #fff3f2; padding: 8px 12px; margin: 10px 0; }
        .failure pre { white-space: pre-wrap; margin: 6px 0 0; font-size: 12.5px; }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 18px; margin: 12px 0; }
        figure { margin: 0; border: 1px solid var(--rule); border-radius: 4px; padding: 6px; background: #fff; }
        figure svg { width: 100%; height: auto; display: block; }
        figcaption { color: var(--muted); font-size: 13px; padding: 6px 4px 2px; }
        .missing { color: #8b1a1a; }
        ul.notes li { margin: 3px 0; }
        footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
        """
}
