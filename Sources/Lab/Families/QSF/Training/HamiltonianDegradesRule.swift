extension QSFTrainingRules {
    private typealias Key = QSFTrainingKey

    /// A relative loss change below this is "no degradation" (the same line as qsf.layernorm-anneal).
    static let noDegradation = 0.01
    /// Half the seed's +80% (§VIII.4): the least degradation that reproduces its magnitude.
    static let seedMagnitude = 0.4

    /// qsf.hamiltonian-degrades. The direction is stated universally (§XII.1, "a physical
    /// necessity") and is judged at any scale above smoke; the seed's magnitude (+80%) is a number about its own
    /// models and is judged only when the measured model is within ten times their scale.
    static let hamiltonianDegrades = VerdictRule(
        "r = relative paired change of Stage IV's validation loss over Stage III's (10% trimmed over windows, mean over seeds). "
            + "Direction (any scale above smoke): r − 2σ > 1% → degrades; r + 2σ < 1% → contradicted (the data exclude a degradation of 1%). "
            + "Magnitude (only within 10× of the seed's scale): r − 2σ ≥ 40% (half the seed's +80%) → reproduced; "
            + "r + 2σ < 40% → contradicted. Otherwise inconclusive",
        measuring: [Key.hamiltonianVsQSF, Key.hamiltonianMeanDifference, Key.blownUpWindows(.hamiltonian), Key.blownUpWindows(.qsf)]
    ) { e in
        let r: Measurement
        switch read([Key.hamiltonianVsQSF], comparing: [.qsf, .hamiltonian], in: e) {
        case .found(let m): r = m[0];
        case .unusable(let why): return why
        }
        var parts: [Part] = []
        parts.append(
            r.lower(k) > noDegradation
                ? (.reproduced(""), "Stage IV is worse than Stage III: r = \(percent(r))")
                : r.upper(k) < noDegradation
                    ? (.contradicted(""), "Stage IV is not worse than Stage III by 1%: r = \(percent(r))")
                    : (.inconclusive(""), "Stage IV vs Stage III undecided: r = \(percent(r)), the interval spans 1%"))
        var notes: [String] = []
        if let measured = e.trainedScale, !measured.isFarBelow(SeedModelScale.qsfPaper) {
            parts.append(
                r.lower(k) >= seedMagnitude
                    ? (.reproduced(""), "at least half the seed's +80%")
                    : r.upper(k) < seedMagnitude
                        ? (.contradicted(""), "the data exclude half the seed's +80%")
                        : (.inconclusive(""), "the interval spans half the seed's +80%"))
        } else {
            notes.append("the seed's +80% is a number about its own models, not judged on a model more than 10× smaller")
        }
        if let mean = e[Key.hamiltonianMeanDifference] { notes.append("untrimmed mean difference \(mean.formatted) nats/token") }
        if let iv = e[Key.blownUpWindows(.hamiltonian)], let iii = e[Key.blownUpWindows(.qsf)] {
            let windows = iv.samples.map { " of \($0)" } ?? ""
            notes.append("windows above ln V: Stage IV \(NumberText.of(iv.value))\(windows), Stage III \(NumberText.of(iii.value))")
        }
        return combine(parts, notes: notes)
    }
}
