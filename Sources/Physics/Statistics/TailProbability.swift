import Foundation

/// Tail probabilities of the normal and χ² distributions, for p-values of tests and fits.
public enum TailProbability {
    /// P(|Z| > |z|) for a standard normal Z: erfc(|z|/√2).
    public static func normalTwoSided(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// P(X > x) for X ~ χ²(k): the regularised upper incomplete gamma Q(k/2, x/2)
    /// (`ChiSquaredDistribution.survival`).
    public static func chiSquared(_ x: Double, degreesOfFreedom k: Int) -> Double {
        precondition(k > 0, "TailProbability.chiSquared: degrees of freedom must be positive, got \(k)")
        return ChiSquaredDistribution.survival(x, degreesOfFreedom: Double(k))
    }
}
