import Foundation
import TensorCore
import Testing

@testable import Physics

#if canImport(Glibc)
    import Glibc
#endif

/// Random logit sets: n levels, scores N(0, σ²) with σ log-uniform in [0.1, 30], β log-uniform in [1e-2, 1e2].
private func randomCases(_ count: Int, seed: UInt64) -> [(energies: [Double], beta: Double)] {
    var rng = SeededRNG(seed: seed)
    return (0..<count).map { _ in
        let n = 2 + rng.int(below: 200)
        let sigma = pow(10, rng.uniform(-1, log10(30)))
        let beta = pow(10, rng.uniform(-2, 2))
        return ((0..<n).map { _ in -sigma * rng.normal() }, beta)
    }
}

#if arch(x86_64) && canImport(Glibc)
    /// log Z, U and S in 80-bit extended precision: the reference the Double code is held to.
    private func extendedReference(_ energies: [Double], _ beta: Double) -> (logZ: Double, u: Double, s: Double) {
        let x = energies.map { -Float80(beta) * Float80($0) }
        let m = x.max()!
        var z: Float80 = 0
        for v in x { z += expl(v - m) }
        let logZ = m + logl(z)
        var u: Float80 = 0, s: Float80 = 0
        for (v, e) in zip(x, energies) {
            let lp = v - logZ
            let p = expl(lp)
            u += p * Float80(e)
            s -= p * lp
        }
        return (Double(logZ), Double(u), Double(s))
    }
#endif

@Suite struct ThermodynamicsTests {
    @Test func gibbsStateMatchesExtendedPrecisionReference() {
        #if arch(x86_64) && canImport(Glibc)
            for (energies, beta) in randomCases(300, seed: 11) {
                let g = GibbsState(energies: energies, beta: beta)
                let ref = extendedReference(energies, beta)
                let scale = max(1, abs(ref.logZ))
                #expect(abs(g.logPartitionFunction - ref.logZ) <= 1e-12 * scale)
                let eScale = max(1, energies.map(abs).max()!)
                #expect(abs(g.internalEnergy - ref.u) <= 1e-12 * eScale)
                #expect(abs(g.entropy - ref.s) <= 1e-12 * max(1, ref.s))
            }
        #endif
    }

    @Test func softmaxIsTheGibbsDistributionAndTheIdentitiesHold() {
        for (energies, beta) in randomCases(300, seed: 12) {
            let g = GibbsState(energies: energies, beta: beta)
            let p = g.probabilities
            let softmax = GibbsState.softmax(energies.map { -beta * $0 })
            #expect(abs(p.reduce(0, +) - 1) <= 1e-12)
            for i in p.indices { #expect(abs(p[i] - softmax[i]) <= 1e-12) }
            // F = U − S/β, with S the Shannon entropy of the softmax output.
            let s = GibbsState.shannonEntropy(softmax)
            let f = g.freeEnergy, u = g.internalEnergy
            let scale = max(abs(f), abs(u), abs(s / beta))
            #expect(abs(f - (u - s / beta)) <= 1e-12 * scale)
            // Born amplitudes square back to the probabilities and are normalised.
            let psi = g.amplitudes
            for i in p.indices { #expect(abs(psi[i] * psi[i] - p[i]) <= 1e-12) }
            #expect(abs(psi.reduce(0) { $0 + $1 * $1 } - 1) <= 1e-12)
            // The temperature form: softmax(s/τ) with s = −E, τ = 1/β.
            let t = GibbsState(scores: energies.map { -$0 }, temperature: 1 / beta)
            #expect(abs(t.logPartitionFunction - g.logPartitionFunction) <= 1e-12 * max(1, abs(g.logPartitionFunction)))
        }
    }

    @Test func heatCapacityIsMinusBetaSquaredDUdBeta() {
        for (energies, beta) in randomCases(40, seed: 13) {
            let h = 1e-5 * beta
            let up = GibbsState(energies: energies, beta: beta + h).internalEnergy
            let down = GibbsState(energies: energies, beta: beta - h).internalEnergy
            let numeric = -beta * beta * (up - down) / (2 * h)
            let c = GibbsState(energies: energies, beta: beta).heatCapacity
            // Central difference: truncation ~h² relative, rounding ~ε·max|E|·β²/h absolute.
            let rounding = 100 * Double.ulpOfOne * energies.map(abs).max()! * beta * beta / h
            #expect(abs(numeric - c) <= 1e-6 * c + rounding, "β=\(beta): C=\(c) vs finite difference \(numeric)")
            #expect(c >= 0)
        }
    }

    @Test func highTemperatureLimitIsUniform() {
        let energies = [3.0, -1.5, 0.25, 7, -2]
        for beta in [0.0, 1e-300, 1e-16] {
            let g = GibbsState(energies: energies, beta: beta)
            for p in g.probabilities { #expect(abs(p - 0.2) <= 1e-12) }
            #expect(abs(g.entropy - log(5)) <= 1e-12)
            #expect(abs(g.internalEnergy - energies.reduce(0, +) / 5) <= 1e-11)
        }
        #expect(GibbsState(energies: energies, beta: 0).freeEnergy == -.infinity)
        #expect(GibbsState(energies: [2.5], beta: 0).freeEnergy == 2.5)
    }

    @Test func lowTemperatureLimitIsTheGroundState() {
        let energies = [3.0, -1.5, 0.25, 7, -2]
        for beta in [1e5, 1e12, 1e300] {
            let g = GibbsState(energies: energies, beta: beta)
            #expect(g.probabilities == [0, 0, 0, 0, 1])
            #expect(g.entropy == 0)
            #expect(g.internalEnergy == -2)
            #expect(abs(g.freeEnergy - -2) <= 1e-12)
            #expect(g.heatCapacity.isFinite)
        }
        // A two-fold degenerate ground state: p = ½, ½ and S = log 2, F = E₀ − log 2/β.
        let g = GibbsState(energies: [1, -4, -4, 0], beta: 1e6)
        #expect(g.probabilities.map { ($0 * 1e12).rounded() / 1e12 } == [0, 0.5, 0.5, 0])
        #expect(abs(g.entropy - log(2)) <= 1e-12)
        #expect(abs(g.freeEnergy - (-4 - log(2) / 1e6)) <= 1e-12)
    }

    @Test func hugeLogitsStayFinite() {
        let g = GibbsState(energies: [1e200, -1e200, 5e199], beta: 1)
        #expect(g.logPartitionFunction == 1e200)
        #expect(g.probabilities == [0, 1, 0])
        let h = GibbsState(energies: [-1e4, -1e4 + 1e-3, 2e4], beta: 50)
        #expect(h.logPartitionFunction.isFinite && h.entropy.isFinite && h.heatCapacity.isFinite)
        #expect(abs(h.probabilities.reduce(0, +) - 1) <= 1e-12)
    }

    @Test func negativeBetaMirrorsTheEnergies() {
        let energies = [0.3, -1.2, 2.2, 0.9]
        let a = GibbsState(energies: energies, beta: -0.7).probabilities
        let b = GibbsState(energies: energies.map { -$0 }, beta: 0.7).probabilities
        for i in a.indices { #expect(abs(a[i] - b[i]) <= 1e-15) }
    }

    @Test func newtonSolvesForTheInverseTemperature() throws {
        var rng = SeededRNG(seed: 14)
        for (energies, beta) in randomCases(200, seed: 15) {
            let target = GibbsState(energies: energies, beta: beta).internalEnergy
            // A frozen state (⟨E⟩ = min E to rounding) has no finite β; that case is tested below.
            guard target > energies.min()! && target < energies.max()! else { continue }
            let solution = try MaxEntropy.inverseTemperature(energies: energies, meanEnergy: target)
            let p = GibbsState(energies: energies, beta: solution.beta).probabilities
            let q = GibbsState(energies: energies, beta: beta).probabilities
            for i in p.indices { #expect(abs(p[i] - q[i]) <= 1e-9) }
            #expect(abs(solution.residual) <= 1e-12 * max(1, energies.map(abs).max()!))
            #expect(solution.iterations < 400)
        }
        // Negative β (⟨E⟩ above the uniform mean) and targets near the edges.
        let energies = (0..<10).map { _ in rng.normal() }
        for beta in [-30.0, -1, 1, 30] {
            let target = GibbsState(energies: energies, beta: beta).internalEnergy
            let solution = try MaxEntropy.inverseTemperature(energies: energies, meanEnergy: target)
            #expect(abs(solution.beta - beta) <= 1e-6 * abs(beta))
        }
        #expect(throws: MaxEntropy.SolveError.self) { try MaxEntropy.inverseTemperature(energies: [0, 1, 2], meanEnergy: 2) }
        #expect(try MaxEntropy.inverseTemperature(energies: [1, 1, 1], meanEnergy: 1).beta == 0)
    }

    @Test func softmaxBeatsEveryFeasiblePerturbation() throws {
        var rng = SeededRNG(seed: 16)
        for (energies, beta) in randomCases(100, seed: 17) where energies.count >= 3 {
            let p = GibbsState(energies: energies, beta: beta).probabilities
            let u = zip(p, energies).reduce(0) { $0 + $1.0 * $1.1 }
            let h = GibbsState.shannonEntropy(p)
            for _ in 0..<10 {
                let d = try #require(MaxEntropy.feasibleDirection(energies: energies, rng: &rng))
                #expect(abs(d.reduce(0, +)) <= 1e-13)
                #expect(abs(zip(d, energies).reduce(0) { $0 + $1.0 * $1.1 }) <= 1e-12 * max(1, energies.map(abs).max()!))
                let t = MaxEntropy.maximumStep(p, along: d) * rng.uniform(0.01, 1)
                let q = zip(p, d).map { $0 + t * $1 }
                #expect(q.allSatisfy { $0 >= 0 })
                #expect(abs(zip(q, energies).reduce(0) { $0 + $1.0 * $1.1 } - u) <= 1e-12 * max(1, abs(u)))
                #expect(GibbsState.shannonEntropy(q) <= h + 1e-13)
            }
        }
    }

    @Test func smallStepsLoseEntropyQuadratically() throws {
        var rng = SeededRNG(seed: 18)
        let energies = (0..<12).map { _ in rng.normal() }
        let p = GibbsState(energies: energies, beta: 0.8).probabilities
        let d = try #require(MaxEntropy.feasibleDirection(energies: energies, rng: &rng))
        let t = 1e-3 * MaxEntropy.maximumStep(p, along: d)
        let exact = GibbsState.shannonEntropy(p) - GibbsState.shannonEntropy(zip(p, d).map { $0 + t * $1 })
        let quadratic = MaxEntropy.quadraticEntropyDeficit(p, along: d, step: t)
        #expect(abs(exact - quadratic) <= 1e-2 * quadratic)
    }

    @Test func divergencesHaveTheirKnownValues() {
        #expect(abs(Divergence.kullbackLeibler([1, 0], [0.5, 0.5]) - log(2)) <= 1e-15)
        #expect(Divergence.kullbackLeibler([0.5, 0.5], [1, 0]) == .infinity)
        #expect(abs(Divergence.jensenShannon([1, 0], [0, 1]) - log(2)) <= 1e-15)
        let p = [0.2, 0.5, 0.3], q = [0.1, 0.1, 0.8]
        let kl = 0.2 * log(2.0) + 0.5 * log(5.0) + 0.3 * log(0.375)
        #expect(abs(Divergence.kullbackLeibler(p, q) - kl) <= 1e-15)
        #expect(Divergence.kullbackLeibler(p, p) == 0)
        #expect(abs(Divergence.jensenShannon(p, q) - Divergence.jensenShannon(q, p)) <= 1e-16)
        let heads = [p, q, [1.0 / 3, 1.0 / 3, 1.0 / 3]]
        let js = Divergence.jensenShannonMatrix(heads), klm = Divergence.kullbackLeiblerMatrix(heads)
        for a in 0..<3 {
            #expect(js[a, a] == 0 && klm[a, a] == 0)
            for b in 0..<3 {
                #expect(js[a, b] == js[b, a])
                #expect(js[a, b] <= log(2) && js[a, b] >= 0 && klm[a, b] >= 0)
            }
        }
        #expect(abs(klm[0, 1] - kl) <= 1e-15)
    }

    @Test func thermalDensityMatrixGivesTheSoftmaxByBornsRule() throws {
        var rng = SeededRNG(seed: 19)
        let energies = (0..<8).map { _ in 2 * rng.normal() }
        let q = try ThermalDensityMatrix.randomBasis(8, rng: &rng)
        let h = ThermalDensityMatrix.hamiltonian(energies: energies, basis: q)
        for beta in [0.1, 1.3, 6] {
            let rho = try ThermalDensityMatrix.density(hamiltonian: h, beta: beta, groundEnergy: energies.min()!)
            let born = ThermalDensityMatrix.bornProbabilities(density: rho, basis: q)
            let gibbs = GibbsState(energies: energies, beta: beta).probabilities
            for i in born.indices { #expect(abs(born[i] - gibbs[i]) <= 1e-10) }
        }
    }
}
