import Foundation
import TensorCore

// Size letters in this folder:
//   n  points (tokens) in a point set     D  dimension of the points
//   m  random Fourier features            r  rank of the embedding factor, min(n, m)
//   d_k  query/key width                  d_v  value width
//   H  heads (N_h)                        N  hidden width of the single-layer network
//   B  jackknife blocks                   Q  quadruples (i, j, k, l) of 4-point functions

/// n points in R^D at which a field's correlators are evaluated — the tokens of the head.
public struct PointSet: Sendable, Codable, Equatable {
    /// Number of points n.
    public let count: Int
    /// Dimension D.
    public let dimension: Int
    /// Coordinates, row-major (n, D).
    public var coordinates: [Double]

    public init(count: Int, dimension: Int, coordinates: [Double]) {
        precondition(count > 0 && dimension > 0, "PointSet: need n > 0 points in D > 0 dimensions, got n=\(count) D=\(dimension)")
        precondition(
            coordinates.count == count * dimension,
            "PointSet: expected n·D = \(count * dimension) coordinates, got \(coordinates.count)")
        precondition(coordinates.allSatisfy(\.isFinite), "PointSet: coordinates must be finite")
        self.count = count
        self.dimension = dimension
        self.coordinates = coordinates
    }

    /// Points from a list of rows (each of length D).
    public init(_ rows: [[Double]]) {
        precondition(!rows.isEmpty, "PointSet: no points")
        let d = rows[0].count
        precondition(rows.allSatisfy { $0.count == d }, "PointSet: rows must all have the same dimension")
        self.init(count: rows.count, dimension: d, coordinates: rows.flatMap { $0 })
    }

    /// A regular n-gon of the given radius in the (x₁, x₂) plane of R^D (D ≥ 2), centred at the
    /// origin. Its symmetry group maps every pair at the same separation s = |i − j| mod n onto
    /// every other, so a Euclidean-invariant G2 depends only on the chord 2R·sin(πs/n).
    public static func ring(count n: Int, dimension d: Int, radius: Double) -> PointSet {
        precondition(d >= 2, "PointSet.ring: needs D ≥ 2, got \(d)")
        precondition(radius > 0, "PointSet.ring: radius must be positive")
        var c = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            let angle = 2 * Double.pi * Double(i) / Double(n)
            c[i * d] = radius * cos(angle)
            c[i * d + 1] = radius * sin(angle)
        }
        return PointSet(count: n, dimension: d, coordinates: c)
    }

    /// n points on the x₁ axis at the given positions.
    public static func line(_ positions: [Double], dimension d: Int = 1) -> PointSet {
        var c = [Double](repeating: 0, count: positions.count * d)
        for (i, x) in positions.enumerated() { c[i * d] = x }
        return PointSet(count: positions.count, dimension: d, coordinates: c)
    }

    /// Point i as a vector of length D.
    public func point(_ i: Int) -> [Double] { Array(coordinates[(i * dimension)..<((i + 1) * dimension)]) }

    /// Euclidean distance |x_i − x_j|.
    public func distance(_ i: Int, _ j: Int) -> Double {
        var s = 0.0
        for d in 0..<dimension {
            let t = coordinates[i * dimension + d] - coordinates[j * dimension + d]
            s += t * t
        }
        return s.squareRoot()
    }

    /// The set moved by a vector t (length D).
    public func translated(by t: [Double]) -> PointSet {
        precondition(t.count == dimension, "PointSet.translated: vector has \(t.count) components, points have \(dimension)")
        var c = coordinates
        for i in 0..<count { for d in 0..<dimension { c[i * dimension + d] += t[d] } }
        return PointSet(count: count, dimension: dimension, coordinates: c)
    }

    /// The set mapped by x ↦ R x for a D×D matrix R (about the origin).
    public func transformed(by rotation: Matrix) -> PointSet {
        precondition(
            rotation.rows == dimension && rotation.cols == dimension,
            "PointSet.transformed: need a \(dimension)×\(dimension) matrix, got \(rotation.rows)×\(rotation.cols)")
        var c = [Double](repeating: 0, count: coordinates.count)
        for i in 0..<count {
            for a in 0..<dimension {
                var s = 0.0
                for b in 0..<dimension { s += rotation[a, b] * coordinates[i * dimension + b] }
                c[i * dimension + a] = s
            }
        }
        return PointSet(count: count, dimension: dimension, coordinates: c)
    }

    /// A Haar-random proper rotation of R^D: Gram–Schmidt on a Gaussian matrix (which gives the
    /// Haar measure on O(D)), then one column negated if needed so that det R = +1.
    public static func randomRotation(dimension d: Int, rng: inout SeededRNG) -> Matrix {
        var columns: [[Double]] = []
        while columns.count < d {
            var v = (0..<d).map { _ in rng.normal() }
            for u in columns {
                let p = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                for k in 0..<d { v[k] -= p * u[k] }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-8 { columns.append(v.map { $0 / norm }) }
        }
        var r = Matrix(rows: d, cols: d)
        for a in 0..<d { for b in 0..<d { r[a, b] = columns[b][a] } }
        if d > 0, let det = try? r.logDeterminant(), det.sign < 0 {
            for a in 0..<d { r[a, 0] = -r[a, 0] }
        }
        return r
    }
}
