import Foundation

/// A claim confronted with a run: its verdict and the measurements its rule read.
public struct ClaimOutcome: Sendable {
    public var claim: Claim
    public var verdict: Verdict
    /// The measurements shown beside the verdict, in the rule's order.
    public var measured: [(name: String, measurement: Measurement)]

    /// The record stored in results.json.
    public var record: ClaimRecord {
        ClaimRecord(id: claim.id, seed: claim.seed, section: claim.section, statement: claim.statement, claimed: claim.claimed,
                    experiment: claim.experiment, rule: claim.experiment == nil ? "not yet defined" : claim.rule.description,
                    verdict: verdict.label, reason: verdict.reason,
                    measured: Dictionary(measured.map { ($0.name, $0.measurement) }, uniquingKeysWith: { a, _ in a }))
    }
}

/// Computes verdicts from a run's measurements with the registry's current rules.
public enum ClaimEvaluation {
    /// The outcome of each claim, in the order given.
    ///
    /// - A claim without an experiment is `not yet implemented`.
    /// - A claim whose experiment failed or was skipped is `failed`, with the error.
    /// - A claim whose experiment is not in the run (the registry gained it later) is
    ///   `inconclusive`, saying so.
    /// - Otherwise the claim's rule judges the experiment's measurements at the run's scale.
    public static func outcomes(_ claims: [Claim], in results: RunResults) -> [ClaimOutcome] {
        claims.map { outcome($0, in: results) }
    }

    public static func outcome(_ claim: Claim, in results: RunResults) -> ClaimOutcome {
        guard let experimentID = claim.experiment else { return ClaimOutcome(claim: claim, verdict: .notImplemented, measured: []) }
        guard let record = results.experiment(experimentID) else {
            return ClaimOutcome(claim: claim, verdict: .inconclusive("experiment '\(experimentID)' was not part of this run"), measured: [])
        }
        switch record.status {
        case .failed:
            return ClaimOutcome(claim: claim, verdict: .failed("experiment '\(experimentID)' failed: \(firstLine(record.error))"), measured: [])
        case .skipped:
            return ClaimOutcome(claim: claim, verdict: .failed(record.error ?? "experiment '\(experimentID)' was skipped"), measured: [])
        case .succeeded:
            let evidence = Evidence(measurements: record.measurements, scale: results.config.scale)
            var names = claim.rule.measurementNames
            var seen = Set<String>()
            names = names.filter { seen.insert($0).inserted }
            if names.isEmpty && record.measurements.count <= 2 { names = record.measurements.keys.sorted() }
            let measured = names.compactMap { name in record.measurements[name].map { (name: name, measurement: $0) } }
            return ClaimOutcome(claim: claim, verdict: claim.verdict(evidence), measured: measured)
        }
    }

    /// Counts per verdict label, in the order reproduced, contradicted, inconclusive, untestable,
    /// failed, not yet implemented (labels with no claims omitted).
    public static func summary(_ outcomes: [ClaimOutcome]) -> [(label: String, count: Int)] {
        let order = ["reproduced", "contradicted", "inconclusive", "untestable", "failed", "not yet implemented"]
        return order.compactMap { label in
            let n = outcomes.filter { $0.verdict.label == label }.count
            return n > 0 ? (label, n) : nil
        }
    }

    static func firstLine(_ s: String?) -> String {
        let text = (s ?? "unknown error").trimmingCharacters(in: .whitespacesAndNewlines)
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
