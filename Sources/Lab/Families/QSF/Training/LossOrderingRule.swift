extension QSFTrainingRules {
    private typealias Key = QSFTrainingKey

    /// |Δ(Koopman, transformer)| at most this is "matches"; above `koopmanMismatch` it does not.
    static let koopmanMatch = 0.02
    static let koopmanMismatch = 0.05
    /// A part contradicts only beyond this many σ: Bonferroni over the five one-sided tests that can
    /// contradict the ordering (QSF vs transformer, Koopman vs transformer, FNet vs each of three),
    /// in its two-sided form at α = 0.05.
    static let orderingContradiction = MultipleTesting.bonferroniZ(tests: 5, alpha: 0.05)

    /// qsf.loss-ordering: QSF < transformer ≈ Koopman < FNet, on relative paired changes of the
    /// validation loss (10% trimmed over windows, pooled over seeds).
    static let lossOrdering = VerdictRule(
        "Δ = relative paired change of validation loss (10% trimmed over windows, mean over seeds). Reproduced when "
            + "Δ(qsf, transformer) + 2σ < 0, |Δ(koopman, transformer)| + 2σ ≤ 2% and Δ(fnet, x) − 2σ > 0 for x = transformer, "
            + "koopman, qsf; contradicted when Δ(qsf, transformer) > 0, |Δ(koopman, transformer)| > 5% or some Δ(fnet, x) < 0 "
            + "by more than \(NumberText.of(orderingContradiction))σ (Bonferroni over 5)",
        measuring: [
            Key.qsfVsTransformer, Key.koopmanVsTransformer, Key.fnetVsTransformer, Key.fnetVsKoopman, Key.fnetVsQSF,
            Key.unannealedVsTransformer, Key.qsfVsTransformer3x, Key.parametersRatio,
        ]
    ) { e in
        let decided = [Key.qsfVsTransformer, Key.koopmanVsTransformer, Key.fnetVsTransformer, Key.fnetVsKoopman, Key.fnetVsQSF]
        let m: [Measurement]
        switch read(decided, comparing: [.qsf, .koopman, .fnet, .transformer], in: e) {
        case .found(let v): m = v;
        case .unusable(let why): return why
        }
        let kc = orderingContradiction
        let (qsf, koopman) = (m[0], m[1])
        var parts: [Part] = []
        parts.append(
            qsf.upper(k) < 0
                ? (.reproduced(""), "QSF beats the transformer: Δ = \(percent(qsf))")
                : qsf.lower(kc) > 0
                    ? (.contradicted(""), "the transformer beats QSF: Δ = \(percent(qsf))")
                    : (.inconclusive(""), "QSF vs the transformer undecided: Δ = \(percent(qsf))"))
        let size = abs(koopman.value), spread = koopman.error ?? 0
        parts.append(
            size + k * spread <= koopmanMatch
                ? (.reproduced(""), "Koopman matches the transformer: Δ = \(percent(koopman)), within ±2%")
                : size - kc * spread > koopmanMismatch
                    ? (.contradicted(""), "Koopman differs from the transformer: Δ = \(percent(koopman)), beyond ±5%")
                    : (.inconclusive(""), "Koopman vs the transformer undecided: Δ = \(percent(koopman))"))
        let fnet = zip(["transformer", "Koopman", "QSF"], m[2...]).map { (name: $0, delta: $1) }
        if fnet.allSatisfy({ $0.delta.lower(k) > 0 }) {
            parts.append((.reproduced(""), "FNet is worst: Δ over " + fnet.map { "\($0.name) \(percent($0.delta))" }.joined(separator: ", ")))
        } else if let better = fnet.first(where: { $0.delta.upper(kc) < 0 }) {
            parts.append((.contradicted(""), "FNet beats \(better.name): Δ = \(percent(better.delta))"))
        } else {
            parts.append((.inconclusive(""), "FNet worst undecided: Δ over " + fnet.map { "\($0.name) \(percent($0.delta))" }.joined(separator: ", ")))
        }
        var notes: [String] = []
        if let twin = e[Key.unannealedVsTransformer] { notes.append("unannealed QSF vs transformer Δ = \(percent(twin))") }
        if let equal = e[Key.qsfVsTransformer3x] { notes.append("QSF vs a transformer trained on Stage III's three budgets Δ = \(percent(equal))") }
        if let ratio = e[Key.parametersRatio] { notes.append("parameters QSF/transformer = \(NumberText.of(ratio.value))") }
        return combine(parts, notes: notes)
    }
}
