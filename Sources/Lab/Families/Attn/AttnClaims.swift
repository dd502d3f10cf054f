// Claims about attention "phases" in temperature and d_k, and Kuramoto synchrony (seeds 000 §1, 003).

extension ClaimRegistry {
    static let attentionPhases: [Claim] = [
        Claim(id: "attn.dk-phases", seed: Seed.symmetryBreaking, section: "§1.1",
              statement: "At initialisation, small d_k gives uniform (symmetric) attention and large d_k gives sparse (broken-symmetry) attention.",
              claimed: "attention entropy falls from uniform to sparse as d_k grows",
              experiment: DkEntropyExperiment.id,
              evidence: .simulation, rule: VerdictRule.entropyFalls(["dk.entropy-drop-scaled.fixed.gpt2", "dk.entropy-drop-scaled.fixed.fan-in"],
                                             sparseDrop: 0.3, flatDrop: 0.1)
                  .requiringSamples(4, of: "dk.entropy-drop-scaled.fixed.gpt2")),
        Claim(id: "attn.heat-capacity-peak", seed: Seed.symmetryBreaking, section: "§1; seed 003 temperature section",
              statement: "Attention undergoes a symmetric/broken transition in temperature, marked by a heat-capacity peak.",
              claimed: "a transition (peak in C(β)) between uniform and focused attention",
              experiment: HeatCapacityExperiment.id,
              evidence: .trainedModel, scope: .universal(quote: "seed 000 §1: the softmax temperature \"acts as a quantum fluctuation parameter\" separating a symmetric from a broken-symmetry phase"),
              rule: VerdictRule.finiteTemperatureTransition(drift: "thermo.peak-drift", excess: "thermo.sharpening-excess",
                                                           bins: "thermo.size-bins")
                  .requiringScale(.quick)),
        Claim(id: "kuramoto.heads-locked", seed: Seed.bornRule, section: "Kuramoto locking section",
              statement: "Attention heads stay phase-locked throughout training.",
              claimed: "Kuramoto order parameter r = 1.000 throughout training",
              experiment: KuramotoExperiment.id,
              evidence: .trainedModel, scope: .seedModels(quote: "\"Our Lojban zooper had r = 1.000 throughout training\"", scale: SeedModelScale.lojban),
              rule: VerdictRule.headsLocked(minimum: "kuramoto.heads.r-min", mean: "kuramoto.heads.r-mean",
                                            timeShuffled: "kuramoto.heads.r-time-shuffled",
                                            distanceShuffled: "kuramoto.heads.r-distance-shuffled",
                                            uniformNull: "kuramoto.heads.null-uniform-q95")
                  .requiringScale(.quick)),
    ]
}

extension ExperimentRegistry {
    static let attentionPhases: [any Experiment] = [DkEntropyExperiment(), HeatCapacityExperiment(), KuramotoExperiment()]
}

extension VerdictRule {
    /// Seed 000 §1.1's "uniform at small d_k, sparse at large d_k": each named measurement is the
    /// drop of normalised entropy from the smallest to the largest d_k (one per initialisation).
    /// A measurement supports the claim when drop − kσ ≥ `sparseDrop` (a fall from uniform to
    /// markedly sparse) and contradicts it when drop + kσ ≤ `flatDrop` (entropy essentially flat).
    /// Reproduced when all support it, contradicted when all contradict it; inconclusive when
    /// they disagree (the answer then depends on the initialisation) or any sits in between.
    static func entropyFalls(_ names: [String], sparseDrop: Double, flatDrop: Double, sigmas k: Double = 2) -> VerdictRule {
        VerdictRule("entropy drop from smallest to largest d_k ≥ \(formatRuleNumber(sparseDrop)) (reproduced) or ≤ "
                    + "\(formatRuleNumber(flatDrop)) (contradicted) beyond \(formatRuleNumber(k))σ, for every initialisation",
                    measuring: names) { evidence in
            var support: [String] = [], against: [String] = [], between: [String] = []
            for name in names {
                guard let m = evidence[name], m.value.isFinite else { return .inconclusive("measurement '\(name)' is missing or not finite") }
                let sigma = m.error ?? 0
                let text = "\(name) = \(m.formatted)"
                if m.value - k * sigma >= sparseDrop { support.append(text) }
                else if m.value + k * sigma <= flatDrop { against.append(text) }
                else { between.append(text) }
            }
            if against.count == names.count {
                return .contradicted("with the 1/√d_k scale the entropy barely moves with d_k: " + against.joined(separator: "; ")
                                     + " (drop ≤ \(formatRuleNumber(flatDrop)) beyond \(formatRuleNumber(k))σ)")
            }
            if support.count == names.count {
                return .reproduced("entropy falls markedly with d_k: " + support.joined(separator: "; "))
            }
            return .inconclusive("drops " + (support + against + between).joined(separator: "; ")
                                 + (support.isEmpty || against.isEmpty ? " lie between the bounds" : " disagree between initialisations"))
        }
    }

    /// A phase transition at a finite temperature, from the finite-size scaling of the
    /// heat-capacity peak against the number of keys (`PeakScaling`). `drift` is b = d log β*/d log
    /// log n; `excess` is the sharpening exponent minus that of i.i.d. Gaussian scores on the same
    /// sizes (rows with no finite-temperature transition, which still sharpen a little at small n).
    /// Reproduced when the peak sharpens beyond that baseline (excess − kσ > 0) at a location that
    /// does not run away (b − kσ ≤ 0). Contradicted when the location runs away (b − kσ > 0: no
    /// finite β_c) or the peak sharpens less than the baseline (excess + kσ < 0). Needs at least
    /// `minimumBins` size bins with a peak inside the grid.
    static func finiteTemperatureTransition(drift: String, excess: String, bins: String, minimumBins: Int = 3,
                                            sigmas k: Double = 2) -> VerdictRule {
        VerdictRule("transition ⇔ \(excess) > 0 and \(drift) ≤ 0 (within \(formatRuleNumber(k))σ); contradicted when "
                    + "\(drift) > 0 or \(excess) < 0 beyond \(formatRuleNumber(k))σ", measuring: [drift, excess, bins]) { evidence in
            guard let n = evidence[bins]?.value, n >= Double(minimumBins) else {
                return .inconclusive("fewer than \(minimumBins) size bins have a heat-capacity peak inside the β grid")
            }
            guard let b = evidence[drift], let e = evidence[excess], b.value.isFinite, e.value.isFinite else {
                return .inconclusive("the finite-size exponents could not be fitted")
            }
            let sb = b.error ?? 0, se = e.error ?? 0
            let text = "drift b = \(b.formatted), sharpening beyond i.i.d. scores = \(e.formatted)"
            if b.value - k * sb > 0 {
                return .contradicted("\(text): the peak moves to larger β as the number of keys grows, so there is no finite "
                                     + "transition temperature — a finite-size (Schottky-like) crossover")
            }
            if e.value + k * se < 0 {
                return .contradicted("\(text): the peak sharpens less with the number of keys than for i.i.d. scores, which have "
                                     + "no finite-temperature transition — a crossover, not a transition")
            }
            if e.value - k * se > 0 {
                return .reproduced("\(text): the peak sharpens beyond the no-transition baseline at a stable β")
            }
            return .inconclusive("\(text): the peak's finite-size behaviour cannot be told from rows without a transition")
        }
    }

    /// Seed 003's "r = 1.000 throughout training": the smallest r over the logged steps must round
    /// to 1.000 (r ≥ 0.9995; contradicted when r + kσ < 0.9995, inconclusive in between). The
    /// reason sets r against its baselines — independent uniform phases (95th percentile), the
    /// heads' profiles with the distance order shuffled, and the heads' phase histories shuffled
    /// in time — which say whether a large r comes from the heads moving together or from the
    /// shape every causal attention profile shares.
    static func headsLocked(minimum: String, mean: String, timeShuffled: String, distanceShuffled: String, uniformNull: String,
                            threshold: Double = 0.9995, sigmas k: Double = 2) -> VerdictRule {
        VerdictRule("\(minimum) ≥ \(formatRuleNumber(threshold)) (r = 1.000 to three digits at every logged step); contradicted "
                    + "beyond \(formatRuleNumber(k))σ below", measuring: [minimum, mean, timeShuffled, distanceShuffled, uniformNull]) { evidence in
            guard let r = evidence[minimum], r.value.isFinite else { return .inconclusive("measurement '\(minimum)' is missing") }
            func value(_ name: String) -> String { evidence[name].map { $0.formatted } ?? "—" }
            let context = "mean r over training \(value(mean)); baselines: independent uniform phases 95% \(value(uniformNull)), "
                + "distance-shuffled profiles \(value(distanceShuffled)), time-shuffled heads \(value(timeShuffled))"
            let sigma = r.error ?? 0
            let shortfall = threshold - r.value
            if shortfall <= 0 {
                return .reproduced("\(minimum) = \(r.formatted) ≥ \(formatRuleNumber(threshold)); \(context)")
            }
            let inSigma = sigma > 0 ? " by \(formatRuleNumber(shortfall / sigma))σ" : ""
            if shortfall > k * sigma {
                return .contradicted("\(minimum) = \(r.formatted) is below 1.000 (≥ \(formatRuleNumber(threshold)))\(inSigma); \(context)")
            }
            return .inconclusive("\(minimum) = \(r.formatted) misses \(formatRuleNumber(threshold))\(inSigma), within "
                                 + "\(formatRuleNumber(k))σ; \(context)")
        }
    }
}
