import TensorCore

/// The generator of the ensembles' inner loops: xoshiro256** (Blackman & Vigna 2018), the same
/// algorithm as `SeededRNG`, with its state seeded from a `SeededRNG` (four SplitMix-mixed
/// words of it). It exists because the ensembles draw thousands of numbers per field
/// configuration and `SeededRNG.next()` is not inlinable across modules: a call per number
/// costs about as much as the number. Determinism is unchanged: a `SeededRNG` gives one
/// `FieldRandom`, and the estimator gives each block its own `SeededRNG.stream(b)`.
public struct FieldRandom: Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose state is drawn from `rng` (advancing it by four words).
    public init(_ rng: inout SeededRNG) {
        s0 = rng.next(); s1 = rng.next(); s2 = rng.next(); s3 = rng.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator from a seed (through `SeededRNG(seed:)`).
    public init(seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        self.init(&rng)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
