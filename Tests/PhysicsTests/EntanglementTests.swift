import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("Entanglement entropy")
struct EntanglementTests {
    @Test func productStateHasZeroEntropy() throws {
        var rng = SeededRNG(seed: 1)
        let a = (0..<6).map { _ in rng.normal() }, b = (0..<9).map { _ in rng.normal() }
        let psi = Matrix(rows: 6, cols: 9, elements: a.flatMap { x in b.map { x * $0 } })
        let s = try SchmidtSpectrum(psi)
        #expect(abs(s.entropy) < 1e-10)
        #expect(s.rank == 1)
    }

    @Test func maximallyEntangledStateHasLogD() throws {
        var rng = SeededRNG(seed: 2)
        for d in [2, 4, 8, 16] {
            // U·I·Vᵀ with random orthogonal U, V: local rotations do not change the entropy.
            let u = try Matrix.randomNormal(rows: d, cols: d, rng: &rng).svd().u
            let v = try Matrix.randomNormal(rows: d, cols: d, rng: &rng).svd().u
            let psi = u.multiplied(by: v, transposeOther: true) * 3.7  // unnormalised on purpose
            let s = try SchmidtSpectrum(psi)
            #expect(abs(s.entropy - Foundation.log(Double(d))) < 1e-10)
            #expect(abs(s.renyi2 - Foundation.log(Double(d))) < 1e-10)
        }
    }

    @Test func randomComplexStatesMatchPage() throws {
        // Haar-random states on C^8 ⊗ C^32: ⟨S⟩ = Σ_{k=33}^{256} 1/k − 7/64 (Page 1993).
        var rng = SeededRNG(seed: 3)
        let (m, n, draws) = (8, 32, 300)
        var values: [Double] = []
        for _ in 0..<draws {
            let re = Matrix.randomNormal(rows: m, cols: n, rng: &rng), im = Matrix.randomNormal(rows: m, cols: n, rng: &rng)
            values.append(try SchmidtSpectrum(real: re, imaginary: im).entropy)
        }
        let summary = SampleSummary(values)
        let page = SchmidtSpectrum.pageEntropy(m, n)
        #expect(abs(page - 1.956475) < 1e-6)
        #expect(abs(summary.mean - page) < 4 * summary.standardError, "mean \(summary.mean) ± \(summary.standardError), Page \(page)")
        // Real Gaussian states are not Haar-random in C^m ⊗ C^n: their mean entropy is lower.
        var real: [Double] = []
        for _ in 0..<draws { real.append(try SchmidtSpectrum(Matrix.randomNormal(rows: m, cols: n, rng: &rng)).entropy) }
        let r = SampleSummary(real)
        #expect(page - r.mean > 4 * r.standardError)
    }

    @Test func slaterStateSchmidtSpectrumMatchesCorrelationMethod() throws {
        // Open uniform chain of 12 sites at half filling: two independent routes to S_A.
        var hoppings = [Double](repeating: 1, count: 12)
        hoppings[11] = 0
        let (c, phi) = try FreeFermionChain.groundState(hoppings: hoppings, particles: 6)
        for cut in [2, 3, 6, 9] {
            let viaCorrelation = try FreeFermionChain.blockEntropy(correlation: c, sites: 0..<cut)
            let viaSchmidt = try SchmidtSpectrum(FreeFermionChain.slaterState(orbitals: phi, cut: cut)).entropy
            #expect(abs(viaCorrelation - viaSchmidt) < 1e-9, "cut \(cut): \(viaCorrelation) vs \(viaSchmidt)")
        }
    }

    @Test func criticalChainFollowsTheLogLawWithCentralChargeOne() throws {
        let lengths = [8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256]
        var entropies: [Double] = []
        for l in lengths {
            entropies.append(try FreeFermionChain.blockEntropy(correlation: FreeFermionChain.criticalBlockCorrelation(sites: l), sites: 0..<l))
        }
        let fit = try EntropyScaling.fit(lengths: lengths.map(Double.init), entropies: entropies)
        #expect(fit.preferred.name == "logarithmic")
        // S = (c/3) ln ℓ + const with c = 1 (Calabrese–Cardy); constant 0.7261 (Jin–Korepin 2004).
        #expect(abs(fit.logarithmic.parameters[0] - 1.0 / 3) < 0.005)
        #expect(abs(entropies.last! - Foundation.log(256) / 3 - 0.7261) < 0.005)
    }

    @Test func gappedChainSaturates() throws {
        // Dimerised ring, hoppings 1 and 0.4: gapped, S saturates (area law).
        let n = 400
        let hoppings = (0..<n).map { $0 % 2 == 0 ? 1.0 : 0.4 }
        let (c, _) = try FreeFermionChain.groundState(hoppings: hoppings, particles: n / 2)
        let lengths = [8, 12, 16, 24, 32, 48, 64, 96, 128]
        let entropies = try lengths.map { try FreeFermionChain.blockEntropy(correlation: c, sites: 0..<$0) }
        #expect(abs(entropies.last! - entropies[3]) < 1e-6)
        let fit = try EntropyScaling.fit(lengths: lengths.map(Double.init), entropies: entropies)
        #expect(fit.preferred.name != "logarithmic")
        #expect(abs(fit.logarithmic.parameters[0]) < 0.01)
    }

    @Test func volumeLawIsRecognisedAsAPowerLaw() throws {
        var rng = SeededRNG(seed: 5)
        let lengths: [Double] = [4, 6, 8, 12, 16, 24, 32]
        let errors = lengths.map { _ in 0.05 }
        let entropies = lengths.map { 0.35 * $0 + 0.05 * rng.normal() }
        let fit = try EntropyScaling.fit(lengths: lengths, entropies: entropies, errors: errors)
        #expect(fit.preferred.name == "power law")
        #expect(abs(fit.powerLaw.parameters[1] - 1) < 4 * fit.powerLaw.errors[1])
    }

    @Test func bipartitionReshapesAxes() throws {
        // Shape (T=2, H=3, D=4), value = 100t + 10h + d.
        var values: [Double] = []
        for t in 0..<2 { for h in 0..<3 { for d in 0..<4 { values.append(Double(100 * t + 10 * h + d)) } } }
        let heads = try Bipartition.matrix(values: values, shape: [2, 3, 4], subsystemA: [1])
        #expect(heads.rows == 3 && heads.cols == 8)
        // Row h, column t·4 + d.
        #expect(heads[2, 4 + 3] == 123)
        #expect(heads[1, 2] == 12)
        let positions = try Bipartition.matrix(values: values, shape: [2, 3, 4], subsystemA: [0])
        #expect(positions.elements == values)
        #expect(throws: EntanglementError.self) { try Bipartition.matrix(values: values, shape: [2, 3, 4], subsystemA: [0, 1, 2]) }
    }
}
