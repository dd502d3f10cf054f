import TensorCore

/// A random-parameter ensemble of scalar fields on n fixed points: one call, one draw of the
/// parameters, one field configuration φ ∈ R^n (NN-QFT: Halverson, Maiti & Stoner 2021).
///
/// Samplers are immutable descriptions; everything a draw writes lives in a `Workspace`
/// allocated once per block of draws, so the inner loop allocates nothing.
public protocol FieldSampler: Sendable {
    associatedtype Workspace
    /// Number of points n.
    var pointCount: Int { get }
    /// True when `draw` can also give a conditional covariance C = E[φφᵀ | part of the
    /// parameters] given which the field is Gaussian (for attention heads: given the query/key
    /// weights, embeddings and read-out norm — the attention-weight representation). Then
    /// G2 = E[C] and G4c(i,j,k,l) = Cov(C_ij, C_kl) + Cov(C_ik, C_jl) + Cov(C_il, C_jk).
    var hasConditionalCovariance: Bool { get }
    /// Scratch memory for one thread.
    func makeWorkspace() -> Workspace
    /// Draws the parameters once and writes φ (n) and, when `covariance` is non-nil, the
    /// conditional covariance (n, n), row-major.
    func draw(
        _ field: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>?,
        workspace: Workspace, rng: inout SeededRNG)
}

/// A scratch buffer of doubles owned by a workspace; freed when the workspace goes.
final class ScratchBuffer {
    let base: UnsafeMutablePointer<Double>
    let count: Int

    init(_ count: Int) {
        self.count = max(1, count)
        base = .allocate(capacity: self.count)
        base.initialize(repeating: 0, count: self.count)
    }

    deinit { base.deallocate() }
}

/// Lower-triangular L (n, r=n) with L Lᵀ = G for a symmetric positive semidefinite G (n, n),
/// row-major. A pivot below `tolerance`·max(G_jj) marks a direction G does not span: its column
/// is set to zero instead of failing, so rank-deficient Gram matrices (close or repeated points)
/// still give an exact factor up to rounding. Returns the number of zeroed pivots.
@discardableResult
func semidefiniteCholesky(
    _ g: UnsafePointer<Double>, _ l: UnsafeMutablePointer<Double>, n: Int,
    tolerance: Double = 1e-13
) -> Int {
    var scale = 0.0
    for j in 0..<n { scale = max(scale, g[j * n + j]) }
    let floor = tolerance * max(scale, 1e-300)
    var dropped = 0
    for i in 0..<(n * n) { l[i] = 0 }
    for j in 0..<n {
        var d = g[j * n + j]
        for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
        if d <= floor {
            dropped += 1
            continue
        }
        let pivot = d.squareRoot()
        l[j * n + j] = pivot
        let inverse = 1 / pivot
        for i in (j + 1)..<max(j + 1, n) {
            var s = g[i * n + j]
            for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
            l[i * n + j] = s * inverse
        }
    }
    return dropped
}
