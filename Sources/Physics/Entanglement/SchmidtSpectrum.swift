import Foundation
import TensorCore

/// The Schmidt spectrum and entanglement entropy of a bipartite pure state.
///
/// A pure state of subsystems A (dimension d_A) and B (d_B) is a coefficient matrix ψ (d_A, d_B),
/// |ψ⟩ = Σ_ab ψ_ab |a⟩|b⟩. Normalised to ‖ψ‖_F = 1, its singular values s_i are the Schmidt
/// coefficients, p_i = s_i² the eigenvalues of the reduced density matrix ρ_A = ψψ†, and the
/// entanglement entropy is S = −Σ p_i ln p_i (nats); 0 for a product state, ln d for a maximally
/// entangled d × d state. Any real matrix can be read this way — a hidden-state matrix of T
/// positions × C features is a "state" of positions ⊗ features — which is the reading of
/// seed 000 §4.2 (see docs/CRITICALITY.md for what it does and does not measure).
public struct SchmidtSpectrum: Sendable, Equatable {
    /// p_i = s_i²/Σ s², descending (min(d_A, d_B) values).
    public var probabilities: [Double]

    /// Von Neumann entropy −Σ p ln p in nats (terms with p = 0 contribute 0).
    public var entropy: Double { SchmidtSpectrum.entropy(probabilities) }
    /// The same in bits.
    public var entropyBits: Double { entropy / Foundation.log(2) }
    /// Rényi-2 entropy −ln Σ p².
    public var renyi2: Double { -Foundation.log(probabilities.reduce(0) { $0 + $1 * $1 }) }
    /// Number of Schmidt coefficients above 1e-12 (the Schmidt rank, numerically).
    public var rank: Int { probabilities.filter { $0 > 1e-12 }.count }

    public init(probabilities: [Double]) {
        self.probabilities = probabilities
    }

    /// The spectrum of a real coefficient matrix ψ (d_A, d_B), normalised here.
    /// - Throws: if ψ is zero or holds NaN/∞, or LAPACK fails.
    public init(_ psi: Matrix) throws {
        let norm2 = psi.elements.reduce(0) { $0 + $1 * $1 }
        guard norm2 > 0, norm2.isFinite else { throw EntanglementError.notNormalisable(norm2) }
        let s = try psi.singularValues()
        probabilities = s.map { $0 * $0 / norm2 }
    }

    /// The spectrum of a complex coefficient matrix ψ = re + i·im (d_A, d_B).
    ///
    /// Uses the real embedding [[re, −im], [im, re]] (2d_A, 2d_B), whose singular values are those
    /// of ψ, each twice.
    public init(real re: Matrix, imaginary im: Matrix) throws {
        precondition(re.rows == im.rows && re.cols == im.cols, "SchmidtSpectrum: real part \(re.rows)×\(re.cols), imaginary part \(im.rows)×\(im.cols)")
        var big = Matrix(rows: 2 * re.rows, cols: 2 * re.cols)
        big.setBlock(re, at: 0, 0)
        big.setBlock(-im, at: 0, re.cols)
        big.setBlock(im, at: re.rows, 0)
        big.setBlock(re, at: re.rows, re.cols)
        let norm2 = re.elements.reduce(0) { $0 + $1 * $1 } + im.elements.reduce(0) { $0 + $1 * $1 }
        guard norm2 > 0, norm2.isFinite else { throw EntanglementError.notNormalisable(norm2) }
        let s = try big.singularValues()
        probabilities = stride(from: 0, to: s.count, by: 2).map { s[$0] * s[$0] / norm2 }
    }

    /// −Σ p ln p over p > 0.
    public static func entropy(_ p: [Double]) -> Double {
        -p.reduce(0) { $1 > 0 ? $0 + $1 * Foundation.log($1) : $0 }
    }

    /// Page's mean entanglement entropy of a Haar-random pure state on C^m ⊗ C^n, m ≤ n
    /// (Page, PRL 71, 1291 (1993); proved by Foong & Kanno, Sánchez-Ruiz, Sen 1994–96):
    ///   ⟨S⟩ = Σ_{k=n+1}^{mn} 1/k − (m − 1)/(2n).
    public static func pageEntropy(_ m: Int, _ n: Int) -> Double {
        let (a, b) = (min(m, n), max(m, n))
        precondition(a >= 1, "pageEntropy: dimensions must be positive")
        var sum = 0.0
        if a * b > b { for k in (b + 1)...(a * b) { sum += 1 / Double(k) } }
        return sum - Double(a - 1) / Double(2 * b)
    }
}

/// Why a state cannot be analysed.
public enum EntanglementError: Error, CustomStringConvertible, Equatable {
    case notNormalisable(Double)
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .notNormalisable(let n): "entanglement: the state has squared norm \(n); expected a finite, non-zero matrix"
        case .shapeMismatch(let s): "entanglement: \(s)"
        }
    }
}

/// Reshaping a tensor into the coefficient matrix of a bipartition.
public enum Bipartition {
    /// The matrix ψ (d_A, d_B) of a tensor with `shape` (row-major `values`), where subsystem A is
    /// made of the axes `subsystemA` (in that order) and B of the remaining axes (in order).
    ///
    /// Example: hidden states of shape (T, H, D) (positions, heads, within-head coordinates);
    /// `subsystemA: [1]` gives the head × (position, within-head) split (H, T·D), and
    /// `subsystemA: [0]` the positions × features split (T, H·D).
    public static func matrix(values: [Double], shape: [Int], subsystemA: [Int]) throws -> Matrix {
        guard shape.reduce(1, *) == values.count else {
            throw EntanglementError.shapeMismatch("shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        }
        guard !subsystemA.isEmpty, Set(subsystemA).count == subsystemA.count,
            subsystemA.allSatisfy({ $0 >= 0 && $0 < shape.count }), subsystemA.count < shape.count
        else {
            throw EntanglementError.shapeMismatch("subsystem A axes \(subsystemA) must be distinct axes of \(shape) leaving at least one for B")
        }
        let axesB = (0..<shape.count).filter { !subsystemA.contains($0) }
        let order = subsystemA + axesB
        let dA = subsystemA.map { shape[$0] }.reduce(1, *), dB = values.count / dA
        var strides = [Int](repeating: 1, count: shape.count)
        for k in stride(from: shape.count - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * shape[k + 1] }
        var out = Matrix(rows: dA, cols: dB)
        var index = [Int](repeating: 0, count: shape.count)  // in `order` axes
        for flat in 0..<values.count {
            var source = 0
            for (k, axis) in order.enumerated() { source += index[k] * strides[axis] }
            out.elements[flat] = values[source]
            var k = order.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < shape[order[k]] { break }
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}
