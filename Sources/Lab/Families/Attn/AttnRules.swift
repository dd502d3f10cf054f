// The verdict rules of the attn.* claims (docs/CLAIMS.md, "attn.dk-phases", "attn.heat-capacity-peak").

extension VerdictRule {
    /// Seed 000 §1.1's "uniform at small d_k, sparse at large d_k", on the normalised-entropy drops
    /// from the smallest to the largest d_k (one per initialisation). Two one-sided sub-tests per
    /// drop, each through Holm at family-wise `alpha` over the drops (`MultipleTesting.positiveP`):
    /// "drop > `sparseDrop`" and "drop < `flatDrop`". Reproduced when Holm accepts the first for
    /// every drop, contradicted when it accepts the second for every drop, inconclusive otherwise
    /// (including when the initialisations disagree).
    static func entropyFalls(_ keys: [MeasurementKey], sparseDrop: Double, flatDrop: Double, alpha: Double = 0.05) -> VerdictRule {
        VerdictRule(
            "entropy drop from smallest to largest d_k > \(formatRuleNumber(sparseDrop)) (reproduced) or < "
                + "\(formatRuleNumber(flatDrop)) (contradicted) for every initialisation, Holm at α = \(formatRuleNumber(alpha))",
            measuring: keys
        ) { evidence in
            var drops: [Measurement] = []
            for key in keys {
                guard let m = evidence[key], m.value.isFinite else { return .inconclusive("\(key) is missing or not finite") }
                drops.append(m)
            }
            let sparse = MultipleTesting.holm(drops.map { MultipleTesting.positiveP($0.value - sparseDrop, error: $0.error) }, alpha: alpha)
            let flat = MultipleTesting.holm(drops.map { MultipleTesting.positiveP(flatDrop - $0.value, error: $0.error) }, alpha: alpha)
            let text = zip(keys, drops).map { "\($0) = \($1.formatted)" }.joined(separator: "; ")
            if flat.allSatisfy({ $0 }) {
                return .contradicted(
                    "with the 1/√d_k scale the entropy barely moves with d_k: \(text) (each < "
                        + "\(formatRuleNumber(flatDrop)), Holm at α = \(formatRuleNumber(alpha)))")
            }
            if sparse.allSatisfy({ $0 }) {
                return .reproduced(
                    "entropy falls markedly with d_k: \(text) (each > \(formatRuleNumber(sparseDrop)), Holm at α = "
                        + "\(formatRuleNumber(alpha)))")
            }
            let split = sparse.contains(true) || flat.contains(true)
            return .inconclusive("\(text): " + (split ? "the initialisations disagree" : "the drops lie between the bounds"))
        }
    }

    /// A phase transition at a finite temperature, from the finite-size scaling of the
    /// heat-capacity peak against the number of keys (`PeakScaling`): `drift` is
    /// b = d log β*/d log log n, `excess` the sharpening exponent minus that of i.i.d. Gaussian
    /// scores. Two contradiction sub-tests, either of which decides, through Holm at `alpha`:
    /// "b > 0" (the peak runs away: no finite β_c) and "excess < 0" (it sharpens less than rows
    /// with no transition). Reproduced when neither holds and "excess > 0" does (p ≤ `alpha`).
    /// Needs `minimumBins` size bins with an interior peak.
    static func finiteTemperatureTransition(
        drift: MeasurementKey, excess: MeasurementKey, bins: MeasurementKey,
        minimumBins: Int = 3, alpha: Double = 0.05
    ) -> VerdictRule {
        VerdictRule(
            "contradicted when Holm at α = \(formatRuleNumber(alpha)) finds \(drift) > 0 or \(excess) < 0; reproduced "
                + "otherwise when \(excess) > 0 at p ≤ \(formatRuleNumber(alpha)); ≥ \(minimumBins) size bins",
            measuring: [drift, excess, bins]
        ) { evidence in
            guard let n = evidence[bins]?.value, n >= Double(minimumBins) else {
                return .inconclusive("fewer than \(minimumBins) size bins have a heat-capacity peak inside the β grid")
            }
            guard let b = evidence[drift], let e = evidence[excess], b.value.isFinite, e.value.isFinite else {
                return .inconclusive("the finite-size exponents could not be fitted")
            }
            let text = "drift b = \(b.formatted), sharpening beyond i.i.d. scores = \(e.formatted)"
            let pDrift = MultipleTesting.positiveP(b.value, error: b.error)
            let pDull = MultipleTesting.positiveP(-e.value, error: e.error)
            let rejected = MultipleTesting.holm([pDrift, pDull], alpha: alpha)
            let holm = "Holm at α = \(formatRuleNumber(alpha)) over p = \(formatRuleNumber(pDrift)), \(formatRuleNumber(pDull))"
            if rejected[0] {
                return .contradicted(
                    "\(text): the peak moves to larger β as the number of keys grows (\(holm)): no finite "
                        + "transition temperature")
            }
            if rejected[1] {
                return .contradicted(
                    "\(text): the peak sharpens less than for i.i.d. scores, which have no finite-temperature "
                        + "transition (\(holm)): a crossover")
            }
            let pSharp = MultipleTesting.positiveP(e.value, error: e.error)
            if pSharp <= alpha {
                return .reproduced(
                    "\(text): the peak sharpens beyond the no-transition baseline (p = \(formatRuleNumber(pSharp))) "
                        + "at a β that does not run away")
            }
            return .inconclusive("\(text): neither a transition nor a crossover is shown at α = \(formatRuleNumber(alpha))")
        }
    }
}
