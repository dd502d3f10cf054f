import Testing

@testable import TensorCore

/// `PadeExponential` (the tape's exponential, in the tensor's own precision, whose gradient reuses
/// the forward pass) against the Double references `Matrix.exponential`,
/// `Matrix.exponentialFrechetPade` and the 2n × 2n block exponential.
@Suite struct PadeExponentialTests {
    /// The generators of `FastPathTests`: every Padé degree (3, 5, 7, 9 and 13 with squarings),
    /// decaying, skew-symmetric and general.
    static let cases: [(n: Int, std: Double)] = [(6, 0.0005), (6, 0.01), (6, 0.05), (40, 0.02), (6, 1.0), (12, 3.0), (40, 0.3), (40, 2.5)]

    static func generators(n: Int, std: Double) -> [Matrix] {
        var rng = SeededRNG(seed: UInt64(n) * 7 + 1)
        let a = Matrix.randomNormal(rows: n, cols: n, std: std, rng: &rng)
        return [a, a - Matrix.identity(n) * 0.5, a.antisymmetricPart, a.antisymmetricPart * 0.1]
    }

    static func direction(_ n: Int) -> Matrix {
        var rng = SeededRNG(seed: UInt64(n) * 7 + 2)
        return Matrix.randomNormal(rows: n, cols: n, rng: &rng)
    }

    /// PadeExponential of a Matrix in precision S.
    static func pade<S: TensorScalar>(_ a: Matrix, _: S.Type) throws -> PadeExponential<S> {
        let t = a.tensor(of: S.self)
        return try withExtendedLifetime(t) { try PadeExponential(t.ptr, n: a.rows) }
    }

    /// L(Aᵀ, G) from `pade`, as a Double matrix.
    static func gradient<S: TensorScalar>(_ pade: PadeExponential<S>, _ g: Matrix) throws -> Matrix {
        let t = g.tensor(of: S.self)
        let values = try withExtendedLifetime(t) { try pade.adjointDerivative(t.ptr) }
        return Matrix(Tensor(shape: [g.rows, g.cols], scalars: values))
    }

    static func relativeError(_ x: Matrix, _ reference: Matrix) -> Double {
        x.maxAbsDifference(reference) / reference.frobeniusNorm
    }

    @Test(arguments: cases)
    func doubleMatchesTheReferences(n: Int, std: Double) throws {
        let g = Self.direction(n)
        for a in Self.generators(n: n, std: std) {
            let pade = try Self.pade(a, Double.self)
            let exp = Matrix(rows: n, cols: n, elements: pade.exponential)
            #expect(Self.relativeError(exp, try a.exponential()) < 1e-12)
            // ∂ℓ/∂A = L(Aᵀ, G).
            let gradient = try Self.gradient(pade, g)
            #expect(Self.relativeError(gradient, try a.transposed.exponentialFrechetPade(direction: g).derivative) < 1e-12)
            #expect(Self.relativeError(gradient, try a.transposed.exponentialFrechet(direction: g).derivative) < 1e-11)
        }
    }

    @Test func casesReachEveryDegree() throws {
        var degrees = Set<Int>()
        for (n, std) in Self.cases {
            for a in Self.generators(n: n, std: std) { degrees.insert(try Self.pade(a, Double.self).degree) }
        }
        #expect(degrees == [3, 5, 7, 9, 13])
    }

    /// Float against the Double reference, to single precision (the squarings amplify rounding
    /// by up to 2ˢ, hence the looser bound).
    @Test(arguments: cases)
    func floatMatchesTheDoubleReference(n: Int, std: Double) throws {
        let g = Self.direction(n)
        for a in Self.generators(n: n, std: std) {
            let pade = try Self.pade(a, Float.self)
            let exp = Matrix(Tensor(shape: [n, n], scalars: pade.exponential))
            let gradient = try Self.gradient(pade, g)
            let tolerance = 1e-5 * Double(1 << pade.squarings)
            #expect(Self.relativeError(exp, try a.exponential()) < tolerance)
            #expect(Self.relativeError(gradient, try a.transposed.exponentialFrechetPade(direction: g).derivative) < tolerance)
        }
    }

    /// The comparison can fail: for a non-symmetric A, L(A, G) is not the gradient L(Aᵀ, G).
    @Test func comparisonDetectsTheUntransposedDerivative() throws {
        let n = 12, g = Self.direction(n)
        let a = Self.generators(n: n, std: 0.3)[0]
        let gradient = try Self.gradient(try Self.pade(a, Double.self), g)
        #expect(Self.relativeError(gradient, try a.exponentialFrechetPade(direction: g).derivative) > 1e-3)
    }

    @Test func rejectsNonFiniteInput() throws {
        var a = Matrix.identity(3)
        a[1, 1] = .infinity
        #expect(throws: LinearAlgebraError.self) { try Self.pade(a, Float.self) }
        let pade = try Self.pade(Matrix.identity(3), Float.self)
        #expect(throws: LinearAlgebraError.self) { try Self.gradient(pade, a) }
    }

    /// The batch gives what one at a time gives, in order.
    @Test func batchMatchesOneAtATime() throws {
        let matrices = [(6, 0.05), (12, 3.0), (40, 0.3)].map { Self.generators(n: $0.0, std: $0.1)[1].tensor(of: Float.self) }
        let batch = try PadeExponential.batch(matrices)
        for (m, pade) in zip(matrices, batch) {
            #expect(pade.exponential == (try Self.pade(Matrix(m), Float.self)).exponential)
        }
    }
}
