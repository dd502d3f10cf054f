import Foundation
import TensorCore

/// Nonlinear least squares y ≈ f(x; θ) by Levenberg–Marquardt, with the parameter covariance of
/// the linearised model at the optimum.
///
/// Each step solves the damped linearised problem min ‖√W(r − Jδ)‖² + μ‖D δ‖² (D = diag of
/// column norms of √W J, Marquardt 1963) as an augmented linear least-squares problem, accepting
/// steps that lower χ² and adapting μ. Cov θ = (JᵀWJ)⁻¹, scaled by χ²/(N − P) when the errors are
/// not known.
public enum CurveFit {
    /// Fits `model` to (x, y).
    ///
    /// - Parameters:
    ///   - sigma: one-σ errors of y (N, > 0); nil fits unweighted and scales errors by the residuals.
    ///   - initial: starting θ (P).
    ///   - model: f(x, θ).
    ///   - gradient: ∂f/∂θ at (x, θ) (P).
    public static func fit(
        x: [Double], y: [Double], sigma: [Double]? = nil, initial: [Double],
        model: (Double, [Double]) -> Double,
        gradient: (Double, [Double]) -> [Double],
        maxIterations: Int = 200
    ) throws -> LeastSquaresFit {
        let n = x.count, p = initial.count
        precondition(y.count == n && n >= p && p > 0, "CurveFit.fit: \(n) points, \(y.count) values, \(p) parameters")
        let weights =
            sigma.map { s -> [Double] in
                precondition(s.count == n && s.allSatisfy { $0 > 0 && $0.isFinite }, "CurveFit.fit: sigma must hold \(n) positive errors")
                return s.map { 1 / ($0 * $0) }
            } ?? [Double](repeating: 1, count: n)
        func chi2(_ theta: [Double]) -> Double {
            (0..<n).reduce(0) { acc, i in
                let r = y[i] - model(x[i], theta); return acc + weights[i] * r * r
            }
        }
        var theta = initial
        var current = chi2(theta)
        var mu = 1e-3
        for _ in 0..<maxIterations {
            var jac = Matrix(rows: n + p, cols: p)
            var rhs = [Double](repeating: 0, count: n + p)
            var columnNorm = [Double](repeating: 0, count: p)
            for i in 0..<n {
                let w = weights[i].squareRoot()
                let g = gradient(x[i], theta)
                for j in 0..<p {
                    jac[i, j] = w * g[j]
                    columnNorm[j] += w * w * g[j] * g[j]
                }
                rhs[i] = w * (y[i] - model(x[i], theta))
            }
            var improved = false
            for _ in 0..<30 {
                var damped = jac
                for j in 0..<p { damped[n + j, j] = (mu * max(columnNorm[j], 1e-300)).squareRoot() }
                let step = try LeastSquares.fit(design: damped, y: rhs).parameters
                let trial = zip(theta, step).map { $0 + $1 }
                let value = chi2(trial)
                if value.isFinite && value <= current {
                    let relative = (current - value) / max(current, 1e-300)
                    theta = trial
                    current = value
                    mu = max(mu / 10, 1e-12)
                    improved = relative > 1e-14
                    break
                }
                mu *= 10
            }
            if !improved { break }
        }
        // Covariance of the linearised model at the optimum.
        var design = Matrix(rows: n, cols: p)
        for i in 0..<n {
            let g = gradient(x[i], theta)
            for j in 0..<p { design[i, j] = g[j] }
        }
        let residualsY = (0..<n).map { y[$0] - model(x[$0], theta) }
        let linear = try LeastSquares.fit(
            design: design, y: residualsY, weights: weights,
            errorModel: sigma == nil ? .scaledByResiduals : .knownErrors)
        // At the optimum the residuals are orthogonal to J, so this fit's χ² is the optimum's and
        // its covariance is (JᵀWJ)⁻¹, scaled by χ²/(N − P) when the errors are unknown.
        let cov = linear.covariance
        return LeastSquaresFit(
            parameters: theta, covariance: cov, chiSquared: current, degreesOfFreedom: n - p,
            residuals: residualsY)
    }
}
