import ComplexModule
import Foundation
import Testing

@testable import TensorCore

/// Known answers for the LAPACK wrappers, the matrix exponential and its Fréchet derivative.
@Suite struct LinearAlgebraTests {
    func randomMatrix(_ n: Int, _ m: Int, seed: UInt64, std: Double = 1) -> Matrix {
        var rng = SeededRNG(seed: seed)
        return Matrix.randomNormal(rows: n, cols: m, std: std, rng: &rng)
    }

    @Test func rotationGeneratorExponentialIsCosSin() throws {
        let theta = 0.7
        let a = Matrix([[0, -theta], [theta, 0]])
        let k = try a.exponential()
        let expected = Matrix([[cos(theta), -sin(theta)], [sin(theta), cos(theta)]])
        #expect(k.maxAbsDifference(expected) < 1e-15)
        let values = try k.eigenvalues().sorted { $0.imaginary < $1.imaginary }
        #expect(abs(values[0].real - cos(theta)) < 1e-14 && abs(values[0].imaginary + sin(theta)) < 1e-14)
        #expect(abs(values[1].length - 1) < 1e-14)
    }

    @Test func exponentialAgreesWithTaylorSeriesAndDiagonal() throws {
        for (seed, std) in [(1, 0.001), (2, 0.05), (3, 0.3), (4, 1.0), (5, 3.0)] as [(UInt64, Double)] {
            let a = randomMatrix(6, 6, seed: seed, std: std)
            // Taylor series with scaling and squaring in plain arithmetic as the reference.
            let s = 12
            let scaled = a * pow(2, -Double(s))
            var term = Matrix.identity(6), sum = Matrix.identity(6)
            for k in 1...20 { term = term * scaled * (1 / Double(k)); sum = sum + term }
            for _ in 0..<s { sum = sum * sum }
            let e = try a.exponential()
            #expect(e.maxAbsDifference(sum) / sum.frobeniusNorm < 1e-12, "std \(std)")
        }
        let d = try Matrix.diagonal([-2, 0, 1.5]).exponential()
        #expect(d.maxAbsDifference(Matrix.diagonal([exp(-2), 1, exp(1.5)])) < 1e-14)
        // exp(A) exp(−A) = I
        let a = randomMatrix(5, 5, seed: 9, std: 2)
        #expect((try a.exponential() * (try (-a).exponential())).maxAbsDifference(.identity(5)) < 1e-10)
    }

    @Test func frechetDerivativeMatchesFiniteDifferences() throws {
        let a = randomMatrix(5, 5, seed: 11, std: 1.2), e = randomMatrix(5, 5, seed: 12)
        let (expA, l) = try a.exponentialFrechet(direction: e)
        #expect(expA.maxAbsDifference(try a.exponential()) < 1e-12)
        let h = 1e-6
        let numeric = (try (a + e * h).exponential() - (try (a - e * h).exponential())) * (1 / (2 * h))
        #expect(l.maxAbsDifference(numeric) / l.frobeniusNorm < 1e-8)
    }

    @Test func generalEigenvectorsSatisfyDefinitions() throws {
        let a = randomMatrix(7, 7, seed: 21)
        let eig = try a.eigen(left: true, right: true)
        for (j, lambda) in eig.values.enumerated() {
            let v = eig.right![j], u = eig.left![j]
            for i in 0..<7 {
                var av = Complex<Double>(0, 0), ua = Complex<Double>(0, 0)
                for k in 0..<7 {
                    av = av + Complex(a[i, k], 0) * v[k]
                    ua = ua + u[k].conjugate * Complex(a[k, i], 0)  // (uᴴA)_i
                }
                #expect((av - lambda * v[i]).length < 1e-12)
                #expect((ua - lambda * u[i].conjugate).length < 1e-12)
            }
        }
    }

    @Test func symmetricEigenAndSVDReconstruct() throws {
        let b = randomMatrix(6, 6, seed: 31)
        let s = b + b.transposed
        let (values, vectors) = try s.symmetricEigen()
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect((vectors * Matrix.diagonal(values) * vectors.transposed).maxAbsDifference(s) < 1e-12)
        let m = randomMatrix(5, 3, seed: 32)
        let (u, sv, vt) = try m.svd()
        #expect(u.rows == 5 && u.cols == 3 && vt.rows == 3 && vt.cols == 3)
        #expect((u * Matrix.diagonal(sv) * vt).maxAbsDifference(m) < 1e-13)
        #expect((u.transposed * u).maxAbsDifference(.identity(3)) < 1e-13)
        #expect(zip(try m.singularValues(), sv).allSatisfy { abs($0 - $1) < 1e-13 })
    }

    @Test func solveInverseLogDetCholesky() throws {
        let a = randomMatrix(6, 6, seed: 41) + Matrix.identity(6) * 3
        let x = randomMatrix(6, 2, seed: 42)
        #expect((try a.solve(a * x)).maxAbsDifference(x) < 1e-12)
        #expect((a * (try a.inverse())).maxAbsDifference(.identity(6)) < 1e-12)
        let spd = a * a.transposed
        let l = try spd.cholesky()
        #expect((l * l.transposed).maxAbsDifference(spd) < 1e-10)
        let logdet = try spd.logDeterminant()
        let fromCholesky = 2 * l.diagonalElements.reduce(0) { $0 + log($1) }
        #expect(logdet.sign == 1 && abs(logdet.logAbs - fromCholesky) < 1e-10)
        #expect(try Matrix([[0, 1], [1, 0]]).logDeterminant().sign == -1)
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 2], [2, 4]]).inverse() }
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 2], [2, -4]]).cholesky() }
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, .nan], [0, 1]]).exponential() }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesNaiveProduct(transposes: (Bool, Bool)) {
        let (tA, tB) = transposes
        let (m, n, k) = (37, 29, 53)
        var rng = SeededRNG(seed: 51)
        let a = Tensor<Float>.randomUniform(tA ? [k, m] : [m, k], low: -1, high: 1, rng: &rng)
        let b = Tensor<Float>.randomUniform(tB ? [n, k] : [k, n], low: -1, high: 1, rng: &rng)
        let tape = Tape<Float>()
        let c = tape.constant(a).matmul(tape.constant(b), transposeSelf: tA, transposeOther: tB).value
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var s: Double = 0
                for p in 0..<k {
                    s += Double(tA ? a[p, i] : a[i, p]) * Double(tB ? b[j, p] : b[p, j])
                }
                worst = max(worst, abs(Float(s) - c[i, j]))
            }
        }
        #expect(worst < 1e-4)
    }
}
