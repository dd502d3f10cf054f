import Foundation
import Physics
import TensorCore

/// Closed-form propagator of one measured SDE against an Euler–Maruyama ensemble: the
/// measurement behind `qsf.propagator-exact`, shared by the experiment and `attnlab propagator`.
///
/// Size letters: d = state dimension, N = trajectories, S = snapshots.
///
/// The step count is chosen before sampling so that the scheme's own discretisation bias — the
/// exact law of the Euler–Maruyama recursion minus the closed form, computed without sampling —
/// stays below `maxSchemeBiasZ` standard errors on every mean and covariance entry. Then any
/// disagreement the z-scores find belongs to the closed form, not to the scheme.
public struct PropagatorCheck: Sendable {
    /// One system's outcome.
    public struct Result: Sendable {
        public var dimension: Int
        public var steps: Int
        public var trajectories: Int
        /// Ensemble at τ against the closed form at τ.
        public var test: GaussianMomentTest
        /// Largest |EM-law − closed form| over entries, in standard errors of the ensemble.
        public var schemeBiasZ: Double
        /// Largest relative difference between the Van Loan propagator and fine-step RK4.
        public var vanLoanError: Double
        /// Times of the snapshots.
        public var times: [Double]
        /// Closed form at each snapshot.
        public var exact: [GaussianState]
        /// Ensemble sample mean and sample variance (diagonal) at each snapshot.
        public var sampleMean: [[Double]]
        public var sampleVariance: [[Double]]
        /// The closed form on a fine grid of `curveTimes`, for drawing.
        public var curveTimes: [Double]
        public var curve: [GaussianState]
    }

    /// Runs the check for `sde` from `start` over time `tau` with `trajectories` paths.
    public static func run(
        _ sde: MeasuredLinearSDE, start: GaussianState, tau: Double, trajectories: Int,
        snapshots: Int = 10, maxSchemeBiasZ: Double = 0.2, maxSteps: Int = 25_600,
        fixedSteps: Int? = nil, rng: SeededRNG
    ) throws -> Result {
        precondition(tau > 0 && trajectories >= 100, "PropagatorCheck: needs τ > 0 and ≥ 100 trajectories")
        let exact = try sde.propagate(start, time: tau)
        var steps = fixedSteps ?? 5 * snapshots
        var bias = schemeBias(sde, start: start, exact: exact, tau: tau, steps: steps, trajectories: trajectories)
        if fixedSteps == nil {
            while bias > maxSchemeBiasZ && steps < maxSteps {
                steps *= 2
                bias = schemeBias(sde, start: start, exact: exact, tau: tau, steps: steps, trajectories: trajectories)
            }
        }
        let stride = max(1, steps / snapshots)
        let recorded = Array(Swift.stride(from: 0, through: steps, by: stride))
        let ensemble = try EulerMaruyamaEnsemble(
            sde, start: start, time: tau, steps: steps, trajectories: trajectories,
            snapshots: recorded, rng: rng)
        let test = try GaussianMomentTest(draws: ensemble.final, mean: exact.mean, covariance: exact.covariance)
        let integrated = sde.integrateMoments(start, time: tau, steps: 4_000)
        let vanLoanError = max(
            relativeError(exact.mean, integrated.mean),
            relativeError(exact.covariance.elements, integrated.covariance.elements))
        var times: [Double] = [], laws: [GaussianState] = [], means: [[Double]] = [], variances: [[Double]] = []
        for (k, step) in recorded.enumerated() {
            let t = tau * Double(step) / Double(steps)
            times.append(t)
            laws.append(t == 0 ? start : try sde.propagate(start, time: t))
            let (m, v) = moments(ensemble.states[k])
            means.append(m)
            variances.append(v)
        }
        let curveTimes = (0...60).map { tau * Double($0) / 60 }
        let curve = try curveTimes.map { $0 == 0 ? start : try sde.propagate(start, time: $0) }
        return Result(
            dimension: sde.dimension, steps: steps, trajectories: trajectories, test: test, schemeBiasZ: bias,
            vanLoanError: vanLoanError, times: times, exact: laws, sampleMean: means, sampleVariance: variances,
            curveTimes: curveTimes, curve: curve)
    }

    /// Largest |EM-law − exact| over mean and covariance entries in ensemble standard errors.
    static func schemeBias(
        _ sde: MeasuredLinearSDE, start: GaussianState, exact: GaussianState, tau: Double,
        steps: Int, trajectories n: Int
    ) -> Double {
        let scheme = sde.eulerMaruyamaLaw(start, time: tau, steps: steps)
        let d = sde.dimension, p = exact.covariance
        var worst = 0.0
        for i in 0..<d {
            worst = max(worst, abs(scheme.mean[i] - exact.mean[i]) / (p[i, i] / Double(n)).squareRoot())
            for j in i..<d {
                let se = ((p[i, i] * p[j, j] + p[i, j] * p[i, j]) / Double(n - 1)).squareRoot()
                worst = max(worst, abs(scheme.covariance[i, j] - p[i, j]) / se)
            }
        }
        return worst
    }

    static func moments(_ x: Matrix) -> (mean: [Double], variance: [Double]) {
        let n = x.rows, d = x.cols
        var mean = [Double](repeating: 0, count: d), m2 = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i, j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { let e = x[i, j] - mean[j]; m2[j] += e * e } }
        return (mean, m2.map { $0 / Double(n - 1) })
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }
}
