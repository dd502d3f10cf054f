/// The matrix exponential as a tape op, with the exact gradient through the Fréchet derivative.
extension Variable {
    /// exp(A) for a square (n, n) variable, computed in the variable's own precision by Padé
    /// scaling and squaring (`PadeExponential`). `precomputed`, when given, is the exponential
    /// already computed from this value (so that callers can compute several side by side,
    /// `PadeExponential.batch`).
    ///
    /// Backward: for G = ∂ℓ/∂exp(A), ∂ℓ/∂A = L(Aᵀ, G), the Fréchet derivative at Aᵀ in direction
    /// G, from the forward pass's powers, LU factors and squares (`PadeExponential.adjointDerivative`;
    /// `Matrix.exponentialFrechetPade` and the 2n × 2n block exponential are its tested references).
    /// The derivative is deferred (`Tape.deferGradient`), so the derivatives of several
    /// exponentials in one model run side by side on the worker threads.
    public func matrixExp(precomputed: PadeExponential<Scalar>? = nil) -> Variable {
        let a = self, av = value
        precondition(av.rank == 2 && av.shape[0] == av.shape[1], "matrixExp: needs a square matrix, got \(av.shape)")
        let n = av.shape[0]
        let exponential: PadeExponential<Scalar>
        if let precomputed {
            precondition(precomputed.n == n, "matrixExp: precomputed exponential is \(precomputed.n)×\(precomputed.n), A is \(n)×\(n)")
            exponential = precomputed
        } else {
            do { exponential = try withExtendedLifetime(av) { try PadeExponential(av.ptr, n: n) } } catch { preconditionFailure("matrixExp: \(error)") }
        }
        let out = tape.makeTensor(av.shape)
        out.mptr.update(from: exponential.exponential, count: n * n)
        return tape.record(out, inputs: [a]) { tape, g in
            tape.deferGradient(a) { exponential.adjointDerivativeOrNaN(g.ptr) }
        }
    }
}

extension PadeExponential {
    /// `adjointDerivative`, with a non-finite G giving an all-NaN gradient instead of an error:
    /// the gradient stays non-finite, so the trainer stops and names the parameter rather than
    /// the process stopping here.
    public func adjointDerivativeOrNaN(_ g: UnsafePointer<S>) -> [S] {
        do { return try adjointDerivative(g) } catch LinearAlgebraError.nonFinite {
            return [S](repeating: .nan, count: n * n)
        } catch { preconditionFailure("matrixExp backward: \(error)") }
    }

    /// exp(Aᵢ) of several square tensors, side by side on the worker threads.
    public static func batch(_ matrices: [Tensor<S>]) throws -> [PadeExponential] {
        let results = Parallel.map(matrices.count, threads: min(max(1, matrices.count), Parallel.defaultThreads)) {
            i -> Result<PadeExponential, Error> in
            precondition(
                matrices[i].rank == 2 && matrices[i].shape[0] == matrices[i].shape[1],
                "PadeExponential.batch: matrix \(i) has shape \(matrices[i].shape)")
            return Result { try PadeExponential(matrices[i].ptr, n: matrices[i].shape[0]) }
        }
        return try results.map { try $0.get() }
    }
}
