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
    /// The most-drifting system's limit of E[(‖ψ(T)‖ − 1)²]: each seed draws its own system, and
    /// this pools by the largest (its error is that seed's), since one system that drifts is
    /// enough to contradict a statement about the equation.
    static let seedLimitMeanSquareLargest = MeasurementKey("sse.seed.limitMeanSquare.largest")
    /// |control limit| + 3 SE, the largest over systems: what the h → 0 extrapolation reports for an
    /// equation that keeps the norm exactly, so the systematic error a drift must exceed.
    static let controlAllowance = MeasurementKey("sse.tangent.limitMeanSquare.allowance")
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

    /// E[(‖ψ(T)‖ − 1)²] of 1e-4, an RMS norm drift of 1%: the smallest drift the rule calls one.
    static let driftMargin = 1e-4

    static let rule = VerdictRule(
        "h → 0 limit of E[(‖ψ(T)‖ − 1)²] at T = 1, each seed its own random system; the allowance is the norm-preserving "
            + "control's |limit| + 3 SE, largest over systems (the extrapolation's systematic error): the most-drifting system "
            + "more than 5 SE above the allowance and above 1e-4 (RMS drift > 1%) → contradicted; its limit + 3 SE and the "
            + "allowance both below 1e-4 → reproduced; otherwise inconclusive",
        measuring: [
            Key.seedLimitMeanSquareLargest, Key.controlAllowance, Key.seedLimitMeanSquare, Key.controlLimitMeanSquare,
            Key.skewLimitMeanSquare, Key.seedRMSFinest, Key.controlRMSFinest,
        ]
    ) { e in
        guard let largest = e[Key.seedLimitMeanSquareLargest], let largestSE = largest.error, let allowance = e[Key.controlAllowance],
            let seed = e[Key.seedLimitMeanSquare], let control = e[Key.controlLimitMeanSquare],
            let seedRMS = e[Key.seedRMSFinest], let controlRMS = e[Key.controlRMSFinest]
        else {
            return .failed(
                "qsf.sse did not report its measurements (runs before the per-system rule lack "
                    + "\(Key.seedLimitMeanSquareLargest) and \(Key.controlAllowance); run qsf.sse again)")
        }
        var summary =
            "h → 0 limit of RMS(‖ψ‖ − 1) at T = 1, most-drifting system: \(NumberText.of(max(0, largest.value).squareRoot())) "
            + "(mean square \(largest.formatted); mean over systems \(seed.formatted)); norm-preserving control "
            + "\(control.formatted), allowance \(NumberText.of(allowance.value)); at the finest step RMS seed "
            + "\(NumberText.of(seedRMS.value)) vs control \(NumberText.of(controlRMS.value))"
        if let skew = e[Key.skewLimitMeanSquare] { summary += "; with D = 0 the seed's equation still drifts (mean square \(skew.formatted))" }
        if largest.value - 5 * largestSE > max(allowance.value, driftMargin) { return .contradicted(summary) }
        if largest.value + 3 * largestSE < driftMargin && allowance.value < driftMargin { return .reproduced(summary) }
        return .inconclusive(summary)
    }
}
