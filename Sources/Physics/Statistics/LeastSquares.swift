import Foundation
import TensorCore

/// A linear least-squares fit y ≈ X·θ, with the parameters' covariance.
///
/// Size letters: N data points, P parameters.
public struct LeastSquaresFit: Sendable, Equatable {
    /// θ (P).
    public var parameters: [Double]
    /// Covariance of θ (P, P); see `LeastSquares.ErrorModel` for how it is scaled.
    public var covariance: Matrix
    /// χ² = Σ wᵢ rᵢ² (with unit weights: the residual sum of squares).
    public var chiSquared: Double
    /// N − P.
    public var degreesOfFreedom: Int
    /// rᵢ = yᵢ − (X·θ)ᵢ (N).
    public var residuals: [Double]

    /// One-σ errors of the parameters, √diag(covariance).
    public var standardErrors: [Double] { covariance.diagonalElements.map { max(0, $0).squareRoot() } }
    /// χ² per degree of freedom (NaN with no degrees of freedom).
    public var reducedChiSquared: Double { degreesOfFreedom > 0 ? chiSquared / Double(degreesOfFreedom) : .nan }
}

/// Weighted linear least squares through the singular value decomposition.
///
/// Minimises χ²(θ) = Σᵢ wᵢ (yᵢ − Σⱼ Xᵢⱼ θⱼ)² with wᵢ = 1/σᵢ². The SVD of √W·X = U·S·Vᵀ gives
/// θ = V·S⁻¹·Uᵀ·√W·y and Cov θ = V·S⁻²·Vᵀ, which stays accurate when columns are nearly collinear
/// (a power-law fit over a narrow range), unlike the normal equations.
public enum LeastSquares {
    /// How the parameter covariance is scaled.
    public enum ErrorModel: Sendable {
        /// The weights are 1/σᵢ² of known errors: Cov θ = (XᵀWX)⁻¹.
        case knownErrors
        /// Errors unknown or only relative: Cov θ = (XᵀWX)⁻¹ · χ²/(N − P) (the residual scatter).
        case scaledByResiduals
    }

    /// Fits y ≈ X·θ.
    ///
    /// - Parameters:
    ///   - design: X (N, P), N ≥ P.
    ///   - y: observations (N).
    ///   - weights: wᵢ = 1/σᵢ² (N), all ≥ 0; nil means unit weights.
    ///   - errorModel: see `ErrorModel`; `.scaledByResiduals` needs N > P.
    public static func fit(
        design: Matrix, y: [Double], weights: [Double]? = nil,
        errorModel: ErrorModel = .knownErrors
    ) throws -> LeastSquaresFit {
        let n = design.rows, p = design.cols
        precondition(y.count == n, "LeastSquares.fit: \(y.count) observations for a \(n)×\(p) design")
        precondition(n >= p && p > 0, "LeastSquares.fit: needs at least as many points (\(n)) as parameters (\(p) > 0)")
        if let weights {
            precondition(weights.count == n, "LeastSquares.fit: \(weights.count) weights for \(n) points")
            precondition(weights.allSatisfy { $0 >= 0 && $0.isFinite }, "LeastSquares.fit: weights must be finite and ≥ 0")
        }
        var a = design
        var b = y
        for i in 0..<n {
            let s = (weights?[i] ?? 1).squareRoot()
            b[i] *= s
            for j in 0..<p { a.elements[i * p + j] *= s }
        }
        let (u, s, vt) = try a.svd()
        let cutoff = (s.first ?? 0) * Double(max(n, p)) * Double.ulpOfOne
        // θ = V S⁻¹ Uᵀ b; Cov = V S⁻² Vᵀ (singular directions dropped).
        var theta = [Double](repeating: 0, count: p)
        var cov = Matrix(rows: p, cols: p)
        for k in 0..<s.count where s[k] > cutoff {
            var utb = 0.0
            for i in 0..<n { utb += u.elements[i * u.cols + k] * b[i] }
            let coef = utb / s[k]
            let inv2 = 1 / (s[k] * s[k])
            for j in 0..<p {
                let vj = vt.elements[k * p + j]
                theta[j] += coef * vj
                for l in 0..<p { cov.elements[j * p + l] += inv2 * vj * vt.elements[k * p + l] }
            }
        }
        var residuals = [Double](repeating: 0, count: n)
        var chi2 = 0.0
        for i in 0..<n {
            var fitted = 0.0
            for j in 0..<p { fitted += design.elements[i * p + j] * theta[j] }
            residuals[i] = y[i] - fitted
            chi2 += (weights?[i] ?? 1) * residuals[i] * residuals[i]
        }
        let dof = n - p
        if case .scaledByResiduals = errorModel {
            cov = cov * (dof > 0 ? chi2 / Double(dof) : .nan)
        }
        return LeastSquaresFit(
            parameters: theta, covariance: cov, chiSquared: chi2, degreesOfFreedom: dof,
            residuals: residuals)
    }

    /// Fits the straight line y = intercept + slope·x.
    ///
    /// - Parameters:
    ///   - sigma: one-σ errors of y (all > 0); nil fits unweighted and takes the errors from the
    ///     residual scatter.
    /// - Returns: parameters [intercept, slope].
    public static func line(x: [Double], y: [Double], sigma: [Double]? = nil) throws -> LineFit {
        precondition(x.count == y.count, "LeastSquares.line: \(x.count) x values for \(y.count) y values")
        precondition(x.count >= 2, "LeastSquares.line: needs at least two points, got \(x.count)")
        let weights = sigma.map { s -> [Double] in
            precondition(
                s.count == x.count && s.allSatisfy { $0 > 0 && $0.isFinite },
                "LeastSquares.line: sigma must hold \(x.count) finite positive errors")
            return s.map { 1 / ($0 * $0) }
        }
        // Centre x so intercept and slope are nearly uncorrelated in the solve.
        let xMean = x.reduce(0, +) / Double(x.count)
        var design = Matrix(rows: x.count, cols: 2)
        for i in 0..<x.count { design[i, 0] = 1; design[i, 1] = x[i] - xMean }
        let model: ErrorModel = sigma == nil ? .scaledByResiduals : .knownErrors
        let fit = try LeastSquares.fit(
            design: design, y: y, weights: weights,
            errorModel: x.count > 2 ? model : .knownErrors)
        // Back to the uncentred intercept: a = a_c − b·x̄.
        let b = fit.parameters[1]
        let a = fit.parameters[0] - b * xMean
        let vaa = fit.covariance[0, 0], vbb = fit.covariance[1, 1], vab = fit.covariance[0, 1]
        let varA = vaa - 2 * xMean * vab + xMean * xMean * vbb
        let covAB = vab - xMean * vbb
        return LineFit(
            intercept: a, slope: b,
            covariance: Matrix([[varA, covAB], [covAB, vbb]]),
            chiSquared: fit.chiSquared, degreesOfFreedom: fit.degreesOfFreedom,
            residuals: fit.residuals)
    }
}

/// y = intercept + slope·x with errors.
public struct LineFit: Sendable, Equatable {
    public var intercept: Double
    public var slope: Double
    /// Covariance of (intercept, slope) (2, 2).
    public var covariance: Matrix
    public var chiSquared: Double
    public var degreesOfFreedom: Int
    public var residuals: [Double]

    public var interceptError: Double { max(0, covariance[0, 0]).squareRoot() }
    public var slopeError: Double { max(0, covariance[1, 1]).squareRoot() }

    /// intercept + slope·x.
    public func callAsFunction(_ x: Double) -> Double { intercept + slope * x }
}

/// Akaike's information criterion and the model weights it implies.
///
/// For Gaussian errors, AIC = −2 ln L̂ + 2k. With known errors −2 ln L̂ = χ² + const, so
/// AIC = χ² + 2k; with the error scale fitted too, AIC = N ln(RSS/N) + 2k. The small-sample
/// correction AICc = AIC + 2k(k+1)/(N − k − 1) (Hurvich & Tsai 1989). Akaike weights
/// wᵢ = exp(−Δᵢ/2)/Σⱼ exp(−Δⱼ/2), Δᵢ = AICᵢ − min AIC, are the relative likelihoods of the models
/// (Burnham & Anderson 2002).
public enum InformationCriterion {
    /// AIC with known errors: χ² + 2k, plus the AICc correction when `corrected`.
    public static func aic(chiSquared: Double, parameters k: Int, points n: Int, corrected: Bool = true) -> Double {
        chiSquared + 2 * Double(k) + (corrected ? correction(k: k, n: n) : 0)
    }

    /// AIC with unknown error scale: N ln(RSS/N) + 2k (k counts the fitted curve's parameters;
    /// the common variance parameter cancels in comparisons), plus AICc when `corrected`.
    public static func aic(
        residualSumOfSquares rss: Double, parameters k: Int, points n: Int,
        corrected: Bool = true
    ) -> Double {
        Double(n) * Foundation.log(max(rss, Double.leastNormalMagnitude) / Double(n)) + 2 * Double(k)
            + (corrected ? correction(k: k + 1, n: n) : 0)
    }

    /// Akaike weights of a set of AIC values (sum to one).
    public static func weights(_ aics: [Double]) -> [Double] {
        guard let best = aics.filter(\.isFinite).min() else { return aics.map { _ in .nan } }
        let raw = aics.map { $0.isFinite ? Foundation.exp(-($0 - best) / 2) : 0 }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

    private static func correction(k: Int, n: Int) -> Double {
        n - k - 1 > 0 ? 2 * Double(k) * Double(k + 1) / Double(n - k - 1) : .infinity
    }
}
