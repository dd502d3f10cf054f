/// The matrix exponential as a tape op, with the exact gradient through the Fréchet derivative.
extension Variable {
    /// exp(A) for a square (n, n) variable, computed in Double (Padé 13 scaling and squaring).
    ///
    /// Backward: for G = ∂ℓ/∂exp(A), ∂ℓ/∂A = L(Aᵀ, G), the Fréchet derivative at Aᵀ in direction
    /// G, by the differentiated Padé algorithm (`Matrix.exponentialFrechetPade`; the 2n × 2n
    /// block exponential `Matrix.exponentialFrechet` is its tested reference). Cost: about 19
    /// n × n products and one LU per backward pass.
    public func matrixExp() -> Variable {
        let a = self, av = value
        precondition(av.rank == 2 && av.shape[0] == av.shape[1], "matrixExp: needs a square matrix, got \(av.shape)")
        let m = Matrix(av)
        let e: Matrix
        do { e = try m.exponential() } catch { preconditionFailure("matrixExp: \(error)") }
        let out = tape.makeTensor(av.shape)
        for i in 0..<e.elements.count { out.mptr[i] = Scalar(e.elements[i]) }
        return tape.record(out, inputs: [a]) { tape, g in
            let direction = Matrix(g)
            let derivative: Matrix
            do { derivative = try m.transposed.exponentialFrechetPade(direction: direction).derivative } catch {
                preconditionFailure("matrixExp backward: \(error)")
            }
            tape.accumulateGradient(a) { da in
                for i in 0..<derivative.elements.count { da[i] += Scalar(derivative.elements[i]) }
            }
        }
    }
}
