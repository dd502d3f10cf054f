import Foundation
import TensorCore
import Testing

@testable import Physics

/// The generic pieces under the NN-QFT estimators: normal and χ² draws, the cosine of the
/// embedding, the jackknife, the weighted line fit and tail probabilities.
@Suite("NNQFT statistics")
struct NNQFTStatisticsTests {
    /// The child generator the ensembles draw from (the streams these tests were written with).
    static func generator(seed: UInt64) -> SeededRNG {
        var parent = SeededRNG(seed: seed)
        return SeededRNG(drawingStateFrom: &parent)
    }

    @Test("ziggurat normals have the moments and CDF of N(0, 1), tail included")
    func zigguratNormals() {
        var rng = Self.generator(seed: 11)
        let count = 1_000_000
        var values = [Double](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { GaussianDraws.fill($0.baseAddress!, count: count, rng: &rng) }
        let n = Double(count)
        let mean = values.reduce(0, +) / n
        let m2 = values.reduce(0) { $0 + $1 * $1 } / n
        let m4 = values.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n
        #expect(abs(mean) < 5 / n.squareRoot())
        #expect(abs(m2 - 1) < 5 * 2.0.squareRoot() / n.squareRoot())
        #expect(abs(m4 - 3) < 5 * 96.0.squareRoot() / n.squareRoot())
        // CDF at points across the layers and in the tail (beyond r = 3.654).
        for x in [-3.0, -1.5, -0.5, 0.0, 0.3, 1.0, 2.2, 3.0, 3.8] {
            let p = 0.5 * erfc(-x / 2.0.squareRoot())
            let observed = Double(values.filter { $0 < x }.count) / n
            #expect(abs(observed - p) < 5 * (p * (1 - p) / n).squareRoot() + 1e-9, "CDF at \(x): \(observed) vs \(p)")
        }
        let tail = Double(values.filter { abs($0) > 3.8 }.count)
        let expected = n * erfc(3.8 / 2.0.squareRoot())
        #expect(abs(tail - expected) < 5 * expected.squareRoot())
    }

    @Test("χ²(k)/k draws have mean 1 and variance 2/k", arguments: [1, 3, 64])
    func chiSquared(k: Int) {
        var rng = Self.generator(seed: UInt64(k))
        let count = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<count {
            let x = GaussianDraws.chiSquaredOverDegrees(k, rng: &rng)
            s += x; s2 += x * x
        }
        let mean = s / Double(count), variance = s2 / Double(count) - mean * mean
        let expected = 2 / Double(k)
        #expect(abs(mean - 1) < 5 * (expected / Double(count)).squareRoot())
        // Var of the sample variance of a χ²/k variable ≈ (μ4 − σ⁴)/M with μ4 = 12(k+4)/k³.
        let mu4 = 12 * Double(k + 4) / Double(k * k * k)
        #expect(abs(variance - expected) < 5 * ((mu4 - expected * expected) / Double(count)).squareRoot())
    }

    @Test("fast cosine agrees with the C library to a few ulps")
    func fastCosineAccuracy() {
        var worst = 0.0
        var rng = SeededRNG(seed: 3)
        for i in 0..<200_000 {
            let x = i < 100_000 ? (Double(i) - 50_000) * 0.01 : rng.uniform(-2000, 2000)
            worst = max(worst, abs(fastCosine(x) - cos(x)))
        }
        #expect(worst < 2e-15, "max |fastCosine − cos| = \(worst)")
        // The four-lane version gives the same numbers, tail included.
        var xs = (0..<103).map { _ in rng.uniform(-300, 300) }
        let scalar = xs.map(fastCosine)
        xs.withUnsafeMutableBufferPointer { cosinesInPlace($0.baseAddress!, count: $0.count) }
        #expect(xs == scalar)
    }

    @Test("blocked jackknife: the error of a mean is σ/√N and a ratio's error matches the delta method")
    func jackknife() {
        var rng = SeededRNG(seed: 5)
        let blocks = 50, perBlock = 2000
        var sums = [Double](repeating: 0, count: blocks * 2)
        for b in 0..<blocks {
            for _ in 0..<perBlock {
                let x = 2 + rng.normal(), y = 4 + 0.5 * rng.normal()
                sums[b * 2] += x
                sums[b * 2 + 1] += y
            }
        }
        let jk = BlockJackknife(sums: sums, counts: Array(repeating: perBlock, count: blocks), dimension: 2)
        let n = Double(blocks * perBlock)
        let mean = jk.estimate { $0[0] }
        #expect(abs(mean.error / (1 / n.squareRoot()) - 1) < 0.35, "jackknife error \(mean.error)")
        let ratio = jk.estimate { $0[0] / $0[1] }
        // δ(x/y) ≈ √(σx²/y² + x²σy²/y⁴)/√N
        let delta = ((1.0 / 16) + 4 * 0.25 / 256).squareRoot() / n.squareRoot()
        #expect(abs(ratio.error / delta - 1) < 0.35)
        #expect(abs(ratio.value - 0.5) < 5 * delta)
    }

    @Test("weighted line fit recovers slope and intercept with the textbook errors")
    func weightedLineFit() {
        let x = (0..<10).map(Double.init)
        let exact = x.map { 1.5 - 0.75 * $0 }
        let fit = WeightedLineFit(x: x, y: exact, sigma: Array(repeating: 0.1, count: 10))!
        #expect(abs(fit.slope + 0.75) < 1e-12 && abs(fit.intercept - 1.5) < 1e-12)
        // σ_b = σ/√Σ(x − x̄)² for equal errors
        let sxx = x.reduce(0) { $0 + ($1 - 4.5) * ($1 - 4.5) }
        #expect(abs(fit.slopeError - 0.1 / sxx.squareRoot()) < 1e-12)
        #expect(fit.chiSquared < 1e-20 && fit.degreesOfFreedom == 8)
        // Power law: y = 3 x^−1 recovered with slope −1.
        let power = WeightedLineFit.powerLaw(x: [1, 2, 4, 8], y: [3, 1.5, 0.75, 0.375], sigma: [0.03, 0.015, 0.0075, 0.00375])!
        #expect(abs(power.slope + 1) < 1e-12)
        #expect(WeightedLineFit(x: [1, 1], y: [1, 2], sigma: [1, 1]) == nil)
    }

    @Test("the floor-cut, reweighted power-law fit is unbiased on synthetic 1/N data; unreweighted is not")
    func powerLawFitBias() {
        let n: [Double] = [1, 2, 4, 8, 16, 32, 64]
        let sigma = [0.5, 0.25, 0.13, 0.1, 0.06, 0.06, 0.055]  // like the single-layer measurement
        var rng = Self.generator(seed: 17)
        var reweighted = 0.0, plain = 0.0, fits = 0
        for _ in 0..<6000 {
            var values: [JackknifeValue] = []
            for i in n.indices {
                // Box–Muller from the test's generator
                let u = 1 - rng.uniform(), v = rng.uniform()
                let z = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
                values.append(JackknifeValue(value: 10 / n[i] + sigma[i] * z, error: sigma[i]))
            }
            let analysis = ScalingAnalysis(x: n, values: values, floors: Array(repeating: 0.05, count: n.count))
            let kept = analysis.included
            guard let fit = analysis.fit,
                let raw = WeightedLineFit.powerLaw(
                    x: kept.map(\.x), y: kept.map(\.value.value), sigma: kept.map(\.value.error),
                    reweight: false)
            else { continue }
            reweighted += fit.slope
            plain += raw.slope
            fits += 1
        }
        let meanReweighted = reweighted / Double(fits), meanPlain = plain / Double(fits)
        // The spread of one fit is ≈ 0.028, so the mean of 6000 is known to ≈ 0.0004.
        #expect(abs(meanReweighted + 1) < 0.002, "reweighted mean slope \(meanReweighted)")
        #expect(meanPlain + 1 > 0.005, "weights from measured values bias the slope towards 0: \(meanPlain)")
    }

    @Test("tail probabilities match known values")
    func tails() {
        #expect(abs(TailProbability.normalTwoSided(1.959963984540054) - 0.05) < 1e-12)
        #expect(abs(TailProbability.chiSquared(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-10)
        #expect(abs(TailProbability.chiSquared(18.307038053275146, degreesOfFreedom: 10) - 0.05) < 1e-10)
        #expect(abs(TailProbability.chiSquared(2, degreesOfFreedom: 2) - exp(-1)) < 1e-12)
    }
}
