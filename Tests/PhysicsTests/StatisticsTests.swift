import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("Statistics: fits and resampling")
struct StatisticsTests {
    @Test func lineFitRecoversExactLineAndKnownErrors() throws {
        // y = 2 − 0.5x with σ = 0.1 everywhere: Var(slope) = σ²/Σ(x − x̄)², exactly.
        let x: [Double] = [0, 1, 2, 3, 4, 5]
        let y = x.map { 2 - 0.5 * $0 }
        let fit = try LeastSquares.line(x: x, y: y, sigma: [Double](repeating: 0.1, count: 6))
        #expect(abs(fit.slope + 0.5) < 1e-12)
        #expect(abs(fit.intercept - 2) < 1e-12)
        let sxx = x.map { ($0 - 2.5) * ($0 - 2.5) }.reduce(0, +)
        #expect(abs(fit.slopeError - 0.1 / sxx.squareRoot()) < 1e-12)
        // Var(intercept) = σ²(1/N + x̄²/Sxx).
        #expect(abs(fit.interceptError - 0.1 * (1.0 / 6 + 6.25 / sxx).squareRoot()) < 1e-12)
    }

    @Test func weightedFitDownweightsTheOutlier() throws {
        // The last point is off the line but has a huge error; the weighted fit ignores it.
        let x: [Double] = [1, 2, 3, 4]
        let y: [Double] = [1, 2, 3, 10]
        let fit = try LeastSquares.line(x: x, y: y, sigma: [0.01, 0.01, 0.01, 1e4])
        #expect(abs(fit.slope - 1) < 1e-6)
    }

    @Test func jackknifeOfTheMeanIsTheStandardError() {
        var rng = SeededRNG(seed: 3)
        let values = (0..<50).map { _ in rng.normal() }
        let (mean, error) = Resampling.jackknifeMean(values)
        let summary = SampleSummary(values)
        #expect(abs(mean - summary.mean) < 1e-12)
        #expect(abs(error - summary.standardError) < 1e-12)
    }

    @Test func groupedJackknifeAndBootstrapAgreeWithTheoryForTheMean() {
        var rng = SeededRNG(seed: 4)
        let values = (0..<400).map { _ in rng.normal(mean: 1, std: 2) }
        let stat: ([Double]) -> [Double] = { w in
            [zip(w, values).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +)]
        }
        let jack = Resampling.jackknife(samples: values.count, groups: 20, statistic: stat)
        var brng = SeededRNG(seed: 5)
        let boot = Resampling.bootstrap(samples: values.count, replicates: 400, rng: &brng, statistic: stat)
        let expected = 2 / 20.0  // σ/√N
        #expect(abs(jack.standardErrors[0] / expected - 1) < 0.45)
        #expect(abs(boot.standardErrors[0] / expected - 1) < 0.2)
        #expect(jack.confidenceInterval(0).contains(1))
    }

    @Test func studentTQuantilesMatchTables() {
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 1) - 12.706204736) < 1e-6)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 10) - 2.228138852) < 1e-7)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 1e6) - 1.959966) < 1e-4)
        #expect(abs(StudentT.cdf(0, degreesOfFreedom: 3) - 0.5) < 1e-15)
    }

    @Test func akaikeWeightsPreferTheTrueModel() throws {
        // Data from a straight line with noise: the line beats a constant by a wide margin.
        var rng = SeededRNG(seed: 6)
        let x = (1...20).map(Double.init)
        let y = x.map { 0.3 * $0 + 0.05 * rng.normal() }
        let line = try LeastSquares.line(x: x, y: y, sigma: [Double](repeating: 0.05, count: 20))
        let mean = y.reduce(0, +) / 20
        let chiConstant = y.map { ($0 - mean) * ($0 - mean) / 0.0025 }.reduce(0, +)
        let aics = [
            InformationCriterion.aic(chiSquared: line.chiSquared, parameters: 2, points: 20),
            InformationCriterion.aic(chiSquared: chiConstant, parameters: 1, points: 20),
        ]
        let w = InformationCriterion.weights(aics)
        #expect(w[0] > 0.999)
        #expect(abs(w.reduce(0, +) - 1) < 1e-12)
    }
}
