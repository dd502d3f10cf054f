import Foundation

extension SurfaceScaling {
    /// A power-law fit: slope of ln y against ln x, amplitude e^intercept, the x range of the
    /// points used and their number.
    public struct PowerFit: Sendable {
        public var slope: Double
        public var slopeError: Double
        public var amplitude: Double
        public var range: ClosedRange<Double>
        public var points: Int
    }

    /// Fits ln y = a + b ln x over points with x in `range` and finite positive y; nil with fewer
    /// than `minimumPoints`. `slopeError` is the residual-scatter error (the jackknife gives the
    /// reported one).
    public static func powerLaw(_ x: [Double], _ y: [Double], in range: ClosedRange<Double>, minimumPoints: Int = 3) -> PowerFit? {
        var lx: [Double] = [], ly: [Double] = [], used: [Double] = []
        for (a, b) in zip(x, y) where range.contains(a) && a > 0 && b > 0 && b.isFinite {
            lx.append(Foundation.log(a)); ly.append(Foundation.log(b)); used.append(a)
        }
        guard lx.count >= max(2, minimumPoints), let fit = try? LeastSquares.line(x: lx, y: ly) else { return nil }
        return PowerFit(
            slope: fit.slope, slopeError: fit.slopeError, amplitude: Foundation.exp(fit.intercept),
            range: used.first!...used.last!, points: lx.count)
    }

    /// α of the self-affine form C²(r) = 2W²[1 − e^{−(r/ξ)^{2α}}] (Sinha et al. 1988): half the
    /// least-squares slope of ln(−ln(1 − C²/2W²)) against ln r over separations in `range` with
    /// 0 < C² < 2W², `plateau` = W. Nil with fewer than 3 such points.
    static func crossoverSlope(_ r: [Double], _ c: [Double], plateau w: Double, in range: ClosedRange<Double>) -> Double? {
        var x: [Double] = [], y: [Double] = []
        for (s, value) in zip(r, c) where range.contains(s) && s > 0 {
            let ratio = value / w
            let u = ratio * ratio / 2
            guard u > 0 && u < 1 && u.isFinite else { continue }
            x.append(Foundation.log(s)); y.append(Foundation.log(-Foundation.log1p(-u)))
        }
        guard x.count >= 3 else { return nil }
        return lineSlope(x, y) / 2
    }

    /// Least-squares slope of y against x (NaN when x is constant).
    static func lineSlope(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
        return sxx > 0 ? sxy / sxx : .nan
    }

    /// (mean of x²)^{1/2} without overflow or underflow for any finite x.
    static func rootMeanSquare(_ x: [Double]) -> Double {
        let largest = x.reduce(0) { max($0, abs($1)) }
        guard largest > 0 && largest.isFinite else { return x.isEmpty ? .nan : largest }
        return largest * x.map { ($0 / largest) * ($0 / largest) }.mean.squareRoot()
    }

    /// A number in a note: integers plainly, others to 3 significant digits.
    static func short(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.3g", x) }

    /// d ln W / d ln t between successive times (T − 1).
    static func localSlopes(_ t: [Double], _ w: [Double]) -> [Double] {
        zip(zip(t, t.dropFirst()), zip(w, w.dropFirst())).map { times, widths in
            (Foundation.log(widths.1) - Foundation.log(widths.0)) / (Foundation.log(times.1) - Foundation.log(times.0))
        }
    }

    /// The curves for the collapse: times from `earliest` on, and for saturated sizes only up to
    /// where W first reaches 0.9·W_sat (`plateaus[s]`, NaN when unsaturated). Deep in saturation
    /// every size's W/L^α is flat, so overlaps made only of plateaus would "collapse" for any z;
    /// the growth and crossover parts are what fix z.
    static func collapseCurves(
        _ moments: [InterfaceMoments], _ widths: [[Double]], _ errors: [[Double]], from earliest: Double,
        plateaus: [Double]
    ) -> [FamilyVicsekCollapse.Curve] {
        moments.enumerated().map { s, m in
            let end = plateaus[s].isFinite ? (widths[s].firstIndex { $0 >= 0.9 * plateaus[s] } ?? m.times.count - 1) : m.times.count - 1
            let keep = m.times.indices.filter { $0 <= end && m.times[$0] >= earliest && widths[s][$0] > 0 && widths[s][$0].isFinite }
            return FamilyVicsekCollapse.Curve(
                length: m.length, logTime: keep.map { Foundation.log(m.times[$0]) },
                logWidth: keep.map { Foundation.log(widths[s][$0]) },
                logWidthError: keep.map { errors[s][$0] })
        }
    }
}

/// The corrections-to-scaling extrapolation of a fitted exponent (`SurfaceScaling`, docs/CRITICALITY.md).
///
/// If the effective exponent drifts as a(x) = a + c·x^{−ω}, a least-squares fit of ln y against
/// u = ln x over a window w returns a + c·S_w(ω), S_w the least-squares slope of −e^{−ωu}/ω
/// against u over w's points. Fits over the two halves (in u) of the admissible range then fix c,
/// and the chosen fit extrapolates to a = â + g·(â_late − â_early), g = S_chosen/(S_early − S_late).
/// g is evaluated at the slowest admitted ω (it falls with ω), and capped at `maximumFactor`
/// where that ω is only a lower bound whose g would amplify noise beyond use (β in time).
struct FitLadder: Sendable {
    var early: ClosedRange<Double>
    var late: ClosedRange<Double>
    /// g of the extrapolation.
    var factor: Double

    /// The ladder over the abscissae `x` inside `chosen` (the admissible range is the span of
    /// those points); nil when either half holds fewer than `minimumPoints` of them.
    init?(
        x: [Double], chosen: ClosedRange<Double>, admissible: ClosedRange<Double>? = nil, omega: Double, minimumPoints: Int,
        maximumFactor: Double = .infinity
    ) {
        let span = admissible ?? chosen
        let inside = x.filter { span.contains($0) && $0 > 0 }.sorted()
        guard let first = inside.first, let last = inside.last, first < last else { return nil }
        let middle = (first * last).squareRoot()
        let early = first...middle, late = middle...last
        let earlyPoints = inside.filter { early.contains($0) }, latePoints = inside.filter { late.contains($0) }
        let chosenPoints = x.filter { chosen.contains($0) && $0 > 0 }
        guard earlyPoints.count >= minimumPoints, latePoints.count >= minimumPoints, chosenPoints.count >= 2 else { return nil }
        func s(_ points: [Double]) -> Double {
            let u = points.map { Foundation.log($0) }
            return SurfaceScaling.lineSlope(u, u.map { -Foundation.exp(-omega * $0) / omega })
        }
        let g = s(chosenPoints) / (s(earlyPoints) - s(latePoints))
        guard g.isFinite && g > 0 else { return nil }
        self.early = early
        self.late = late
        factor = min(maximumFactor, g)
    }

    /// g·(â_late − â_early) of the data (nil when a half cannot be fitted).
    func correction(_ x: [Double], _ y: [Double]) -> Double? {
        guard let a1 = SurfaceScaling.powerLaw(x, y, in: early, minimumPoints: 2)?.slope,
            let a2 = SurfaceScaling.powerLaw(x, y, in: late, minimumPoints: 2)?.slope
        else { return nil }
        return factor * (a2 - a1)
    }

    /// The extrapolated exponent â + g·(â_late − â_early) from the chosen fit's slope and the same
    /// data (nil when a half cannot be fitted).
    func extrapolate(_ chosen: Double?, _ x: [Double], _ y: [Double]) -> Double? {
        guard let chosen, chosen.isFinite, let c = correction(x, y) else { return nil }
        return chosen + c
    }
}
