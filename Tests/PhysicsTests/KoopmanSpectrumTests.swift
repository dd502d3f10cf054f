import ComplexModule
import Foundation
import RealModule
import TensorCore
import Testing

@testable import Physics

@Suite("Koopman spectrum")
struct KoopmanSpectrumTests {
    @Test("a rotation generator gives e^{±iθ}, all neutral")
    func rotation() throws {
        let theta = 0.7
        let a = Matrix([[0, -theta], [theta, 0]])
        let spectrum = try KoopmanSpectrum(generator: a, epsilon: 1e-6)
        let expected = [Complex(Double.cos(theta), Double.sin(theta)), Complex(Double.cos(theta), -Double.sin(theta))]
        for e in expected {
            #expect(spectrum.eigenvalues.contains { ($0 - e).length < 1e-14 })
        }
        #expect(spectrum.classes == [.neutral, .neutral])
        #expect(abs(spectrum.spectralRadius - 1) < 1e-14)
        #expect(abs(spectrum.netRate) < 1e-14)
        #expect(Set(spectrum.phases.map { ($0 * 1e10).rounded() / 1e10 }) == [theta, -theta])
    }

    @Test("a diagonal generator's classes, rates and Tr D are exact")
    func diagonal() throws {
        let rates = [Double.log(0.5), 0, Double.log(3), Double.log(1.5), -2e-4]
        let a = Matrix.diagonal(rates)
        let spectrum = try KoopmanSpectrum(generator: a, epsilon: 1e-3)
        // Sorted by |λ| descending: 3, 1.5, 1, 0.9998, 0.5.
        #expect(spectrum.classes == [.growth, .growth, .neutral, .neutral, .decay])
        #expect(spectrum.classCounts == [.growth: 2, .neutral: 2, .decay: 1])
        #expect(abs(spectrum.spectralRadius - 3) < 1e-13)
        #expect(abs(spectrum.minimumModulus - 0.5) < 1e-14)
        #expect(abs(spectrum.totalGrowth - Double.log(4.5)) < 1e-13)
        #expect(abs(spectrum.totalDecay - (Double.log(0.5) - 2e-4)) < 1e-13)
        let decomposition = try GeneratorDecomposition(generator: a)
        #expect(decomposition.netDissipation == rates.reduce(0, +))
        #expect(abs(spectrum.netRate - decomposition.netDissipation) < 1e-13)
        #expect(decomposition.commutatorNorm == 0)
        #expect(abs(decomposition.dissipatorGrowth - Double.log(4.5)) < 1e-15)
    }

    @Test("a skew generator has |λ| = 1 to rounding and Tr D = 0")
    func skew() throws {
        var rng = SeededRNG(seed: 11)
        let h = Matrix.randomNormal(rows: 12, cols: 12, rng: &rng).antisymmetricPart
        let spectrum = try KoopmanSpectrum(generator: h, epsilon: 1e-9)
        #expect(spectrum.moduli.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(spectrum.classes.allSatisfy { $0 == .neutral })
        let decomposition = try GeneratorDecomposition(generator: h)
        #expect(decomposition.netDissipation == 0)
        #expect(decomposition.largestRate < 1e-12)
        #expect(decomposition.hamiltonianFraction == 1)
    }

    @Test("Σ log|λ(exp A)| = Tr D on random generators")
    func energyBudget() throws {
        var rng = SeededRNG(seed: 12)
        for trial in 0..<5 {
            let a = DynamicsTestSystems.generator(10, rotation: 1, dissipation: 0.8, shift: -0.1 * Double(trial), rng: &rng)
            let spectrum = try KoopmanSpectrum(generator: a, vectors: false)
            let decomposition = try GeneratorDecomposition(generator: a)
            #expect(abs(spectrum.netRate - decomposition.netDissipation) < 1e-10)
            #expect(abs(spectrum.totalGrowth + spectrum.totalDecay - spectrum.netRate) < 1e-12)
            // Re λ(A) are the same rates.
            let fromA = decomposition.eigenvalues.map { $0.real }.sorted()
            let fromK = spectrum.rates.sorted()
            #expect(DynamicsTestSystems.relativeError(fromA, fromK) < 1e-10)
            #expect(abs(decomposition.dissipatorEigenvalues.reduce(0, +) - decomposition.netDissipation) < 1e-12)
            #expect(spectrum.isNetDissipative == (decomposition.netDissipation < 0))
        }
    }

    @Test("left eigenvectors satisfy uᴴK = λuᴴ and are biorthogonal to the right ones")
    func leftEigenvectors() throws {
        var rng = SeededRNG(seed: 13)
        let k = Matrix.randomNormal(rows: 9, cols: 9, rng: &rng)
        let spectrum = try KoopmanSpectrum(propagator: k)
        let left = try #require(spectrum.left), right = try #require(spectrum.right)
        let d = 9
        for (j, u) in left.enumerated() {
            let lambda = spectrum.eigenvalues[j]
            // (uᴴK)_c = Σ_r conj(u_r) K_rc.
            for c in 0..<d {
                var s = Complex<Double>.zero
                for r in 0..<d { s += u[r].conjugate * Complex(k[r, c], 0) }
                #expect((s - lambda * u[c].conjugate).length < 1e-10)
            }
            // K v = λ v.
            let v = right[j]
            for r in 0..<d {
                var s = Complex<Double>.zero
                for c in 0..<d { s += Complex(k[r, c], 0) * v[c] }
                #expect((s - lambda * v[r]).length < 1e-10)
            }
            for (i, v2) in right.enumerated() where i != j {
                #expect(KoopmanSpectrum.innerProduct(u, v2).length < 1e-10)
            }
        }
        #expect(spectrum.conditionNumbers.allSatisfy { $0 >= 1 - 1e-12 && $0.isFinite })
        #expect(spectrum.moduli == spectrum.moduli.sorted(by: >))
    }

    @Test("‖[H, D]‖ vanishes for a normal generator and is bounded by Böttcher–Wenzel")
    func commutator() throws {
        var rng = SeededRNG(seed: 14)
        let h = Matrix.randomNormal(rows: 6, cols: 6, rng: &rng).antisymmetricPart
        let normal = try GeneratorDecomposition(generator: h + Matrix.identity(6) * -0.3)
        #expect(normal.commutatorNorm < 1e-14)
        let general = try GeneratorDecomposition(generator: Matrix.randomNormal(rows: 6, cols: 6, rng: &rng))
        #expect(general.commutatorNorm > 0.1)
        #expect(general.normalisedCommutator > 0 && general.normalisedCommutator <= 1)
    }

    @Test("mode activations recover known eigen-coordinates")
    func modeActivations() throws {
        var rng = SeededRNG(seed: 15)
        let d = 4
        // K = V Λ V⁻¹ with unit-norm columns v_k and distinct real eigenvalues.
        var v = Matrix.randomNormal(rows: d, cols: d, rng: &rng)
        for c in 0..<d {
            let n = v.column(c).reduce(0) { $0 + $1 * $1 }.squareRoot()
            for r in 0..<d { v[r, c] /= n }
        }
        let lambdas = [2.5, 1.2, 0.7, 0.3]
        let k = v * Matrix.diagonal(lambdas) * (try v.inverse())
        let spectrum = try KoopmanSpectrum(propagator: k)
        // Items h_i = Σ_k c_ik v_k with known coefficients; item 2 excites mode 0 only, strongly.
        let items = 5
        var coefficients = Matrix.randomNormal(rows: items, cols: d, std: 0.1, rng: &rng)
        for c in 0..<d { coefficients[2, c] = c == 0 ? 5 : 0 }
        let states = coefficients.multiplied(by: v, transposeOther: true)  // (items, d)
        let activations = ModeActivations(spectrum: spectrum, states: states)
        for i in 0..<items {
            for c in 0..<d {
                // Spectrum order = lambdas order (already descending).
                #expect(abs(activations.magnitudes[i, c] - abs(coefficients[i, c])) < 1e-9)
            }
        }
        #expect(activations.topItems(column: 0, count: 1).first?.item == 2)
        #expect(activations.activationProbability(column: 0, threshold: 1) == 0.2)
        #expect(activations.activationProbability(column: 1, threshold: 1) == 0)
        #expect(activations.participationRatio(column: 0) < 0.25)
        #expect(activations.topShare(column: 0, fraction: 0.2) > 0.99)
        let relative = ModeActivations(spectrum: spectrum, states: states, modes: [0], relative: true)
        #expect(abs(relative.magnitudes[2, 0] - 1) < 1e-9)
    }

    @Test("hidden-state norm statistics")
    func norms() {
        let states = Matrix([[3, 4], [0, 1], [1, 0], [0, 2]])
        let stats = HiddenStateNorms(states: states, bound: 1.5)
        #expect(stats.norms == [5, 1, 1, 2])
        #expect(stats.mean == 2.25)
        #expect(stats.maximum == 5)
        #expect(stats.countAbove == 2)
        #expect(stats.fractionAbove == 0.5)
        // Deviations 2.75, −1.25, −1.25, −0.25: Σ² = 10.75 over n − 1 = 3.
        #expect(abs(stats.standardDeviation - (10.75 / 3).squareRoot()) < 1e-12)
    }
}
