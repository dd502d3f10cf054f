import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite struct KuramotoTests {
    @Test func criticalCouplingsFollowFromTheDensityAtZero() {
        #expect(abs(FrequencyDistribution.lorentzian(halfWidth: 0.7).criticalCoupling - 1.4) <= 1e-12)
        #expect(abs(FrequencyDistribution.gaussian(std: 1).criticalCoupling - 1.595_769_121_605_731) <= 1e-12)
        #expect(abs(FrequencyDistribution.uniform(halfWidth: 2).criticalCoupling - 8 / Double.pi) <= 1e-12)
    }

    @Test func normalQuantileInvertsTheDistributionFunction() {
        for u in [1e-10, 0.001, 0.02425, 0.1, 0.5, 0.77, 0.999, 1 - 1e-9] {
            let x = FrequencyDistribution.normalQuantile(u)
            #expect(abs(0.5 * erfc(-x / 2.0.squareRoot()) - u) <= 1e-13 * max(u, 1e-3))
        }
    }

    @Test func selfConsistencyReproducesTheClosedForms() {
        // Lorentzian: r = √(1 − 2Δ/K) satisfies F(r) = 1 with the density integrated numerically.
        for k in [2.5, 3.0, 5.0, 10.0] {
            let r = (1 - 2 / k).squareRoot()
            #expect(abs(KuramotoTheory.selfConsistency(r, coupling: k, distribution: .lorentzian(halfWidth: 1)) - 1) <= 1e-6)
        }
        // Gaussian near threshold: r² ≈ 16(K − K_c)/(π K_c⁴ |g″(0)|), |g″(0)| = 1/(σ³√(2π)).
        let g = FrequencyDistribution.gaussian(std: 1)
        let kc = g.criticalCoupling
        let k = 1.002 * kc
        let predicted = (16 * (k - kc) / (Double.pi * pow(kc, 4) / (2 * Double.pi).squareRoot())).squareRoot()
        #expect(abs(KuramotoTheory.stationaryOrderParameter(coupling: k, distribution: g) / predicted - 1) <= 0.02)
        #expect(KuramotoTheory.stationaryOrderParameter(coupling: 0.99 * kc, distribution: g) == 0)
        // Uniform: r jumps to π/4 at K_c.
        let u = FrequencyDistribution.uniform(halfWidth: 1)
        #expect(abs(KuramotoTheory.stationaryOrderParameter(coupling: u.criticalCoupling * 1.000001, distribution: u) - Double.pi / 4) <= 2e-3)
    }

    /// Halving the step cuts the RK4 error 16-fold.
    @Test func integratorIsFourthOrder() {
        let model = KuramotoModel(frequencies: [0.3, -0.7, 1.1, 0.2, -0.4], coupling: 1.5)
        let start = [0.1, 2.0, -1.0, 0.5, 3.0]
        func final(_ dt: Double) -> [Double] {
            model.simulate(initialPhases: start, timeStep: dt, transient: 0, duration: 4, sampleEvery: 1000).finalPhases
        }
        let reference = final(0.2 / 16)
        func error(_ dt: Double) -> Double {
            zip(final(dt), reference).map { abs(($0 - $1).remainder(dividingBy: 2 * Double.pi)) }.max()!
        }
        let ratio = error(0.2) / error(0.1)
        #expect(ratio > 12 && ratio < 20)
    }

    /// Lorentzian Δ = 1 above K_c = 2: r = √(1 − 2/K) within finite-size error.
    @Test func lorentzianOrderParameterAboveThreshold() {
        let couplings = [3.0, 4.0, 6.0]
        let master = SeededRNG(seed: 41)
        let results = Parallel.map(couplings.count * 2) { i -> (Double, OrderParameterEstimate, Bool) in
            var rng = master.stream(UInt64(i))
            let regular = i % 2 == 0
            let k = couplings[i / 2]
            let e = KuramotoModel.stationaryOrderParameter(
                distribution: .lorentzian(halfWidth: 1), oscillators: 800, coupling: k,
                regular: regular, realisations: regular ? 1 : 3, timeStep: 0.1,
                transient: 30, duration: 40, rng: &rng)
            return (k, e, regular)
        }
        for (k, e, regular) in results {
            let theory = (1 - 2 / k).squareRoot()
            // Regular quantiles: no frequency disorder, only O(1/N) corrections. Random draws:
            // disorder of O(1/√N) between realisations, measured by the realisations' spread.
            let tolerance = regular ? 0.015 : 3 * e.error + 0.02
            #expect(abs(e.mean - theory) <= tolerance, "K = \(k), regular = \(regular): r = \(e.mean) ± \(e.error), theory \(theory)")
        }
    }

    /// Below threshold the state is incoherent: r is a fluctuation of size N^(−1/2).
    @Test func incoherentStateScalesAsInverseRootN() {
        let sizes = [100, 400, 1600]
        let master = SeededRNG(seed: 42)
        let r = Parallel.map(sizes.count) { i -> OrderParameterEstimate in
            var rng = master.stream(UInt64(i))
            return KuramotoModel.stationaryOrderParameter(
                distribution: .lorentzian(halfWidth: 1), oscillators: sizes[i], coupling: 1,
                regular: false, realisations: 3, timeStep: 0.1, transient: 20,
                duration: 80, rng: &rng)
        }
        let slope = (log(r[2].mean) - log(r[0].mean)) / (log(1600.0) - log(100.0))
        #expect(slope > -0.65 && slope < -0.35, "slope \(slope)")
        // Uncoupled: N⟨r²⟩ = 1 for independent phases.
        var rng = SeededRNG(seed: 43)
        let free = KuramotoModel.stationaryOrderParameter(
            distribution: .gaussian(std: 1), oscillators: 400, coupling: 0, regular: false,
            realisations: 4, timeStep: 0.1, transient: 0, duration: 200, rng: &rng)
        #expect(abs(free.meanSquare * 400 - 1) <= 0.25)
    }

    /// Gaussian σ = 1: incoherent below K_c ≈ 1.596, on the self-consistent curve above it.
    @Test func gaussianThresholdAtOnePointSixSigma() {
        let g = FrequencyDistribution.gaussian(std: 1)
        let master = SeededRNG(seed: 44)
        let factors = [0.8, 1.4]
        let r = Parallel.map(factors.count) { i -> OrderParameterEstimate in
            var rng = master.stream(UInt64(i))
            return KuramotoModel.stationaryOrderParameter(
                distribution: g, oscillators: 1500, coupling: factors[i] * g.criticalCoupling,
                regular: true, realisations: 1, timeStep: 0.1, transient: 60, duration: 60, rng: &rng)
        }
        #expect(r[0].mean < 4 / 1500.0.squareRoot())
        let theory = KuramotoTheory.stationaryOrderParameter(coupling: 1.4 * g.criticalCoupling, distribution: g)
        #expect(theory > 0.5)
        #expect(abs(r[1].mean - theory) <= 0.03, "r = \(r[1].mean), theory \(theory)")
    }

    @Test func headPhasesFromDistanceProfiles() {
        let t = 16
        // Uniform causal weights give the uniform causal profile.
        var w = [Double](repeating: 0, count: t * t)
        for q in 0..<t { for k in 0...q { w[q * t + k] = 1 / Double(q + 1) } }
        let profile = w.withUnsafeBufferPointer { PhaseSynchrony.distanceProfile(weights: $0, length: t) }
        let reference = PhaseSynchrony.uniformCausalProfile(length: t)
        for d in 0..<t { #expect(abs(profile[d] - reference[d]) <= 1e-14) }
        // A head that always looks k tokens back has phase −2πk/T.
        for k in [0, 1, 3] {
            var a = [Double](repeating: 0, count: t)
            a[k] = 1
            let phase = PhaseSynchrony.firstMode(a).phase
            #expect(abs((phase + 2 * Double.pi * Double(k) / Double(t)).remainder(dividingBy: 2 * Double.pi)) <= 1e-12)
        }
        // Any decreasing profile has its phase in (−π/2, 0].
        let decaying = (0..<t).map { exp(-0.3 * Double($0)) }
        let theta = PhaseSynchrony.firstMode(decaying).phase
        #expect(theta <= 0 && theta > -Double.pi / 2)
    }

    @Test func nullsOfTheOrderParameter() {
        var rng = SeededRNG(seed: 45)
        let null = PhaseSynchrony.uniformNull(heads: 64, draws: 20000, rng: &rng)
        #expect(abs(null.mean / (Double.pi / (4 * 64.0)).squareRoot() - 1) <= 0.03)
        #expect(null.quantile95 > null.mean && null.quantile99 > null.quantile95)
        // Heads that keep fixed but different phases: shuffling time changes nothing.
        let fixed = (0..<10).map { _ in [0.1, 0.5, -0.2, 0.9] }
        let r = PhaseSynchrony.orderParameter(fixed[0]).r
        #expect(abs(PhaseSynchrony.timeShuffledOrderParameter(fixed, draws: 200, rng: &rng) - r) <= 1e-12)
        // Heads that rotate together: locked at every step, but not once time is shuffled.
        let rotating = (0..<40).map { s in (0..<4).map { m in 0.3 * Double(s) + 0.05 * Double(m) } }
        #expect(PhaseSynchrony.orderParameter(rotating[7]).r > 0.99)
        #expect(PhaseSynchrony.timeShuffledOrderParameter(rotating, draws: 2000, rng: &rng) < 0.7)
    }
}
