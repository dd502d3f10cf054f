extension QSFTrainingRules {
    private typealias Key = QSFTrainingKey

    /// Stage III at this fraction of the transformer's tokens/s or more is "without significant overhead".
    static let noOverhead = 0.8
    /// Stage IV below this fraction of Stage III's tokens/s is "slower".
    static let slower = 0.95
    /// A part contradicts only beyond this many σ: Bonferroni over the two parts (two-sided form, α = 0.05).
    static let throughputContradiction = MultipleTesting.bonferroniZ(tests: 2, alpha: 0.05)

    /// qsf.throughput: ratios of training-step tokens/s of the trained models, timed interleaved in
    /// one process (`StepThroughput`), mean over seeds.
    static let throughput = VerdictRule(
        "Step tokens/s timed interleaved in one process, ratio per round, mean over seeds. Reproduced when Stage III/transformer − 2σ ≥ 0.8 "
            + "and Stage IV/Stage III + 2σ < 0.95; contradicted when Stage III/transformer + \(NumberText.of(throughputContradiction))σ < 0.8 "
            + "or Stage IV/Stage III − \(NumberText.of(throughputContradiction))σ ≥ 0.95 (Bonferroni over 2); inconclusive when an interval straddles its threshold",
        measuring: [Key.qsfThroughput, Key.hamiltonianThroughput]
    ) { e in
        let a: Measurement, b: Measurement
        switch read([Key.qsfThroughput, Key.hamiltonianThroughput], comparing: [.qsf, .hamiltonian, .transformer], in: e) {
        case .found(let m): (a, b) = (m[0], m[1])
        case .unusable(let why): return why
        }
        let kc = throughputContradiction
        return combine([
            a.lower(k) >= noOverhead
                ? (.reproduced(""), "Stage III runs at \(a.formatted)× the transformer's tokens/s, at least 0.8")
                : a.upper(kc) < noOverhead
                    ? (.contradicted(""), "Stage III runs at \(a.formatted)× the transformer's tokens/s, below 0.8")
                    : (.inconclusive(""), "Stage III runs at \(a.formatted)× the transformer's tokens/s; the interval straddles 0.8"),
            b.upper(k) < slower
                ? (.reproduced(""), "Stage IV runs at \(b.formatted)× Stage III, below 0.95")
                : b.lower(kc) >= slower
                    ? (.contradicted(""), "Stage IV runs at \(b.formatted)× Stage III, not slower than 0.95")
                    : (.inconclusive(""), "Stage IV runs at \(b.formatted)× Stage III; the interval straddles 0.95"),
        ])
    }
}
