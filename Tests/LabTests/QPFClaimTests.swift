import Foundation
import Physics
import Testing

@testable import Lab

/// The lab's measurement, not Foundation's.

private func judge(_ rule: VerdictRule, _ m: [MeasurementKey: Measurement]) -> Verdict {
    rule.judge(Evidence(measurements: Dictionary(uniqueKeysWithValues: m.map { ($0.key.name, $0.value) }), scale: .quick))
}

private func m(_ value: Double, _ error: Double? = nil, samples: Int? = nil) -> Measurement {
    Measurement(value, error: error, samples: samples)
}

@Suite("QPF claims and rules")
struct QPFClaimTests {
    typealias K = QPFKey

    @Test("every key a QPF rule reads is in its experiment's smoke output")
    func keysAreMeasured() throws { try ClaimSmoke.expectKeysMeasured(ClaimFamily.qpf.claims) }

    @Test("softmax-hebbian: rounding-level deviations reproduce, larger ones contradict, too few cases are inconclusive")
    func softmaxHebbianRule() {
        let rule = QPFRules.softmaxHebbian
        #expect(judge(rule, [K.autodiffDeviation: m(2e-14, samples: 400), K.complexStepDeviation: m(2e-15, samples: 60)]).label == "reproduced")
        #expect(judge(rule, [K.autodiffDeviation: m(3e-3, samples: 400), K.complexStepDeviation: m(2e-15, samples: 60)]).label == "contradicted")
        #expect(judge(rule, [K.autodiffDeviation: m(2e-14, samples: 400), K.complexStepDeviation: m(2e-15, samples: 5)]).label == "inconclusive")
        #expect(judge(rule, [K.autodiffDeviation: m(2e-14, samples: 400)]).label == "inconclusive")
    }

    @Test("softmax-hebbian can fail: a gradient without the p_j term is contradicted, the closed form is not")
    func softmaxHebbianCanFail() throws {
        var wrong = LeakageGradientExperiment()
        wrong.gradient = { memory, s, beta in
            let n = memory.size
            let p = LeakageFreeEnergy.weights(gaps: memory.gaps(s), beta: beta)
            var dJ = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n where j != i { dJ[i * n + j] = -2 * beta * p[i] * s[i] * s[j] } }
            return (dJ, (0..<n).map { -2 * beta * p[$0] * s[$0] })
        }
        let claim = try #require(ClaimRegistry.claim("qpf.softmax-hebbian"))
        let bad = claim.rule.judge(Evidence(measurements: try ClaimSmoke.run(wrong).measurements, scale: .smoke))
        #expect(bad.label == "contradicted", "\(bad.reason)")
        let good = claim.rule.judge(Evidence(measurements: try ClaimSmoke.run(LeakageGradientExperiment()).measurements, scale: .smoke))
        #expect(good.label == "reproduced", "\(good.reason)")
    }

    @Test("real-time-lorentzian: each verdict, and the first-order gate")
    func realTimeRule() {
        let rule = QPFRules.realTimeLorentzian
        func e(_ l: Double, _ s: Double, deviation: Double, systems: Int = 6) -> [MeasurementKey: Measurement] {
            [
                K.klLorentzianSmallField: m(l, 1e-4, samples: systems), K.klSoftmaxSmallField: m(s, 1e-4, samples: systems),
                K.firstOrderDeviationSmallField: m(deviation, samples: systems),
            ]
        }
        #expect(judge(rule, e(1e-5, 0.05, deviation: 0.002)).label == "reproduced")
        #expect(judge(rule, e(0.05, 1e-3, deviation: 0.002)).label == "contradicted")
        #expect(judge(rule, e(1e-5, 0.05, deviation: 0.2)).label == "inconclusive")
        #expect(judge(rule, e(0.010, 0.0102, deviation: 0.002)).label == "inconclusive")  // z = 1.4
        #expect(judge(rule, e(1e-5, 0.05, deviation: 0.002, systems: 1)).label == "inconclusive")
    }

    @Test("forward-map-softmax: the annealers decide under Holm; the Gibbs control only gates")
    func forwardMapRule() {
        let rule = QPFRules.forwardMapSoftmax
        func e(gibbs: Double = 0.005, _ sa: Double, _ sqa: Double, _ coherent: Double, error: Double = 0.001) -> [MeasurementKey: Measurement] {
            [
                K.klDifference(.gibbs): m(gibbs, 0.001), K.klDifference(.sa): m(sa, error), K.klDifference(.sqa): m(sqa, error),
                K.klDifference(.coherent): m(coherent, error),
            ]
        }
        #expect(judge(rule, e(0.005, 0.002, 0.008)).label == "reproduced")
        #expect(judge(rule, e(0.005, 0.002, -0.008)).label == "contradicted")
        #expect(judge(rule, e(0.005, 0.0005, 0.008)).label == "inconclusive")  // SQA at z = 0.5
        // z = 2.1 each (p = 0.036): each passes 2σ alone, but Holm over three needs p ≤ 0.017 for the first.
        #expect(judge(rule, e(0.0021, 0.0021, 0.0021)).label == "inconclusive")
        // A harness that does not pick the softmax on Gibbs read-outs cannot judge, even a reversal.
        #expect(judge(rule, e(gibbs: -0.004, 0.005, 0.002, -0.008)).label == "inconclusive")
        #expect(judge(rule, e(gibbs: 0.001, 0.005, 0.002, 0.008)).label == "inconclusive")  // control at z = 1
        var missing = e(0.005, 0.002, 0.008)
        missing[K.klDifference(.sqa)] = nil
        #expect(judge(rule, missing).label == "inconclusive")
    }

    @Test("fast-anneal-slope: rising slopes with worse-fitted fast anneals reproduce; a falling slope or a better fit contradicts")
    func fastAnnealRule() {
        let rule = QPFRules.fastAnnealSlope
        func e(_ trendSA: Double, _ trendSQA: Double, changeSA: Double = -0.0005, changeSQA: Double = 0.0002) -> [MeasurementKey: Measurement] {
            [
                K.slopeTrend(.sa): m(trendSA, 0.02), K.slopeTrend(.sqa): m(trendSQA, 0.02),
                K.klSoftmaxChange(.sa): m(changeSA, 0.001), K.klSoftmaxChange(.sqa): m(changeSQA, 0.001),
            ]
        }
        // Both fast anneals fitted significantly worse: the only margin-free evidence of "not improving".
        #expect(judge(rule, e(0.36, 0.34, changeSA: 0.006, changeSQA: 0.005)).label == "reproduced")
        // KL changes within noise of 0 (z = −0.5, 0.2) neither show nor exclude an improvement.
        #expect(judge(rule, e(0.36, 0.34)).label == "inconclusive")
        #expect(judge(rule, e(0.36, 0.34, changeSA: 0.006)).label == "inconclusive")
        #expect(judge(rule, e(0.36, -0.2)).label == "contradicted")
        #expect(judge(rule, e(0.36, 0.34, changeSA: -0.006)).label == "contradicted")
        #expect(judge(rule, e(0.36, 0.02, changeSA: 0.006, changeSQA: 0.005)).label == "inconclusive")  // SQA trend at z = 1
    }

    @Test("capacity: an open question, reported once the Hebbian baseline validates the harness")
    func capacityRule() {
        let rule = QPFRules.capacity
        var e: [MeasurementKey: Measurement] = [K.hebbianExtrapolated: m(0.141, 0.012), K.outOfRange: m(0)]
        for rule in CapacityExperiment.mainRules { for f in CapacityExperiment.flipFractions { e[K.capacity(rule.name, flip: f)] = m(0.3, 0.01) } }
        let open = judge(rule, e)
        #expect(open.label == "untestable" && open.reason.contains("mpf 0.300 ± 0.010"), "\(open.reason)")
        e[K.hebbianExtrapolated] = m(0.2, 0.01)
        #expect(judge(rule, e).label == "inconclusive")
        e[K.hebbianExtrapolated] = m(0.14, 0.05)
        #expect(judge(rule, e).label == "inconclusive")
        e[K.hebbianExtrapolated] = nil
        #expect(judge(rule, e).label == "inconclusive")
    }

    @Test("the Gibbs sampler is a positive control, not evidence, and the identity is labelled")
    func labels() throws {
        #expect(!QPFRules.annealers.contains(.gibbs))
        #expect(try #require(ClaimRegistry.claim("qpf.softmax-hebbian")).evidence == .identity)
        #expect(try #require(ClaimRegistry.claim("qpf.forward-map-softmax")).rule.description.contains("positive control"))
    }
}
