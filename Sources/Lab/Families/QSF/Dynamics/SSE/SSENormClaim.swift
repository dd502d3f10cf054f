// `qsf.sse-norm` (seed 001 §VII, Eq. 43) and its rule, reading what `SSENormExperiment`
// measures. docs/CLAIMS.md, "qsf.sse-norm"; the Itô calculus is in docs/DYNAMICS.md §3.

/// The measurements of `qsf.sse` (means over seeds unless stated).
enum QSFSSEKey {
    /// h → 0 limit of E[(‖ψ(T)‖ − 1)²] of the seed's equation.
    static let seedLimitMeanSquare = MeasurementKey("sse.seed.limitMeanSquare")
    static let seedLimitMean = MeasurementKey("sse.seed.limitMean")
    /// The same for the norm-preserving (tangent) control.
    static let controlLimitMeanSquare = MeasurementKey("sse.tangent.limitMeanSquare")
    static let controlLimitMean = MeasurementKey("sse.tangent.limitMean")
    /// The seed's equation with D = 0 (skew A).
    static let skewLimitMeanSquare = MeasurementKey("sse.seedSkew.limitMeanSquare")
    static let skewLimitMean = MeasurementKey("sse.seedSkew.limitMean")
    static let seedRMSCoarse = MeasurementKey("sse.seed.rmsCoarse")
    static let seedRMSFinest = MeasurementKey("sse.seed.rmsFinest")
    static let controlRMSCoarse = MeasurementKey("sse.tangent.rmsCoarse")
    static let controlRMSFinest = MeasurementKey("sse.tangent.rmsFinest")
    static let stepRatio = MeasurementKey("sse.stepRatio")
    static let directionGap = MeasurementKey("sse.directionGap")
    static let initialNormRate = MeasurementKey("sse.seed.initialNormRate")
    static let initialNormVolatility = MeasurementKey("sse.seed.initialNormVolatility")
}

enum SSENormClaim {
    typealias Key = QSFSSEKey

    static let claim = Claim(
        id: "qsf.sse-norm", seed: Seed.pathIntegral, section: "§VII, Eq. 43",
        statement: "The normalisation drift term of the stochastic Schrödinger equation keeps the state normalised.",
        claimed: "‖ψ‖ = 1 maintained",
        experiment: SSENormExperiment.experimentID, evidence: .simulation, rule: rule)

    static let rule = VerdictRule(
        "h → 0 limit of E[(‖ψ(T)‖ − 1)²] at T = 1, pooled over seeds: the norm-preserving control's limit beyond 3 SE + 1e-6 of 0 → "
            + "inconclusive; the seed equation's limit within 3 SE of 0 → reproduced; above 5 SE and 1e-4 (RMS drift > 1%) → "
            + "contradicted; otherwise inconclusive",
        measuring: [Key.seedLimitMeanSquare, Key.controlLimitMeanSquare, Key.skewLimitMeanSquare, Key.seedRMSFinest, Key.controlRMSFinest]
    ) { e in
        guard let seed = e[Key.seedLimitMeanSquare], let control = e[Key.controlLimitMeanSquare],
            let seedRMS = e[Key.seedRMSFinest], let controlRMS = e[Key.controlRMSFinest],
            let seedSE = seed.error, let controlSE = control.error
        else {
            return .failed("qsf.sse did not report its measurements")
        }
        var summary =
            "h → 0 limit of RMS(‖ψ‖ − 1) at T = 1: seed \(NumberText.of(max(0, seed.value).squareRoot())) (mean square "
            + "\(seed.formatted)); norm-preserving control \(control.formatted); at the finest step RMS seed "
            + "\(NumberText.of(seedRMS.value)) vs control \(NumberText.of(controlRMS.value))"
        if let skew = e[Key.skewLimitMeanSquare] { summary += "; with D = 0 the seed's equation still drifts (mean square \(skew.formatted))" }
        if abs(control.value) > 3 * controlSE + 1e-6 {
            return .inconclusive("the norm-preserving control does not converge to norm 1; \(summary)")
        }
        if abs(seed.value) <= 3 * seedSE { return .reproduced(summary) }
        if seed.value > 5 * seedSE && seed.value > 1e-4 { return .contradicted(summary) }
        return .inconclusive(summary)
    }
}
