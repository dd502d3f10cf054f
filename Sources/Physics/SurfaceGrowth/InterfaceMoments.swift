import Foundation
import TensorCore

/// Second moments of every realisation of one system size, computed once so that resampling
/// only re-weights them.
///
/// For realisation r at time t (means over positions x, h̄ the row mean):
/// - squared width w²(t) = ⟨(h(x) − h̄)²⟩ₓ;
/// - squared height difference c²(r, t) = ⟨(h(x + r) − h(x))²⟩ₓ over pairs inside the row (no
///   wrap-around, so open profiles such as attention logit rows are treated correctly);
/// - local squared width w²(ℓ, t): the variance inside each window of ℓ consecutive sites,
///   averaged over all window positions.
/// The ensemble averages are W²(t) = E w², C(r, t) = (E c²)^{1/2}, w(ℓ, t) = (E w²(ℓ))^{1/2}.
///
/// Heights are divided by `scale`, a power of two near the largest |h|, before squaring, and
/// the widths multiplied back: exact in binary floating point, and W² cannot overflow or
/// underflow for heights of any finite magnitude (1e200 or 1e-200 give the same exponents as 1).
///
/// Size letters as in HeightField.swift; J window sizes ℓ.
public struct InterfaceMoments: Sendable {
    public let length: Int
    public let times: [Double]
    /// The power of two the heights were divided by; the squared tables are in units of scale².
    public let scale: Double
    /// Separations r (K), log-spaced integers from 1 to L/2.
    public let separations: [Int]
    /// Window sizes ℓ (J), log-spaced integers from 2 to L.
    public let windows: [Int]
    /// w² / scale² per realisation (R, T).
    public let squaredWidth: [[Double]]
    /// c² / scale² per realisation (R, T·K), time-major: index t·K + k.
    public let squaredDifference: [[Double]]
    /// w²(ℓ) / scale² per realisation (R, T·J), time-major.
    public let localSquaredWidth: [[Double]]

    public var realisations: Int { squaredWidth.count }

    /// Computes the moments of `fields` (one system size, shared times), in parallel over
    /// realisations.
    public init(_ fields: [HeightField], separationsPerDecade: Int = 8) throws {
        let (length, times) = try fields.validatedShape()
        self.length = length
        self.times = times
        separations = InterfaceMoments.logIntegers(from: 1, to: max(1, length / 2), perDecade: separationsPerDecade)
        windows = InterfaceMoments.logIntegers(from: 2, to: length, perDecade: separationsPerDecade)
        let largest = fields.map { $0.heights.reduce(0) { max($0, abs($1)) } }.max() ?? 0
        let scale = largest > 0 && largest.isFinite ? Double(sign: .plus, exponent: largest.exponent, significand: 1) : 1
        self.scale = scale
        let seps = separations, wins = windows
        let perRealisation = Parallel.map(fields.count) { r in InterfaceMoments.moments(fields[r], scale: scale, seps, wins) }
        squaredWidth = perRealisation.map(\.0)
        squaredDifference = perRealisation.map(\.1)
        localSquaredWidth = perRealisation.map(\.2)
    }

    /// Weighted ensemble means of one per-realisation table: Σ_r w_r m_r / Σ_r w_r.
    static func mean(_ table: [[Double]], weights: [Double]) -> [Double] {
        precondition(weights.count == table.count, "InterfaceMoments.mean: \(weights.count) weights for \(table.count) realisations")
        let total = weights.reduce(0, +)
        var out = [Double](repeating: 0, count: table.first?.count ?? 0)
        for (r, row) in table.enumerated() where weights[r] != 0 {
            let w = weights[r]
            for i in 0..<row.count { out[i] += w * row[i] }
        }
        return out.map { $0 / total }
    }

    /// W(t) / scale (T) for realisation weights (R): the width in the units the moments are kept
    /// in, for resampling without overflow.
    public func scaledWidth(weights: [Double]) -> [Double] {
        InterfaceMoments.mean(squaredWidth, weights: weights).map { $0.squareRoot() }
    }

    /// W(t) (T) for realisation weights (R).
    public func width(weights: [Double]) -> [Double] {
        InterfaceMoments.mean(squaredWidth, weights: weights).map { $0.squareRoot() * scale }
    }

    /// C(r, t) at time index `t` (K).
    public func heightDifference(atTime t: Int, weights: [Double]) -> [Double] {
        let k = separations.count
        let all = InterfaceMoments.mean(squaredDifference, weights: weights)
        return (0..<k).map { all[t * k + $0].squareRoot() * scale }
    }

    /// w(ℓ, t) at time index `t` (J).
    public func localWidth(atTime t: Int, weights: [Double]) -> [Double] {
        let j = windows.count
        let all = InterfaceMoments.mean(localSquaredWidth, weights: weights)
        return (0..<j).map { all[t * j + $0].squareRoot() * scale }
    }

    // MARK: Kernels

    private static func moments(_ f: HeightField, scale: Double, _ seps: [Int], _ wins: [Int]) -> ([Double], [Double], [Double]) {
        let n = f.length, tc = f.times.count
        let heights = scale == 1 ? f.heights : f.heights.map { $0 / scale }
        var w2 = [Double](repeating: 0, count: tc)
        var c2 = [Double](repeating: 0, count: tc * seps.count)
        var lw2 = [Double](repeating: 0, count: tc * wins.count)
        var prefix = [Double](repeating: 0, count: n + 1), prefix2 = [Double](repeating: 0, count: n + 1)
        heights.withUnsafeBufferPointer { hp in
            for t in 0..<tc {
                let row = hp.baseAddress! + t * n
                // Deviations from the row's first height, then from their mean: a constant row
                // gives exactly zero (a mean of large equal heights would leave a rounding residue).
                let origin = row[0]
                var mean = 0.0
                for x in 0..<n { mean += row[x] - origin }
                mean /= Double(n)
                var s = 0.0
                for x in 0..<n { let d = (row[x] - origin) - mean; s += d * d }
                w2[t] = s / Double(n)
                for (k, r) in seps.enumerated() {
                    var acc = 0.0
                    for x in 0..<(n - r) { let d = row[x + r] - row[x]; acc += d * d }
                    c2[t * seps.count + k] = acc / Double(n - r)
                }
                // Prefix sums of (h − h̄) and its square: window variance in O(1) per window.
                for x in 0..<n {
                    let d = (row[x] - origin) - mean
                    prefix[x + 1] = prefix[x] + d
                    prefix2[x + 1] = prefix2[x] + d * d
                }
                for (j, l) in wins.enumerated() {
                    var acc = 0.0
                    for x in 0...(n - l) {
                        let m = (prefix[x + l] - prefix[x]) / Double(l)
                        acc += (prefix2[x + l] - prefix2[x]) / Double(l) - m * m
                    }
                    lw2[t * wins.count + j] = max(0, acc / Double(n - l + 1))
                }
            }
        }
        return (w2, c2, lw2)
    }

    /// Distinct integers from `from` to `to`, log-spaced with about `perDecade` per decade.
    static func logIntegers(from: Int, to: Int, perDecade: Int) -> [Int] {
        guard to > from else { return [from] }
        var out = [from]
        let span = Foundation.log10(Double(to) / Double(from))
        let steps = max(1, Int((span * Double(perDecade)).rounded(.up)))
        for k in 1...steps {
            let v = min(to, Int((Double(from) * Foundation.pow(10, span * Double(k) / Double(steps))).rounded()))
            if v > out.last! { out.append(v) }
        }
        return out
    }
}
