import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("Ising memory learning rules and capacity")
struct IsingMemoryLearningTests {
    static let rules: [LearningRule] = [.softmax(beta: 1.3), .lorentzian(gamma: 0.8), .lorentzianHebbian(gamma: 0.8), .mpf]

    @Test("every rule's objective gradient matches central finite differences", arguments: rules)
    func objectiveGradient(rule: LearningRule) {
        var rng = SeededRNG(seed: 31)
        let patterns = PatternSet.random(count: 5, size: 9, rng: &rng)
        var memory = IsingMemory.hebbian(patterns)
        memory.fields = (0..<9).map { _ in 0.2 * rng.normal() }
        let training = RuleTraining(rule: rule, regularization: 0.03)
        let (_, dJ, dh) = training.objective(memory, patterns)
        let n = 9, step = 1e-6
        var worst = 0.0, scale = 0.0
        for i in 0..<n {
            for j in (i + 1)..<n {
                var plus = memory, minus = memory
                plus.couplings[i * n + j] += step; plus.couplings[j * n + i] += step
                minus.couplings[i * n + j] -= step; minus.couplings[j * n + i] -= step
                let fd = (training.objective(plus, patterns).value - training.objective(minus, patterns).value) / (2 * step)
                // Moving J_ij and J_ji together changes L by 2·dJ_ij per unit step.
                worst = max(worst, abs(fd - 2 * dJ[i * n + j]))
                scale = max(scale, abs(fd))
            }
            var plus = memory, minus = memory
            plus.fields[i] += step
            minus.fields[i] -= step
            let fd = (training.objective(plus, patterns).value - training.objective(minus, patterns).value) / (2 * step)
            worst = max(worst, abs(fd - dh[i]))
            scale = max(scale, abs(fd))
        }
        #expect(worst < 1e-6 * max(1, scale), "\(rule): worst deviation \(worst)")
    }

    @Test(
        "a single stored pattern is a fixed point and an attractor under every rule",
        arguments: [LearningRule.hebbian] + rules)
    func singlePatternFixedPoint(rule: LearningRule) {
        var rng = SeededRNG(seed: 32)
        let patterns = PatternSet.random(count: 1, size: 24, rng: &rng)
        let memory = RuleTraining(rule: rule).train(patterns).memory
        let xi = patterns.pattern(0)
        #expect(memory.isFixedPoint(xi), "\(rule): gaps \(memory.gaps(xi).min()!)")
        let cue = corruptedCue(xi, flipFraction: 0.25, rng: &rng)
        let recalled = RecallDynamics().run(memory, from: cue, rng: &rng).state
        #expect(spinOverlap(recalled, xi) == 1)
    }

    @Test("at small β the softmax rule learns the Hebbian couplings (up to scale)")
    func softmaxSmallBetaIsHebbian() {
        var rng = SeededRNG(seed: 33)
        let patterns = PatternSet.random(count: 12, size: 40, rng: &rng)
        let hebbian = IsingMemory.hebbian(patterns).couplings
        let learned = RuleTraining(rule: .softmax(beta: 1e-4), regularization: 0.05, learnFields: false).train(patterns).memory.couplings
        let dot = zip(hebbian, learned).reduce(0) { $0 + $1.0 * $1.1 }
        let cosine = dot / (hebbian.reduce(0) { $0 + $1 * $1 }.squareRoot() * learned.reduce(0) { $0 + $1 * $1 }.squareRoot())
        #expect(cosine > 0.9999, "cosine \(cosine)")
        // At β = 1 the weights are no longer uniform: the direction moves away from Hebbian.
        let sharp = RuleTraining(rule: .softmax(beta: 1), regularization: 0.05, learnFields: false).train(patterns).memory.couplings
        let dot2 = zip(hebbian, sharp).reduce(0) { $0 + $1.0 * $1.1 }
        let cosine2 = dot2 / (hebbian.reduce(0) { $0 + $1 * $1 }.squareRoot() * sharp.reduce(0) { $0 + $1 * $1 }.squareRoot())
        #expect(cosine2 < 0.999, "cosine at β = 1: \(cosine2)")
    }

    @Test("MPF and the softmax rule store more patterns than Hebbian learning at N = 64")
    func mpfBeatsHebbian() {
        let loads = [0.3]
        func retrieved(_ rule: LearningRule) -> Double {
            let m = CapacityMeasurement(training: RuleTraining(rule: rule), size: 64, loads: loads, seeds: 3)
            return m.run(rng: SeededRNG(seed: 34)).meanRetrieved(flipIndex: 0)[0].mean
        }
        let hebbian = retrieved(.hebbian), mpf = retrieved(.mpf), softmax = retrieved(.softmax(beta: 1))
        #expect(hebbian < 0.5, "Hebbian retrieves \(hebbian) at α = 0.3")
        #expect(mpf > 0.95 && softmax > 0.95, "MPF \(mpf), softmax \(softmax) at α = 0.3")
    }

    @Test("Hebbian capacity approaches 0.138 N: α_c(N) falls with N and extrapolates to 0.138 within finite-size error")
    func hebbianCapacity() {
        let loads = [0.12, 0.14, 0.16, 0.18, 0.2, 0.22, 0.25, 0.3]
        let sizes = [(128, 8), (256, 6), (512, 4)]
        let capacities = sizes.map { n, seeds -> (Double, Double) in
            let m = CapacityMeasurement(training: RuleTraining(rule: .hebbian), size: n, loads: loads, seeds: seeds)
            let c = m.run(rng: SeededRNG(seed: 35 + UInt64(n))).capacities[0]
            return (c.load!, c.error!)
        }
        // Weighted fit α_c(N) = α_∞ + a/√N.
        let fit = WeightedLineFit(x: sizes.map { 1 / Double($0.0).squareRoot() }, y: capacities.map(\.0), sigma: capacities.map(\.1))!
        let intercept = fit.intercept
        #expect(capacities[0].0 > capacities[2].0, "α_c should fall with N: \(capacities.map(\.0))")
        #expect(capacities[2].0 > 0.138 && capacities[2].0 < 0.19, "α_c(512) = \(capacities[2].0)")
        #expect(abs(intercept - 0.138) < 0.025, "extrapolated α_∞ = \(intercept) from \(capacities.map(\.0))")
    }
}

extension LearningRule: CustomTestStringConvertible {
    public var testDescription: String { description }
}
