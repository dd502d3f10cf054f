import TensorCore

extension SeededRNG {
    /// A generator for sub-task `index` that is distinct for every generator it is taken from.
    ///
    /// `stream(_:)` derives its generator from the original seed and the index only, so
    /// `g.stream(1).stream(0)` equals `g.stream(0)`: nested streams collapse. This instead keys the
    /// child by this generator's next output (without advancing it) and the index, so nested use —
    /// a stream per model, then per system size, then per realisation — stays independent while
    /// remaining a pure function of the seed and the path of indices.
    public func independentStream(_ index: UInt64) -> SeededRNG {
        var copy = self
        return SeededRNG(seed: copy.next() ^ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }
}
