import Foundation

// entanglement.*: the entropy of trained hidden states across head partitions against sequence
// length (seed 000 §4.2). The rule is below; the measurement is `HiddenStateEntanglementExperiment`
// (report `HiddenStateEntanglementReport`, entropies `HiddenStateEntropy`), and the estimator's
// validation on exact states and spin chains is `EntanglementExperiment`. Why the rule is what it
// is: docs/CLAIMS.md, "entanglement.log-law".

extension ClaimFamily {
    static let entanglement = ClaimFamily(
        claims: [
            Claim(
                id: "entanglement.log-law", seed: Seed.symmetryBreaking, section: "§4.2",
                statement: "The entanglement entropy of hidden states across head partitions grows logarithmically with sequence length.",
                claimed: "S_A ~ log L",
                experiment: HiddenStateEntanglementExperiment.experimentID, evidence: .trainedModel,
                scope: .universal(quote: "§4.2: \"Studies of transformer hidden states show S_A ~ log L\""),
                rule: EntanglementRules.logLaw)
        ],
        experiments: [EntanglementExperiment(), HiddenStateEntanglementExperiment()])
}

/// The measurements of one block's S(L) in one split, `entanglement.<model>.layer<l>.<split>.*`,
/// shared by `HiddenStateEntanglementReport` and the rule.
struct EntanglementBlockKeys {
    let base: String

    init(model: String, layer: Int, split: HiddenStateSplit) { base = "entanglement.\(model).layer\(layer).\(split.rawValue)" }

    private func key(_ name: String) -> MeasurementKey { MeasurementKey(base, name) }
    /// a in S = a ln L + b.
    var logCoefficient: MeasurementKey { key("log-coefficient") }
    var logWeight: MeasurementKey { key("log-weight") }
    /// 1 when the log law has the lowest AIC (pooled over seeds: the fraction of seeds).
    var preferredLog: MeasurementKey { key("preferred-log") }
    func nullLogCoefficient(_ null: String) -> MeasurementKey { key("\(null)-log-coefficient") }
    func minusNull(_ null: String) -> MeasurementKey { key("minus-\(null)") }
    func nullEntropyMaxLength(_ null: String) -> MeasurementKey { key("\(null)-entropy-max-length") }
    /// a(model) − a(matched null).
    var minusMatched: MeasurementKey { minusNull("matched") }
    var matchedLogCoefficient: MeasurementKey { nullLogCoefficient("matched") }
    /// S and its bound ln min(d_A, d_B) at the shortest and the longest L.
    var entropyMinLength: MeasurementKey { key("entropy-min-length") }
    var boundMinLength: MeasurementKey { key("bound-min-length") }
    var entropyMaxLength: MeasurementKey { key("entropy-max-length") }
    var boundMaxLength: MeasurementKey { key("bound-max-length") }
}

/// The other measurements the rule reads.
enum EntanglementKey {
    /// Blocks of `model` whose hidden states were measured.
    static func layers(_ model: String) -> MeasurementKey { MeasurementKey("entanglement", model, "layers") }
    /// The model the seed speaks of.
    static let judgedModel = "transformer"
    static let transformerLayers = layers(judgedModel)
    /// The critical XX chain's log coefficient (exact 1/3) and the random-matrix null's
    /// (`EntanglementExperiment`, carried over).
    static let criticalChain = MeasurementKey("validation.critical-chain.log-coefficient")
    static let randomMatrix = MeasurementKey("validation.random-matrix.log-coefficient")
}

/// The verdict rule of `entanglement.log-law`.
enum EntanglementRules {
    /// A block whose S at the shortest L lies within this fraction of its bound has no room to
    /// grow like log L: it cannot decide the claim either way.
    static let roomFraction = 0.05

    /// One block of the judged model in the head split, as the rule reads it.
    struct Block {
        var layer: Int
        var keys: EntanglementBlockKeys
        var a: Measurement
        /// Fraction of seeds whose lowest AIC is the log law's.
        var preferred: Double
        var minusMatched: Measurement?
        /// (bound − S) / bound at the shortest L.
        var room: Double?
        var logPreferred: Bool { preferred > 0.5 }
        /// Log law preferred and a more than 2σ above the covariance-matched null's.
        var beyondNull: Bool { logPreferred && (minusMatched.map { $0.value > 2 * ($0.error ?? .infinity) } ?? false) }
        var hasRoom: Bool { (room ?? 0) >= EntanglementRules.roomFraction }
    }

    static func blocks(_ e: Evidence) -> [Block] {
        let count = Int(e[EntanglementKey.transformerLayers]?.value ?? 0)
        return (0..<count).compactMap { l -> Block? in
            let k = EntanglementBlockKeys(model: EntanglementKey.judgedModel, layer: l, split: .heads)
            guard let a = e[k.logCoefficient], let preferred = e[k.preferredLog] else { return nil }
            var room: Double? = nil
            if let s = e[k.entropyMinLength], let bound = e[k.boundMinLength], bound.value > 0 { room = (bound.value - s.value) / bound.value }
            return Block(layer: l, keys: k, a: a, preferred: preferred.value, minusMatched: e[k.minusMatched], room: room)
        }
    }

    private static let block0 = EntanglementBlockKeys(model: EntanglementKey.judgedModel, layer: 0, split: .heads)

    static let logLaw = VerdictRule(
        "trained transformer, S(L) of each block's hidden states split across heads: inconclusive unless most blocks leave ≥ "
            + "\(NumberText.percent(roomFraction)) of the bound ln min(d_A, d_B) free at the shortest L; among those, reproduced when most "
            + "prefer the log law (AIC, most seeds) with a more than 2σ above the covariance-matched null's, contradicted when most prefer "
            + "another law, otherwise inconclusive (a log law within 2σ of the null's decides nothing); scale ≥ quick",
        measuring: [
            EntanglementKey.transformerLayers, EntanglementKey.criticalChain, EntanglementKey.randomMatrix,
            block0.logCoefficient, block0.preferredLog, block0.minusMatched, block0.entropyMinLength, block0.boundMinLength,
        ]
    ) { e in
        let all = blocks(e)
        let chain = e[EntanglementKey.criticalChain]?.formatted ?? "not measured"
        guard !all.isEmpty else { return .inconclusive("no hidden-state entropies of the transformer were measured (XX chain a = \(chain), exact 1/3)") }
        func describe(_ b: Block) -> String {
            "block \(b.layer): a = \(b.a.formatted), log preferred at \(NumberText.percent(b.preferred)) of seeds"
                + (b.minusMatched.map { ", a − a_matched = \($0.formatted)" } ?? "")
                + (b.room.map { ", room at shortest L \(NumberText.percent($0))" } ?? "")
        }
        let open = all.filter(\.hasRoom)
        let preferring = open.filter(\.logPreferred).count, beyond = open.filter(\.beyondNull).count
        let summary =
            "\(all.count) blocks, \(open.count) with room; of those, log law preferred in \(preferring), beyond the matched null in \(beyond). "
            + all.map(describe).joined(separator: "; ") + ". XX chain a = \(chain) (exact 1/3)."
        guard e.scale >= .quick else { return .inconclusive("scale \(e.scale.rawValue) < quick. " + summary) }
        guard 2 * open.count > all.count else {
            return .inconclusive(
                "S at the shortest L lies within \(NumberText.percent(roomFraction)) of its bound in \(all.count - open.count) of \(all.count) blocks. "
                    + summary)
        }
        if 2 * beyond > open.count { return .reproduced(summary) }
        if 2 * (open.count - preferring) > open.count { return .contradicted("most blocks prefer another law. " + summary) }
        return .inconclusive("neither most blocks beyond the matched null nor most preferring another law. " + summary)
    }
}
