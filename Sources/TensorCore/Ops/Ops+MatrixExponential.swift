/// The matrix exponential as a tape op, with the exact gradient through the Fréchet derivative.
extension Variable {
    /// exp(A) for a square (n, n) variable, computed in Double (Padé scaling and squaring).
    /// `precomputed`, when given, is exp(A) already computed from this value (so that callers can
    /// compute several exponentials side by side, `Matrix.exponentials`).
    ///
    /// Backward: for G = ∂ℓ/∂exp(A), ∂ℓ/∂A = L(Aᵀ, G), the Fréchet derivative at Aᵀ in direction
    /// G, by the differentiated Padé algorithm (`Matrix.exponentialFrechetPade`; the 2n × 2n
    /// block exponential `Matrix.exponentialFrechet` is its tested reference). Cost: at most
    /// about 19 n × n products and one LU. The derivative is deferred (`Tape.deferGradient`), so
    /// the derivatives of several exponentials in one model run side by side on the worker
    /// threads.
    public func matrixExp(precomputed: Matrix? = nil) -> Variable {
        let a = self, av = value
        precondition(av.rank == 2 && av.shape[0] == av.shape[1], "matrixExp: needs a square matrix, got \(av.shape)")
        let m = Matrix(av)
        let e: Matrix
        if let precomputed {
            precondition(precomputed.rows == m.rows && precomputed.cols == m.cols,
                         "matrixExp: precomputed exponential is \(precomputed.rows)×\(precomputed.cols), A is \(m.rows)×\(m.cols)")
            e = precomputed
        } else {
            do { e = try m.exponential() } catch { preconditionFailure("matrixExp: \(error)") }
        }
        let out = tape.makeTensor(av.shape)
        Scalar.narrow(e.elements, to: out.mptr, count: e.elements.count, accumulating: false)
        return tape.record(out, inputs: [a]) { tape, g in
            let direction = Matrix(g)
            tape.deferGradient(a) {
                do { return try m.transposed.exponentialFrechetPade(direction: direction).derivative.elements } catch {
                    preconditionFailure("matrixExp backward: \(error)")
                }
            }
        }
    }
}

extension Matrix {
    /// exp(Aᵢ) of several matrices, side by side on the worker threads.
    public static func exponentials(_ matrices: [Matrix]) throws -> [Matrix] {
        let results = Parallel.map(matrices.count, threads: min(max(1, matrices.count), Parallel.defaultThreads)) {
            i -> Result<Matrix, Error> in Result { try matrices[i].exponential() }
        }
        return try results.map { try $0.get() }
    }
}
