import TensorCore

/// A Gaussian field with a given covariance: φ = L z, L Lᵀ = K, z ~ N(0, I_n).
///
/// The free theory of NN-QFT: its connected correlators vanish, so it is the known answer for
/// the estimators (G2 = K, G4c = 0) and, sampled with the measured G2 of another ensemble and
/// the same number of draws, the Monte-Carlo noise floor of that ensemble's G4c.
public struct GaussianProcessField: FieldSampler {
    public let pointCount: Int
    /// Covariance K (n, n), row-major.
    public let covariance: [Double]
    /// Its semidefinite Cholesky factor (n, n).
    let factor: [Double]

    /// - Parameter covariance: symmetric positive semidefinite (n, n), row-major.
    public init(covariance: [Double], pointCount n: Int) {
        precondition(covariance.count == n * n, "GaussianProcessField: covariance must be \(n)×\(n)")
        for i in 0..<n {
            for j in 0..<n {
                precondition(
                    abs(covariance[i * n + j] - covariance[j * n + i]) <= 1e-9 * (abs(covariance[i * n + j]) + 1e-300),
                    "GaussianProcessField: covariance must be symmetric")
            }
        }
        self.pointCount = n
        self.covariance = covariance
        var l = [Double](repeating: 0, count: n * n)
        covariance.withUnsafeBufferPointer { g in
            l.withUnsafeMutableBufferPointer { _ = semidefiniteCholesky(g.baseAddress!, $0.baseAddress!, n: n) }
        }
        self.factor = l
    }

    public var hasConditionalCovariance: Bool { false }

    public final class Workspace {
        let z: ScratchBuffer
        init(_ n: Int) { z = ScratchBuffer(n) }
    }

    public func makeWorkspace() -> Workspace { Workspace(pointCount) }

    public func draw(
        _ field: UnsafeMutablePointer<Double>, covariance _: UnsafeMutablePointer<Double>?,
        workspace: Workspace, rng: inout SeededRNG
    ) {
        let n = pointCount, z = workspace.z.base
        GaussianDraws.fill(z, count: n, rng: &rng)
        factor.withUnsafeBufferPointer { l in
            for i in 0..<n {
                var s = 0.0
                for k in 0...i { s += l[i * n + k] * z[k] }
                field[i] = s
            }
        }
    }
}
