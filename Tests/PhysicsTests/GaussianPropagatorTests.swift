import Foundation
import RealModule
import TensorCore
import Testing

@testable import Physics

@Suite("Gaussian fusion and the chained filter")
struct GaussianFusionTests {
    func fusion(_ rng: inout SeededRNG, d: Int = 5, m: Int = 3, noise: Double = 0.7) throws -> GaussianFusion {
        GaussianFusion(
            priorMean: DynamicsTestSystems.vector(d, rng: &rng),
            priorPrecision: try DynamicsTestSystems.spd(d, rng: &rng),
            measurement: Matrix.randomNormal(rows: m, cols: d, rng: &rng),
            noiseVariance: noise)
    }

    @Test("completing the square: prior × likelihood = posterior quadratic + R(y)")
    func completingTheSquare() throws {
        var rng = SeededRNG(seed: 21)
        let f = try fusion(&rng)
        let y = DynamicsTestSystems.vector(3, rng: &rng)
        var remainders: [Double] = []
        for _ in 0..<5 {
            let x = DynamicsTestSystems.vector(5, std: 2, rng: &rng)
            let (quadratic, remainder) = try f.completedSquare(x: x, y: y)
            let energy = f.energy(x: x, y: y)
            #expect(abs(energy - (quadratic + remainder)) < 1e-11 * max(1, energy))
            remainders.append(remainder)
        }
        // R depends on y only.
        #expect((remainders.max()! - remainders.min()!) < 1e-12 * max(1, abs(remainders[0])))
    }

    @Test("posterior by completing the square equals brute-force conditioning of the joint")
    func posteriorEqualsConditioning() throws {
        var rng = SeededRNG(seed: 22)
        for _ in 0..<4 {
            let f = try fusion(&rng, d: 6, m: 4, noise: rng.uniform(0.1, 2))
            let y = DynamicsTestSystems.vector(4, rng: &rng)
            let a = try f.posterior(y), b = try f.posteriorByConditioning(y)
            #expect(DynamicsTestSystems.relativeError(a.mean, b.mean) < 1e-11)
            #expect(DynamicsTestSystems.relativeError(a.covariance, b.covariance) < 1e-11)
            // Posterior precision is Λ + WᵀW/σ².
            #expect(DynamicsTestSystems.relativeError(try b.precision(), f.posteriorPrecision) < 1e-9)
        }
    }

    @Test("Monte Carlo residuals x − μ'(y) follow N(0, Λ'⁻¹); a wrong posterior is rejected")
    func monteCarlo() throws {
        var rng = SeededRNG(seed: 23)
        let f = try fusion(&rng, d: 4, m: 2, noise: 0.5)
        let check = try f.monteCarloCheck(draws: 20_000, rng: &rng)
        #expect(check.maxAbsZ < 4)
        #expect(check.meanPValue > 1e-3)
        #expect(check.covariancePValue > 1e-3)
        // Negative control: the same residual draws judged against the prior covariance.
        let wrong = try GaussianMomentTest(
            draws: residualDraws(f, &rng), mean: [0, 0, 0, 0],
            covariance: try f.priorPrecision.inverse().symmetricPart)
        #expect(wrong.covariancePValue < 1e-6)
    }

    func residualDraws(_ f: GaussianFusion, _ rng: inout SeededRNG) throws -> Matrix {
        let prior = GaussianState(mean: f.priorMean, covariance: try f.priorPrecision.inverse().symmetricPart)
        let xs = try prior.samples(5_000, rng: &rng)
        var out = Matrix(rows: 5_000, cols: 4)
        for i in 0..<5_000 {
            let x = xs.row(i)
            let y = f.measurement.apply(x).map { $0 + f.noiseVariance.squareRoot() * rng.normal() }
            let post = try f.posterior(y)
            for j in 0..<4 { out[i, j] = x[j] - post.mean[j] }
        }
        return out
    }

    @Test("the information-form filter equals batch conditioning of the whole sequence")
    func chainedFilter() throws {
        var rng = SeededRNG(seed: 24)
        let d = 5, m = 3, tokens = 8
        let a = DynamicsTestSystems.generator(d, rotation: 1, dissipation: 0.6, rng: &rng)
        let chain = KoopmanMeasurementChain(
            propagator: try a.exponential(), bias: DynamicsTestSystems.vector(d, std: 0.3, rng: &rng),
            valueProjection: Matrix.randomNormal(rows: m, cols: d, rng: &rng),
            koopmanNoise: 1, measurementNoise: 1, gamma: 1.2)
        let mu0 = DynamicsTestSystems.vector(d, rng: &rng)
        let lambda0 = try DynamicsTestSystems.spd(d, rng: &rng)
        let (_, observations) = try chain.sample(priorMean: mu0, priorPrecision: lambda0, tokens: tokens, rng: &rng)
        let filtered = try chain.filter(priorMean: mu0, priorPrecision: lambda0, observations: observations)
        let batch = try chain.batchPosterior(priorMean: mu0, priorPrecision: lambda0, observations: observations)
        #expect(filtered.count == tokens && batch.count == tokens)
        for t in 0..<tokens {
            #expect(DynamicsTestSystems.relativeError(filtered[t].filtered.mean, batch[t].mean) < 1e-9)
            #expect(DynamicsTestSystems.relativeError(filtered[t].filtered.covariance, batch[t].covariance) < 1e-9)
        }
        // The batch reference is sensitive to γ: a different γ gives a visibly different posterior.
        let other = KoopmanMeasurementChain(
            propagator: chain.propagator, bias: chain.bias, valueProjection: chain.valueProjection,
            koopmanNoise: 1, measurementNoise: 1, gamma: 2.0)
        let otherBatch = try other.batchPosterior(priorMean: mu0, priorPrecision: lambda0, observations: observations)
        #expect(DynamicsTestSystems.relativeError(filtered[tokens - 1].filtered.covariance, otherBatch[tokens - 1].covariance) > 1e-3)
    }
}

@Suite("Measured linear SDE")
struct MeasuredSDETests {
    func system(_ rng: inout SeededRNG, d: Int = 4) -> MeasuredLinearSDE {
        let m = d
        return MeasuredLinearSDE(
            generator: DynamicsTestSystems.generator(d, rotation: 1.5, dissipation: 0.8, rng: &rng),
            bias: DynamicsTestSystems.vector(d, std: 0.5, rng: &rng),
            valueProjection: Matrix.randomNormal(rows: m, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng),
            target: DynamicsTestSystems.vector(m, rng: &rng),
            gamma: 1.2, measurementNoise: 1, koopmanNoise: 1)
    }

    @Test("scalar Ornstein–Uhlenbeck closed form")
    func scalar() throws {
        // dx = (−k x + c) dt + σ dB with k = a + γw²: mean c/k + (m0 − c/k)e^{−kτ},
        // variance P0 e^{−2kτ} + σ²(1 − e^{−2kτ})/(2k).
        let sde = MeasuredLinearSDE(
            generator: Matrix([[-0.4]]), bias: [0.3], valueProjection: Matrix([[0.8]]), target: [1.5],
            gamma: 1.25, measurementNoise: 1, koopmanNoise: 0.9)
        let k = 0.4 + 1.25 * 0.64, c = 0.3 + 1.25 * 0.8 * 1.5, tau = 1.7
        let law = try sde.propagate(GaussianState(mean: [2], covariance: Matrix([[0.3]])), time: tau)
        let mean = c / k + (2 - c / k) * Double.exp(-k * tau)
        let variance = 0.3 * Double.exp(-2 * k * tau) + 0.81 * (1 - Double.exp(-2 * k * tau)) / (2 * k)
        #expect(abs(law.mean[0] - mean) < 1e-13)
        #expect(abs(law.covariance[0, 0] - variance) < 1e-13)
    }

    @Test("a singular drift matrix is handled by the augmented exponential")
    func singularDrift() throws {
        // A = 0, W = 0: M = 0, so m(τ) = m0 + τb and P(τ) = P0 + τσ_K² I exactly.
        let sde = MeasuredLinearSDE(
            generator: Matrix(rows: 3, cols: 3), bias: [1, -2, 0.5],
            valueProjection: Matrix(rows: 2, cols: 3), target: [0.3, 0.1],
            gamma: 1, measurementNoise: 1, koopmanNoise: 0.5)
        let start = GaussianState(mean: [0.1, 0.2, 0.3], covariance: Matrix.identity(3))
        let law = try sde.propagate(start, time: 2)
        #expect(DynamicsTestSystems.relativeError(law.mean, [2.1, -3.8, 1.3]) < 1e-14)
        #expect(DynamicsTestSystems.relativeError(law.covariance, Matrix.identity(3) * 1.5) < 1e-14)
    }

    @Test("Van Loan covariance and the exact mean equal fine-step Runge–Kutta integration")
    func vanLoanVersusIntegration() throws {
        var rng = SeededRNG(seed: 31)
        for d in [2, 5, 8] {
            let sde = system(&rng, d: d)
            let start = GaussianState(mean: DynamicsTestSystems.vector(d, rng: &rng), covariance: try DynamicsTestSystems.spd(d, rng: &rng))
            let exact = try sde.propagate(start, time: 1.3)
            let integrated = sde.integrateMoments(start, time: 1.3, steps: 2_000)
            #expect(DynamicsTestSystems.relativeError(exact.mean, integrated.mean) < 1e-10)
            #expect(DynamicsTestSystems.relativeError(exact.covariance, integrated.covariance) < 1e-10)
            // And with a coarse grid the integration visibly differs (the check can fail).
            let coarse = sde.integrateMoments(start, time: 1.3, steps: 2)
            #expect(DynamicsTestSystems.relativeError(exact.covariance, coarse.covariance) > 1e-5)
        }
    }

    @Test("Euler–Maruyama ensemble of 10⁴ trajectories matches the closed form within 4σ")
    func ensemble() throws {
        var rng = SeededRNG(seed: 32)
        let d = 4
        let sde = system(&rng, d: d)
        let start = GaussianState(mean: DynamicsTestSystems.vector(d, rng: &rng), covariance: Matrix.identity(d) * 0.5)
        let tau = 1.0, steps = 400, n = 10_000
        let exact = try sde.propagate(start, time: tau)
        let ensemble = try EulerMaruyamaEnsemble(sde, start: start, time: tau, steps: steps, trajectories: n, rng: rng.stream(0))
        let test = try GaussianMomentTest(draws: ensemble.final, mean: exact.mean, covariance: exact.covariance)
        #expect(test.maxAbsZ < 4)
        #expect(test.meanPValue > 1e-3)
        #expect(test.covariancePValue > 1e-3)
        // The scheme's own bias is a small fraction of a standard error at this step size.
        let scheme = sde.eulerMaruyamaLaw(start, time: tau, steps: steps)
        let biasZ = (0..<d).map { abs(scheme.mean[$0] - exact.mean[$0]) / (exact.covariance[$0, $0] / Double(n)).squareRoot() }
        #expect(biasZ.max()! < 0.5)
        // Negative control: a propagator that ignores the measurement term is rejected.
        let free = MeasuredLinearSDE(
            generator: sde.generator, bias: sde.bias, valueProjection: sde.valueProjection,
            target: sde.target, gamma: 0, measurementNoise: 1, koopmanNoise: 1)
        let wrong = try free.propagate(start, time: tau)
        let rejected = try GaussianMomentTest(draws: ensemble.final, mean: wrong.mean, covariance: wrong.covariance)
        #expect(rejected.meanPValue < 1e-6)
        // Same seed, same result.
        let again = try EulerMaruyamaEnsemble(sde, start: start, time: tau, steps: steps, trajectories: n, rng: rng.stream(0))
        #expect(again.final == ensemble.final)
    }
}

@Suite("χ² distribution")
struct ChiSquaredTests {
    @Test("tail probabilities at tabulated quantiles")
    func quantiles() {
        #expect(abs(ChiSquaredDistribution.survival(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-12)
        #expect(abs(ChiSquaredDistribution.survival(18.307038053275146, degreesOfFreedom: 10) - 0.05) < 1e-12)
        #expect(abs(ChiSquaredDistribution.survival(2, degreesOfFreedom: 2) - Double.exp(-1)) < 1e-14)
        #expect(abs(ChiSquaredDistribution.survival(124.34211340400407, degreesOfFreedom: 100) - 0.05) < 1e-11)
        #expect(abs(ChiSquaredDistribution.normalTwoSided(1.959963984540054) - 0.05) < 1e-12)
        #expect(ChiSquaredDistribution.survival(0, degreesOfFreedom: 3) == 1)
    }
}
