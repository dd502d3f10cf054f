import Foundation
import TensorCore
import Testing

@testable import Physics

/// Known answers for the NN-QFT estimators, before they meet attention: the single-layer
/// network's kernels and exact 1/N four-point function, the Gaussian process, jackknife coverage
/// and thread-count independence.
@Suite("NNQFT validation")
struct NNQFTValidationTests {
    /// The HMS input sets (D = 1): erf and Gauss-net on a symmetric grid, ReLU on positives.
    static func points(_ activation: SingleLayerNetwork.Activation) -> PointSet {
        switch activation {
        case .erf, .gauss: PointSet.line([-1, -0.6, -0.2, 0.2, 0.6, 1.0])
        case .relu: PointSet.line([0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
        }
    }

    @Test(
        "single-layer G2 equals the analytic kernel (arcsine, arc-cosine, Gauss)",
        arguments: SingleLayerNetwork.Activation.allCases)
    func singleLayerKernel(activation: SingleLayerNetwork.Activation) {
        let net = SingleLayerNetwork(points: Self.points(activation), activation: activation, width: 8)
        let plan = CorrelatorPlan(draws: 40_000, blocks: 40, quadruples: Quadruple.diagonal(6), seed: 21)
        let estimate = CorrelatorEstimator.run(net, plan: plan)
        let g2 = estimate.g2
        var worst = 0.0
        for i in 0..<6 {
            for j in i..<6 {
                let v = g2[pairIndex(i, j, 6)]
                worst = max(worst, abs(v.value - net.kernel(i, j)) / v.error)
            }
        }
        #expect(worst < 4.5, "\(activation): worst |G2 − K|/σ over 21 pairs = \(worst)")
        // A wrong kernel must fail: the ReLU kernel is not the erf kernel.
        if activation == .erf {
            let wrong = SingleLayerNetwork(points: Self.points(.erf), activation: .relu, width: 8)
            let v = g2[pairIndex(0, 5, 6)]
            #expect(abs(v.value - wrong.kernel(0, 5)) / v.error > 10)
        }
    }

    @Test("single-layer G4c equals the exact κ4/N at N = 2", arguments: SingleLayerNetwork.Activation.allCases)
    func singleLayerExactFourPoint(activation: SingleLayerNetwork.Activation) {
        // The Gauss-net's exp(z) is log-normal: with σ_W = σ_b = 1 its fourth moment e^{4Σ} is
        // dominated by rare draws and no Monte Carlo of this size converges; smaller scales tame it.
        // For erf a small σ_b keeps the Gaussian bias b1 from burying the (weaker) non-Gaussianity.
        let (weight, bias): (Double, Double) =
            switch activation {
            case .gauss: (0.5, 0.5)
            case .erf: (1, 0.2)
            case .relu: (1, 1)
            }
        let net = SingleLayerNetwork(
            points: Self.points(activation), activation: activation, width: 2,
            weightScale: weight, biasScale: bias)
        let quads = [Quadruple(0, 0, 0, 0), Quadruple(5, 5, 5, 5), Quadruple(0, 0, 5, 5), Quadruple(1, 2, 3, 4), Quadruple(0, 1, 4, 5)]
        let plan = CorrelatorPlan(draws: 200_000, blocks: 50, quadruples: quads, seed: 22)
        let g4c = CorrelatorEstimator.run(net, plan: plan).g4Connected
        for (q, v) in zip(quads, g4c) {
            let exact = net.exactConnectedFourPoint(q)
            #expect(abs(v.value - exact) < 4.5 * v.error, "\(activation) \(q): \(v.value) ± \(v.error) vs exact \(exact)")
        }
        // The comparison must be able to tell this network from a Gaussian field.
        #expect(abs(net.exactConnectedFourPoint(quads[0])) > 5 * g4c[0].error, "N = 2 must be visibly non-Gaussian")
    }

    @Test("single-layer G4c falls with slope −1 in N above the noise floor")
    func singleLayerInverseWidth() {
        let widths = [1, 2, 4, 8, 16, 32, 64]
        let plan = CorrelatorPlan(draws: 100_000, blocks: 50, quadruples: Quadruple.diagonal(6), seed: 23)
        var values: [JackknifeValue] = [], floors: [Double] = []
        for (k, width) in widths.enumerated() {
            var p = plan
            p.seed = derivedSeed(plan.seed, label: UInt64(k))
            let estimate = CorrelatorEstimator.run(SingleLayerNetwork(points: Self.points(.relu), activation: .relu, width: width), plan: p)
            values.append(estimate.connectedMean())
            floors.append(NoiseFloor.measure(covariance: estimate.g2Matrix, pointCount: 6, plan: p, replicas: 2).floor)
        }
        let analysis = ScalingAnalysis(x: widths.map(Double.init), values: values, floors: floors)
        let fit = try! #require(analysis.fit)
        #expect(analysis.included.count >= 4, "at least four widths above the floor, got \(analysis.included.count)")
        #expect(abs(fit.slope + 1) < 3 * fit.slopeError, "slope \(fit.slope) ± \(fit.slopeError)")
        #expect(fit.slopeError < 0.15)
        print("single-layer ReLU: slope \(fit.slope) ± \(fit.slopeError), \(analysis.included.count) of \(widths.count) widths above the floor")
        // The exact value falls as 1/N by construction; the measurement must not sit at the floor.
        #expect(!analysis.excluded.isEmpty || values.last!.value > 3 * floors.last!)
    }

    @Test("a Gaussian-process sample has G2 = K and G4c = 0 within errors")
    func gaussianProcess() {
        let net = SingleLayerNetwork(points: Self.points(.erf), activation: .erf, width: 1)
        let kernel = net.kernelMatrix
        let field = GaussianProcessField(covariance: kernel, pointCount: 6)
        let quads = Quadruple.all(6)
        let estimate = CorrelatorEstimator.run(field, plan: CorrelatorPlan(draws: 100_000, blocks: 50, quadruples: quads, seed: 24))
        let g2 = estimate.g2
        for i in 0..<6 {
            for j in i..<6 {
                let v = g2[pairIndex(i, j, 6)]
                #expect(abs(v.value - kernel[i * 6 + j]) < 4.5 * v.error)
            }
        }
        let g4c = estimate.g4Connected
        let worst = g4c.map { abs($0.value) / $0.error }.max()!
        #expect(worst < 4.5, "worst |G4c|/σ over \(quads.count) quadruples = \(worst)")
        let kurtosis = estimate.excessKurtosis
        #expect(abs(kurtosis.value) < 4 * kurtosis.error)
    }

    @Test("jackknife error bars cover the truth at about the nominal 68% rate")
    func jackknifeCoverage() {
        let net = SingleLayerNetwork(points: Self.points(.relu), activation: .relu, width: 2)
        let quads = [Quadruple(0, 0, 0, 0), Quadruple(0, 1, 2, 3)]
        let truthG4c = quads.map { net.exactConnectedFourPoint($0) }
        let truthG2 = net.kernel(0, 3)
        let seeds = 300
        var coveredG2 = 0, coveredG4c = 0, coveredG4cOff = 0
        for s in 0..<seeds {
            let plan = CorrelatorPlan(draws: 4000, blocks: 20, threads: 1, quadruples: quads, seed: 1000 + UInt64(s))
            let estimate = CorrelatorEstimator.run(net, plan: plan)
            let g2 = estimate.g2(0, 3)
            if abs(g2.value - truthG2) < g2.error { coveredG2 += 1 }
            let g4c = estimate.g4Connected
            if abs(g4c[0].value - truthG4c[0]) < g4c[0].error { coveredG4c += 1 }
            if abs(g4c[1].value - truthG4c[1]) < g4c[1].error { coveredG4cOff += 1 }
        }
        // Binomial: 0.683 ± 0.027 for 300 seeds; accept about ±4σ.
        for (name, covered) in [("G2", coveredG2), ("G4c diag", coveredG4c), ("G4c off", coveredG4cOff)] {
            let rate = Double(covered) / Double(seeds)
            #expect(rate > 0.57 && rate < 0.79, "\(name) coverage \(rate)")
        }
    }

    @Test("results are identical for one seed on 1, 2 and 3 threads")
    func threadIndependence() {
        let field = AttentionField(
            points: .ring(count: 5, dimension: 3, radius: 1),
            config: AttentionFieldConfig(features: 16, keyWidth: 8, heads: 2))
        let net = SingleLayerNetwork(points: Self.points(.relu), activation: .relu, width: 4)
        let planA = CorrelatorPlan(draws: 3000, blocks: 12, threads: 1, quadruples: Quadruple.standard(5), seed: 9)
        let planC = CorrelatorPlan(draws: 3000, blocks: 12, threads: 1, quadruples: Quadruple.standard(6), seed: 9)
        let serialField = CorrelatorEstimator.run(field, plan: planA).jackknife.sums
        let serialNet = CorrelatorEstimator.run(net, plan: planC).jackknife.sums
        for threads in [2, 3] {  // 3 threads over 12 blocks: workers take blocks from a shared counter
            var planB = planA, planD = planC
            planB.threads = threads
            planD.threads = threads
            #expect(CorrelatorEstimator.run(field, plan: planB).jackknife.sums == serialField)
            #expect(CorrelatorEstimator.run(net, plan: planD).jackknife.sums == serialNet)
        }
        // A different seed must differ.
        var planE = planA
        planE.seed = 10
        #expect(CorrelatorEstimator.run(field, plan: planA).jackknife.sums != CorrelatorEstimator.run(field, plan: planE).jackknife.sums)
    }
}
