import Foundation

/// Text pieces both report formats share: the claims table rows, the configuration lines and
/// the order of sections.
struct ReportModel {
    let results: RunResults
    let outcomes: [ClaimOutcome]

    /// One row of the claims table.
    struct ClaimRow {
        var id: String
        var statement: String
        /// "003 Theorem (softmax …)".
        var seed: String
        var claimed: String
        var measured: String
        var verdict: Verdict
        var reason: String
        /// Anchor of the experiment section, when the experiment ran.
        var experimentAnchor: String?
    }

    var claimRows: [ClaimRow] {
        outcomes.map { o in
            let measured = o.measured.map { "\($0.name) = \(Self.measurementText($0.measurement))" }.joined(separator: "; ")
            let anchor = o.claim.experiment.flatMap { id in results.experiment(id) != nil ? Self.anchor(id) : nil }
            return ClaimRow(id: o.claim.id, statement: o.claim.statement, seed: "\(Self.seedNumber(o.claim.seed)) \(o.claim.section)",
                            claimed: o.claim.claimed, measured: measured.isEmpty ? "—" : measured, verdict: o.verdict,
                            reason: o.verdict.reason, experimentAnchor: anchor)
        }
    }

    /// "0.334 ± 0.012 nats" (the unit only when there is one).
    static func measurementText(_ m: Measurement) -> String {
        m.unit.isEmpty ? m.formatted : "\(m.formatted) \(m.unit)"
    }

    /// "003" from "003_454d2ec6474d7a72.txt".
    static func seedNumber(_ seed: String) -> String {
        seed.split(separator: "_").first.map(String.init) ?? seed
    }

    static func anchor(_ experimentID: String) -> String { "experiment-" + RunDirectory.safeName(experimentID) }

    /// The configuration as (label, value) lines.
    var configurationLines: [(String, String)] {
        let c = results.config
        var lines: [(String, String)] = [
            ("scale", c.scale.rawValue),
            ("seed", String(c.seed)),
            ("claims", c.all ? "all (\(c.claims.count))" : c.claims.joined(separator: ", ")),
            ("experiments", c.experiments.isEmpty ? "none" : c.experiments.joined(separator: ", ")),
            ("isolation", c.isolation == .process ? "one child process per experiment" : "in process"),
            ("attnlab", c.attnlabVersion + (c.gitCommit.map { " (commit \($0))" } ?? "")),
            ("host", "\(c.host.os), \(c.host.processors) processors, \(c.host.threads) threads"),
            ("started", results.startedAt),
            ("wall time", Runner.duration(results.seconds)),
        ]
        lines.append(("re-run", "attnlab claims check --config <this run>/config.json"))
        return lines
    }

    /// "Verdicts: 2 reproduced, 1 contradicted, 26 not yet implemented".
    var summaryText: String {
        ClaimEvaluation.summary(outcomes).map { "\($0.count) \($0.label)" }.joined(separator: ", ")
    }

    /// The experiments in run order.
    var experiments: [ExperimentRecord] { results.experiments }

    /// Claims measured by an experiment.
    func claims(of experimentID: String) -> [ClaimOutcome] { outcomes.filter { $0.claim.experiment == experimentID } }
}
