// Learning couplings and fields by minimising a rule's objective over the stored patterns.
//
// Size letters: N spins, P patterns.

import TensorCore

/// Learns an `IsingMemory` from patterns with a `LearningRule`.
///
/// For every rule but `hebbian` the objective is
///
///     L(J, h) = (1/P) Σ_μ Φ(Δ^μ) + (λ/2)(‖J‖²_F + ‖h‖²),   Δ^μ_k = 2 ξ^μ_k (J ξ^μ + h)_k,
///
/// minimised by L-BFGS over symmetric J with zero diagonal (the gradient is projected on that
/// subspace, so iterates stay in it) and h (or h = 0 with `learnFields = false`). The
/// per-entry gradient is R = (2/P) (C ⊙ Ξ)ᵀ Ξ with C = ∂Φ/∂Δ, (P, N), and the symmetric gradient
/// (R + Rᵀ)/2: two dgemms of P·N² per evaluation. Iterative rules start at the Hebbian
/// couplings; for the convex objectives (softmax, MPF with λ > 0) the start does not change the
/// minimiser, and the Lorentzian rule needs a start away from J = 0, which is a stationary point
/// of it (all Δ = 0, all weights 0).
///
/// λ sets the scale of J at the optimum, and with it how sharp the softmax/Lorentzian weights are
/// there; zero-temperature recall only sees the direction of (J, h).
public struct RuleTraining: Sendable {
    public var rule: LearningRule
    /// λ, the L2 penalty on J and h.
    public var regularization: Double
    /// Learn h (true) or keep h = 0.
    public var learnFields: Bool
    public var maxIterations: Int

    public init(rule: LearningRule, regularization: Double = 0.01, learnFields: Bool = true, maxIterations: Int = 200) {
        rule.validate()
        precondition(regularization >= 0, "RuleTraining: λ must be non-negative, got \(regularization)")
        precondition(maxIterations > 0, "RuleTraining: maxIterations must be positive")
        self.rule = rule
        self.regularization = regularization
        self.learnFields = learnFields
        self.maxIterations = maxIterations
    }

    /// What a training run reports.
    public struct Report: Sendable {
        public var objective: Double
        public var iterations: Int
        public var evaluations: Int
        public var converged: Bool
    }

    /// L(J, h) and its gradient (symmetric, zero-diagonal ∂L/∂J, (N, N); ∂L/∂h, (N)).
    public func objective(_ memory: IsingMemory, _ patterns: PatternSet) -> (value: Double, couplings: [Double], fields: [Double]) {
        precondition(rule != .hebbian, "RuleTraining.objective: the Hebbian rule has no objective")
        precondition(patterns.size == memory.size, "RuleTraining: patterns of \(patterns.size) spins, memory of \(memory.size)")
        let n = memory.size, p = patterns.count
        let gaps = memory.gaps(patterns)  // (P, N)
        var weighted = [Double](repeating: 0, count: p * n)  // (P, N): 2 C ⊙ Ξ / P
        var total = 0.0
        gaps.withUnsafeBufferPointer { d in
            weighted.withUnsafeMutableBufferPointer { c in
                for mu in 0..<p {
                    let row = UnsafeBufferPointer(rebasing: d[(mu * n)..<((mu + 1) * n)])
                    let out = UnsafeMutableBufferPointer(rebasing: c[(mu * n)..<((mu + 1) * n)])
                    total += rule.potential(row, derivative: out)
                }
            }
        }
        var dh = [Double](repeating: 0, count: n)
        patterns.values.withUnsafeBufferPointer { xi in
            for i in 0..<(p * n) { weighted[i] *= 2 * xi[i] / Double(p) }
        }
        for mu in 0..<p { for k in 0..<n { dh[k] += weighted[mu * n + k] } }
        var r = [Double](repeating: 0, count: n * n)  // (N, N)
        weighted.withUnsafeBufferPointer { c in
            patterns.values.withUnsafeBufferPointer { xi in
                r.withUnsafeMutableBufferPointer { r in
                    Double.gemm(
                        transA: true, transB: false, m: n, n: n, k: p, alpha: 1,
                        a: c.baseAddress!, lda: n, b: xi.baseAddress!, ldb: n, beta: 0,
                        c: r.baseAddress!, ldc: n)
                }
            }
        }
        var dJ = [Double](repeating: 0, count: n * n)
        var penalty = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                let jij = memory.couplings[i * n + j]
                dJ[i * n + j] = 0.5 * (r[i * n + j] + r[j * n + i]) + regularization * jij
                penalty += jij * jij
            }
        }
        if learnFields {
            for k in 0..<n {
                dh[k] += regularization * memory.fields[k]
                penalty += memory.fields[k] * memory.fields[k]
            }
        } else {
            dh = [Double](repeating: 0, count: n)
        }
        return (total / Double(p) + 0.5 * regularization * penalty, dJ, dh)
    }

    /// The learned memory.
    public func train(_ patterns: PatternSet) -> (memory: IsingMemory, report: Report) {
        let hebbian = IsingMemory.hebbian(patterns)
        if rule == .hebbian || patterns.count == 0 {
            return (hebbian, Report(objective: .nan, iterations: 0, evaluations: 0, converged: true))
        }
        let n = patterns.size
        var optimizer = LimitedMemoryBFGS(maxIterations: maxIterations)
        optimizer.gradientTolerance = 1e-6
        optimizer.valueTolerance = 1e-10
        var scratch = hebbian
        let result = optimizer.minimize(from: hebbian.couplings + hebbian.fields) { x in
            scratch.couplings = Array(x[0..<(n * n)])
            scratch.fields = learnFields ? Array(x[(n * n)...]) : [Double](repeating: 0, count: n)
            let (value, dJ, dh) = objective(scratch, patterns)
            return (value, dJ + dh)
        }
        var memory = IsingMemory(size: n)
        memory.couplings = Array(result.x[0..<(n * n)])
        memory.fields = learnFields ? Array(result.x[(n * n)...]) : [Double](repeating: 0, count: n)
        return (
            memory,
            Report(
                objective: result.value, iterations: result.iterations,
                evaluations: result.evaluations, converged: result.converged)
        )
    }
}
