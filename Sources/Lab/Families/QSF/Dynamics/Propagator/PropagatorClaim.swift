// `qsf.propagator-exact` (seed 001 §IX–X) and its rule, reading what `PropagatorExperiment`
// measures. docs/CLAIMS.md, "qsf.propagator-exact".

/// The measurements of `qsf.propagator`.
enum QSFPropagatorKey {
    /// Largest |z| over all mean and covariance entries (largest over seeds).
    static let maxAbsZ = MeasurementKey("propagator.maxAbsZ")
    /// Entries compared (summed over seeds: the Bonferroni count of `maxAbsZ`).
    static let entries = MeasurementKey("propagator.entries")
    /// p-value of the pooled χ² (Bonferroni over seeds).
    static let pValue = MeasurementKey("propagator.pValue")
    static let chiSquared = MeasurementKey("propagator.chiSquared")
    static let degreesOfFreedom = MeasurementKey("propagator.degreesOfFreedom")
    static let meanPValue = MeasurementKey("propagator.meanPValue")
    static let covariancePValue = MeasurementKey("propagator.covariancePValue")
    /// Largest Euler–Maruyama bias in standard errors (largest over seeds).
    static let schemeBiasZ = MeasurementKey("propagator.schemeBiasZ")
    static let vanLoanError = MeasurementKey("propagator.vanLoanError")
    static let trajectories = MeasurementKey("propagator.trajectories")
    static let systems = MeasurementKey("propagator.systems")
}

enum PropagatorClaim {
    typealias Key = QSFPropagatorKey

    static let claim = Claim(
        id: "qsf.propagator-exact", seed: Seed.pathIntegral, section: "§IX, Eqs. 56–59; §X",
        statement: "The closed-form Gaussian propagator (mean and covariance) is exact for the measured linear dynamics within a token interval.",
        claimed: "closed form = ensemble of the SDE, no approximation",
        experiment: PropagatorExperiment.experimentID, evidence: .simulation, rule: rule)

    /// The two tests' p-values: max |z| with Bonferroni over every entry of every seed, and the
    /// pooled χ² p-value (already Bonferroni over seeds).
    static func pValues(_ e: Evidence) -> (maxZ: Double, chiSquared: Double)? {
        guard let z = e[Key.maxAbsZ], let entries = e[Key.entries], let p = e[Key.pValue] else { return nil }
        return (MultipleTesting.bonferroniP(maxAbsZ: z.value, tests: entries.value), p.value)
    }

    static let rule = VerdictRule(
        "closed form vs Euler–Maruyama ensemble: p_z = max |z| over all mean and covariance entries of all seeds (Bonferroni over "
            + "them), p_χ² = pooled χ² p-value (Bonferroni over seeds); 2·min(p_z, p_χ²) ≥ 1e-3 → reproduced, < 1e-6 → contradicted, "
            + "between → inconclusive; inconclusive when the scheme's own bias exceeds 0.5 SE",
        measuring: [Key.maxAbsZ, Key.entries, Key.pValue, Key.schemeBiasZ, Key.chiSquared, Key.degreesOfFreedom]
    ) { e in
        guard let tests = pValues(e), let z = e[Key.maxAbsZ], let entries = e[Key.entries], let bias = e[Key.schemeBiasZ],
            let chi = e[Key.chiSquared], let dof = e[Key.degreesOfFreedom]
        else {
            return .failed("qsf.propagator did not report its measurements")
        }
        let (pz, pchi) = tests
        guard !pz.isNaN, !pchi.isNaN else {
            return .inconclusive("a test statistic is NaN (max |z| \(NumberText.of(z.value)), χ² p \(NumberText.of(pchi)))")
        }
        let p = min(1, 2 * min(pz, pchi))
        let summary =
            "max |z| = \(NumberText.of(z.value)) over \(Int(entries.value)) entries (p = \(NumberText.of(pz, digits: 2))), "
            + "χ² = \(NumberText.of(chi.value, digits: 4)) on \(Int(dof.value)) dof (p = \(NumberText.of(pchi, digits: 2))); "
            + "Bonferroni over both p = \(NumberText.of(p, digits: 2)); EM bias ≤ \(NumberText.of(bias.value, digits: 2)) SE"
        if bias.value > 0.5 { return .inconclusive("discretisation bias too large to attribute a difference; \(summary)") }
        if p < 1e-6 { return .contradicted(summary) }
        if p >= 1e-3 { return .reproduced(summary) }
        return .inconclusive(summary)
    }
}
