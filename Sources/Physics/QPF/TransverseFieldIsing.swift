// The transverse-field Ising Hamiltonian of a classical energy function, as a sparse operator on
// the 2^N computational basis, and its Krylov (Lanczos) time propagator.
//
// Size letters: N spins, D = 2^N basis states, M Krylov dimension.

import RealModule
import TensorCore

/// H = E(σᶻ) − Γ Σ_i σˣ_i on D = 2^N basis states.
///
/// Basis state b has spin s_i = +1 when bit i of b is set, −1 otherwise. E(σᶻ) is diagonal with
/// the classical energies E(s_b); σˣ_i flips bit i, so H·ψ costs O(N·D) and H is never stored.
/// H is real symmetric.
public struct TransverseFieldIsing: Sendable {
    /// N.
    public let spins: Int
    /// E(s_b) for every basis state, (D).
    public var energies: [Double]
    /// Γ.
    public var field: Double

    public init(energies: [Double], field: Double) {
        let d = energies.count
        precondition(d >= 2 && d & (d - 1) == 0, "TransverseFieldIsing: \(d) energies is not a power of two ≥ 2")
        precondition(field.isFinite, "TransverseFieldIsing: Γ must be finite")
        spins = d.trailingZeroBitCount
        self.energies = energies
        self.field = field
    }

    /// The Hamiltonian of an Ising memory's energy: E(s) = −½ sᵀJs − hᵀs. O(D·N²).
    public init(memory: IsingMemory, field: Double) {
        precondition(memory.size <= 20, "TransverseFieldIsing: N = \(memory.size) spins is too many for a state vector (≤ 20)")
        let d = 1 << memory.size
        var energies = [Double](repeating: 0, count: d)
        for b in 0..<d { energies[b] = memory.energy(TransverseFieldIsing.spins(of: b, count: memory.size)) }
        self.init(energies: energies, field: field)
    }

    /// D = 2^N.
    public var dimension: Int { energies.count }

    /// The spins of basis state b, (N).
    public static func spins(of b: Int, count n: Int) -> [Double] { (0..<n).map { (b >> $0) & 1 == 1 ? 1.0 : -1.0 } }

    /// The basis index of a spin state.
    public static func index(of state: [Double]) -> Int {
        var b = 0
        for (i, s) in state.enumerated() where s > 0 { b |= 1 << i }
        return b
    }

    /// y = H x for a real vector, (D). The complex case applies this to the real and imaginary
    /// parts separately.
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        precondition(x.count == d && y.count == d, "TransverseFieldIsing.apply: vectors of \(x.count), \(y.count) for D = \(d)")
        energies.withUnsafeBufferPointer { e in
            for b in 0..<d {
                var flipSum = 0.0
                for i in 0..<spins { flipSum += x[b ^ (1 << i)] }
                y[b] = e[b] * x[b] - field * flipSum
            }
        }
    }

    /// The dense matrix H, (D, D); for exact diagonalisation at small N.
    public var denseMatrix: Matrix {
        let d = dimension
        var h = Matrix(rows: d, cols: d)
        for b in 0..<d {
            h.elements[b * d + b] = energies[b]
            for i in 0..<spins { h.elements[b * d + (b ^ (1 << i))] = -field }
        }
        return h
    }
}

/// A complex state vector as separate real and imaginary parts, (D) each.
public struct StateVector: Sendable {
    public var real: [Double]
    public var imaginary: [Double]

    public init(real: [Double], imaginary: [Double]) {
        precondition(real.count == imaginary.count, "StateVector: parts of \(real.count) and \(imaginary.count)")
        self.real = real
        self.imaginary = imaginary
    }

    /// The basis state |b⟩ in dimension D.
    public static func basis(_ b: Int, dimension d: Int) -> StateVector {
        var re = [Double](repeating: 0, count: d)
        re[b] = 1
        return StateVector(real: re, imaginary: [Double](repeating: 0, count: d))
    }

    /// ‖ψ‖².
    public var normSquared: Double {
        var s = 0.0
        for i in 0..<real.count { s += real[i] * real[i] + imaginary[i] * imaginary[i] }
        return s
    }

    /// |ψ_b|².
    public func probability(_ b: Int) -> Double { real[b] * real[b] + imaginary[b] * imaginary[b] }
}
