// The claim that attention heads stay phase-locked (seed 003) and its rule. Why the rule reads r
// against its time-shuffled baseline rather than r alone: docs/CLAIMS.md, "kuramoto.heads-locked".

/// The measurements of `kuramoto.heads` (KuramotoExperiment, KuramotoReport).
enum KuramotoKey {
    /// Smallest r over the logged steps (pooled as the worst seed).
    static let rMin = MeasurementKey("kuramoto.heads.r-min")
    static let rLate = MeasurementKey("kuramoto.heads.r-late")
    /// Mean r over the trained steps (step ≥ the first logging interval).
    static let rMean = MeasurementKey("kuramoto.heads.r-mean")
    static let rInitial = MeasurementKey("kuramoto.heads.r-initial")
    static let rFinal = MeasurementKey("kuramoto.heads.r-final")
    /// r with each head's phase taken from an independent trained step.
    static let rTimeShuffled = MeasurementKey("kuramoto.heads.r-time-shuffled")
    /// L = r̄ − r_ts.
    static let lockingExcess = MeasurementKey("kuramoto.heads.locking-excess")
    /// D = r̄ − (1 + r_ts)/2: positive when simultaneity removes more than half the shuffled heads' incoherence.
    static let lockingMargin = MeasurementKey("kuramoto.heads.locking-margin")
    /// u = 1 − r_ts: the incoherence left for locking to remove.
    static let shuffledIncoherence = MeasurementKey("kuramoto.heads.time-shuffled-incoherence")
    static let rDistanceShuffled = MeasurementKey("kuramoto.heads.r-distance-shuffled")
    static let headCount = MeasurementKey("kuramoto.heads.count")
    static let nullUniformMean = MeasurementKey("kuramoto.heads.null-uniform-mean")
    static let nullUniformQ95 = MeasurementKey("kuramoto.heads.null-uniform-q95")
    static let uniformCausalPhase = MeasurementKey("kuramoto.heads.uniform-causal-phase")
    static let finalLoss = MeasurementKey("kuramoto.heads.final-loss")
    // The simulator's validation.
    static let lorentzianCriticalCoupling = MeasurementKey("kuramoto.sim.lorentzian-kc")
    static let gaussianCriticalCoupling = MeasurementKey("kuramoto.sim.gaussian-kc")
    static let lorentzianWorstDeviation = MeasurementKey("kuramoto.sim.lorentzian-worst-deviation")
    static let gaussianWorstDeviation = MeasurementKey("kuramoto.sim.gaussian-worst-deviation")
    static let belowThresholdSlope = MeasurementKey("kuramoto.sim.below-threshold-slope")
}

extension ClaimFamily {
    static let kuramoto = ClaimFamily(
        claims: [
            Claim(
                id: "kuramoto.heads-locked", seed: Seed.bornRule, section: "Kuramoto locking section",
                statement: "Attention heads stay phase-locked throughout training.",
                claimed: "Kuramoto order parameter r = 1.000 throughout training",
                experiment: KuramotoExperiment.experimentID,
                evidence: .trainedModel,
                scope: .seedModels(
                    quote: "\"Our Lojban zooper had r = 1.000 throughout training because: … Small vocabulary (29 words = "
                        + "low-dimensional Hilbert space)\"; \"Our tiny attention network\" (no size stated)",
                    scale: SeedModelScale.lojban),
                rule: VerdictRule.headsLocked().requiringScale(.quick))
        ],
        experiments: [KuramotoExperiment()])
}

extension VerdictRule {
    /// Seed 003's "r = 1.000 throughout training", read as "training locks the heads' phases",
    /// against the heads shuffled in time (r_ts): with r_min the smallest r over training (the
    /// mean over training runs, with their spread in its error: the worst run's value would select
    /// the noisiest run, and more runs would weaken the test), the room u = 1 − r_ts and the
    /// locking margin D = r̄ − (1 + r_ts)/2,
    /// - inconclusive when u < 1 − `threshold` (shuffled heads already round to r = 1.000);
    /// - reproduced when r_min ≥ `threshold` and D > 0 at p ≤ `alpha` (`MultipleTesting.positiveP`);
    /// - contradicted when Holm at `alpha` rejects both "D ≥ 0" and "r_min ≥ `threshold`";
    /// - inconclusive otherwise.
    static func headsLocked(threshold: Double = 0.9995, alpha: Double = 0.05) -> VerdictRule {
        let key = KuramotoKey.self
        let t = NumberText.of(threshold, digits: 6), a = formatRuleNumber(alpha), room = formatRuleNumber(1 - threshold)
        return VerdictRule(
            "\(key.shuffledIncoherence) < \(room) → inconclusive (r ≈ 1 is structural); \(key.rMin) (mean over runs) ≥ \(t) and "
                + "\(key.lockingMargin) > 0 at p ≤ \(a) → reproduced; Holm at α = \(a) rejecting \(key.lockingMargin) ≥ 0 "
                + "and \(key.rMin) ≥ \(t) → contradicted",
            measuring: [
                key.rMin, key.lockingMargin, key.shuffledIncoherence, key.lockingExcess, key.rMean,
                key.rTimeShuffled, key.rDistanceShuffled, key.nullUniformQ95,
            ]
        ) { evidence in
            guard let rMin = evidence[key.rMin], let margin = evidence[key.lockingMargin], let u = evidence[key.shuffledIncoherence],
                rMin.value.isFinite, margin.value.isFinite, u.value.isFinite
            else {
                return .inconclusive("\(key.rMin), \(key.lockingMargin) or \(key.shuffledIncoherence) is missing or not finite")
            }
            if let pooling = rMin.pooling, pooling != .mean {
                return .failed(
                    "\(key.rMin) is pooled as the \(pooling.rawValue) over runs (a run from before 6 Dec 2026, when the worst "
                        + "run's value was used); the rule now reads the mean over runs: re-run the experiment")
            }
            func value(_ k: MeasurementKey) -> String { evidence[k].map(\.formatted) ?? "—" }
            let numbers =
                "r_min = \(rMin.formatted), mean r over training \(value(key.rMean)), time-shuffled r_ts = "
                + "\(value(key.rTimeShuffled)) (excess \(value(key.lockingExcess)), margin D = \(margin.formatted)); distance-shuffled "
                + "\(value(key.rDistanceShuffled)), independent uniform phases 95% \(value(key.nullUniformQ95))"
            if u.value < 1 - threshold {
                return .inconclusive(
                    "\(numbers): heads shuffled in time already give 1 − r_ts = \(u.formatted) < \(room); r ≈ 1 "
                        + "is structural and leaves no room to show locking")
            }
            let pLocked = MultipleTesting.positiveP(margin.value, error: margin.error)
            if rMin.value >= threshold && pLocked <= alpha {
                return .reproduced(
                    "\(numbers): r ≥ \(t) throughout and the heads agree beyond their time-shuffled baseline "
                        + "(p = \(formatRuleNumber(pLocked)))")
            }
            let pUnlocked = MultipleTesting.positiveP(-margin.value, error: margin.error)
            let pShort = MultipleTesting.positiveP(threshold - rMin.value, error: rMin.error)
            if MultipleTesting.holm([pUnlocked, pShort], alpha: alpha).allSatisfy({ $0 }) {
                return .contradicted(
                    "\(numbers): the heads do not move together beyond their own histories (p = "
                        + "\(formatRuleNumber(pUnlocked))) and r falls below \(t) (p = \(formatRuleNumber(pShort))); Holm at α = \(a)")
            }
            return .inconclusive(
                "\(numbers): p(D > 0) = \(formatRuleNumber(pLocked)), p(D < 0) = \(formatRuleNumber(pUnlocked)), "
                    + "p(r_min < \(t)) = \(formatRuleNumber(pShort)); neither locking nor its absence is shown at α = \(a)")
        }
    }
}
