import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("QPF forward map")
struct QPFForwardMapTests {
    @Test("Boltzmann law on one-hot states is the softmax")
    func boltzmannRestrictedIsSoftmax() {
        let map = OneHotForwardMap.evenlySpaced(channels: 6, maxGap: 1, penalty: 2)
        let beta = 3.0
        let all = map.boltzmann(beta: beta)
        let valid = (0..<6).map { all[1 << $0] }
        let z = valid.reduce(0, +)
        let softmax = map.softmax(beta: beta)
        #expect(zip(valid, softmax).allSatisfy { abs($0 / z - $1) < 1e-14 })
    }

    @Test("Gibbs chains match exact Boltzmann probabilities by a χ² test, and a wrong β is rejected")
    func gibbsChiSquare() {
        let map = OneHotForwardMap.evenlySpaced(channels: 5, maxGap: 1, penalty: 1)
        let beta = 2.0
        let sample = GibbsSampler(beta: beta, sweeps: 60).sample(map, samples: 20_000, rng: SeededRNG(seed: 21))
        let right = ChiSquareTest(observed: sample.stateCounts, expected: map.boltzmann(beta: beta).map { $0 * 20_000 })
        #expect(right.pValue > 1e-3, "χ² = \(right.statistic), dof \(right.degreesOfFreedom)")
        let wrong = ChiSquareTest(observed: sample.stateCounts, expected: map.boltzmann(beta: 2.3).map { $0 * 20_000 })
        #expect(wrong.pValue < 1e-6)
    }

    @Test("Gibbs chains mix across a high penalty barrier: the fitted slope is β")
    func gibbsSlopeBehindBarrier() {
        // A = 2, β = 4: single flips alone would need ~e^{β(A − Δ)} ≈ 10³ sweeps to hop.
        let map = OneHotForwardMap.evenlySpaced(channels: 8, maxGap: 1, penalty: 2)
        let sample = GibbsSampler(beta: 4, sweeps: 100).sample(map, samples: 10_000, rng: SeededRNG(seed: 26))
        let fit = ChannelFamilyFit(family: .softmax, gaps: map.gaps, counts: sample.channelCounts.map(Double.init))
        #expect(abs(fit.parameter - 4) < 3 * fit.standardError!, "slope \(fit.parameter) ± \(fit.standardError!)")
        let valid = map.boltzmann(beta: 4).enumerated().filter { map.channel(of: $0.offset) != nil }.map(\.element).reduce(0, +)
        #expect(abs(sample.validFraction - valid) < 0.01)
    }

    @Test("maximum-likelihood fits recover known parameters from synthetic samples")
    func fitsRecoverParameters() {
        let gaps = (0..<8).map { Double($0) / 7 }
        var rng = SeededRNG(seed: 22)
        for (family, truth) in [(ChannelFamily.softmax, 3.0), (.lorentzian, 0.3)] {
            let p = family.probabilities(gaps: gaps, parameter: truth)
            // Exact probabilities as weights: recovered to solver precision.
            let exact = ChannelFamilyFit(family: family, gaps: gaps, counts: p)
            #expect(abs(exact.parameter - truth) < 1e-6 * truth)
            #expect(exact.kl < 1e-12)
            // 20 000 samples: within 3 standard errors, and the error is about right.
            var counts = [Double](repeating: 0, count: 8)
            for _ in 0..<20_000 { counts[rng.categorical(weights: p)] += 1 }
            let fit = ChannelFamilyFit(family: family, gaps: gaps, counts: counts)
            let error = fit.standardError!
            #expect(abs(fit.parameter - truth) < 3 * error, "\(family): \(fit.parameter) ± \(error), truth \(truth)")
            #expect(error < 0.05 * truth)
        }
    }

    @Test("softmax samples are fitted better by the softmax, Lorentzian samples by the Lorentzian")
    func comparisonSeparatesFamilies() {
        let gaps = (0..<8).map { Double($0) / 7 }
        var rng = SeededRNG(seed: 23)
        for (family, truth) in [(ChannelFamily.softmax, 4.0), (.lorentzian, 0.25)] {
            let p = family.probabilities(gaps: gaps, parameter: truth)
            var counts = [Int](repeating: 0, count: 8)
            for _ in 0..<10_000 { counts[rng.categorical(weights: p)] += 1 }
            let comparison = FamilyComparison(gaps: gaps, counts: counts, resamples: 50, rng: &rng)
            if family == .softmax {
                #expect(comparison.klDifference > 3 * comparison.differenceError)
            } else {
                #expect(comparison.klDifference < -3 * comparison.differenceError)
            }
        }
    }

    @Test("simulated annealing: short anneals give a lower softmax slope than long ones")
    func annealingSlope() {
        let map = OneHotForwardMap.evenlySpaced(channels: 8, maxGap: 1, penalty: 2)
        func slope(_ sweeps: Int) -> ChannelFamilyFit {
            let sample = SimulatedAnnealing(betaEnd: 4, sweeps: sweeps).sample(map, samples: 4000, rng: SeededRNG(seed: 24))
            return ChannelFamilyFit(family: .softmax, gaps: map.gaps, counts: sample.channelCounts.map(Double.init))
        }
        let (short, long) = (slope(2), slope(200))
        #expect(short.parameter < long.parameter - 0.5, "slope \(short.parameter) at 2 sweeps, \(long.parameter) at 200")
        // Freeze-out happens before the end of the anneal: the slope cannot exceed β₁.
        #expect(long.parameter < 4 + 3 * long.standardError!, "slope \(long.parameter) above β₁ = 4")
    }

    @Test("simulated quantum annealing reads out mostly valid states and sharpens with anneal length")
    func quantumAnnealingSlope() {
        let map = OneHotForwardMap.evenlySpaced(channels: 6, maxGap: 1, penalty: 2)
        let schedule = AnnealSchedule(initialField: 2)
        func run(_ sweeps: Int) -> (Double, Double) {
            let sample = SimulatedQuantumAnnealing(beta: 4, schedule: schedule, slices: 8, sweeps: sweeps)
                .sample(map, samples: 2000, rng: SeededRNG(seed: 25))
            let fit = ChannelFamilyFit(family: .softmax, gaps: map.gaps, counts: sample.channelCounts.map(Double.init))
            return (fit.parameter, sample.validFraction)
        }
        let (short, _) = run(4)
        let (long, valid) = run(200)
        #expect(valid > 0.8)
        #expect(short < long, "slope \(short) at 4 sweeps, \(long) at 200")
    }

    @Test("coherent annealing conserves the norm, is adiabatic when slow and sudden when fast")
    func coherentAnnealing() {
        let map = OneHotForwardMap.evenlySpaced(channels: 4, maxGap: 1, penalty: 2)
        let schedule = AnnealSchedule(initialField: 2)
        let slow = CoherentAnnealing(schedule: schedule, annealTime: 200, steps: 400).finalDistribution(map)
        #expect(slow.normDrift < 1e-9)
        #expect(slow.probabilities[1] > 0.9, "ground state (channel 0) probability \(slow.probabilities[1])")
        let fast = CoherentAnnealing(schedule: schedule, annealTime: 1e-3, steps: 4).finalDistribution(map)
        #expect(fast.probabilities.allSatisfy { abs($0 - 1.0 / 16) < 1e-3 })
    }
}

@Suite("χ² test")
struct ChiSquareTestTests {
    @Test("p-values match closed forms")
    func closedForms() {
        // 2 degrees of freedom: p = exp(−x/2). 1 dof: p = erfc(√(x/2)).
        for x in [0.5, 2.0, 7.3] {
            #expect(abs(ChiSquaredDistribution.regularisedUpperGamma(a: 1, x: x / 2) - Double.exp(-x / 2)) < 1e-13)
            #expect(abs(ChiSquaredDistribution.regularisedUpperGamma(a: 0.5, x: x / 2) - erfc((x / 2).squareRoot())) < 1e-12)
        }
        // 3 bins, expected 100 each, observed 90/100/110: X² = 2, dof 2.
        let test = ChiSquareTest(observed: [90, 100, 110], expected: [100, 100, 100])
        #expect(abs(test.statistic - 2) < 1e-12 && test.degreesOfFreedom == 2)
        #expect(abs(test.pValue - Double.exp(-1)) < 1e-12)
    }
}
