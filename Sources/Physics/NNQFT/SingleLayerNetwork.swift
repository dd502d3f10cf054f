import Foundation
import TensorCore

/// The single-hidden-layer network of NN-QFT, the validation case with known answers
/// (Halverson, Maiti & Stoner, "Neural networks and quantum field theory", MLST 2 (2021) 035002):
///
///     f(x) = Σ_{a=1}^{N} W1_a σ(W0_a·x + b0_a) + b1,
///     W0 ~ N(0, σ_W²/D), b0 ~ N(0, σ_b²), W1 ~ N(0, σ_W²/N), b1 ~ N(0, σ_b²),
///
/// with σ = erf, ReLU, or the Gauss-net σ(z) = exp(z)/exp(σ_b² + σ_W²|x|²/D). Its two-point
/// function is N-independent and known in closed form (`kernel`); as a sum of N i.i.d. terms
/// scaled by 1/√N its connected 4-point function is exactly κ4/N (`exactConnectedFourPoint`).
public struct SingleLayerNetwork: FieldSampler {
    public enum Activation: String, Sendable, Codable, CaseIterable {
        case erf
        case relu
        /// exp(z) normalised so that the kernel is σ_b² + σ_W² exp(−σ_W²|x − x'|²/2D).
        case gauss
    }

    public let points: PointSet
    public let activation: Activation
    /// Hidden width N.
    public let width: Int
    /// σ_W.
    public let weightScale: Double
    /// σ_b.
    public let biasScale: Double

    public init(points: PointSet, activation: Activation, width: Int, weightScale: Double = 1, biasScale: Double = 1) {
        precondition(width >= 1, "SingleLayerNetwork: width N must be at least 1, got \(width)")
        precondition(weightScale > 0 && biasScale >= 0, "SingleLayerNetwork: need σ_W > 0 and σ_b ≥ 0")
        self.points = points
        self.activation = activation
        self.width = width
        self.weightScale = weightScale
        self.biasScale = biasScale
    }

    public var pointCount: Int { points.count }
    public var hasConditionalCovariance: Bool { false }

    public final class Workspace {
        let w0: ScratchBuffer, b0: ScratchBuffer, w1: ScratchBuffer, gaussShift: ScratchBuffer
        init(_ s: SingleLayerNetwork) {
            w0 = ScratchBuffer(s.width * s.points.dimension)
            b0 = ScratchBuffer(s.width)
            w1 = ScratchBuffer(s.width)
            gaussShift = ScratchBuffer(s.points.count)
            for i in 0..<s.points.count { gaussShift.base[i] = s.preactivationVariance(i, i) }
        }
    }

    public func makeWorkspace() -> Workspace { Workspace(self) }

    public func draw(
        _ field: UnsafeMutablePointer<Double>, covariance _: UnsafeMutablePointer<Double>?,
        workspace ws: Workspace, rng: inout SeededRNG
    ) {
        let n = points.count, d = points.dimension, width = self.width
        GaussianDraws.fill(ws.w0.base, count: width * d, scale: weightScale / Double(d).squareRoot(), rng: &rng)
        GaussianDraws.fill(ws.b0.base, count: width, scale: biasScale, rng: &rng)
        GaussianDraws.fill(ws.w1.base, count: width, scale: weightScale / Double(width).squareRoot(), rng: &rng)
        let b1 = biasScale * GaussianDraws.normal(&rng)
        let w0 = ws.w0.base, b0 = ws.b0.base, w1 = ws.w1.base
        points.coordinates.withUnsafeBufferPointer { x in
            for i in 0..<n {
                var s = 0.0
                let shift = ws.gaussShift.base[i]
                for a in 0..<width {
                    var z = b0[a]
                    for k in 0..<d { z += w0[a * d + k] * x[i * d + k] }
                    let h: Double
                    switch activation {
                    case .erf: h = Foundation.erf(z)
                    case .relu: h = max(0, z)
                    case .gauss: h = exp(z - shift)
                    }
                    s += w1[a] * h
                }
                field[i] = s + b1
            }
        }
    }

    // MARK: Known answers

    /// Covariance of the pre-activations, Σ_ij = σ_b² + σ_W² x_i·x_j/D.
    public func preactivationVariance(_ i: Int, _ j: Int) -> Double {
        let d = points.dimension
        var dot = 0.0
        for k in 0..<d { dot += points.coordinates[i * d + k] * points.coordinates[j * d + k] }
        return biasScale * biasScale + weightScale * weightScale * dot / Double(d)
    }

    /// E[σ(z_i)σ(z_j)] for one hidden unit.
    public func activationCorrelation(_ i: Int, _ j: Int) -> Double {
        let sij = preactivationVariance(i, j), sii = preactivationVariance(i, i), sjj = preactivationVariance(j, j)
        switch activation {
        case .erf:
            // Williams (1997): (2/π) arcsin(2Σ_ij / √((1 + 2Σ_ii)(1 + 2Σ_jj)))
            return 2 / Double.pi * asin(2 * sij / ((1 + 2 * sii) * (1 + 2 * sjj)).squareRoot())
        case .relu:
            // Cho & Saul (2009), arc-cosine kernel of degree 1
            let norm = (sii * sjj).squareRoot()
            let cosine = min(1, max(-1, sij / norm))
            let theta = acos(cosine)
            return norm / (2 * Double.pi) * (sin(theta) + (Double.pi - theta) * cosine)
        case .gauss:
            // E[e^{z_i − Σ_ii} e^{z_j − Σ_jj}] = exp(½(Σ_ii + Σ_jj + 2Σ_ij) − Σ_ii − Σ_jj) = exp(−σ_W²|x_i − x_j|²/2D)
            return exp(sij - 0.5 * sii - 0.5 * sjj)
        }
    }

    /// The exact two-point function G2(x_i, x_j) = σ_b² + σ_W² E[σ(z_i)σ(z_j)], for every N.
    public func kernel(_ i: Int, _ j: Int) -> Double {
        biasScale * biasScale + weightScale * weightScale * activationCorrelation(i, j)
    }

    /// The kernel matrix (n, n).
    public var kernelMatrix: [Double] {
        let n = points.count
        var k = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { k[i * n + j] = kernel(i, j) } }
        return k
    }

    /// The exact connected 4-point function at width N:
    ///
    ///     G4c = (σ_W⁴/N)·(3·E[σ₁σ₂σ₃σ₄] − E[σ₁σ₂]E[σ₃σ₄] − E[σ₁σ₃]E[σ₂σ₄] − E[σ₁σ₄]E[σ₂σ₃]),
    ///
    /// (E[W1⁴] = 3σ_W⁴/N², N i.i.d. units; b1 is Gaussian and drops out). The single-unit
    /// 4-point moment is closed-form for the Gauss-net and computed by quadrature for erf and
    /// ReLU, which needs D = 1 (then z = σ_W x u + σ_b v with two standard normals u, v).
    public func exactConnectedFourPoint(_ q: Quadruple) -> Double {
        let e4 = activationFourPointMoment(q.indices)
        let pairings =
            activationCorrelation(q.i, q.j) * activationCorrelation(q.k, q.l)
            + activationCorrelation(q.i, q.k) * activationCorrelation(q.j, q.l)
            + activationCorrelation(q.i, q.l) * activationCorrelation(q.j, q.k)
        let s2 = weightScale * weightScale
        return s2 * s2 / Double(width) * (3 * e4 - pairings)
    }

    /// E[σ(z_a)σ(z_b)σ(z_c)σ(z_d)] for one hidden unit.
    public func activationFourPointMoment(_ idx: [Int]) -> Double {
        precondition(idx.count == 4, "activationFourPointMoment: needs 4 indices")
        switch activation {
        case .gauss:
            // E[Π_a e^{z_a − Σ_aa}] = exp(½ Σ_ab Σ_ab − Σ_a Σ_aa) (the shift is the one in draw()).
            var total = 0.0, shifts = 0.0
            for a in idx {
                shifts += preactivationVariance(a, a)
                for b in idx { total += preactivationVariance(a, b) }
            }
            return exp(0.5 * total - shifts)
        case .erf, .relu:
            precondition(points.dimension == 1, "activationFourPointMoment: erf and ReLU quadrature needs D = 1")
            let slopes = idx.map { weightScale * points.coordinates[$0] }
            return activation == .relu ? reluMoment(slopes) : erfMoment(slopes)
        }
    }

    /// E[Π relu(a_i u + σ_b v)] in polar coordinates: ρ⁴ factors out (E ρ⁴ = 8 for two standard
    /// normals) and the angle integral of a piecewise-trigonometric function is done by the
    /// composite midpoint rule between its kinks.
    func reluMoment(_ a: [Double]) -> Double {
        let c = biasScale
        var kinks: [Double] = [0, 2 * Double.pi]
        for ai in a {
            // a_i cos θ + c sin θ = 0 at θ = atan2(−a_i, c) and that + π (mod 2π)
            var t = atan2(-ai, c)
            for _ in 0..<2 {
                t = t.truncatingRemainder(dividingBy: 2 * Double.pi)
                if t < 0 { t += 2 * Double.pi }
                kinks.append(t)
                t += Double.pi
            }
        }
        kinks.sort()
        var integral = 0.0
        let pieces = 4000
        for s in 0..<(kinks.count - 1) {
            let lo = kinks[s], hi = kinks[s + 1]
            if hi - lo < 1e-15 { continue }
            let h = (hi - lo) / Double(pieces)
            // Gauss–Legendre 2-point per piece: exact for cubics, the integrand is smooth inside.
            let offset = h / 2 / 3.0.squareRoot()
            for p in 0..<pieces {
                let mid = lo + (Double(p) + 0.5) * h
                for theta in [mid - offset, mid + offset] {
                    var prod = 1.0
                    for ai in a { prod *= max(0, ai * cos(theta) + c * sin(theta)) }
                    integral += prod * h / 2
                }
            }
        }
        return 8 * integral / (2 * Double.pi)
    }

    /// E[Π erf(a_i u + σ_b v)] by a 2-D Gauss–Hermite rule (erf is entire, so it converges fast).
    func erfMoment(_ a: [Double]) -> Double {
        let rule = GaussHermite.probabilists(points: 96)
        let c = biasScale
        var total = 0.0
        for (u, wu) in zip(rule.nodes, rule.weights) {
            for (v, wv) in zip(rule.nodes, rule.weights) {
                var prod = 1.0
                for ai in a { prod *= Foundation.erf(ai * u + c * v) }
                total += wu * wv * prod
            }
        }
        return total
    }
}

/// Gauss–Hermite quadrature for E[f(Z)], Z ~ N(0, 1) (Golub–Welsch: the nodes are the
/// eigenvalues of the Jacobi matrix of the probabilists' Hermite polynomials, off-diagonal √k,
/// and the weights the squared first components of its eigenvectors).
public enum GaussHermite {
    public static func probabilists(points n: Int) -> (nodes: [Double], weights: [Double]) {
        precondition(n >= 1, "GaussHermite: needs at least one point")
        var j = Matrix(rows: n, cols: n)
        for k in 1..<max(1, n) {
            j[k - 1, k] = Double(k).squareRoot()
            j[k, k - 1] = Double(k).squareRoot()
        }
        guard let (values, vectors) = try? j.symmetricEigen() else {
            preconditionFailure("GaussHermite: eigen-decomposition failed")
        }
        let weights = (0..<n).map { vectors[0, $0] * vectors[0, $0] }
        return (values, weights)
    }
}
