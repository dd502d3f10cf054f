// `qsf.gaussian-closure` (seed 001 §V.1, §V.4, Eq. 59) and its rule, reading what
// `GaussianClosureExperiment` measures. docs/CLAIMS.md, "qsf.gaussian-closure".

/// The measurements of `qsf.gaussian-closure`.
enum QSFClosureKey {
    static let identityError = MeasurementKey("closure.identityError")
    static let fusionError = MeasurementKey("closure.fusionError")
    static let filterError = MeasurementKey("closure.filterError")
    /// The three differences in units of their allowance max(1e-8, n·ε·κ) (largest over seeds).
    static let identityExcess = MeasurementKey("closure.identityExcess")
    static let fusionExcess = MeasurementKey("closure.fusionExcess")
    static let filterExcess = MeasurementKey("closure.filterExcess")
    static let conditionNumber = MeasurementKey("closure.conditionNumber")
    static let monteCarloPValue = MeasurementKey("closure.monteCarloPValue")
    static let monteCarloMaxZ = MeasurementKey("closure.monteCarloMaxZ")
    static let monteCarloEntries = MeasurementKey("closure.monteCarloEntries")
    static let tokens = MeasurementKey("closure.tokens")
}

enum GaussianClosureClaim {
    typealias Key = QSFClosureKey

    static let claim = Claim(
        id: "qsf.gaussian-closure", seed: Seed.pathIntegral, section: "§V.1, §V.4, Eq. 59",
        statement: "Bayesian fusion with a Gaussian measurement keeps the state Gaussian, so chained Koopman prediction and measurement updates are exact.",
        claimed: "posterior precision Λ + WᵀW/σ²; chained updates = batch conditioning",
        experiment: GaussianClosureExperiment.experimentID, evidence: .identity, rule: rule)

    static let rule = VerdictRule(
        "completing the square, fusion vs joint conditioning and the chained filter vs batch conditioning, each in units of its "
            + "rounding allowance max(1e-8, n·ε·κ) (largest over seeds); the Monte Carlo posterior check's χ² p-value (Bonferroni "
            + "over seeds) and max |z| (Bonferroni over all entries of all seeds), Holm over the two: every algebraic difference "
            + "≤ 1 allowance and Holm rejects neither at α = 1e-3 → reproduced; one > 1000 allowances or Holm rejects one at "
            + "α = 1e-6 → contradicted; otherwise inconclusive",
        measuring: [
            Key.identityExcess, Key.fusionExcess, Key.filterExcess, Key.monteCarloPValue, Key.monteCarloMaxZ,
            Key.monteCarloEntries, Key.identityError, Key.fusionError, Key.filterError, Key.conditionNumber,
        ]
    ) { e in
        guard let identity = e[Key.identityExcess], let fusion = e[Key.fusionExcess], let filter = e[Key.filterExcess],
            let p = e[Key.monteCarloPValue], let z = e[Key.monteCarloMaxZ], let entries = e[Key.monteCarloEntries]
        else {
            return .failed("qsf.gaussian-closure did not report its measurements")
        }
        let worst = max(identity.value, fusion.value, filter.value)
        let pz = MultipleTesting.bonferroniP(maxAbsZ: z.value, tests: entries.value)
        var summary =
            "algebraic differences in allowances: identity \(NumberText.of(identity.value, digits: 2)), fusion vs joint "
            + "\(NumberText.of(fusion.value, digits: 2)), filter vs batch \(NumberText.of(filter.value, digits: 2))"
        if let raw = e[Key.filterError], let kappa = e[Key.conditionNumber] {
            summary += " (filter vs batch \(NumberText.of(raw.value, digits: 2)) relative, κ up to \(NumberText.of(kappa.value, digits: 2)))"
        }
        summary +=
            "; Monte Carlo χ² p = \(NumberText.of(p.value)), max |z| = \(NumberText.of(z.value)) over \(Int(entries.value)) entries "
            + "(p = \(NumberText.of(pz, digits: 2)))"
        if [identity.value, fusion.value, filter.value, p.value, pz].contains(where: \.isNaN) {
            return .inconclusive("a difference or test statistic is NaN; " + summary)
        }
        let strict = MultipleTesting.holm([p.value, pz], alpha: 1e-6), loose = MultipleTesting.holm([p.value, pz], alpha: 1e-3)
        if worst > 1e3 || strict.contains(true) { return .contradicted(summary) }
        if worst <= 1 && !loose.contains(true) { return .reproduced(summary) }
        return .inconclusive(summary)
    }
}
