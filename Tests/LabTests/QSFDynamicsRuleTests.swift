import Foundation
import Testing

@testable import Lab

/// Every QSF dynamics rule on synthetic evidence, reaching each of its verdicts.
@Suite("QSF dynamics rules")
struct QSFDynamicsRuleTests {
    typealias Spectrum = QSFSpectrumKey

    fileprivate func judge(_ rule: VerdictRule, _ m: [MeasurementKey: Measurement], scale: Scale = .quick) -> String {
        rule.judge(Evidence(measurements: Dictionary(uniqueKeysWithValues: m.map { ($0.key.name, $0.value) }), scale: scale)).label
    }

    @Test("spectrum-annulus: both sides at every seed, one side, smoke")
    func annulus() {
        let rule = KoopmanSpectrumClaims.annulusRule
        func evidence(growth: Double, decay: Double) -> [MeasurementKey: Measurement] {
            [
                Spectrum.stageIII.growthModes: Measurement(growth), Spectrum.stageIII.decayModes: Measurement(decay),
                Spectrum.stageIII.minModulus: Measurement(0.5), Spectrum.stageIII.maxModulus: Measurement(growth > 0 ? 1.8 : 0.9),
            ]
        }
        #expect(judge(rule, evidence(growth: 3, decay: 100)) == "reproduced")
        #expect(judge(rule, evidence(growth: 0, decay: 192)) == "contradicted")
        #expect(judge(rule, evidence(growth: 5, decay: 0)) == "contradicted")
        #expect(judge(rule, evidence(growth: 3, decay: 100), scale: .smoke) == "inconclusive")
        #expect(judge(rule, [:]) == "inconclusive")
    }

    @Test("net-dissipation: needs growth modes and a trace training did not raise")
    func netDissipation() {
        let rule = KoopmanSpectrumClaims.netDissipationRule
        func evidence(trace: Double, growth: Double, rise: Double?) -> [MeasurementKey: Measurement] {
            var m: [MeasurementKey: Measurement] = [
                Spectrum.stageIII.maxTraceD: Measurement(trace), Spectrum.stageIII.growthModes: Measurement(growth),
                Spectrum.stageIII.layers: Measurement(3), Spectrum.stageIII.maxGrowthOverDecay: Measurement(0.2),
                Spectrum.initial.maxTraceD: Measurement(-6.3),
            ]
            if let rise { m[Spectrum.traceDRise] = Measurement(rise) }
            return m
        }
        #expect(judge(rule, evidence(trace: -12, growth: 4, rise: -5)) == "reproduced")
        #expect(judge(rule, evidence(trace: 0.3, growth: 4, rise: 6)) == "contradicted")
        // No growth mode to fund: Tr D < 0 is then no evidence, as at initialisation.
        #expect(judge(rule, evidence(trace: -20, growth: 0, rise: -14)) == "inconclusive")
        // Negative, but training raised it: the sign may be the initialisation's.
        #expect(judge(rule, evidence(trace: -2, growth: 4, rise: 4)) == "inconclusive")
        #expect(judge(rule, evidence(trace: -12, growth: 4, rise: nil)) == "inconclusive")
        #expect(judge(rule, evidence(trace: -12, growth: 4, rise: -5), scale: .smoke) == "inconclusive")
    }

    @Test("hamiltonian-unit-circle: rounding, beyond 1e-3, between")
    func unitCircle() {
        let rule = KoopmanSpectrumClaims.hamiltonianUnitCircleRule
        #expect(judge(rule, [Spectrum.stageIV.maxModulusDeviation: Measurement(3e-15)]) == "reproduced")
        #expect(judge(rule, [Spectrum.stageIV.maxModulusDeviation: Measurement(0.02)]) == "contradicted")
        #expect(judge(rule, [Spectrum.stageIV.maxModulusDeviation: Measurement(1e-5)]) == "inconclusive")
        #expect(judge(rule, [Spectrum.Validation.hamiltonianDeviation: Measurement(1e-15)]) == "inconclusive")
    }

    @Test("gamma: judged on the identifiable share ρ, not on raw γ")
    func gamma() {
        let rule = GammaClaim.rule
        func evidence(low: Double, slope: Double, error: Double = 0.02, rawGamma: Double = 0.6) -> [MeasurementKey: Measurement] {
            [
                Spectrum.Gamma.contributionMin: Measurement(low, error: error), Spectrum.Gamma.contributionSlope: Measurement(slope, error: error),
                Spectrum.Gamma.min: Measurement(rawGamma), Spectrum.Gamma.max: Measurement(rawGamma + 0.1),
            ]
        }
        // Raw γ below 1 decides nothing: γ trades scale with W_O.
        #expect(judge(rule, evidence(low: 1.3, slope: 0.1, rawGamma: 0.6)) == "reproduced")
        #expect(judge(rule, evidence(low: 0.7, slope: 0.1, rawGamma: 1.2)) == "contradicted")
        #expect(judge(rule, evidence(low: 1.3, slope: -0.1)) == "contradicted")
        #expect(judge(rule, evidence(low: 1.01, slope: 0.1)) == "inconclusive")
        #expect(judge(rule, evidence(low: 1.3, slope: 0.1), scale: .smoke) == "inconclusive")
        #expect(judge(rule, [Spectrum.Gamma.min: Measurement(1.1)]) == "inconclusive")
    }

    @Test("norm-stability: the seed's numbers, an outlier, a mean on the band's edge or too noisy to place")
    func normStability() {
        let rule = NormStabilityClaim.rule
        func evidence(mean: Double, error: Double = 0.01, std: Double = 0.08, above: Double = 0) -> [MeasurementKey: Measurement] {
            [
                Spectrum.Norms.mean: Measurement(mean, error: error), Spectrum.Norms.std: Measurement(std), Spectrum.Norms.max: Measurement(1.4),
                Spectrum.Norms.countAbove: Measurement(above), Spectrum.Norms.count: Measurement(4096),
            ]
        }
        #expect(judge(rule, evidence(mean: 1.03)) == "reproduced")
        #expect(judge(rule, evidence(mean: 1.03, above: 1)) == "contradicted")
        #expect(judge(rule, evidence(mean: 2.15)) == "contradicted")
        #expect(judge(rule, evidence(mean: 1.03, std: 0.3)) == "contradicted")
        #expect(judge(rule, evidence(mean: 1.14, error: 0.05)) == "inconclusive")
        // Inside the band but too noisy to show it (0.05 + 2·0.04 > 0.1): not reproduced.
        #expect(judge(rule, evidence(mean: 1.07, error: 0.04)) == "inconclusive")
        #expect(judge(rule, evidence(mean: 1.03), scale: .smoke) == "inconclusive")
    }

    @Test("semantic-sparsity: majorities of Holm-tested layers and the activation excess")
    func semanticSparsity() {
        let rule = SemanticSparsityClaim.rule
        typealias Key = Spectrum.Sparsity
        func evidence(enriched: Double, weak: Double, excess: Double, layers: Double = 12) -> [MeasurementKey: Measurement] {
            [
                Key.layers: Measurement(layers), Key.layersEnriched: Measurement(enriched), Key.layersNotConcentrated: Measurement(weak),
                Key.activationExcess: Measurement(excess, error: 0.005),
            ]
        }
        #expect(judge(rule, evidence(enriched: 10, weak: 0, excess: -0.04)) == "reproduced")
        #expect(judge(rule, evidence(enriched: 1, weak: 9, excess: -0.04)) == "contradicted")
        #expect(judge(rule, evidence(enriched: 10, weak: 0, excess: 0.03)) == "contradicted")
        #expect(judge(rule, evidence(enriched: 6, weak: 2, excess: -0.04)) == "inconclusive")
        #expect(judge(rule, evidence(enriched: 10, weak: 0, excess: -0.004)) == "inconclusive")
        #expect(judge(rule, evidence(enriched: 10, weak: 0, excess: -0.04), scale: .smoke) == "inconclusive")
    }

    @Test("propagator-exact: Bonferroni over entries, seeds and both tests")
    func propagator() {
        let rule = PropagatorClaim.rule
        typealias Key = QSFPropagatorKey
        func evidence(z: Double, p: Double, entries: Double = 516, bias: Double = 0.1) -> [MeasurementKey: Measurement] {
            [
                Key.maxAbsZ: Measurement(z), Key.pValue: Measurement(p), Key.entries: Measurement(entries), Key.schemeBiasZ: Measurement(bias),
                Key.chiSquared: Measurement(520), Key.degreesOfFreedom: Measurement(516),
            ]
        }
        #expect(judge(rule, evidence(z: 3.5, p: 0.4)) == "reproduced")
        #expect(judge(rule, evidence(z: 9, p: 0.4)) == "contradicted")
        #expect(judge(rule, evidence(z: 2, p: 1e-8)) == "contradicted")
        // |z| = 4.75 is 2.0e-6 two-sided: over 4 seeds' 516 entries and 2 tests p = 2.1e-3 → reproduced; had the bound
        // counted one seed's 129 entries it would be 5.2e-4 → inconclusive.
        #expect(judge(rule, evidence(z: 4.75, p: 0.4)) == "reproduced")
        #expect(judge(rule, evidence(z: 4.75, p: 0.4, entries: 129)) == "inconclusive")
        #expect(judge(rule, evidence(z: 5.5, p: 0.4)) == "inconclusive")
        #expect(judge(rule, evidence(z: 2, p: 2e-4)) == "inconclusive")
        #expect(judge(rule, evidence(z: 2, p: 0.4, bias: 0.9)) == "inconclusive")
        // A NaN statistic is not "no difference" (min(1, NaN) would have read as p = 1).
        #expect(judge(rule, evidence(z: .nan, p: 0.4)) == "inconclusive")
        #expect(judge(rule, evidence(z: 2, p: .nan)) == "inconclusive")
    }

    @Test("gaussian-closure: allowances for the algebra, Holm for the Monte Carlo tests")
    func closure() {
        let rule = GaussianClosureClaim.rule
        typealias Key = QSFClosureKey
        func evidence(filter: Double, p: Double, z: Double = 3) -> [MeasurementKey: Measurement] {
            [
                Key.identityExcess: Measurement(0.01), Key.fusionExcess: Measurement(0.02), Key.filterExcess: Measurement(filter),
                Key.monteCarloPValue: Measurement(p), Key.monteCarloMaxZ: Measurement(z), Key.monteCarloEntries: Measurement(704),
            ]
        }
        #expect(judge(rule, evidence(filter: 0.3, p: 0.5)) == "reproduced")
        #expect(judge(rule, evidence(filter: 5e3, p: 0.5)) == "contradicted")
        #expect(judge(rule, evidence(filter: 0.3, p: 1e-9)) == "contradicted")
        #expect(judge(rule, evidence(filter: 0.3, p: 0.5, z: 8)) == "contradicted")
        #expect(judge(rule, evidence(filter: 20, p: 0.5)) == "inconclusive")
        #expect(judge(rule, evidence(filter: 0.3, p: 2e-4)) == "inconclusive")
        #expect(judge(rule, evidence(filter: 0.3, p: 0.5, z: .nan)) == "inconclusive")
        #expect(judge(rule, evidence(filter: 0.3, p: .nan)) == "inconclusive")
        #expect(judge(rule, evidence(filter: .nan, p: 0.5)) == "inconclusive")
        #expect(judge(rule, [:]) == "failed")
    }

    @Test("sse-norm: each verdict on synthetic limits; the control's allowance and one drifting system decide")
    func sse() {
        let rule = SSENormClaim.rule
        typealias Key = QSFSSEKey
        func evidence(largest: Double, largestError: Double = 0.003, allowance: Double = 0.002) -> [MeasurementKey: Measurement] {
            [
                Key.seedLimitMeanSquareLargest: Measurement(largest, error: largestError, pooling: .maximum),
                Key.controlAllowance: Measurement(allowance, pooling: .maximum),
                Key.seedLimitMeanSquare: Measurement(largest / 2, error: 0.06), Key.controlLimitMeanSquare: Measurement(0.001, error: 0.0004),
                Key.seedRMSFinest: Measurement(0.46), Key.controlRMSFinest: Measurement(0.09),
            ]
        }
        #expect(judge(rule, evidence(largest: 0.21)) == "contradicted")
        // 0.012 − 5 × 0.003 is not above the allowance.
        #expect(judge(rule, evidence(largest: 0.012)) == "inconclusive")
        #expect(judge(rule, evidence(largest: 2e-5, largestError: 1e-5, allowance: 5e-5)) == "reproduced")
        // A drift no larger than what the extrapolation reports for the norm-preserving control is not a drift.
        #expect(judge(rule, evidence(largest: 0.21, allowance: 0.3)) == "inconclusive")
        // Nor can an extrapolation with a systematic error above the 1% margin show that the norm is kept.
        #expect(judge(rule, evidence(largest: 2e-5, largestError: 1e-5, allowance: 0.02)) == "inconclusive")
        // A drift below the 1% margin, however significant, counts as the norm kept.
        #expect(judge(rule, evidence(largest: 8e-5, largestError: 1e-6, allowance: 1e-6)) == "reproduced")
        // A run from before the per-system keys is not judged by the pooled mean.
        #expect(judge(rule, [Key.seedLimitMeanSquare: Measurement(0.21, error: 0.003)]) == "failed")
    }
}
