import Foundation
import Testing

@testable import TensorCore

/// Fast paths against their references: the differentiated-Padé Fréchet derivative against the
/// 2n × 2n block exponential, and the tape's pool taking back backward-pass scratch.
@Suite struct FastPathTests {
    func randomMatrix(_ n: Int, seed: UInt64, std: Double) -> Matrix {
        var rng = SeededRNG(seed: seed)
        return Matrix.randomNormal(rows: n, cols: n, std: std, rng: &rng)
    }

    /// Norms from well below θ₁₃ (no squaring) to far above it (several squarings), including a
    /// decaying generator like the Koopman mixer's and a skew-symmetric one like the Hamiltonian's.
    /// The norms also cover every Padé degree of the derivative (3, 5, 7, 9 and 13).
    @Test(arguments: [(6, 0.0005), (6, 0.01), (6, 0.05), (40, 0.02), (6, 1.0), (12, 3.0), (40, 0.3), (40, 2.5)])
    func frechetPadeMatchesBlockExponential(n: Int, std: Double) throws {
        let a = randomMatrix(n, seed: UInt64(n) * 7 + 1, std: std), e = randomMatrix(n, seed: UInt64(n) * 7 + 2, std: 1)
        for generator in [a, a - Matrix.identity(n) * 0.5, a.antisymmetricPart, a.antisymmetricPart * 0.1] {
            let (expFast, lFast) = try generator.exponentialFrechetPade(direction: e)
            let (expRef, lRef) = try generator.exponentialFrechet(direction: e)
            #expect(expFast.maxAbsDifference(expRef) / expRef.frobeniusNorm < 1e-12)
            #expect(lFast.maxAbsDifference(lRef) / lRef.frobeniusNorm < 1e-11)
        }
    }

    @Test func frechetArgumentsReachEveryPadeDegree() {
        let degrees = Set(
            [(6, 0.0005), (6, 0.01), (6, 0.05), (40, 0.02), (6, 1.0), (12, 3.0), (40, 0.3), (40, 2.5)].flatMap { n, std in
                let a = randomMatrix(n, seed: UInt64(n) * 7 + 1, std: std)
                return [a, a - Matrix.identity(n) * 0.5, a.antisymmetricPart, a.antisymmetricPart * 0.1]
                    .map { Matrix.frechetDegree(norm: $0.norm1) }
            })
        #expect(degrees == [3, 5, 7, 9, 13])
    }

    /// The check above can fail: a derivative in a different direction is far off.
    @Test func frechetComparisonDetectsAWrongDirection() throws {
        let a = randomMatrix(8, seed: 3, std: 1), e = randomMatrix(8, seed: 4, std: 1)
        let (_, lFast) = try a.exponentialFrechetPade(direction: e * 1.001)
        let (_, lRef) = try a.exponentialFrechet(direction: e)
        #expect(lFast.maxAbsDifference(lRef) / lRef.frobeniusNorm > 1e-5)
    }

    @Test func frechetPadeRejectsNonFiniteInput() {
        var a = Matrix.identity(3)
        a[1, 1] = .nan
        #expect(throws: LinearAlgebraError.self) { try a.exponentialFrechetPade(direction: .identity(3)) }
    }

    /// A deferred gradient lands before the backward of the node it feeds (here y = 2x, so x
    /// sees 2·(deferred + direct)), and deferred contributions to a leaf arrive by the end.
    @Test func deferredGradientsLandBeforeTheirReaders() {
        let tape = Tape<Double>()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let y = x * 2
        let z = tape.record(y.value, inputs: [y, x]) { tape, g in
            let gy = g.scalars, gx = g.scalars
            tape.deferGradient(y) { gy.map { 10 * $0 } }  // ∂z/∂y contribution, computed later
            tape.deferGradient(x) { gx.map { 100 * $0 } }  // straight into the leaf
        }
        let loss = (z + y).sum()
        tape.backward(from: loss)
        // dy = 10 (deferred) + 1 (direct) → dx = 2·11 = 22, plus 100 deferred into x.
        #expect(tape.gradient(of: x)?.scalars == [122, 122])
    }

    /// Scratch tensors (`Tape.scratch`) made inside a backward function return to the pool at
    /// reset, so a steady loop stops allocating after its first step; `makeTensor` scratch does not.
    @Test func backwardScratchReturnsToThePool() {
        let tape = Tape<Float>()
        var pooled: [Int] = []
        for _ in 0..<3 {
            let x = tape.variable(Tensor(shape: [16], repeating: 1))
            let y = tape.record(tape.makeTensor([16]).filled(with: 2), inputs: [x]) { tape, g in
                let scratch = tape.scratch([1000])  // a size no op output has
                scratch.mptr.copy(from: g.ptr, count: 16)
                tape.accumulateGradient(x) { dx in for i in 0..<16 { dx[i] += scratch.ptr[i] } }
            }
            tape.backward(from: y)
            tape.reset()
            pooled.append(tape.pooledBytes)
        }
        #expect(pooled[0] >= 1000 * MemoryLayout<Float>.stride)
        #expect(pooled[1] == pooled[0] && pooled[2] == pooled[0])
    }

    @Test func zeroedScratchIsZeroEvenFromAReusedBuffer() {
        let tape = Tape<Float>()
        tape.scratch([64]).mptr.update(repeating: 3, count: 64)
        tape.reset()
        let z = tape.scratch([64], zeroed: true)
        #expect(z.scalars.allSatisfy { $0 == 0 })
    }

    /// A tensor the caller keeps after reset is not recycled under it.
    @Test func keptTensorIsNotPooled() {
        let tape = Tape<Float>()
        let kept = tape.makeTensor([32]).filled(with: 5)
        tape.reset()
        let next = tape.makeTensor([32]).filled(with: 7)
        #expect(kept.scalars.allSatisfy { $0 == 5 } && next.scalars.allSatisfy { $0 == 7 })
    }
}

private extension Tensor {
    func filled(with value: Scalar) -> Tensor {
        mptr.update(repeating: value, count: count)
        return self
    }
}
