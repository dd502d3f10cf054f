// The one-hot "attention" forward map of seed 004's annealer test: K binary variables (qubits)
// with local biases Δ_k and a one-hot penalty; the distribution of the valid one-hot read-outs
// is the forward map over K channels.
//
// Size letters: K channels (= qubits), X = 2^K classical states.

import RealModule
import TensorCore

/// The problem Hamiltonian of a one-hot forward map over K channels,
///
///     H(x) = Σ_k Δ_k x_k + A (Σ_k x_k − 1)²,   x ∈ {0, 1}^K,
///
/// as a quantum annealer encodes it (biases Δ_k, a penalty A on the one-hot constraint). On valid
/// states (exactly one x_k = 1) H = Δ_k, so the Boltzmann law restricted to them is the softmax
/// p_k ∝ exp(−βΔ_k): thermal sampling realises softmax attention over the channels. With
/// A > max Δ − min Δ every one-hot state lies below every invalid one. States are bitmasks
/// (bit k = x_k).
public struct OneHotForwardMap: Sendable, Codable {
    /// Δ_k, (K).
    public var gaps: [Double]
    /// A.
    public var penalty: Double

    public init(gaps: [Double], penalty: Double) {
        precondition(gaps.count >= 2 && gaps.count <= 20, "OneHotForwardMap: K = \(gaps.count) channels outside 2…20")
        precondition(penalty > 0 && gaps.allSatisfy { $0.isFinite }, "OneHotForwardMap: penalty must be positive and gaps finite")
        self.gaps = gaps
        self.penalty = penalty
    }

    /// K channels with gaps evenly spaced over [0, maxGap] and penalty A.
    public static func evenlySpaced(channels k: Int, maxGap: Double, penalty: Double) -> OneHotForwardMap {
        OneHotForwardMap(gaps: (0..<k).map { maxGap * Double($0) / Double(k - 1) }, penalty: penalty)
    }

    /// K.
    public var channels: Int { gaps.count }
    /// X = 2^K.
    public var stateCount: Int { 1 << gaps.count }

    /// H(x) for a bitmask x.
    public func energy(_ x: Int) -> Double {
        var e = 0.0, ones = 0
        for k in 0..<channels where (x >> k) & 1 == 1 { e += gaps[k]; ones += 1 }
        let excess = Double(ones - 1)
        return e + penalty * excess * excess
    }

    /// H(x with bit k flipped) − H(x), given n = Σx of the current state.
    @inline(__always)
    public func flipCost(_ k: Int, isSet: Bool, ones n: Int) -> Double {
        // (n ± 1 − 1)² − (n − 1)²: adding a one costs A(2n − 1), removing one A(3 − 2n).
        isSet ? -gaps[k] + penalty * Double(3 - 2 * n) : gaps[k] + penalty * Double(2 * n - 1)
    }

    /// The channel of a valid one-hot state, or nil.
    public func channel(of x: Int) -> Int? { x != 0 && x & (x - 1) == 0 ? x.trailingZeroBitCount : nil }

    /// Exact Boltzmann probabilities exp(−βH(x))/Z over all X states, (X).
    public func boltzmann(beta: Double) -> [Double] {
        let e = (0..<stateCount).map(energy)
        let lowest = e.min()!
        let w = e.map { Double.exp(-beta * ($0 - lowest)) }
        let z = w.reduce(0, +)
        return w.map { $0 / z }
    }

    /// The ideal forward map: softmax p_k ∝ exp(−βΔ_k), (K).
    public func softmax(beta: Double) -> [Double] { ChannelFamily.softmax.probabilities(gaps: gaps, parameter: beta) }
}

/// Read-outs of a forward-map sampler.
public struct ForwardMapSample: Sendable, Codable {
    /// Count of each classical state, (X).
    public var stateCounts: [Int]
    /// Count of each valid one-hot state by channel, (K).
    public var channelCounts: [Int]

    public init(map: OneHotForwardMap, states: [Int]) {
        stateCounts = [Int](repeating: 0, count: map.stateCount)
        channelCounts = [Int](repeating: 0, count: map.channels)
        for x in states {
            stateCounts[x] += 1
            if let k = map.channel(of: x) { channelCounts[k] += 1 }
        }
    }

    /// Total read-outs.
    public var total: Int { stateCounts.reduce(0, +) }
    /// Valid (one-hot) read-outs.
    public var valid: Int { channelCounts.reduce(0, +) }
    /// Fraction of read-outs that are valid.
    public var validFraction: Double { total > 0 ? Double(valid) / Double(total) : .nan }
}
