import ComplexModule
import RealModule
import TensorCore

/// How strongly each item (a token's hidden state) excites each Koopman mode: the semantic
/// sparsity analysis of seed 001 §IV.2.
///
/// Size letters: N = items, d = state dimension, n = modes analysed (≤ d).
///
/// For a state h the coordinate of mode k in the right-eigenvector basis is
///     c_k(h) = u_kᴴ h / (u_kᴴ v_k),
/// so the oblique projection on mode k is P_k h = c_k(h)·v_k and, with ‖v_k‖ = 1,
/// ‖P_k h‖ = |c_k(h)|. That magnitude (optionally divided by ‖h‖) is the activation of mode k by
/// item h. A mode "activates sparsely" when few items carry most of its activation; the seed
/// claims this for the largest-|λ| modes.
public struct ModeActivations: Sendable {
    /// Activation magnitudes (N×n): element (i, j) is ‖P_{modes[j]} h_i‖ (relative if requested).
    public let magnitudes: Matrix
    /// Which modes (indices into the spectrum, |λ|-descending) the columns are.
    public let modes: [Int]
    /// Whether magnitudes were divided by ‖h_i‖.
    public let relative: Bool

    /// Activations of `states` (N×d, one item per row) on the spectrum's modes `modes`
    /// (default: all).
    public init(spectrum: KoopmanSpectrum, states: Matrix, modes: [Int]? = nil, relative: Bool = false) {
        guard let left = spectrum.left else {
            preconditionFailure("ModeActivations: the spectrum was computed without eigenvectors")
        }
        let d = spectrum.count
        precondition(states.cols == d, "ModeActivations: states have \(states.cols) columns, the spectrum is \(d)-dimensional")
        let chosen = modes ?? Array(0..<d)
        precondition(chosen.allSatisfy { $0 >= 0 && $0 < d }, "ModeActivations: mode index outside 0..<\(d)")
        let normalisers = spectrum.biorthogonalNormalisers
        let n = chosen.count, items = states.rows
        // Ur, Ui (d×n): real and imaginary parts of the chosen left eigenvectors as columns.
        var ur = Matrix(rows: d, cols: n), ui = Matrix(rows: d, cols: n)
        for (j, k) in chosen.enumerated() {
            for i in 0..<d {
                ur[i, j] = left[k][i].real
                ui[i, j] = left[k][i].imaginary
            }
        }
        // uᴴh = Σ (ur − i·ui)·h = h·ur − i·(h·ui), for all items at once (dgemm).
        let pr = states * ur, pi = states * ui  // (N, n)
        var out = Matrix(rows: items, cols: n)
        for i in 0..<items {
            var norm = 1.0
            if relative {
                var s = 0.0
                for c in 0..<d { s += states.elements[i * d + c] * states.elements[i * d + c] }
                norm = s.squareRoot()
            }
            for j in 0..<n {
                let projection = Complex(pr.elements[i * n + j], -pi.elements[i * n + j])
                let magnitude = (projection / normalisers[chosen[j]]).length
                out.elements[i * n + j] = norm > 0 ? magnitude / norm : 0
            }
        }
        magnitudes = out
        self.modes = chosen
        self.relative = relative
    }

    /// Number of items N.
    public var itemCount: Int { magnitudes.rows }

    /// The `count` items with the largest activation of column `column`, largest first.
    public func topItems(column: Int, count: Int) -> [(item: Int, magnitude: Double)] {
        precondition(column >= 0 && column < modes.count, "topItems: column \(column) outside 0..<\(modes.count)")
        let values = magnitudes.column(column)
        let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        return order.prefix(max(0, count)).map { ($0, values[$0]) }
    }

    /// Fraction of items whose activation of column `column` exceeds `threshold`.
    public func activationProbability(column: Int, threshold: Double) -> Double {
        precondition(column >= 0 && column < modes.count, "activationProbability: column \(column) outside 0..<\(modes.count)")
        guard itemCount > 0 else { return .nan }
        let n = modes.count
        var hits = 0
        for i in 0..<itemCount where magnitudes.elements[i * n + column] > threshold { hits += 1 }
        return Double(hits) / Double(itemCount)
    }

    /// Participation ratio of column `column` over items, (Σ a_i²)² / (N Σ a_i⁴) ∈ (0, 1]:
    /// 1 when every item excites the mode equally, 1/N when a single item does.
    public func participationRatio(column: Int) -> Double {
        precondition(column >= 0 && column < modes.count, "participationRatio: column \(column) outside 0..<\(modes.count)")
        let n = modes.count
        var s2 = 0.0, s4 = 0.0
        for i in 0..<itemCount {
            let a2 = magnitudes.elements[i * n + column] * magnitudes.elements[i * n + column]
            s2 += a2
            s4 += a2 * a2
        }
        return s4 > 0 ? s2 * s2 / (Double(itemCount) * s4) : .nan
    }

    /// Share of column `column`'s total squared activation carried by its top `fraction` of items.
    public func topShare(column: Int, fraction: Double) -> Double {
        precondition(fraction > 0 && fraction <= 1, "topShare: fraction must be in (0, 1], got \(fraction)")
        let values = magnitudes.column(column).map { $0 * $0 }.sorted(by: >)
        let total = values.reduce(0, +)
        let k = max(1, Int((fraction * Double(values.count)).rounded(.up)))
        return total > 0 ? values.prefix(k).reduce(0, +) / total : .nan
    }
}
