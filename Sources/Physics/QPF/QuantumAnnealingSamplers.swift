// Quantum annealing of the one-hot forward map: path-integral Monte Carlo simulated quantum
// annealing (Santoro, Martoňák, Tosatti & Car 2002) and closed-system coherent evolution.
//
// Size letters: K channels (= qubits), M Trotter slices, D = 2^K basis states.

import RealModule
import TensorCore

/// The anneal schedule shared by the quantum samplers:
///
///     H(s) = −A(s) Σ_k σˣ_k + B(s) H_p(σᶻ),   A(s) = Γ₀ (1 − s),  B(s) = s,   s: 0 → 1,
///
/// with H_p the forward map's problem Hamiltonian (x_k = (1 + σᶻ_k)/2), as on an annealer
/// (which uses −A/2 and B/2, a change of units only).
public struct AnnealSchedule: Sendable, Codable {
    /// Γ₀ = A(0).
    public var initialField: Double

    public init(initialField: Double) {
        precondition(initialField > 0, "AnnealSchedule: initial transverse field must be positive")
        self.initialField = initialField
    }

    public func transverse(_ s: Double) -> Double { initialField * (1 - s) }
    public func problem(_ s: Double) -> Double { s }
}

/// Simulated quantum annealing: Metropolis path-integral Monte Carlo of the transverse-field
/// model at inverse temperature β with M Trotter slices, while s advances over `sweeps` sweeps
/// (sweep t at s = (t + ½)/L; a sweep attempts every variable in every slice once).
///
/// Suzuki–Trotter: Z ≈ Σ exp(−S) over M classical replicas x_τ with
///
///     S = Σ_τ (β/M) B(s) H_p(x_τ) − J⊥ Σ_τ Σ_k σ_{k,τ} σ_{k,τ+1},   J⊥ = −½ log tanh(β A(s)/M),
///
/// periodic in τ. Only local moves are made (no whole-worldline flips), as in the SQA studies of
/// annealers; as A → 0, J⊥ grows and the replicas freeze. The read-out is one randomly chosen
/// slice of the final configuration.
public struct SimulatedQuantumAnnealing: Sendable {
    public var beta: Double
    public var schedule: AnnealSchedule
    public var slices: Int
    public var sweeps: Int

    public init(beta: Double, schedule: AnnealSchedule, slices: Int = 16, sweeps: Int) {
        precondition(beta > 0 && slices >= 2 && sweeps > 0, "SimulatedQuantumAnnealing: need β > 0, M ≥ 2, sweeps > 0")
        self.beta = beta
        self.schedule = schedule
        self.slices = slices
        self.sweeps = sweeps
    }

    public func sample(_ map: OneHotForwardMap, samples: Int, rng: SeededRNG) -> ForwardMapSample {
        let (beta, schedule, m, sweeps) = (beta, schedule, slices, sweeps)
        return ForwardMapSampling.draw(map, samples: samples, rng: rng) { rng in
            let k = map.channels
            var x = (0..<m).map { _ in ForwardMapSampling.randomState(k, &rng) }  // (M) bitmasks
            var ones = x.map { $0.nonzeroBitCount }
            for t in 0..<sweeps {
                let s = (Double(t) + 0.5) / Double(sweeps)
                let classical = beta / Double(m) * schedule.problem(s)
                let coupling = -0.5 * Double.log(Double.tanh(beta * schedule.transverse(s) / Double(m)))
                for tau in 0..<m {
                    let up = x[(tau + 1) % m], down = x[(tau + m - 1) % m]
                    for _ in 0..<k {
                        let i = rng.int(below: k)
                        let isSet = (x[tau] >> i) & 1 == 1
                        let sigma = isSet ? 1.0 : -1.0
                        let neighbours = ((up >> i) & 1 == 1 ? 1.0 : -1.0) + ((down >> i) & 1 == 1 ? 1.0 : -1.0)
                        let cost =
                            classical * map.flipCost(i, isSet: isSet, ones: ones[tau])
                            + 2 * coupling * sigma * neighbours
                        if cost <= 0 || rng.uniform() < Double.exp(-cost) {
                            x[tau] ^= 1 << i
                            ones[tau] += isSet ? -1 : 1
                        }
                    }
                }
            }
            return x[rng.int(below: m)]
        }
    }
}

/// Closed-system (coherent, zero-temperature) annealing by exact state-vector evolution: start
/// in the ground state |+⟩^K of −Γ₀Σσˣ, evolve under H(s(t)), s = t/T, for anneal time T with
/// `steps` piecewise-constant midpoint intervals (each propagated by `KrylovPropagator`), and
/// read out in the computational basis. Read-outs are drawn from the exact final distribution.
public struct CoherentAnnealing: Sendable {
    public var schedule: AnnealSchedule
    public var annealTime: Double
    public var steps: Int

    public init(schedule: AnnealSchedule, annealTime: Double, steps: Int = 200) {
        precondition(annealTime > 0 && steps > 0, "CoherentAnnealing: anneal time and steps must be positive")
        self.schedule = schedule
        self.annealTime = annealTime
        self.steps = steps
    }

    /// The exact final distribution over the 2^K classical states and the largest norm drift.
    public func finalDistribution(_ map: OneHotForwardMap) -> (probabilities: [Double], normDrift: Double) {
        let d = map.stateCount
        let energies = (0..<d).map(map.energy)
        let amplitude = 1 / Double(d).squareRoot()
        var psi = StateVector(real: [Double](repeating: amplitude, count: d), imaginary: [Double](repeating: 0, count: d))
        let propagator = KrylovPropagator(krylovDimension: 24, tolerance: 1e-11)
        let dt = annealTime / Double(steps)
        var drift = 0.0
        for step in 0..<steps {
            let s = (Double(step) + 0.5) / Double(steps)
            let h = TransverseFieldIsing(energies: energies.map { $0 * schedule.problem(s) }, field: schedule.transverse(s))
            psi = propagator.evolve(h, from: psi, duration: dt).state
            drift = max(drift, abs(psi.normSquared - 1))
        }
        return ((0..<d).map { psi.probability($0) }, drift)
    }

    public func sample(_ map: OneHotForwardMap, samples: Int, rng: SeededRNG) -> ForwardMapSample {
        let p = finalDistribution(map).probabilities
        return ForwardMapSampling.draw(map, samples: samples, rng: rng) { rng in rng.categorical(weights: p) }
    }
}
