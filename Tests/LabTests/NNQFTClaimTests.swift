import Foundation
import Physics
import Testing

@testable import Lab

/// The lab's measurement, not Foundation's.

private func judge(_ rule: VerdictRule, _ m: [MeasurementKey: Measurement]) -> Verdict {
    rule.judge(Evidence(measurements: Dictionary(uniqueKeysWithValues: m.map { ($0.key.name, $0.value) }), scale: .quick))
}

private func m(_ value: Double, _ error: Double? = nil) -> Measurement { Measurement(value, error: error) }

@Suite("NN-QFT claims and rules")
struct NNQFTClaimTests {
    typealias K = NNQFTKey

    @Test("every key an NN-QFT rule reads is in its experiment's smoke output")
    func keysAreMeasured() throws { try ClaimSmoke.expectKeysMeasured(ClaimFamily.nnqft.claims) }

    @Test("inverse-heads: −1 reproduces, a distant slope contradicts, a 2.6σ pull or too few points is inconclusive")
    func inverseHeadsRule() {
        let rule = NNQFTRules.inverseHeads
        func e(_ direct: Double, _ mixture: Double, directError: Double = 0.05, fitted: Double = 4) -> [MeasurementKey: Measurement] {
            [K.slope: m(direct, directError), K.slopeMixture: m(mixture, 0.002), K.pointsFitted: m(fitted), K.pointsExcluded: m(1)]
        }
        #expect(judge(rule, e(-1.02, -0.998)).label == "reproduced")
        #expect(judge(rule, e(-0.80, -0.72)).label == "contradicted")
        #expect(judge(rule, e(-1.02, -0.72, fitted: 2)).label == "contradicted")  // the mixture alone suffices to contradict
        #expect(judge(rule, e(-1.13, -0.998)).label == "inconclusive")  // p = 0.009: rejected at 0.05, not at 0.0027
        #expect(judge(rule, e(-1.02, -0.998, fitted: 2)).label == "inconclusive")
        #expect(judge(rule, e(-1.02, -0.998, directError: 0.4)).label == "inconclusive")
        var untested = e(-1.02, -0.998)
        untested[K.slopeMixture] = m(-0.998)  // no error: its p-value is NaN, never rejected, and so no evidence
        #expect(judge(rule, untested).label == "inconclusive")
        var missing = e(-1.02, -0.998)
        missing[K.slope] = nil
        #expect(judge(rule, missing).label == "inconclusive")
    }

    @Test("inverse-heads can fail: heads sharing one embedding draw are contradicted, independent heads are not")
    func inverseHeadsCanFail() throws {
        let claim = try #require(ClaimRegistry.claim("nnqft.inverse-heads"))
        var shared = NNQFTHeadsExperiment()
        shared.embedding = .shared
        let bad = claim.rule.judge(Evidence(measurements: try ClaimSmoke.run(shared).measurements, scale: .smoke))
        #expect(bad.label == "contradicted", "\(bad.reason)")
        let good = claim.rule.judge(Evidence(measurements: try ClaimSmoke.run(NNQFTHeadsExperiment()).measurements, scale: .smoke))
        #expect(good.label != "contradicted", "\(good.reason)")
    }

    @Test("width-persistence: each verdict, and a zero that is not resolved is not a contradiction")
    func widthRule() {
        let rule = NNQFTRules.widthPersistence
        func e(_ inf: Double, _ ext: Double, quenched: Double = 0.017, error: Double = 0.002) -> [MeasurementKey: Measurement] {
            [
                K.g4cInfinite: m(inf, error), K.g4cExtrapolated: m(ext, error), K.g4cQuenched: m(quenched, error),
                K.g4cSmallestFinite: m(0.256, 0.008),
            ]
        }
        #expect(judge(rule, e(0.020, 0.025)).label == "reproduced")
        #expect(judge(rule, e(0.0003, -0.0004, error: 0.0005)).label == "contradicted")
        #expect(judge(rule, e(0.0003, -0.0004, error: 0.02)).label == "inconclusive")  // 2σ = 0.04 is not below 5% of 0.256
        #expect(judge(rule, e(0.020, 0.045)).label == "inconclusive")  // sample and extrapolation 8.8σ apart
        #expect(judge(rule, e(0.020, 0.025, quenched: 0.002)).label == "inconclusive")  // the query/key part at 1σ
        #expect(judge(rule, [K.g4cInfinite: m(0.02, 0.002)]).label == "inconclusive")
    }

    @Test("euclidean-kernel: Holm over six invariance tests, a power control, a strict contradiction level")
    func kernelRule() {
        let rule = NNQFTRules.euclideanKernel
        func e(translation: Double = 0.8, power: Double = 1e-12) -> [MeasurementKey: Measurement] {
            var out = Dictionary(uniqueKeysWithValues: NNQFTRules.invarianceTests.map { ($0.key, m(0.5)) })
            out[K.translationP] = m(translation)
            out[K.quenchedTranslationP] = m(power)
            return out
        }
        #expect(judge(rule, e()).label == "reproduced")
        #expect(judge(rule, e(translation: 1e-6)).label == "contradicted")
        #expect(judge(rule, e(translation: 0.005)).label == "inconclusive")  // Holm rejects at 0.05 (0.005 ≤ 0.05/6), not at 0.0027
        #expect(judge(rule, e(translation: 0.02)).label == "reproduced")  // 0.02 > 0.05/6: one small p among six is not a rejection
        #expect(judge(rule, e(power: 0.3)).label == "inconclusive")
        #expect(judge(rule, e(translation: .nan)).label == "inconclusive")
        var missing = e()
        missing[K.ringSymmetryP] = nil
        #expect(judge(rule, missing).label == "inconclusive")
    }

    @Test("euclidean-kernel can fail: a quenched embedding in place of the averaged one is contradicted")
    func kernelCanFail() throws {
        let claim = try #require(ClaimRegistry.claim("nnqft.euclidean-kernel"))
        var quenched = NNQFTKernelExperiment()
        quenched.embedding = .fixed
        let bad = claim.rule.judge(Evidence(measurements: try ClaimSmoke.run(quenched).measurements, scale: .smoke))
        #expect(bad.label == "contradicted", "\(bad.reason)")
        let good = claim.rule.judge(Evidence(measurements: try ClaimSmoke.run(NNQFTKernelExperiment()).measurements, scale: .smoke))
        #expect(good.label != "contradicted", "\(good.reason)")
    }

    @Test("the identities and positive controls are labelled; p-values and counts declare their pooling")
    func labelsAndPooling() throws {
        #expect(try #require(ClaimRegistry.claim("nnqft.inverse-heads")).evidence == .identity)
        #expect(try #require(ClaimRegistry.claim("nnqft.euclidean-kernel")).evidence == .identity)
        #expect(NNQFTRules.inverseHeads.description.hasPrefix("positive control"))
        let output = try ClaimSmoke.run(NNQFTKernelExperiment())
        #expect(output.measurements[K.translationP]?.pooling == .pValue)
        #expect(output.measurements[K.quenchedTranslationP]?.pooling == .maximum)
    }
}
