// Size letters used throughout SurfaceGrowth/:
//   T  recorded times (rows of a height field)
//   L  lattice sites / positions (columns; the system size)
//   R  independent realisations of the same growth process
//   K  separations r of the height-difference correlation

/// One realisation of a 1-D interface recorded at T times: h(x, t), rows = times, columns =
/// positions.
///
/// Surface-growth estimators take a list of realisations (`[HeightField]`) of one system size
/// that share their recording times; errors come from the scatter between realisations. A
/// height field may come from a growth model (`GrowthModel`), a file (`HeightFieldFile`), or from
/// anything else that evolves a profile in time — e.g. one attention head's logit row over key
/// positions, recorded at successive training steps.
public struct HeightField: Sendable, Equatable {
    /// Recording times (T), strictly increasing and positive (they are used on a log axis).
    public let times: [Double]
    /// Number of positions L.
    public let length: Int
    /// h(x, t) (T, L), row-major: `heights[t * length + x]`.
    public var heights: [Double]

    public init(times: [Double], length: Int, heights: [Double]) {
        precondition(length >= 2, "HeightField: needs at least 2 positions, got \(length)")
        precondition(!times.isEmpty, "HeightField: needs at least one time")
        precondition(
            heights.count == times.count * length,
            "HeightField: \(heights.count) heights for \(times.count) times × \(length) positions")
        precondition(times.allSatisfy { $0 > 0 && $0.isFinite }, "HeightField: times must be finite and positive")
        precondition(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "HeightField: times must increase strictly")
        self.times = times
        self.length = length
        self.heights = heights
    }

    /// Number of recorded times T.
    public var timeCount: Int { times.count }

    /// The profile at time index `t` (L).
    public func row(_ t: Int) -> ArraySlice<Double> {
        precondition(t >= 0 && t < times.count, "HeightField.row: index \(t) outside 0..<\(times.count)")
        return heights[(t * length)..<((t + 1) * length)]
    }
}

/// Why a set of realisations cannot be analysed together.
public enum SurfaceGrowthError: Error, CustomStringConvertible, Equatable {
    case noRealisations
    case mismatchedRealisation(index: Int, detail: String)
    case nonFinite(realisation: Int, time: Int, position: Int)
    case tooFewRealisations(length: Int, count: Int)
    /// A `SurfaceScalingOptions` field outside its domain: its name, the value, what was expected.
    case invalidOption(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .noRealisations: "surface analysis: no height fields were given"
        case .mismatchedRealisation(let i, let detail): "surface analysis: realisation \(i) does not match realisation 0: \(detail)"
        case .nonFinite(let r, let t, let x): "surface analysis: realisation \(r) has a NaN or infinite height at time index \(t), position \(x)"
        case .tooFewRealisations(let l, let n):
            "surface analysis: L = \(l) has \(n) realisation(s); confidence intervals come from the scatter between independent realisations, so each size needs at least 2 (several files of the same length, or a 3-D (R, T, L) .npy)"
        case .invalidOption(let name, let value, let expected): "surface analysis: option \(name) is \(value); expected \(expected)"
        }
    }
}

extension Array where Element == HeightField {
    /// The common length and times of the realisations, or the first mismatch (sizes, times,
    /// non-finite heights).
    public func validatedShape() throws -> (length: Int, times: [Double]) {
        guard let first else { throw SurfaceGrowthError.noRealisations }
        for (i, f) in enumerated() {
            if f.length != first.length {
                throw SurfaceGrowthError.mismatchedRealisation(index: i, detail: "\(f.length) positions, expected \(first.length)")
            }
            if f.times != first.times {
                throw SurfaceGrowthError.mismatchedRealisation(index: i, detail: "different recording times (\(f.times.count) vs \(first.times.count))")
            }
            if let bad = f.heights.firstIndex(where: { !$0.isFinite }) {
                throw SurfaceGrowthError.nonFinite(realisation: i, time: bad / f.length, position: bad % f.length)
            }
        }
        return (first.length, first.times)
    }
}
