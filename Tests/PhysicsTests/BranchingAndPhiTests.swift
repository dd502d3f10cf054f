import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("Branching ratio")
struct BranchingRatioTests {
    @Test func linearMapWithGainGHasBranchingG() throws {
        var rng = SeededRNG(seed: 1)
        let n = 32, depth = 5
        for g in [0.5, 1.0, 1.7] {
            // g·Q with Q orthogonal: ‖gQv‖ = g‖v‖ for every v.
            let layers = try (0..<depth).map { _ in
                let svd = try Matrix.randomNormal(rows: n, cols: n, rng: &rng).svd()
                return LayerMap.linear(svd.u * svd.vt * g)
            }
            let inputs = (0..<4).map { _ in (0..<n).map { _ in rng.normal() } }
            let r = BranchingRatio.measure(layers: layers, inputs: inputs, probes: 3, rng: SeededRNG(seed: 2))
            for l in 0..<depth {
                #expect(abs(r.layerLogGain[l] - Foundation.log(g)) < 1e-12)
                #expect(abs(r.layerBranching[l] - g) < 1e-12)
                #expect(abs(r.cumulativeLogGain[l] - Double(l + 1) * Foundation.log(g)) < 1e-11)
            }
            #expect(abs(r.depthBranching - g) < 1e-12)
        }
    }

    @Test func anisotropicLinearMapGivesMeanSquareGainOfItsSingularValues() {
        // diag(2, 0.5, …): E‖Av‖²/‖v‖² = Σ s²/n for isotropic v (the mean of logs differs).
        let n = 40
        let a = Matrix.diagonal((0..<n).map { $0 % 2 == 0 ? 2 : 0.5 })
        var rng = SeededRNG(seed: 3)
        let inputs = (0..<64).map { _ in (0..<n).map { _ in rng.normal() } }
        let r = BranchingRatio.measure(layers: [.linear(a)], inputs: inputs, probes: 8, rng: SeededRNG(seed: 4))
        #expect(abs(r.layerMeanSquareGain[0] / 2.125 - 1) < 0.03)
    }

    @Test func finiteDifferenceJVPMatchesAnalytic() {
        var rng = SeededRNG(seed: 5)
        let net = RandomTanhNetwork(width: 20, depth: 1, sigmaW: 1.3, sigmaB: 0.2, rng: &rng)
        let exact = net.layers[0]
        let fd = LayerMap.finiteDifference(forward: exact.forward)
        let x = (0..<20).map { _ in rng.normal() }, v = (0..<20).map { _ in rng.normal() }
        let a = exact.jvp(x, v), b = fd.jvp(x, v)
        let err = zip(a, b).map { abs($0 - $1) }.max()!
        #expect(err < 1e-8)
    }

    @Test func randomTanhNetworksFollowMeanFieldAcrossTheTransition() {
        let width = 300, depth = 8
        for sigmaW in [0.6, 1.0, 2.0] {
            var rng = SeededRNG(seed: 6)
            let net = RandomTanhNetwork(width: width, depth: depth, sigmaW: sigmaW, rng: &rng)
            let inputs = (0..<6).map { _ in (0..<width).map { _ in rng.normal() } }
            let r = BranchingRatio.measure(layers: net.layers, inputs: inputs, probes: 2, rng: SeededRNG(seed: 7))
            let mf = RandomTanhNetwork.meanField(sigmaW: sigmaW, sigmaB: 0, inputSecondMoment: 1, depth: depth)
            for l in 0..<depth {
                #expect(abs(r.layerMeanSquareGain[l] / mf.chi[l] - 1) < 0.1, "σ_w \(sigmaW) layer \(l): \(r.layerMeanSquareGain[l]) vs χ \(mf.chi[l])")
                #expect(abs(r.layerLogGain[l] - 0.5 * Foundation.log(mf.chi[l])) < 0.05)
            }
        }
        // Ordered below σ_w = 1, chaotic above; σ_w = 1 (σ_b = 0) is the edge, χ → 1 with depth.
        let deep = RandomTanhNetwork.meanField(sigmaW: 1, sigmaB: 0, inputSecondMoment: 1, depth: 200)
        #expect(deep.chi.last! < 1 && deep.chi.last! > 0.95)
        #expect(RandomTanhNetwork.meanField(sigmaW: 0.6, sigmaB: 0, inputSecondMoment: 1, depth: 50).chi.last! < 0.37)
        #expect(RandomTanhNetwork.meanField(sigmaW: 2, sigmaB: 0, inputSecondMoment: 1, depth: 50).chi.last! > 1)
    }
}

@Suite("Integrated information (Barrett–Seth Φ)")
struct IntegratedInformationTests {
    @Test func lyapunovSolutionSatisfiesTheEquation() throws {
        var rng = SeededRNG(seed: 1)
        let k = Matrix.randomNormal(rows: 10, cols: 10, std: 0.15, rng: &rng)
        let system = try LinearGaussianSystem(coupling: k, noiseCovariance: .identity(10))
        #expect(system.spectralRadius < 1)
        let s = system.stationaryCovariance
        let residual = s - k * s.multiplied(by: k, transposeOther: true) - .identity(10)
        #expect(residual.frobeniusNorm < 1e-10 * s.frobeniusNorm)
    }

    @Test func twoCoupledVariablesGiveTheHandComputedPhi() throws {
        // x1' = ε1, x2' = c·x1 + ε2, Σ_ε = I.
        // Stationary: var x1 = 1, var x2 = 1 + c², cov(x1, x2) = 0 (x2_t depends on x1_{t−1}).
        // Whole: Σ(X_t | X_{t+1}) = Σ − ΣKᵀΣ⁻¹KΣ = diag(1 − c²/(1 + c²), 1 + c²) has det 1, so
        //   I(X_t; X_{t+1}) = ½ ln(det Σ / 1) = ½ ln(1 + c²).
        // Parts: x1_{t+1} = ε1 is independent of x1_t, and x2_{t+1} = c·x1_t + ε2 of x2_t, so
        //   I(x1) = I(x2) = 0.
        // Only one bipartition exists, hence Φ = φ = ½ ln(1 + c²): for c = 1, ½ ln 2 nats = ½ bit.
        for c in [1.0, 0.5, 2.0] {
            let system = try LinearGaussianSystem(coupling: Matrix([[0, 0], [c, 0]]), noiseCovariance: .identity(2))
            let r = AutoregressivePhi.phi(system)
            #expect(abs(r.phi - 0.5 * Foundation.log(1 + c * c)) < 1e-12)
            #expect(abs(r.wholeMutualInformation - 0.5 * Foundation.log(1 + c * c)) < 1e-12)
            #expect(r.exhaustive && r.bipartitionsEvaluated == 1)
        }
        let half = try AutoregressivePhi.phi(LinearGaussianSystem(coupling: Matrix([[0, 0], [1, 0]]), noiseCovariance: .identity(2)))
        #expect(abs(half.phiBits - 0.5) < 1e-12)
    }

    @Test func disconnectedBlocksHaveZeroPhi() throws {
        var rng = SeededRNG(seed: 2)
        var k = Matrix(rows: 7, cols: 7)
        k.setBlock(Matrix.randomNormal(rows: 3, cols: 3, std: 0.3, rng: &rng), at: 0, 0)
        k.setBlock(Matrix.randomNormal(rows: 4, cols: 4, std: 0.3, rng: &rng), at: 3, 3)
        let system = try LinearGaussianSystem(coupling: k, noiseCovariance: .identity(7))
        let r = AutoregressivePhi.phi(system)
        #expect(abs(r.phi) < 1e-10)
        #expect(Set(r.partA) == Set([0, 1, 2]) || Set(r.partB) == Set([0, 1, 2]))
        #expect(r.wholeMutualInformation > 0.05)  // each block alone integrates information
    }

    @Test func heuristicFindsTheExhaustiveMinimum() throws {
        for seed in UInt64(10)..<UInt64(14) {
            var rng = SeededRNG(seed: seed)
            let n = 12
            // Two communities of 6, strong inside, weak between, in a scrambled order.
            var k = Matrix(rows: n, cols: n)
            let perm = rng.permutation(n)
            for i in 0..<n {
                for j in 0..<n {
                    let same = (perm[i] < 6) == (perm[j] < 6)
                    k[i, j] = rng.normal() * (same ? 0.2 : 0.02)
                }
            }
            let system = try LinearGaussianSystem(coupling: k, noiseCovariance: .identity(n))
            let exact = AutoregressivePhi.phi(system)
            let heuristic = AutoregressivePhi.phi(system, exhaustiveLimit: 4, rng: SeededRNG(seed: seed))
            #expect(!heuristic.exhaustive && exact.exhaustive)
            #expect(abs(heuristic.normalisedPhi - exact.normalisedPhi) < 1e-10, "seed \(seed)")
            #expect(heuristic.normalisedPhi >= exact.normalisedPhi - 1e-12)
        }
        // Unstructured random couplings (spectral radius 0.8): the MIB is a balanced cut that only
        // pair swaps reach.
        for seed in UInt64(30)..<UInt64(33) {
            var rng = SeededRNG(seed: seed)
            var k = Matrix.randomNormal(rows: 11, cols: 11, rng: &rng)
            k = k * (0.8 / (try k.eigenvalues().map { $0.length }.max()!))
            let system = try LinearGaussianSystem(coupling: k, noiseCovariance: .identity(11))
            let exact = AutoregressivePhi.phi(system)
            let heuristic = AutoregressivePhi.phi(system, exhaustiveLimit: 4, rng: SeededRNG(seed: seed))
            #expect(abs(heuristic.normalisedPhi - exact.normalisedPhi) < 1e-10, "random seed \(seed)")
        }
    }

    @Test func sixteenVariablesRunExhaustively() throws {
        var rng = SeededRNG(seed: 20)
        let system = try LinearGaussianSystem(
            coupling: Matrix.randomNormal(rows: 16, cols: 16, std: 0.15, rng: &rng),
            noiseCovariance: .identity(16))
        let r = AutoregressivePhi.phi(system)
        #expect(r.exhaustive && r.bipartitionsEvaluated == 32767)
        #expect(r.phi > 0 && r.normalisation == "minimum part entropy")
    }

    @Test func nonStationaryOrInvalidSystemsAreRejected() {
        #expect(throws: IntegratedInformationError.self) {
            try LinearGaussianSystem(coupling: Matrix([[1.01, 0], [0, 0.5]]), noiseCovariance: .identity(2))
        }
        #expect(throws: IntegratedInformationError.self) {
            try LinearGaussianSystem(coupling: .identity(2) * 0.5, noiseCovariance: Matrix([[1, 2], [2, 1]]))
        }
    }
}
