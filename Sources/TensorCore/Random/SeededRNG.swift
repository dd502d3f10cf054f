import RealModule

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// attnlab has no global random state: every function that draws takes a generator
/// `inout`. Independent streams for parallel work come from `stream(_:)`, which derives a
/// generator from this one's seed and a stream number, so results do not depend on how work
/// is scheduled across threads.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64
    /// The seed this generator was created from (streams are derived from it).
    public let seed: UInt64
    private var spareNormal: Double?

    /// A generator for `seed`; `stream` > 0 selects an independent stream of that seed.
    /// The stream's own `seed` is a hash of (seed, stream), so streams of streams are distinct
    /// from the parent's streams.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var root = seed
        if stream != 0 {
            var x = seed ^ 0xD1B5_4A32_D192_ED03
            root = SeededRNG.splitmix(&x) ^ SeededRNG.splitmix(&x) &* (stream | 1) ^ stream &* 0x9E37_79B9_7F4A_7C15
            var y = root
            root = SeededRNG.splitmix(&y)
        }
        self.seed = root
        var mix = root
        s0 = SeededRNG.splitmix(&mix); s1 = SeededRNG.splitmix(&mix); s2 = SeededRNG.splitmix(&mix); s3 = SeededRNG.splitmix(&mix)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// A child generator whose state is the next four words of `parent` (advancing it by four),
    /// for a block of work that draws from its own generator: the NN-QFT ensembles make one per
    /// jackknife block from that block's `stream(b)`. Its `seed` is the first of the four words.
    public init(drawingStateFrom parent: inout SeededRNG) {
        s0 = parent.next(); s1 = parent.next(); s2 = parent.next(); s3 = parent.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
        seed = s0
    }

    private static func splitmix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for independent stream `index` of this generator's seed. Streams of different
    /// indices, and streams of streams, are distinct.
    public func stream(_ index: UInt64) -> SeededRNG { SeededRNG(seed: seed, stream: index &+ 1) }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Uniform integer in 0..<n.
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "SeededRNG.int(below:): n must be positive, got \(n)")
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Standard normal (Box–Muller, polar form).
    public mutating func normal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * _log(s) / s).squareRoot()
                spareNormal = v * factor
                return u * factor
            }
        }
    }

    /// Normal with the given mean and standard deviation.
    public mutating func normal(mean: Double, std: Double) -> Double { mean + std * normal() }

    /// Standard Cauchy (Lorentzian of half-width 1).
    public mutating func cauchy() -> Double {
        var u = uniform()
        while u == 0 || u == 0.5 { u = uniform() }
        return _tan(Double.pi * (u - 0.5))
    }

    /// An index drawn with probability proportional to `weights` (unnormalised, non-negative).
    ///
    /// Never traps, whatever the weights: +∞ weights share the draw uniformly (the limit of
    /// the distribution as they grow together); a sum that overflows is taken over the weights
    /// scaled by the largest. When the weights are not a distribution — a NaN or negative weight,
    /// none positive, an empty list — it returns nil, and the caller says what was wrong with
    /// `CategoricalError.check(weights)`. For weights valid by construction the draw is the same
    /// as the textbook inverse-CDF scan (the same numbers for the same generator).
    public mutating func categorical(weightsIfValid weights: [Double]) -> Int? {
        if CategoricalError.check(weights) != nil { return nil }
        var total = 0.0
        for w in weights { total += w }
        if total == .infinity {
            let infinite = weights.indices.filter { weights[$0] == .infinity }
            if !infinite.isEmpty { return infinite[int(below: infinite.count)] }
            // Finite weights whose sum overflows: draw from the weights scaled by the largest.
            let top = weights.max()!
            return categorical(weightsIfValid: weights.map { $0 / top })
        }
        var target = uniform() * total
        for (i, w) in weights.enumerated() {
            target -= w
            if target < 0 { return i }
        }
        return weights.lastIndex(where: { $0 > 0 })!
    }

    /// An index drawn with probability proportional to `weights`; throws (naming the first bad
    /// weight) when they are not a distribution. See `categorical(weightsIfValid:)`.
    public mutating func categorical(checking weights: [Double]) throws(CategoricalError) -> Int {
        if let problem = CategoricalError.check(weights) { throw problem }
        return categorical(weightsIfValid: weights)!
    }

    /// An index drawn with the given weights, for weights that are a distribution by
    /// construction (probabilities the caller computed). It never traps: should the weights not
    /// be a distribution after all, NaN and negative weights count as 0 and, when no weight is
    /// positive, the draw is uniform over all indices. Data from outside (a model's logits) goes
    /// through `categorical(checking:)` or `categorical(logits:temperature:)`, which throw instead.
    public mutating func categorical(weights: [Double]) -> Int {
        precondition(!weights.isEmpty, "categorical: no weights to draw from")
        if let index = categorical(weightsIfValid: weights) { return index }
        let cleaned = weights.map { $0 > 0 ? $0 : 0 }  // NaN > 0 is false
        return categorical(weightsIfValid: cleaned) ?? int(below: weights.count)
    }

    /// An index drawn from softmax(logits / temperature).
    ///
    /// −∞ logits (masked entries) are never drawn. A temperature of +∞ draws uniformly among the
    /// finite logits, and +∞ logits share the draw among themselves (both the limits of the
    /// softmax). Throws for a NaN logit, a temperature that is not positive, or logits that are
    /// all −∞.
    public mutating func categorical(logits: [Double], temperature: Double = 1) throws(CategoricalError) -> Int {
        guard temperature > 0 else { throw .temperature(temperature) }
        if let i = logits.firstIndex(where: \.isNaN) { throw .notANumber(index: i) }
        let top = logits.max() ?? 0
        if top == .infinity { return try categorical(checking: logits.map { $0 == .infinity ? 1 : 0 }) }
        return try categorical(checking: logits.map { $0 == -.infinity ? 0 : _exp(($0 - top) / temperature) })
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var result = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { result.swapAt(i, int(below: i + 1)) }
        }
        return result
    }
}

/// Why a list of weights (or logits) is not a distribution to draw from.
public enum CategoricalError: Error, CustomStringConvertible, Equatable, Sendable {
    case empty
    case notANumber(index: Int)
    case negative(index: Int, value: Double)
    case noPositiveWeight(count: Int)
    case temperature(Double)

    /// The first problem of `weights`, or nil when they are a distribution (+∞ allowed).
    public static func check(_ weights: [Double]) -> CategoricalError? {
        if weights.isEmpty { return .empty }
        var positive = false
        for (i, w) in weights.enumerated() {
            if w.isNaN { return .notANumber(index: i) }
            if w < 0 { return .negative(index: i, value: w) }
            if w > 0 { positive = true }
        }
        return positive ? nil : .noPositiveWeight(count: weights.count)
    }

    public var description: String {
        switch self {
        case .empty: "no weights to draw from"
        case .notANumber(let i): "weight \(i) is NaN"
        case .negative(let i, let w): "weight \(i) is negative (\(w))"
        case .noPositiveWeight(let n): "none of the \(n) weights is positive"
        case .temperature(let t): "the temperature must be positive, got \(t)"
        }
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Double.log(x) }
@inline(__always) private func _exp(_ x: Double) -> Double { Double.exp(x) }
@inline(__always) private func _tan(_ x: Double) -> Double { Double.tan(x) }

extension Tensor {
    /// Independent normal draws N(mean, std²).
    public static func randomNormal(_ shape: [Int], mean: Double = 0, std: Double = 1, rng: inout SeededRNG) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = Scalar(rng.normal(mean: mean, std: std)) }
        }
        return t
    }

    /// Independent uniform draws in [low, high).
    public static func randomUniform(_ shape: [Int], low: Double = 0, high: Double = 1, rng: inout SeededRNG) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = Scalar(rng.uniform(low, high)) }
        }
        return t
    }
}
