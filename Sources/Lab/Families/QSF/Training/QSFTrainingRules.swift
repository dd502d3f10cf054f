/// What the training claims' rules share: the interval width, reading measurements that must
/// carry an error bar, and combining the parts of a compound claim (docs/CLAIMS.md, "Rule notes
/// and changes", qsf.loss-ordering … qsf.throughput).
enum QSFTrainingRules {
    /// Width of an interval, in standard errors, for a part to be decided.
    static let k = 2.0

    /// A part of a compound claim: its verdict and a one-line account.
    typealias Part = (verdict: Verdict, text: String)

    /// Measurements read by a rule, or the verdict saying why they cannot be used.
    enum Reading {
        case found([Measurement])
        case unusable(Verdict)
    }

    /// The measurements under `keys`, each with a finite value and a finite error; otherwise
    /// `inconclusive`, naming the first that is missing, NaN or without an error bar.
    static func read(_ keys: [MeasurementKey], in evidence: Evidence) -> Reading {
        var found: [Measurement] = []
        for key in keys {
            guard let m = evidence[key] else { return .unusable(.inconclusive("measurement '\(key)' is missing from the experiment's output")) }
            guard m.value.isFinite else { return .unusable(.inconclusive("\(key) is \(NumberText.of(m.value))")) }
            guard let error = m.error, error.isFinite, error >= 0 else {
                return .unusable(.inconclusive("\(key) = \(NumberText.of(m.value)) has no error bar"))
            }
            found.append(m)
        }
        return .found(found)
    }

    /// `read(keys, in:)` for a rule comparing trained `stages`: unusable at smoke scale
    /// (`smokeGuard`) and when one of the stages diverged (`divergenceGuard`).
    static func read(_ keys: [MeasurementKey], comparing stages: [QSFStage], in evidence: Evidence) -> Reading {
        if let smoke = smokeGuard(evidence) { return .unusable(smoke) }
        if let diverged = divergenceGuard(stages, evidence) { return .unusable(diverged) }
        return read(keys, in: evidence)
    }

    /// Smoke scale trains for seconds: no loss or speed comparison is decided there.
    static func smokeGuard(_ evidence: Evidence) -> Verdict? {
        evidence.scale == .smoke ? .inconclusive("smoke scale trains for seconds; the comparison needs quick scale or larger") : nil
    }

    /// "Stage III diverged at step 595" (with the number of seeds when more than one), nil when
    /// the stage did not diverge at any seed.
    static func divergence(_ stage: QSFStage, in evidence: Evidence) -> String? {
        guard let d = evidence[QSFTrainingKey.diverged(stage)], d.value > 0 else { return nil }
        let step = evidence[QSFTrainingKey.divergedStep(stage)].map { " at step \(NumberText.of($0.value))" } ?? ""
        let seeds = d.value > 1 ? " (at \(NumberText.of(d.value)) seeds)" : ""
        return "\(stage.title) diverged\(step)\(seeds)"
    }

    /// Inconclusive, naming the first of `stages` that diverged (a comparison with it has no
    /// loss to compare), or nil when none did.
    static func divergenceGuard(_ stages: [QSFStage], _ evidence: Evidence) -> Verdict? {
        for stage in stages { if let text = divergence(stage, in: evidence) { return .inconclusive(text) } }
        return nil
    }

    /// Contradicted when any part is, reproduced when every part is, inconclusive otherwise;
    /// `notes` are context that decides nothing.
    static func combine(_ parts: [Part], notes: [String] = []) -> Verdict {
        let text = (parts.map(\.text) + notes).joined(separator: "; ")
        if parts.contains(where: { if case .contradicted = $0.verdict { true } else { false } }) { return .contradicted(text) }
        if parts.allSatisfy({ if case .reproduced = $0.verdict { true } else { false } }) { return .reproduced(text) }
        return .inconclusive(text)
    }

    /// "12.3% ± 1.4%" for a relative measurement.
    static func percent(_ m: Measurement) -> String {
        Measurement(100 * m.value, error: m.error.map { 100 * $0 }).formatted + "%"
    }
}

extension Measurement {
    /// value − k·σ (σ = 0 when the measurement has no error).
    func lower(_ k: Double) -> Double { value - k * (error ?? 0) }
    /// value + k·σ.
    func upper(_ k: Double) -> Double { value + k * (error ?? 0) }
}
