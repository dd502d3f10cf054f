extension QSFTrainingRules {
    private typealias Key = QSFTrainingKey

    /// Annealing "costs no loss" while its cost stays below 1%; it costs loss above 2%.
    static let annealFree = 0.01
    static let annealCostly = 0.02

    /// qsf.layernorm-anneal: Stage III annealed vs its twin trained without annealing from the same
    /// Stage II weights and batches.
    /// A Stage III that diverges during its annealing while its twin, identical until annealing
    /// begins, trains is annealing costing everything: contradicted (docs/CLAIMS.md).
    static let layerNormAnneal = VerdictRule(
        "c = relative paired change of the annealed Stage III's validation loss over its unannealed twin's (10% trimmed over "
            + "windows, mean over seeds): c + 2σ ≤ 1% → reproduced; c − 2σ > 2% → contradicted; otherwise inconclusive. "
            + "Stage III diverged during annealing while its twin trained → contradicted; a divergence of either otherwise → inconclusive",
        measuring: [Key.annealedVsUnannealed]
    ) { e in
        if let smoke = smokeGuard(e) { return smoke }
        if let iii = divergence(.qsf, in: e) {
            let inAnnealing = (e[Key.divergedDuringAnnealing(.qsf)]?.value ?? 0) > 0
            let twinTrained = e[Key.loss(.qsfNoAnneal)] != nil && divergence(.qsfNoAnneal, in: e) == nil
            if inAnnealing && twinTrained { return .contradicted("\(iii) during LayerNorm annealing; its unannealed twin trained") }
            return .inconclusive(
                iii
                    + (inAnnealing
                        ? " during LayerNorm annealing; no unannealed twin trained"
                        : ", before its LayerNorm annealing began"))
        }
        if let twin = divergenceGuard([.qsfNoAnneal], e) { return twin }
        guard e[Key.annealedVsUnannealed] != nil else { return .inconclusive("no unannealed twin was trained at this scale") }
        let c: Measurement
        switch read([Key.annealedVsUnannealed], in: e) {
        case .found(let m): c = m[0];
        case .unusable(let why): return why
        }
        if c.upper(k) <= annealFree { return .reproduced("annealing costs c = \(percent(c)), below 1%") }
        if c.lower(k) > annealCostly { return .contradicted("annealing costs c = \(percent(c)), above 2%") }
        return .inconclusive("annealing costs c = \(percent(c)); the interval spans 1–2%")
    }
}
