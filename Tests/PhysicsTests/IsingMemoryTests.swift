import TensorCore
import Testing

@testable import Physics

/// A random symmetric zero-diagonal memory with Gaussian couplings and fields.
func randomIsingMemory(size n: Int, couplingStd: Double = 0.5, fieldStd: Double = 0.3, rng: inout SeededRNG) -> IsingMemory {
    var j = [Double](repeating: 0, count: n * n)
    for a in 0..<n {
        for b in (a + 1)..<max(a + 1, n) {
            let v = couplingStd * rng.normal()
            j[a * n + b] = v
            j[b * n + a] = v
        }
    }
    return IsingMemory(couplings: j, fields: (0..<n).map { _ in fieldStd * rng.normal() })
}

func randomSpins(_ n: Int, rng: inout SeededRNG) -> [Double] { (0..<n).map { _ in rng.next() & 1 == 0 ? 1.0 : -1.0 } }

@Suite("Ising memory")
struct IsingMemoryTests {
    @Test("gaps equal energy differences of single flips")
    func gapsAreEnergyDifferences() {
        var rng = SeededRNG(seed: 1)
        let memory = randomIsingMemory(size: 12, rng: &rng)
        let s = randomSpins(12, rng: &rng)
        let gaps = memory.gaps(s)
        let e0 = memory.energy(s)
        for k in 0..<12 {
            var flipped = s
            flipped[k] = -s[k]
            #expect(abs(gaps[k] - (memory.energy(flipped) - e0)) < 1e-12)
        }
        // Batched gaps agree with the single-state ones.
        let set = PatternSet(count: 1, size: 12, values: s)
        let batched = memory.gaps(set)
        #expect(zip(batched, gaps).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("zero-temperature recall lowers the energy and stops at a fixed point")
    func zeroTemperatureRecall() {
        var rng = SeededRNG(seed: 2)
        let memory = randomIsingMemory(size: 40, rng: &rng)
        let cue = randomSpins(40, rng: &rng)
        let result = RecallDynamics().run(memory, from: cue, rng: &rng)
        #expect(result.converged)
        #expect(memory.isFixedPoint(result.state) || memory.gaps(result.state).allSatisfy { $0 >= 0 })
        #expect(memory.energy(result.state) <= memory.energy(cue))
    }

    @Test("finite-temperature heat bath samples the Boltzmann law of a 4-spin memory")
    func heatBathBoltzmann() {
        var rng = SeededRNG(seed: 3)
        let n = 4
        let memory = randomIsingMemory(size: n, couplingStd: 0.6, fieldStd: 0.4, rng: &rng)
        let beta = 1.0
        var exact = [Double](repeating: 0, count: 16)
        for x in 0..<16 {
            let s = (0..<n).map { (x >> $0) & 1 == 1 ? 1.0 : -1.0 }
            exact[x] = Double.exp(-beta * memory.energy(s))
        }
        let z = exact.reduce(0, +)
        var counts = [Int](repeating: 0, count: 16)
        let dynamics = RecallDynamics(beta: beta, maxSweeps: 20)
        let draws = 8000
        for _ in 0..<draws {
            let final = dynamics.run(memory, from: randomSpins(n, rng: &rng), rng: &rng).state
            var x = 0
            for i in 0..<n where final[i] > 0 { x |= 1 << i }
            counts[x] += 1
        }
        let test = ChiSquareTest(observed: counts, expected: exact.map { $0 / z * Double(draws) })
        #expect(test.pValue > 1e-3, "χ² = \(test.statistic) on \(test.degreesOfFreedom) dof")
    }
}

@Suite("Leakage free energy")
struct LeakageFreeEnergyTests {
    @Test("closed-form gradient equals the complex-step derivative to rounding")
    func closedFormMatchesComplexStep() {
        var rng = SeededRNG(seed: 4)
        for beta in [0.3, 1.0, 4.0] {
            let memory = randomIsingMemory(size: 10, rng: &rng)
            let s = randomSpins(10, rng: &rng)
            let closed = LeakageFreeEnergy.gradient(memory, state: s, beta: beta)
            let reference = LeakageGradientCheck.complexStepGradient(memory, state: s, beta: beta)
            let deviation = LeakageGradientCheck.worstRelativeDeviation(closed, reference: reference)
            #expect(deviation < 1e-13, "β = \(beta): worst relative deviation \(deviation)")
            let fd = LeakageFreeEnergy.finiteDifferenceGradient(memory, state: s, beta: beta)
            #expect(LeakageGradientCheck.worstRelativeDeviation(closed, reference: fd) < 1e-7)
        }
    }

    @Test("closed-form gradient equals reverse-mode autodiff to rounding")
    func closedFormMatchesAutodiff() {
        var rng = SeededRNG(seed: 7)
        for beta in [0.2, 1.0, 5.0] {
            let memory = randomIsingMemory(size: 16, rng: &rng)
            let s = randomSpins(16, rng: &rng)
            let closed = LeakageFreeEnergy.gradient(memory, state: s, beta: beta)
            let auto = LeakageGradientCheck.autodiffGradient(memory, state: s, beta: beta)
            let deviation = LeakageGradientCheck.worstRelativeDeviation(closed, reference: auto)
            #expect(deviation < 1e-13, "β = \(beta): worst relative deviation \(deviation)")
        }
    }

    @Test("a wrong gradient is caught: dropping the p_j term fails the check")
    func checkCanFail() {
        var rng = SeededRNG(seed: 5)
        let memory = randomIsingMemory(size: 8, rng: &rng)
        let s = randomSpins(8, rng: &rng)
        let beta = 1.5
        let p = LeakageFreeEnergy.weights(gaps: memory.gaps(s), beta: beta)
        var wrong = LeakageFreeEnergy.gradient(memory, state: s, beta: beta)
        for i in 0..<8 { for j in 0..<8 where j != i { wrong.couplings[i * 8 + j] = -2 * beta * p[i] * s[i] * s[j] } }
        let reference = LeakageGradientCheck.complexStepGradient(memory, state: s, beta: beta)
        #expect(LeakageGradientCheck.worstRelativeDeviation(wrong, reference: reference) > 1e-2)
    }

    @Test("at small β the gradient is the Hebbian outer product")
    func hebbianLimit() {
        var rng = SeededRNG(seed: 6)
        let n = 9
        let memory = randomIsingMemory(size: n, rng: &rng)
        let s = randomSpins(n, rng: &rng)
        let beta = 1e-7
        let g = LeakageFreeEnergy.gradient(memory, state: s, beta: beta)
        for i in 0..<n {
            for j in 0..<n where j != i {
                #expect(abs(g.couplings[i * n + j] / (-4 * beta / Double(n)) - s[i] * s[j]) < 1e-5)
            }
        }
    }
}
