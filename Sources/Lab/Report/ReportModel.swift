import Foundation
import Models

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
        /// "identity", "simulation", "trained model".
        var evidence: String
        /// For trained-model claims: whom the seed speaks of, the measured scale and the seed's.
        var scope: String?
        /// The rule's verdict at each seed, "reproduced ×3, contradicted ×1".
        var seedVerdicts: String?
    }

    var claimRows: [ClaimRow] {
        outcomes.map { o in
            let measured = o.measured.map { "\($0.name) = \(Self.measurementText($0.measurement))" }.joined(separator: "; ")
            let anchor = o.claim.experiment.flatMap { id in results.experiment(id) != nil ? Self.anchor(id) : nil }
            return ClaimRow(
                id: o.claim.id, statement: o.claim.statement, seed: "\(Self.seedNumber(o.claim.seed)) \(o.claim.section)",
                claimed: o.claim.claimed, measured: measured.isEmpty ? "—" : measured, verdict: o.verdict,
                reason: o.verdict.reason, experimentAnchor: anchor, evidence: o.claim.evidence.rawValue,
                scope: Self.scopeText(o), seedVerdicts: Self.seedVerdictText(o))
        }
    }

    /// "stated about the seed's models · measured 0.22 M parameters, 0.41 M tokens (generated
    /// stories) · seed's 29.4 M parameters, 10.2 M tokens (TinyStories …)".
    static func scopeText(_ o: ClaimOutcome) -> String? {
        guard o.claim.evidence == .trainedModel, let scope = o.claim.scope else { return nil }
        var parts: [String]
        switch scope {
        case .universal: parts = ["stated universally"]
        case .seedModels(_, let scale): parts = ["stated about the seed's models", "seed's: \(scale.text)"]
        }
        if let m = o.measuredScale { parts.insert("measured: \(m.text)", at: 1) }
        return parts.joined(separator: " · ")
    }

    /// "at each seed: reproduced ×3, contradicted ×1" (nil when the experiment ran once).
    static func seedVerdictText(_ o: ClaimOutcome) -> String? {
        guard !o.seedVerdicts.isEmpty else { return nil }
        var counts: [(String, Int)] = []
        for v in o.seedVerdicts.map(\.verdict.label) {
            if let i = counts.firstIndex(where: { $0.0 == v }) { counts[i].1 += 1 } else { counts.append((v, 1)) }
        }
        return "at each of \(o.seedVerdicts.count) seeds: " + counts.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ")
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
    /// "; more where an experiment's claims need them: kuramoto.heads 12, corpus 12" (empty when none).
    private var moreReplicates: String {
        let more = results.experiments.compactMap { e -> String? in
            guard let n = e.replicates?.count, n > results.config.seeds else { return nil }
            return "\(e.id) \(n)"
        }
        return more.isEmpty ? "" : "; more where an experiment's claims need them: " + more.joined(separator: ", ")
    }

    var configurationLines: [(String, String)] {
        let c = results.config
        var lines: [(String, String)] = [
            ("scale", c.scale.rawValue),
            ("master seed", String(c.seed)),
            (
                "seeds",
                c.seeds == 1
                    ? "1 (\(c.replicateSeeds.map(String.init).joined()))"
                    : "\(c.seeds) per experiment that trains or samples: \(c.replicateSeeds.map(String.init).joined(separator: ", "))"
                        + moreReplicates
            ),
            (
                "corpus",
                c.corpus.map { "\($0.label) — \($0.path); SHA-256 of train.bin \($0.sha256[PreparedData.trainFileName] ?? "?")" }
                    ?? "generated stories (built in)"
            ),
            ("threads", "\(c.threadsPerExperiment) per experiment"),
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

    /// The measurement's value at each seed, "0.61, 0.58, 0.63" (nil when not pooled).
    static func perSeedText(_ m: Measurement) -> String? {
        m.perSeed.map { $0.map { formatRuleNumber($0) }.joined(separator: ", ") }
    }

    /// The experiments in run order.
    var experiments: [ExperimentRecord] { results.experiments }

    /// Claims measured by an experiment.
    func claims(of experimentID: String) -> [ClaimOutcome] { outcomes.filter { $0.claim.experiment == experimentID } }
}
