import Foundation
import Physics
import TensorCore

/// r(K) from the Kuramoto simulator against the N → ∞ theory: the validation of the synchrony
/// machinery before it is pointed at attention heads.
///
/// For each distribution and coupling K the stationary r is averaged over realisations (random
/// initial phases; frequencies at the regular quantiles G⁻¹((i + ½)/N), which removes the
/// O(N^(−1/2)) disorder of random draws so that the finite-N curve sits on the N → ∞ one up to
/// O(1/N) away from threshold); the scale parameter of the theoretical curve is then
/// fitted to the points well above threshold (K ≥ 1.25 K_c, away from the critical region where
/// finite-N effects are largest), which turns the comparison into a measured K_c with an error.
struct KuramotoSimulationSweep: Sendable {
    struct Settings: Sendable {
        var oscillators: Int
        var realisations: Int
        /// Couplings in units of the theoretical K_c.
        var couplings: [Double]
        var timeStep = 0.05
        var transient: Double
        var duration: Double
        /// Sizes for the r ~ N^(−1/2) check below threshold (K = ½K_c).
        var sizes: [Int]
    }

    struct Point: Sendable {
        var coupling: Double
        var estimate: OrderParameterEstimate
        var theory: Double
    }

    var distribution: FrequencyDistribution
    var points: [Point]
    /// K_c from the fitted scale, with its error (Δχ² = 1 on the scale, inflated by √(χ²/dof)).
    var fittedCriticalCoupling: Double
    var fittedCriticalCouplingError: Double
    /// Largest |r − r_theory| over the points used in the fit (finite-N corrections included).
    var worstDeviation: Double

    /// Simulates r(K) for `distribution` (scale 1) at every coupling, in parallel over couplings.
    init(distribution: FrequencyDistribution, settings: Settings, rng: SeededRNG) {
        let kc = distribution.criticalCoupling
        let results = Parallel.map(settings.couplings.count) { i -> Point in
            var r = rng.stream(UInt64(i))
            let k = settings.couplings[i] * kc
            let estimate = KuramotoModel.stationaryOrderParameter(
                distribution: distribution, oscillators: settings.oscillators, coupling: k, regular: true,
                realisations: settings.realisations, timeStep: settings.timeStep, transient: settings.transient,
                duration: settings.duration, rng: &r)
            return Point(
                coupling: k, estimate: estimate,
                theory: KuramotoTheory.stationaryOrderParameter(coupling: k, distribution: distribution))
        }
        self.distribution = distribution
        self.points = results
        // Fit the scale s of r_theory(K; s) to the points with K ≥ 1.25 K_c by weighted least squares
        // (golden-section search on s ∈ [0.5, 2]); its error from Δχ² = 1.
        // Point errors get a floor of 1/N: regular-quantile frequencies leave O(1/N) finite-size
        // corrections that the time and realisation spread does not see.
        let floor = 1 / Double(settings.oscillators)
        let used = results.filter { $0.coupling >= 1.25 * kc }
        func chi2(_ s: Double) -> Double {
            let g = distribution.withScale(s)
            return used.reduce(0) { acc, p in
                let sigma = (p.estimate.error * p.estimate.error + floor * floor).squareRoot()
                let d = (p.estimate.mean - KuramotoTheory.stationaryOrderParameter(coupling: p.coupling, distribution: g)) / sigma
                return acc + d * d
            }
        }
        var lo = 0.5, hi = 2.0
        let phi = (5.0.squareRoot() - 1) / 2
        for _ in 0..<80 {
            let a = hi - phi * (hi - lo), b = lo + phi * (hi - lo)
            if chi2(a) < chi2(b) { hi = b } else { lo = a }
        }
        let best = 0.5 * (lo + hi)
        let h = 1e-3
        let curvature = (chi2(best + h) - 2 * chi2(best) + chi2(best - h)) / (h * h)
        // Scaled up by √(χ²/dof) when the points scatter more than their errors say.
        let inflation = max(1, chi2(best) / Double(max(1, used.count - 1))).squareRoot()
        let scaleError = curvature > 0 ? (2 / curvature).squareRoot() * inflation : .nan
        fittedCriticalCoupling = distribution.withScale(best).criticalCoupling
        fittedCriticalCouplingError = kc * scaleError
        worstDeviation = used.map { abs($0.estimate.mean - $0.theory) }.max() ?? .nan
    }

    /// r at K = ½K_c for each N (Lorentzian or whatever `distribution` is) and the log-log slope of r
    /// against N (expected −½ in the incoherent state).
    static func belowThreshold(
        distribution: FrequencyDistribution, settings: Settings,
        rng: SeededRNG
    ) -> (sizes: [Int], r: [OrderParameterEstimate], slope: Double, slopeError: Double) {
        let k = 0.5 * distribution.criticalCoupling
        let estimates = Parallel.map(settings.sizes.count) { i -> OrderParameterEstimate in
            var r = rng.stream(UInt64(1000 + i))
            return KuramotoModel.stationaryOrderParameter(
                distribution: distribution, oscillators: settings.sizes[i], coupling: k,
                regular: false, realisations: settings.realisations,
                timeStep: settings.timeStep, transient: settings.transient,
                duration: settings.duration, rng: &r)
        }
        // Weighted least squares of log r on log N.
        let x = settings.sizes.map { Foundation.log(Double($0)) }
        let y = estimates.map { Foundation.log($0.mean) }
        let w = estimates.map { e -> Double in
            let s = e.error / e.mean; return s > 0 ? 1 / (s * s) : 1
        }
        let sw = w.reduce(0, +)
        let mx = zip(w, x).reduce(0) { $0 + $1.0 * $1.1 } / sw, my = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
        var sxx = 0.0, sxy = 0.0
        for i in x.indices { sxx += w[i] * (x[i] - mx) * (x[i] - mx); sxy += w[i] * (x[i] - mx) * (y[i] - my) }
        let slope = sxy / sxx
        var rss = 0.0
        for i in x.indices { let r = y[i] - my - slope * (x[i] - mx); rss += w[i] * r * r }
        let dof = Double(max(1, x.count - 2))
        let error = (max(1, rss / dof) / sxx).squareRoot()
        return (settings.sizes, estimates, slope, error)
    }
}
