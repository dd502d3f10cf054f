import Foundation

// entanglement.*: the entropy of trained hidden states across head partitions against sequence
// length (seed 000 §4.2). The rule is below; the measurement is `HiddenStateEntanglementExperiment`
// (report `HiddenStateEntanglementReport`, entropies `HiddenStateEntropy`), and the estimator's
// validation on exact states and spin chains is `EntanglementExperiment`. Why the rule is what it
// is: docs/CLAIMS.md, "entanglement.log-law".

extension ClaimRegistry {
    static let entanglement: [Claim] = [
        Claim(id: "entanglement.log-law", seed: Seed.symmetryBreaking, section: "§4.2",
              statement: "The entanglement entropy of hidden states across head partitions grows logarithmically with sequence length.",
              claimed: "S_A ~ log L",
              experiment: HiddenStateEntanglementExperiment.experimentID, evidence: .trainedModel, scope: .universal(quote: "§4.2: \"Studies of transformer hidden states show S_A ~ log L\""),
              rule: EntanglementRules.logLaw),
    ]
}

extension ExperimentRegistry {
    static let entanglement: [any Experiment] = [EntanglementExperiment(), HiddenStateEntanglementExperiment()]
}

/// The verdict rule of `entanglement.log-law`.
enum EntanglementRules {
    static func text(_ m: Measurement?) -> String { m.map { $0.formatted } ?? "not measured" }

    /// Per (model, layer) of one split, from `entanglement.<model>.layer<l>.<split>.*`.
    struct EntropyLayer {
        var name: String
        /// Measurement prefix `entanglement.<model>.layer<l>.<split>`.
        var key: String
        var logPreferred: Bool
        var a: Measurement
        var minusMatched: Measurement?
        var matched: Measurement?
        /// Log law preferred and its coefficient more than 2σ above the covariance-matched null's.
        var beyondNull: Bool { logPreferred && (minusMatched.map { $0.value > 2 * ($0.error ?? .infinity) } ?? false) }
    }

    static func entropyLayers(_ e: Evidence, split: String) -> [EntropyLayer] {
        let suffix = ".\(split).preferred-log"
        return e.measurements.keys.filter { $0.hasPrefix("entanglement.") && $0.hasSuffix(suffix) }.sorted().compactMap { key in
            let base = String(key.dropLast(".preferred-log".count))
            guard let a = e[base + ".log-coefficient"] else { return nil }
            let parts = base.split(separator: ".")
            return EntropyLayer(name: "\(parts[1]) \(parts[2])", key: base, logPreferred: e[key]!.value == 1, a: a,
                                minusMatched: e[base + ".minus-matched"], matched: e[base + ".matched-log-coefficient"])
        }
    }

    /// S within this fraction of its ceiling ln H at the longest L counts as saturated.
    static let saturationFraction = 0.05

    static let logLaw = VerdictRule(
        "S(L) of trained hidden states split across heads (the seed's partition): contradicted when S sits within 5% of its ceiling ln H in every block at the longest L (a saturated entropy does not grow like log L); otherwise reproduced when the log law has the lowest AIC in most layers and its coefficient beats the covariance-matched null by > 2σ; contradicted when most layers prefer another law or the null of the same shape has the same log law; at scale ≥ quick with the estimator validated",
        measuring: ["validation.critical-chain.log-coefficient", "validation.random-matrix.log-coefficient"]
    ) { e in
        let heads = entropyLayers(e, split: "heads"), positions = entropyLayers(e, split: "positions")
        func describe(_ layers: [EntropyLayer]) -> String {
            layers.map { "\($0.name): a = \($0.a.formatted)\($0.logPreferred ? " (log preferred)" : "")\($0.matched.map { ", matched null \($0.formatted)" } ?? "")" }
                .joined(separator: "; ")
        }
        let chain = text(e["validation.critical-chain.log-coefficient"])
        guard !heads.isEmpty else {
            return .inconclusive("no hidden-state entropies were measured (critical XX chain validation: a = \(chain), exact 1/3)")
        }
        let preferring = heads.filter(\.logPreferred).count, beyond = heads.filter(\.beyondNull).count
        let gaps = heads.compactMap { h -> Double? in
            guard let s = e[h.key + ".entropy-max-length"], let bound = e[h.key + ".bound-max-length"] else { return nil }
            return bound.value - s.value
        }
        let saturation = gaps.max().map { " At the longest L every block's S lies within \(formatRuleNumber($0)) nats of its bound ln H." } ?? ""
        let summary = "Head split, \(heads.count) blocks: the log law has the lowest AIC in \(preferring) and beats the matched null in \(beyond) — \(describe(heads)). Positions split: log preferred in \(positions.filter(\.logPreferred).count) of \(positions.count), beyond the null in \(positions.filter(\.beyondNull).count). Estimator validation: critical XX chain a = \(chain) (exact 1/3)." + saturation
        guard e.scale >= .quick else {
            return .inconclusive("scale \(e.scale.rawValue): toy models on a handful of windows cannot decide the claim. " + summary)
        }
        // An entropy pinned at its ceiling cannot grow like log L, whatever small slope is left.
        let bounds = heads.compactMap { e[$0.key + ".bound-max-length"]?.value }
        if let widest = gaps.max(), let ceiling = bounds.min(), gaps.count == heads.count,
           widest < saturationFraction * ceiling {
            return .contradicted("S(L) across head partitions sits at its ceiling ln H in every block (within \(formatRuleNumber(widest)) nats, "
                                 + "< \(formatRuleNumber(100 * saturationFraction))% of the bound): it cannot grow like log L, and the coefficient left is "
                                 + "a small fraction of the critical chain's 1/3. " + summary)
        }
        if 2 * beyond > heads.count { return .reproduced(summary) }
        if 2 * preferring <= heads.count {
            return .contradicted("S(L) across head partitions is not logarithmic in most blocks (S ≤ ln H saturates once T·D ≫ H). " + summary)
        }
        return .contradicted("a log law is preferred, but hidden states with the same token statistics and no correlation along the sequence give the same coefficient: the law is a property of the matrix shape and the token marginals, not of the model's sequence structure. " + summary)
    }
}
