// Ising associative memory (Hopfield 1982; seed 004 "quantum probability flow").
//
// Size letters: N spins, P stored patterns. Spins are stored as Double ±1 so that products of
// patterns and couplings go straight to dgemm.

import TensorCore

/// An Ising associative memory: N spins s ∈ {±1}^N, symmetric couplings J with zero diagonal and
/// fields h, with energy
///
///     E(s) = −½ sᵀ J s − hᵀ s.
///
/// The local field is u = J s + h. From a data state s the N *leakage channels* are its single-flip
/// neighbours s⁽ᵏ⁾ (spin k reversed) with energy gaps
///
///     Δ_k(s) = E(s⁽ᵏ⁾) − E(s) = 2 s_k u_k,
///
/// (J_kk = 0), so s is a local minimum (a fixed point of zero-temperature dynamics) iff every
/// Δ_k > 0.
public struct IsingMemory: Sendable, Equatable {
    /// N, the number of spins.
    public let size: Int
    /// J, (N, N) row-major, symmetric with zero diagonal.
    public var couplings: [Double]
    /// h, (N).
    public var fields: [Double]

    /// A memory with J = 0 and h = 0.
    public init(size: Int) {
        precondition(size > 0, "IsingMemory: size must be positive, got \(size)")
        self.size = size
        couplings = [Double](repeating: 0, count: size * size)
        fields = [Double](repeating: 0, count: size)
    }

    /// A memory with the given couplings (N·N, row-major) and fields (N). J must be symmetric
    /// with zero diagonal (checked to 1e-12 relative).
    public init(couplings: [Double], fields: [Double]) {
        let n = fields.count
        precondition(
            n > 0 && couplings.count == n * n,
            "IsingMemory: couplings must hold N·N = \(n * n) values for N = \(n) fields, got \(couplings.count)")
        let scale = couplings.reduce(0) { max($0, abs($1)) }
        for i in 0..<n {
            precondition(couplings[i * n + i] == 0, "IsingMemory: J[\(i),\(i)] = \(couplings[i * n + i]), diagonal must be zero")
            for j in (i + 1)..<max(i + 1, n) {
                precondition(
                    abs(couplings[i * n + j] - couplings[j * n + i]) <= 1e-12 * max(scale, 1e-300),
                    "IsingMemory: J is not symmetric at (\(i), \(j))")
            }
        }
        self.size = n
        self.couplings = couplings
        self.fields = fields
    }

    /// J as a Matrix.
    public var couplingMatrix: Matrix { Matrix(rows: size, cols: size, elements: couplings) }

    /// Classic Hebbian (outer-product) storage, Hopfield 1982:
    /// J = (1/N) Σ_μ ξ^μ ξ^μᵀ with zero diagonal, h = 0.
    public static func hebbian(_ patterns: PatternSet) -> IsingMemory {
        let n = patterns.size, p = patterns.count
        var memory = IsingMemory(size: n)
        patterns.values.withUnsafeBufferPointer { xi in
            memory.couplings.withUnsafeMutableBufferPointer { j in
                // J = Ξᵀ Ξ / N: (N, P)·(P, N).
                Double.gemm(
                    transA: true, transB: false, m: n, n: n, k: p, alpha: 1 / Double(n),
                    a: xi.baseAddress!, lda: n, b: xi.baseAddress!, ldb: n, beta: 0,
                    c: j.baseAddress!, ldc: n)
                for i in 0..<n { j[i * n + i] = 0 }
            }
        }
        return memory
    }

    /// Local fields u = J s + h, (N).
    public func localFields(_ state: [Double]) -> [Double] {
        precondition(state.count == size, "localFields: state has \(state.count) spins, memory has \(size)")
        var u = fields
        couplings.withUnsafeBufferPointer { j in
            for i in 0..<size {
                var sum = 0.0
                let row = i * size
                for k in 0..<size { sum += j[row + k] * state[k] }
                u[i] += sum
            }
        }
        return u
    }

    /// E(s) = −½ sᵀJs − hᵀs.
    public func energy(_ state: [Double]) -> Double {
        let u = localFields(state)
        var e = 0.0
        for i in 0..<size { e -= 0.5 * state[i] * (u[i] - fields[i]) + fields[i] * state[i] }
        return e
    }

    /// Leakage gaps Δ_k = E(s⁽ᵏ⁾) − E(s) = 2 s_k u_k of the N single-flip channels, (N).
    public func gaps(_ state: [Double]) -> [Double] {
        let u = localFields(state)
        return (0..<size).map { 2 * state[$0] * u[$0] }
    }

    /// Whether `state` is a fixed point of zero-temperature dynamics: every Δ_k > 0.
    public func isFixedPoint(_ state: [Double]) -> Bool { gaps(state).allSatisfy { $0 > 0 } }

    /// Local fields of every state at once, (P, N): U = S J + 1 hᵀ, one dgemm.
    public func localFields(_ states: PatternSet) -> [Double] {
        precondition(states.size == size, "localFields: states have \(states.size) spins, memory has \(size)")
        let n = size, p = states.count
        var u = [Double](repeating: 0, count: p * n)
        if p == 0 { return u }
        states.values.withUnsafeBufferPointer { x in
            couplings.withUnsafeBufferPointer { j in
                u.withUnsafeMutableBufferPointer { u in
                    Double.gemm(
                        transA: false, transB: false, m: p, n: n, k: n, alpha: 1,
                        a: x.baseAddress!, lda: n, b: j.baseAddress!, ldb: n, beta: 0,
                        c: u.baseAddress!, ldc: n)
                    for mu in 0..<p { for k in 0..<n { u[mu * n + k] += fields[k] } }
                }
            }
        }
        return u
    }

    /// Gaps of every pattern at once, (P, N): Δ = 2 Ξ ⊙ (Ξ J + 1 hᵀ), one dgemm.
    public func gaps(_ patterns: PatternSet) -> [Double] {
        precondition(patterns.size == size, "gaps: patterns have \(patterns.size) spins, memory has \(size)")
        var delta = localFields(patterns)
        patterns.values.withUnsafeBufferPointer { xi in
            for i in 0..<delta.count { delta[i] *= 2 * xi[i] }
        }
        return delta
    }
}

/// P patterns of N spins ±1, stored row-major as Double, (P, N).
public struct PatternSet: Sendable, Equatable {
    /// P.
    public let count: Int
    /// N.
    public let size: Int
    /// (P, N) row-major, every entry ±1.
    public var values: [Double]

    public init(count: Int, size: Int, values: [Double]) {
        precondition(
            count >= 0 && size > 0 && values.count == count * size,
            "PatternSet: \(count)×\(size) needs \(count * size) values, got \(values.count)")
        precondition(values.allSatisfy { $0 == 1 || $0 == -1 }, "PatternSet: every entry must be ±1")
        self.count = count
        self.size = size
        self.values = values
    }

    /// P independent unbiased random patterns (each spin ±1 with probability ½).
    public static func random(count: Int, size: Int, rng: inout SeededRNG) -> PatternSet {
        let values = (0..<(count * size)).map { _ in rng.next() & 1 == 0 ? 1.0 : -1.0 }
        return PatternSet(count: count, size: size, values: values)
    }

    /// Pattern μ, (N).
    public func pattern(_ mu: Int) -> [Double] {
        precondition(mu >= 0 && mu < count, "PatternSet: pattern \(mu) outside 0..<\(count)")
        return Array(values[(mu * size)..<((mu + 1) * size)])
    }

    /// The first `n` patterns.
    public func prefix(_ n: Int) -> PatternSet {
        precondition(n >= 0 && n <= count, "PatternSet.prefix: \(n) outside 0...\(count)")
        return PatternSet(count: n, size: size, values: Array(values[0..<(n * size)]))
    }
}

/// Overlap m = (1/N) Σ_i a_i b_i of two spin states, in [−1, 1].
public func spinOverlap(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count && !a.isEmpty, "spinOverlap: states of \(a.count) and \(b.count) spins")
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s / Double(a.count)
}

/// `state` with exactly round(fraction·N) spins, chosen uniformly without replacement, reversed.
public func corruptedCue(_ state: [Double], flipFraction: Double, rng: inout SeededRNG) -> [Double] {
    precondition(flipFraction >= 0 && flipFraction <= 1, "corruptedCue: flip fraction \(flipFraction) outside [0, 1]")
    let flips = Int((flipFraction * Double(state.count)).rounded())
    var cue = state
    if flips == 0 { return cue }
    let order = rng.permutation(state.count)
    for i in 0..<flips { cue[order[i]] = -cue[order[i]] }
    return cue
}
