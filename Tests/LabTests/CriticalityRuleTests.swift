import Foundation
import Testing

@testable import Lab

/// The verdict rules of the seed-000 criticality families (entanglement.*, criticality.*, iit.*,
/// hardware.*) on synthetic evidence: every verdict each rule can give is reached.
@Suite("Criticality family rules")
struct CriticalityRuleTests {
    static func rule(_ id: String) throws -> VerdictRule { try #require(ClaimRegistry.claim(id)).rule }

    // MARK: criticality.branching-one

    static func branching(_ g: Double, error: Double = 0.01, qsf: Double = 0.5, gainTwo: Double = 2, scale: Scale = .quick) -> Evidence {
        Evidence(
            measurements: [
                BranchingKey.linearGainTwo.name: Measurement(gainTwo),
                BranchingKey.transformerTrained.name: Measurement(g, error: error),
                BranchingKey.transformerInit.name: Measurement(0.01, error: 0.01),
                BranchingKey.qsfTrained.name: Measurement(qsf, error: 0.01),
            ], scale: scale)
    }

    @Test("branching: judged on the transformer; inside ±0.1 with its 2σ reproduces, outside contradicts, straddling is inconclusive")
    func branchingRule() throws {
        let rule = try Self.rule("criticality.branching-one")
        #expect(rule.judge(Self.branching(0.03)).label == "reproduced")
        #expect(rule.judge(Self.branching(-0.03)).label == "reproduced")
        // The QSF model is context: far from 1 it does not contradict.
        #expect(rule.judge(Self.branching(0.03, qsf: 0.5)).label == "reproduced")
        #expect(rule.judge(Self.branching(0.5)).label == "contradicted")
        #expect(rule.judge(Self.branching(-0.2, error: 0.02)).label == "contradicted")
        // A value inside the tolerance with a wide error no longer reproduces.
        #expect(rule.judge(Self.branching(0.03, error: 0.05)).label == "inconclusive")
        #expect(rule.judge(Self.branching(0.12, error: 0.02)).label == "inconclusive")
        #expect(rule.judge(Self.branching(0.03, scale: .smoke)).label == "inconclusive")
        #expect(rule.judge(Self.branching(0.03, gainTwo: 1.9)).label == "inconclusive")
        #expect(rule.judge(Evidence(measurements: [:], scale: .quick)).label == "inconclusive")
    }

    // MARK: entanglement.log-law

    /// Three transformer blocks in the head split with bound ln 4.
    static func entanglement(preferred: Double, beyondNull: Double, entropyAtShortest: Double = 0.9, scale: Scale = .quick) -> Evidence {
        var m: [String: Lab.Measurement] = [
            EntanglementKey.criticalChain.name: Lab.Measurement(0.333, error: 0.001),
            EntanglementKey.transformerLayers.name: Measurement(3),
        ]
        for l in 0..<3 {
            let k = EntanglementBlockKeys(model: "transformer", layer: l, split: .heads)
            m[k.preferredLog.name] = Measurement(preferred)
            m[k.logCoefficient.name] = Measurement(0.3, error: 0.01)
            m[k.minusMatched.name] = Measurement(beyondNull, error: 0.01)
            m[k.entropyMinLength.name] = Measurement(entropyAtShortest)
            m[k.boundMinLength.name] = Measurement(log(4.0))
        }
        return Evidence(measurements: m, scale: scale)
    }

    @Test("entanglement: a log law beyond the null reproduces; another law contradicts; within 2σ of the null or no room at the shortest L is inconclusive")
    func entanglementRule() throws {
        let rule = try Self.rule("entanglement.log-law")
        #expect(rule.judge(Self.entanglement(preferred: 1, beyondNull: 0.2)).label == "reproduced")
        #expect(rule.judge(Self.entanglement(preferred: 0.75, beyondNull: 0.2)).label == "reproduced")
        // Within 2σ of the matched null: not shown to differ, which is not shown to be the same.
        #expect(rule.judge(Self.entanglement(preferred: 1, beyondNull: 0.005)).label == "inconclusive")
        #expect(rule.judge(Self.entanglement(preferred: 1, beyondNull: -0.005)).label == "inconclusive")
        #expect(rule.judge(Self.entanglement(preferred: 0, beyondNull: 0.2)).label == "contradicted")
        #expect(rule.judge(Self.entanglement(preferred: 0.25, beyondNull: 0.2)).label == "contradicted")
        // S within 5% of ln 4 already at the shortest L: neither verdict can be reached.
        let pinned = log(4.0) * 0.97
        #expect(rule.judge(Self.entanglement(preferred: 1, beyondNull: 0.2, entropyAtShortest: pinned)).label == "inconclusive")
        #expect(rule.judge(Self.entanglement(preferred: 0, beyondNull: 0.2, entropyAtShortest: pinned)).label == "inconclusive")
        #expect(rule.judge(Self.entanglement(preferred: 1, beyondNull: 0.2, scale: .smoke)).label == "inconclusive")
        #expect(rule.judge(Evidence(measurements: [:], scale: .quick)).label == "inconclusive")
    }

    // MARK: iit.phi, hardware.coherence-circuit

    @Test("Φ: untestable whatever the evidence")
    func phiRule() throws {
        let rule = try Self.rule("iit.phi")
        #expect(rule.judge(Evidence(measurements: [:], scale: .quick)).label == "untestable")
        let m: [String: Lab.Measurement] = [
            PhiKey.twoNode.name: Measurement(0.5), PhiKey.disconnected.name: Measurement(0), PhiKey.maxBits.name: Measurement(80),
        ]
        #expect(rule.judge(Evidence(measurements: m, scale: .paper)).label == "untestable")
    }

    static func coherence(p1: Double, error: Double = 0.016, spread: Double = 0) -> Evidence {
        Evidence(
            measurements: [
                CoherenceKey.p1SeedScript.name: Measurement(p1, error: error),
                CoherenceKey.p1SpreadOverT2.name: Measurement(spread),
            ], scale: .quick)
    }

    @Test("coherence circuit: P(|1⟩) far from 15% and blind to T2 contradicts; near 15% or moved by T2 is inconclusive")
    func coherenceRule() throws {
        let rule = try Self.rule("hardware.coherence-circuit")
        #expect(rule.judge(Self.coherence(p1: 0.5)).label == "contradicted")
        #expect(rule.judge(Self.coherence(p1: 0.16)).label == "inconclusive")
        #expect(rule.judge(Self.coherence(p1: 0.5, spread: 0.1)).label == "inconclusive")
        #expect(rule.judge(Evidence(measurements: [:], scale: .quick)).label == "inconclusive")
    }
}
