// Asynchronous recall dynamics of an Ising memory (Hopfield 1982; Glauber 1963).
//
// Size letters: N spins.

import RealModule
import TensorCore

/// Asynchronous (one spin at a time, random order each sweep) recall dynamics.
///
/// - Zero temperature: s_i ← sign(u_i) with u = J s + h (a tie u_i = 0 keeps s_i). Every accepted
///   flip lowers E, so the dynamics stops at a fixed point; it is run until a full sweep changes
///   nothing (`converged`) or `maxSweeps` sweeps.
/// - Finite temperature β: heat bath (Glauber), P(s_i = +1) = 1 / (1 + exp(−2β u_i)), run for
///   exactly `maxSweeps` sweeps; its stationary law is exp(−βE)/Z.
///
/// The local fields are kept up to date incrementally: a flip of spin i costs O(N), a sweep
/// without flips O(N).
public struct RecallDynamics: Sendable {
    /// Inverse temperature; `.infinity` for zero-temperature dynamics.
    public var beta: Double
    /// Maximum number of sweeps (N single-spin updates each).
    public var maxSweeps: Int

    public init(beta: Double = .infinity, maxSweeps: Int = 100) {
        precondition(beta > 0, "RecallDynamics: β must be positive (use .infinity for zero temperature), got \(beta)")
        precondition(maxSweeps > 0, "RecallDynamics: maxSweeps must be positive, got \(maxSweeps)")
        self.beta = beta
        self.maxSweeps = maxSweeps
    }

    /// The result of one recall.
    public struct Result: Sendable {
        /// Final state, (N).
        public var state: [Double]
        /// Sweeps performed.
        public var sweeps: Int
        /// Zero temperature: a sweep changed nothing. Finite temperature: always false.
        public var converged: Bool
    }

    /// Runs the dynamics from `cue` on `memory`.
    public func run(_ memory: IsingMemory, from cue: [Double], rng: inout SeededRNG) -> Result {
        run(memory, from: cue, localFields: memory.localFields(cue), rng: &rng)
    }

    /// Runs the dynamics from `cue` whose local fields u = J·cue + h are already known (e.g. from
    /// one dgemm over many cues), (N).
    public func run(_ memory: IsingMemory, from cue: [Double], localFields: [Double], rng: inout SeededRNG) -> Result {
        let n = memory.size
        precondition(
            cue.count == n && localFields.count == n,
            "RecallDynamics: cue has \(cue.count) spins and \(localFields.count) fields, memory has \(n)")
        var s = cue
        var u = localFields
        var sweeps = 0, converged = false
        let zeroTemperature = beta == .infinity
        memory.couplings.withUnsafeBufferPointer { j in
            s.withUnsafeMutableBufferPointer { s in
                u.withUnsafeMutableBufferPointer { u in
                    while sweeps < maxSweeps {
                        sweeps += 1
                        var flips = 0
                        let order = rng.permutation(n)
                        for i in order {
                            let new: Double
                            if zeroTemperature {
                                new = u[i] > 0 ? 1 : (u[i] < 0 ? -1 : s[i])
                            } else {
                                let up = 1 / (1 + Double.exp(-2 * beta * u[i]))
                                new = rng.uniform() < up ? 1 : -1
                            }
                            if new != s[i] {
                                // u ← u + (new − old)·J[:, i] = u + 2·new·J[i, :] (J symmetric).
                                let delta = 2 * new
                                let row = i * n
                                for k in 0..<n { u[k] += delta * j[row + k] }
                                s[i] = new
                                flips += 1
                            }
                        }
                        if zeroTemperature && flips == 0 { converged = true; break }
                    }
                }
            }
        }
        return Result(state: s, sweeps: sweeps, converged: converged)
    }
}
