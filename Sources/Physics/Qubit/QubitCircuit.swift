import ComplexModule
import Foundation
import TensorCore

/// Decoherence of an idle qubit: energy relaxation T1, total dephasing T2 and a detuning Δ
/// between the qubit and the frame the gates are defined in.
///
/// During a delay τ the populations relax as ρ₁₁ ↦ ρ₁₁ e^{−τ/T1} and the coherence decays as
/// ρ₀₁ ↦ ρ₀₁ e^{−τ/T2} e^{iΔτ}. Physical channels require T2 ≤ 2·T1: amplitude damping alone
/// already gives e^{−τ/(2T1)}, and pure dephasing (rate 1/T_φ = 1/T2 − 1/(2T1) ≥ 0) can only add
/// to it. Infinite times mean no decay.
public struct QubitNoise: Sendable, Equatable {
    /// Seconds (`.infinity` for none).
    public var t1: Double
    public var t2: Double
    /// Detuning Δ in rad/s.
    public var detuning: Double

    /// - Throws: `QubitError` unless 0 < T1, 0 < T2 ≤ 2·T1.
    public init(t1: Double = .infinity, t2: Double = .infinity, detuning: Double = 0) throws {
        guard t1 > 0, t2 > 0, !t1.isNaN, !t2.isNaN, detuning.isFinite else {
            throw QubitError.invalid("T1 and T2 must be positive (got T1 = \(t1) s, T2 = \(t2) s) and the detuning finite")
        }
        guard t2 <= 2 * t1 * (1 + 1e-12) else {
            throw QubitError.invalid("T2 = \(t2) s exceeds 2·T1 = \(2 * t1) s: no physical channel dephases more slowly than amplitude damping allows")
        }
        self.t1 = t1
        self.t2 = t2
        self.detuning = detuning
    }

    /// No decoherence: what a noiseless simulator (the seed's `qasm_simulator` without a noise
    /// model) does during a delay.
    public static let none = try! QubitNoise()

    /// 1/T_φ = 1/T2 − 1/(2·T1) (0 when dephasing is all from relaxation).
    public var pureDephasingRate: Double { max(0, 1 / t2 - 1 / (2 * t1)) }
}

/// Bad qubit parameters.
public enum QubitError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let s): "qubit: \(s)"
        }
    }
}

/// A one-qubit circuit: gates, delays and a final measurement in the computational basis.
public struct QubitCircuit: Sendable {
    public enum Operation: Sendable, Equatable {
        case hadamard
        case x
        /// P(φ) = diag(1, e^{iφ}).
        case phase(Double)
        /// Idle for τ seconds under the noise model.
        case delay(Double)
    }

    public var operations: [Operation]

    public init(_ operations: [Operation]) { self.operations = operations }

    /// The seed's proof-of-concept circuit: H, delay τ, measure (seed 000, "Proof of Concept").
    public static func seedCircuit(delay tau: Double) -> QubitCircuit { QubitCircuit([.hadamard, .delay(tau)]) }

    /// A Ramsey sequence: H, delay τ, H, measure. P(|0⟩) = ½[1 + e^{−τ/T2} cos(Δτ)].
    public static func ramsey(delay tau: Double) -> QubitCircuit { QubitCircuit([.hadamard, .delay(tau), .hadamard]) }

    /// The state before measurement, starting from |0⟩.
    public func finalState(noise: QubitNoise) -> QubitDensityMatrix {
        var rho = QubitDensityMatrix.ground
        for op in operations {
            switch op {
            case .hadamard: rho.apply(.hadamard)
            case .x: rho.apply(.x)
            case .phase(let phi): rho.apply(.phase(phi))
            case .delay(let tau):
                precondition(tau >= 0, "QubitCircuit: negative delay \(tau)")
                if noise.t1.isFinite { rho.amplitudeDamping(1 - Foundation.exp(-tau / noise.t1)) }
                let rate = noise.t2.isFinite ? noise.pureDephasingRate : 0
                if rate > 0 { rho.dephase(coherenceFactor: Foundation.exp(-tau * rate)) }
                if noise.detuning != 0 { rho.precess(noise.detuning * tau) }
            }
        }
        return rho
    }

    /// Runs the circuit and measures `shots` times.
    /// - Returns: P(|1⟩) of the final state and the sampled counts of |0⟩ and |1⟩.
    public func run(noise: QubitNoise, shots: Int, rng: inout SeededRNG) -> QubitMeasurement {
        precondition(shots >= 1, "QubitCircuit.run: needs at least one shot")
        let p1 = min(1, max(0, finalState(noise: noise).populations.one))
        var ones = 0
        for _ in 0..<shots where rng.uniform() < p1 { ones += 1 }
        return QubitMeasurement(probabilityOne: p1, shots: shots, ones: ones)
    }
}

/// The outcome of measuring a circuit.
public struct QubitMeasurement: Sendable, Equatable {
    /// Exact P(|1⟩) of the final state.
    public var probabilityOne: Double
    public var shots: Int
    /// Shots that gave |1⟩.
    public var ones: Int

    /// Observed frequency of |1⟩ and its binomial standard error √(p(1−p)/N) (1/N when every
    /// shot agreed).
    public var frequencyOne: Double { Double(ones) / Double(shots) }
    public var frequencyError: Double {
        let p = frequencyOne
        return p * (1 - p) > 0 ? (p * (1 - p) / Double(shots)).squareRoot() : 1 / Double(shots)
    }
    /// Counts as the seed's script prints them: {'0': n₀, '1': n₁}.
    public var counts: (zero: Int, one: Int) { (shots - ones, ones) }
}
