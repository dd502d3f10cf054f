import TensorCore

/// Distribution of hidden-state norms ‖h‖ over a set of states (seed 001 §IV.4: the final-layer
/// norms have mean 1.02, standard deviation 0.08 and none exceeds 1.5).
///
/// Size letters: N = states, d = state dimension.
public struct HiddenStateNorms: Sendable, Codable, Equatable {
    /// The norms, one per state.
    public let norms: [Double]
    /// The bound whose exceedance is counted (the seed's 1.5).
    public let bound: Double
    /// Mean, sample standard deviation, minimum, maximum of the norms.
    public let summary: SampleSummary

    /// Norms of the rows of `states` (N×d).
    public init(states: Matrix, bound: Double = 1.5) {
        let d = states.cols
        var norms = [Double](repeating: 0, count: states.rows)
        states.elements.withUnsafeBufferPointer { p in
            for i in 0..<states.rows {
                var s = 0.0
                for j in 0..<d { s += p[i * d + j] * p[i * d + j] }
                norms[i] = s.squareRoot()
            }
        }
        self.init(norms: norms, bound: bound)
    }

    /// From norms already computed.
    public init(norms: [Double], bound: Double = 1.5) {
        precondition(!norms.isEmpty, "HiddenStateNorms: no states")
        self.norms = norms
        self.bound = bound
        summary = SampleSummary(norms)
    }

    public var mean: Double { summary.mean }
    public var standardDeviation: Double { summary.standardDeviation }
    public var maximum: Double { summary.maximum }
    /// Number of norms strictly above `bound`.
    public var countAbove: Int { norms.filter { $0 > bound }.count }
    /// Fraction of norms strictly above `bound`.
    public var fractionAbove: Double { Double(countAbove) / Double(norms.count) }
}
