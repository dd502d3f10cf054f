import Foundation
import TensorCore

/// Random Fourier features e(x) = √(2/m)·cos(Ωx + b) (Rahimi & Recht 2007), the token
/// embedding of seed 002: Ω ∈ R^{m×D} with entries N(0, 1/ℓ²), b ∈ [0, 2π)^m uniform.
///
/// For each feature E_{Ω,b}[2cos(ω·x + b)cos(ω·y + b)] = E_ω[cos ω·(x − y)] = exp(−|x − y|²/2ℓ²),
/// so e(x)·e(y) is an unbiased estimate of the Gaussian (RBF) kernel with O(1/√m) fluctuations.
/// The joint law of {e(x_i)} is exactly invariant under x ↦ Rx + t (b + ω·t is again uniform
/// mod 2π, Rᵀω is again N(0, I/ℓ²)); one fixed draw of (Ω, b) is not: its Gram matrix carries a
/// term (1/m)Σ_c cos(ω_c·(x + y) + 2b_c) that breaks translation invariance at O(1/√m).
public struct RandomFourierFeatures: Sendable, Codable, Equatable {
    /// Number of features m.
    public let features: Int
    /// Input dimension D.
    public let dimension: Int
    /// Length scale ℓ.
    public let lengthScale: Double
    /// Ω stored transposed, row-major (D, m): frequencies[k·m + c] = Ω_ck.
    public let frequencies: [Double]
    /// b (m).
    public let phases: [Double]

    /// Draws Ω and b.
    public init(features m: Int, dimension d: Int, lengthScale: Double, rng: inout SeededRNG) {
        precondition(m > 0 && d > 0, "RandomFourierFeatures: need m > 0 features in D > 0 dimensions")
        precondition(lengthScale > 0 && lengthScale.isFinite, "RandomFourierFeatures: length scale must be positive")
        features = m
        dimension = d
        self.lengthScale = lengthScale
        var omega = [Double](repeating: 0, count: m * d), b = [Double](repeating: 0, count: m)
        var random = SeededRNG(drawingStateFrom: &rng)
        omega.withUnsafeMutableBufferPointer { o in
            b.withUnsafeMutableBufferPointer { p in
                RandomFourierFeatures.drawParameters(
                    omega: o.baseAddress!, phases: p.baseAddress!, m: m, d: d,
                    lengthScale: lengthScale, rng: &random)
            }
        }
        frequencies = omega
        phases = b
    }

    /// The embedding (n, m) of a point set.
    public func embed(_ points: PointSet) -> [Double] {
        precondition(points.dimension == dimension, "RandomFourierFeatures.embed: points are \(points.dimension)-D, features \(dimension)-D")
        var e = [Double](repeating: 0, count: points.count * features)
        points.coordinates.withUnsafeBufferPointer { x in
            frequencies.withUnsafeBufferPointer { o in
                phases.withUnsafeBufferPointer { b in
                    e.withUnsafeMutableBufferPointer { out in
                        RandomFourierFeatures.embed(
                            points: x.baseAddress!, n: points.count, d: dimension, omega: o.baseAddress!,
                            phases: b.baseAddress!, m: features, out: out.baseAddress!)
                    }
                }
            }
        }
        return e
    }

    /// The Gram matrix G_ij = e(x_i)·e(x_j) (n, n).
    public func gram(_ points: PointSet) -> [Double] {
        let e = embed(points), n = points.count
        var g = [Double](repeating: 0, count: n * n)
        e.withUnsafeBufferPointer { ep in
            g.withUnsafeMutableBufferPointer { RandomFourierFeatures.gram(ep.baseAddress!, n: n, m: features, out: $0.baseAddress!) }
        }
        return g
    }

    /// The kernel the features estimate: exp(−r²/2ℓ²).
    public static func kernel(distance r: Double, lengthScale: Double) -> Double { exp(-r * r / (2 * lengthScale * lengthScale)) }

    /// The kernel matrix K_ij = exp(−|x_i − x_j|²/2ℓ²) of a point set (n, n).
    public static func kernelMatrix(_ points: PointSet, lengthScale: Double) -> [Double] {
        let n = points.count
        var k = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { k[i * n + j] = kernel(distance: points.distance(i, j), lengthScale: lengthScale) } }
        return k
    }

    // MARK: Raw kernels for the samplers

    /// Ωᵀ (D, m) with N(0, 1/ℓ²) entries and b (m) uniform in [0, 2π).
    @inline(__always)
    static func drawParameters(
        omega: UnsafeMutablePointer<Double>, phases: UnsafeMutablePointer<Double>, m: Int, d: Int,
        lengthScale: Double, rng: inout SeededRNG
    ) {
        GaussianDraws.fill(omega, count: m * d, scale: 1 / lengthScale, rng: &rng)
        for c in 0..<m { phases[c] = 2 * Double.pi * rng.uniform() }
    }

    /// E (n, m): E_ic = √(2/m) cos(Σ_k x_ik Ω_ck + b_c), with Ωᵀ (D, m).
    @inline(__always)
    static func embed(
        points x: UnsafePointer<Double>, n: Int, d: Int, omega: UnsafePointer<Double>,
        phases: UnsafePointer<Double>, m: Int, out e: UnsafeMutablePointer<Double>
    ) {
        let amplitude = (2.0 / Double(m)).squareRoot()
        for i in 0..<n {
            let row = e + i * m
            for c in 0..<m { row[c] = phases[c] }
            for k in 0..<d {
                let xk = x[i * d + k]
                let w = omega + k * m
                for c in 0..<m { row[c] += xk * w[c] }
            }
        }
        cosinesInPlace(e, count: n * m)
        for t in 0..<(n * m) { e[t] *= amplitude }
    }

    /// G = E Eᵀ (n, n) for E (n, m).
    @inline(__always)
    static func gram(_ e: UnsafePointer<Double>, n: Int, m: Int, out g: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            for j in i..<n {
                let s = dot(e + i * m, e + j * m, m)
                g[i * n + j] = s
                g[j * n + i] = s
            }
        }
    }
}
