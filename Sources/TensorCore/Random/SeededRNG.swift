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

    /// An index drawn with the given (unnormalised, non-negative) weights.
    public mutating func categorical(weights: [Double]) -> Int {
        var total = 0.0
        for w in weights {
            precondition(w >= 0 && w.isFinite, "categorical: weights must be finite and non-negative")
            total += w
        }
        precondition(total > 0, "categorical: weights sum to zero")
        var target = uniform() * total
        for (i, w) in weights.enumerated() {
            target -= w
            if target < 0 { return i }
        }
        return weights.lastIndex(where: { $0 > 0 })!
    }

    /// An index drawn from softmax(logits / temperature).
    public mutating func categorical(logits: [Double], temperature: Double = 1) -> Int {
        precondition(temperature > 0, "categorical: temperature must be positive")
        let top = logits.max() ?? 0
        return categorical(weights: logits.map { _exp(($0 - top) / temperature) })
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

import RealModule
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
