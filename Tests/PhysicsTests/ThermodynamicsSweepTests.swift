import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite struct ThermodynamicsSweepTests {
    @Test func rowQuantitiesMatchTheGibbsState() {
        var rng = SeededRNG(seed: 31)
        for _ in 0..<200 {
            let n = 2 + rng.int(below: 100)
            let sigma = pow(10, rng.uniform(-1, 1.5))
            let scores = (0..<n).map { _ in sigma * rng.normal() }
            let beta = pow(10, rng.uniform(-2, 2))
            let s = TemperatureSweep.row(scores, beta: beta)
            let g = GibbsState(scores: scores, temperature: 1 / beta)
            let p = g.probabilities
            #expect(abs(s.entropy - g.entropy) <= 1e-10 * max(1, g.entropy))
            #expect(abs(s.heatCapacity - g.heatCapacity) <= 1e-9 * max(1, g.heatCapacity))
            #expect(abs(s.maxWeight - p.max()!) <= 1e-12)
            #expect(abs(s.participationRatio - 1 / p.reduce(0) { $0 + $1 * $1 }) <= 1e-9 * Double(n))
            #expect(abs(s.normalisedEntropy - g.entropy / log(Double(n))) <= 1e-10)
        }
    }

    @Test func limitsAreUniformAndOneHot() {
        let scores = [0.3, -1.2, 2.5, 0.9, -0.4]
        let hot = TemperatureSweep.row(scores, beta: 0)
        #expect(abs(hot.normalisedEntropy - 1) <= 1e-15)
        #expect(abs(hot.participationRatio - 5) <= 1e-12)
        #expect(abs(hot.maxWeight - 0.2) <= 1e-15)
        #expect(hot.heatCapacity == 0)
        let cold = TemperatureSweep.row(scores, beta: 1e6)
        #expect(cold.entropy <= 1e-12)
        #expect(abs(cold.participationRatio - 1) <= 1e-12)
        #expect(abs(cold.maxWeight - 1) <= 1e-12)
        #expect(cold.heatCapacity <= 1e-12)
    }

    /// Two levels 0 and Δ: C(β) = x²eˣ/(1 + eˣ)², maximum at x·tanh(x/2) = 2.
    @Test func twoLevelSchottkyPeak() {
        let x = HeatCapacityPeak.twoLevelPeakX
        #expect(abs(x * tanh(x / 2) - 2) <= 1e-13)
        #expect(abs(HeatCapacityPeak.twoLevelHeatCapacity(beta: x, gap: 1) - HeatCapacityPeak.twoLevelPeakHeight) <= 1e-13)
        for gap in [0.1, 1.0, 7.0] {
            let scores = [0.0, -gap]
            for beta in [0.01, 0.3, 2.0, 40.0] {
                let c = TemperatureSweep.row(scores, beta: beta).heatCapacity
                #expect(abs(c - HeatCapacityPeak.twoLevelHeatCapacity(beta: beta, gap: gap)) <= 1e-13)
            }
            let betas = TemperatureSweep.logGrid(from: 1e-3, to: 1e3, perDecade: 40)
            let values = betas.map { TemperatureSweep.row(scores, beta: $0).heatCapacity }
            let peak = HeatCapacityPeak(betas: betas, values: values)!
            #expect(peak.interior)
            #expect(abs(peak.beta * gap / x - 1) <= 2e-3)
            #expect(abs(peak.height / HeatCapacityPeak.twoLevelPeakHeight - 1) <= 1e-3)
            // The Schottky peak's FWHM in log β is the same for every gap: the half-maximum
            // crossings x = 1.07628 and 4.50364 of (x/2)²sech²(x/2) give log(4.50364/1.07628) = 1.43137.
            #expect(abs(peak.logWidth! - 1.43137) <= 0.01)
        }
    }

    /// ∫ C d(log β) = log n − log g: the area under every row's peak is fixed by its keys.
    @Test func heatCapacityAreaIsTheEntropyToRelease() {
        var rng = SeededRNG(seed: 32)
        let betas = TemperatureSweep.logGrid(from: 1e-5, to: 1e5, perDecade: 60)
        let h = log(10.0) / 60
        for degenerate in [1, 3] {
            let n = 24
            var scores = (0..<n).map { _ in rng.normal() }
            let top = scores.max()! + 0.5
            for i in 0..<degenerate { scores[i] = top }
            let area = betas.reduce(0) { $0 + TemperatureSweep.row(scores, beta: $1).heatCapacity } * h
            #expect(abs(area - (log(Double(n)) - log(Double(degenerate)))) <= 2e-3)
        }
    }

    /// Many i.i.d. N(0, s²) scores: S → log n − s²/2 (the annealed random-energy-model result,
    /// valid while n ≫ exp(s²)).
    @Test func gaussianScoresApproachTheAnnealedEntropy() {
        var rng = SeededRNG(seed: 33)
        let n = 50_000
        for s in [0.3, 0.7] {
            let scores = (0..<n).map { _ in s * rng.normal() }
            let state = TemperatureSweep.row(scores, beta: 1)
            #expect(abs(state.entropy - (log(Double(n)) - s * s / 2)) <= 0.01)
            // And C = s² (the tilted Gaussian keeps variance s²).
            #expect(abs(state.heatCapacity - s * s) <= 0.03 * s * s + 0.005)
        }
    }

    @Test func causalAccumulationCountsEveryRowOnce() {
        var rng = SeededRNG(seed: 34)
        let t = 9
        let scores = (0..<(t * t)).map { _ in rng.normal() }
        let betas = [0.5, 1, 2]
        var sums = [TemperatureSweep.Sums(points: 3), TemperatureSweep.Sums(points: 3)]
        scores.withUnsafeBufferPointer { p in
            TemperatureSweep.accumulateCausal(p, length: t, betas: betas, into: &sums) { $0 <= 4 ? 0 : 1 }
        }
        #expect(sums[0].rows == 3 && sums[1].rows == 5)  // n = 2…4 and n = 5…9
        let row4 = Array(scores[(3 * t)..<(3 * t + 4)])  // query t = 3 sees keys 0…3
        var direct = TemperatureSweep.Sums(points: 3)
        for q in 1...3 { Array(scores[(q * t)..<(q * t + q + 1)]).withUnsafeBufferPointer { direct.add($0, betas: betas) } }
        #expect(abs(direct.heatCapacity[1] - sums[0].heatCapacity[1]) <= 1e-12)
        #expect(TemperatureSweep.row(row4, beta: 2).heatCapacity <= direct.heatCapacity[2])
    }

    /// The finite-size reading on systems with known answers: i.i.d. Gaussian scores of fixed
    /// variance (no finite-temperature transition: asymptotically β* ≈ √(2 log n)/σ runs away)
    /// against a first-order transition built at β_c = 1 (the peak converges there and sharpens).
    @Test func peakScalingSeparatesACrossoverFromATransition() {
        let t = 64
        let betas = TemperatureSweep.logGrid(from: 1e-2, to: 1e3, perDecade: 10)
        var rng = SeededRNG(seed: 35)
        let bins: [ClosedRange<Int>] = [2...3, 4...7, 8...15, 16...31, 32...64]
        func bin(_ n: Int) -> Int? { bins.firstIndex { $0.contains(n) } }
        let rem = (0..<16).map { _ -> [TemperatureSweep.Sums] in
            var sums = [TemperatureSweep.Sums](repeating: TemperatureSweep.Sums(points: betas.count), count: bins.count)
            for _ in 0..<12 {
                let scores = (0..<(t * t)).map { _ in rng.normal() }
                scores.withUnsafeBufferPointer { TemperatureSweep.accumulateCausal($0, length: t, betas: betas, into: &sums, bin: bin) }
            }
            return sums
        }
        let crossover = PeakScaling.analyse(samples: rem, betas: betas, replicates: 60, rng: &rng)
        // No finite-temperature transition: the peak creeps to larger β as n grows.
        let drift = crossover.drift!
        #expect(drift.value > 0 && drift.value - drift.error > 0)
        #expect(crossover.bins.last!.peak!.beta > crossover.bins[1].peak!.beta)

        var firstOrder = [TemperatureSweep.Sums](repeating: TemperatureSweep.Sums(points: betas.count), count: bins.count)
        for n in 3...t {
            var row = [Double](repeating: 0, count: n)
            row[0] = log(Double(n - 1))
            row.withUnsafeBufferPointer { firstOrder[bin(n)!].add($0, betas: betas) }
        }
        let transition = PeakScaling.analyse(samples: [firstOrder, firstOrder], betas: betas, replicates: 4, rng: &rng)
        // The transition: β* approaches β_c = 1 (from above: β² in C pushes small-n peaks up), and
        // the peak sharpens much faster than the crossover's.
        let betasStar = transition.bins.dropFirst().map { $0.peak!.beta }
        #expect(zip(betasStar, betasStar.dropFirst()).allSatisfy { $0 > $1 && $1 > 1 })
        #expect(betasStar.last! < 1.3)
        #expect(transition.drift!.value < -0.3)
        #expect(transition.sharpening!.value > crossover.sharpening!.value + 0.15)
    }
}
