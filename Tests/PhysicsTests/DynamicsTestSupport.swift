import TensorCore

/// Random systems with known structure for the Koopman and propagator tests.
enum DynamicsTestSystems {
    /// A random generator A = H + D with skew H of scale `rotation` and symmetric D of scale
    /// `dissipation`, shifted by `shift`·I.
    static func generator(
        _ d: Int, rotation: Double = 0.5, dissipation: Double = 0.3, shift: Double = 0,
        rng: inout SeededRNG
    ) -> Matrix {
        let g = Matrix.randomNormal(rows: d, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng)
        let s = Matrix.randomNormal(rows: d, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng)
        return g.antisymmetricPart * rotation + s.symmetricPart * dissipation + Matrix.identity(d) * shift
    }

    /// A random symmetric positive-definite matrix with eigenvalues in [low, high].
    static func spd(_ d: Int, low: Double = 0.5, high: Double = 2, rng: inout SeededRNG) throws -> Matrix {
        let q = try Matrix.randomNormal(rows: d, cols: d, rng: &rng).symmetricPart.symmetricEigen().vectors
        let values = (0..<d).map { _ in rng.uniform(low, high) }
        return q * Matrix.diagonal(values).multiplied(by: q, transposeOther: true)
    }

    static func vector(_ d: Int, std: Double = 1, rng: inout SeededRNG) -> [Double] {
        (0..<d).map { _ in std * rng.normal() }
    }

    /// Largest |a − b| relative to max(1, |b|) over two vectors.
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        relativeError(a.elements, b.elements)
    }
}
