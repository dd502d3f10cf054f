import Foundation

/// Compares the two-point functions of two independent runs entry by entry — for the same
/// ensemble on a point set and on its translated or rotated image, where Euclidean invariance
/// says G2(Rx_i + t, Rx_j + t) = G2(x_i, x_j).
///
/// For each pair i ≤ j, z_ij = (G2′_ij − G2_ij)/√(σ²_ij + σ′²_ij) (independent runs, so the
/// variances add). Under invariance each z is standard normal, but the z's are correlated, so the
/// test statistic is max|z| with a Bonferroni p-value, P ≤ p·P(|Z| > max|z|) for p pairs — valid
/// whatever the correlations (conservative). `meanSquare` = (1/p)Σz², ≈ 1 under invariance, is
/// reported as a second, descriptive number.
public struct InvarianceComparison: Sendable, Codable, Equatable {
    /// z per pair (pairIndex order).
    public var z: [Double]
    /// max_ij |z_ij|.
    public var maxAbsZ: Double
    /// Bonferroni-corrected p-value of max|z| (capped at 1).
    public var pValue: Double
    /// (1/p) Σ z².
    public var meanSquare: Double
    /// Largest |G2′ − G2| relative to max G2.
    public var maxRelativeDifference: Double

    public init(_ a: [JackknifeValue], _ b: [JackknifeValue]) {
        precondition(a.count == b.count && !a.isEmpty, "InvarianceComparison: runs must have the same pairs")
        z = zip(a, b).map { x, y in
            let s = (x.error * x.error + y.error * y.error).squareRoot()
            return s > 0 ? (y.value - x.value) / s : 0
        }
        maxAbsZ = z.map(abs).max() ?? 0
        pValue = min(1, Double(z.count) * TailProbability.normalTwoSided(maxAbsZ))
        meanSquare = z.reduce(0) { $0 + $1 * $1 } / Double(z.count)
        let scale = a.map { abs($0.value) }.max() ?? 1
        maxRelativeDifference = zip(a, b).map { abs($1.value - $0.value) }.max()! / max(scale, 1e-300)
    }

    /// Whether invariance survives at significance level α (p ≥ α).
    public func consistent(at alpha: Double = 0.01) -> Bool { pValue >= alpha }
}
