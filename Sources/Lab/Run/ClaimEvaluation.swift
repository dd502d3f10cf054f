import Foundation

/// A claim confronted with a run: its verdict and the measurements its rule read.
public struct ClaimOutcome: Sendable {
    public var claim: Claim
    public var verdict: Verdict
    /// The measurements shown beside the verdict, in the rule's order (pooled over seeds).
    public var measured: [(name: String, measurement: Measurement)]
    /// The rule's verdict at each replicate's seed (empty when the experiment ran once).
    public var seedVerdicts: [(seed: UInt64, verdict: Verdict)] = []
    /// The trained model the measurements come from, when there is one.
    public var measuredScale: ModelScale?

    /// The record stored in results.json.
    public var record: ClaimRecord {
        var scopeName: String?
        switch claim.scope {
        case .universal: scopeName = "universal"
        case .seedModels: scopeName = "seed's models"
        case nil: scopeName = nil
        }
        return ClaimRecord(
            id: claim.id, seed: claim.seed, section: claim.section, statement: claim.statement, claimed: claim.claimed,
            experiment: claim.experiment, rule: claim.experiment == nil ? "not yet defined" : claim.rule.description,
            verdict: verdict.label, reason: verdict.reason,
            measured: Dictionary(measured.map { ($0.name, $0.measurement) }, uniquingKeysWith: { a, _ in a }),
            evidence: claim.evidence.rawValue, scope: scopeName, scopeQuote: claim.scope?.quote,
            measuredScale: measuredScale, seedScale: claim.seedScale,
            seedVerdicts: seedVerdicts.isEmpty
                ? nil
                : seedVerdicts.map { SeedVerdict(seed: $0.seed, verdict: $0.verdict.label, reason: $0.verdict.reason) })
    }
}

/// Computes verdicts from a run's measurements with the registry's current rules.
///
/// The verdict standards (SPEC §8, docs/CLAIMS.md "How verdicts are computed"):
/// 1. the rule judges the measurements pooled over the replicates' seeds;
/// 2. it also judges each replicate alone; a pooled `reproduced` with any seed `contradicted`
///    (or the reverse) becomes `inconclusive`, naming that seed;
/// 3. a claim the seed states about its own models, measured on a model more than
///    `ModelScale.decisiveFactor` below theirs, is `inconclusive` with the scale as the reason,
///    quoting what the rule alone would say.
public enum ClaimEvaluation {
    /// The outcome of each claim, in the order given.
    ///
    /// - A claim without an experiment is `not yet implemented`.
    /// - A claim whose experiment failed or was skipped (at any seed) is `failed`, with the error.
    /// - A claim whose experiment is not in the run (the registry gained it later) is
    ///   `inconclusive`, saying so.
    /// - Otherwise the standards above.
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
            let (pooled, perSeed) = record.evidence(scale: results.config.scale)
            var names = claim.rule.measurementNames
            var seen = Set<String>()
            names = names.filter { seen.insert($0).inserted }
            if names.isEmpty && record.measurements.count <= 2 { names = record.measurements.keys.sorted() }
            let measured = names.compactMap { name in record.measurements[name].map { (name: name, measurement: $0) } }
            let seedVerdicts = perSeed.map { (seed: $0.seed, verdict: claim.verdict($0.evidence)) }
            var verdict = reconcile(pooled: claim.verdict(pooled), seeds: seedVerdicts)
            verdict = scaleGate(verdict, claim: claim, measured: record.trainedScale)
            return ClaimOutcome(
                claim: claim, verdict: verdict, measured: measured, seedVerdicts: seedVerdicts,
                measuredScale: record.trainedScale)
        }
    }

    /// Standard 2: a decisive pooled verdict stands only if no seed decides the other way.
    public static func reconcile(pooled: Verdict, seeds: [(seed: UInt64, verdict: Verdict)]) -> Verdict {
        let opposite: (Verdict) -> Bool
        switch pooled {
        case .reproduced: opposite = { if case .contradicted = $0 { true } else { false } }
        case .contradicted: opposite = { if case .reproduced = $0 { true } else { false } }
        default: return pooled
        }
        let dissent = seeds.enumerated().filter { opposite($0.element.verdict) }
        guard !dissent.isEmpty else { return pooled }
        let which = dissent.map { "replicate \($0.offset + 1) (seed \($0.element.seed)): \($0.element.verdict.reason)" }
        return .inconclusive(
            "pooled over \(seeds.count) seeds the rule says \(pooled.label) (\(pooled.reason)), but "
                + "\(dissent.count) seed\(dissent.count == 1 ? "" : "s") alone say\(dissent.count == 1 ? "s" : "") "
                + "\(dissent[0].element.verdict.label): \(which.joined(separator: "; "))")
    }

    /// Standard 3: a claim about the seed's own models is not decided far below their scale.
    public static func scaleGate(_ verdict: Verdict, claim: Claim, measured: ModelScale?) -> Verdict {
        guard claim.evidence == .trainedModel, let reference = claim.seedScale else { return verdict }
        switch verdict {
        case .reproduced, .contradicted: break
        default: return verdict
        }
        guard let measured else {
            return .inconclusive(
                "the experiment did not report the scale of the model it measured, and the seed states this "
                    + "about its own models (\(reference.text)); the rule alone says \(verdict.label): \(verdict.reason)")
        }
        guard measured.isFarBelow(reference) else { return verdict }
        return .inconclusive(
            "scale: measured on \(measured.text), more than \(formatRuleNumber(ModelScale.decisiveFactor))× below "
                + "the seed's models (\(reference.text)), about which the seed states this claim; the rule alone says "
                + "\(verdict.label): \(verdict.reason)")
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

    /// The summary per evidence kind: "identity: 5 reproduced; simulation: 6 reproduced, 3 contradicted; …".
    public static func summaryByKind(_ outcomes: [ClaimOutcome]) -> [(kind: EvidenceKind, counts: [(label: String, count: Int)])] {
        EvidenceKind.allCases.compactMap { kind in
            let of = outcomes.filter { $0.claim.evidence == kind }
            return of.isEmpty ? nil : (kind, summary(of))
        }
    }

    /// "identity: 5 reproduced · simulation: 6 reproduced, 3 contradicted · trained model: …".
    public static func summaryText(_ outcomes: [ClaimOutcome]) -> String {
        summaryByKind(outcomes).map { kind, counts in
            "\(kind.rawValue): " + counts.map { "\($0.count) \($0.label)" }.joined(separator: ", ")
        }.joined(separator: " · ")
    }

    static func firstLine(_ s: String?) -> String {
        let text = (s ?? "unknown error").trimmingCharacters(in: .whitespacesAndNewlines)
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
