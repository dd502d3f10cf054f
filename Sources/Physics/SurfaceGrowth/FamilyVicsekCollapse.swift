import Foundation

/// The Family–Vicsek scaling check: W(L, t) = L^α f(t / L^z) for all sizes L.
///
/// With x = ln(t/L^z) and y = ln(W/L^α) every size should trace one curve. The quality of a
/// collapse is measured as in Bhattacharjee & Seno (J. Phys. A 34, 6375 (2001)): for each pair of
/// sizes (i, j), each point of i inside j's x range is compared with j's curve interpolated
/// linearly at that x,
///
///   P(α, z) = (1/N) Σ_{i≠j} Σ_{p ∈ i ∩ range j} (y_ip − ỹ_j(x_ip))² / (σ_ip² + σ̃_j²),
///
/// σ being the errors of ln W. P ≈ 1 means the curves agree within their statistical errors;
/// lattice and finite-time corrections push it above 1. `bestZ` finds the z minimising P at
/// fixed α, an estimate of z independent of z = α/β.
public struct FamilyVicsekCollapse: Sendable {
    /// One size's curve: ln t, ln W and the error of ln W at each recorded time used.
    public struct Curve: Sendable {
        public var length: Int
        public var logTime: [Double]
        public var logWidth: [Double]
        public var logWidthError: [Double]

        public init(length: Int, logTime: [Double], logWidth: [Double], logWidthError: [Double]) {
            precondition(
                logTime.count == logWidth.count && logWidth.count == logWidthError.count,
                "FamilyVicsekCollapse.Curve: arrays of different lengths")
            self.length = length
            self.logTime = logTime
            self.logWidth = logWidth
            self.logWidthError = logWidthError
        }
    }

    /// α and z the collapse was drawn with.
    public var alpha: Double
    public var z: Double
    /// P at (α, z).
    public var quality: Double
    /// z minimising P at fixed α, with its jackknife error (filled in by the caller).
    public var bestZ: Double
    public var bestZError: Double?
    /// P at (α, bestZ).
    public var bestQuality: Double
    /// Whether bestZ agrees with z within two combined standard errors.
    public var consistent: Bool?
    /// Scaled coordinates per size for plotting: x = t/L^z, y = W/L^α.
    public var scaled: [(length: Int, x: [Double], y: [Double])]

    /// P(α, z) for the curves (NaN when no two curves overlap).
    public static func quality(_ curves: [Curve], alpha: Double, z: Double) -> Double {
        var total = 0.0, count = 0
        let xs = curves.map { c in c.logTime.map { $0 - z * Foundation.log(Double(c.length)) } }
        let ys = curves.map { c in c.logWidth.map { $0 - alpha * Foundation.log(Double(c.length)) } }
        for i in curves.indices {
            for j in curves.indices where j != i && xs[j].count >= 2 {
                let xj = xs[j], yj = ys[j], sj = curves[j].logWidthError
                guard let lo = xj.first, let hi = xj.last else { continue }
                var seg = 0
                for (p, x) in xs[i].enumerated() where x >= lo && x <= hi {
                    while seg < xj.count - 2 && xj[seg + 1] < x { seg += 1 }
                    let u = (x - xj[seg]) / (xj[seg + 1] - xj[seg])
                    let y = yj[seg] + u * (yj[seg + 1] - yj[seg])
                    let s = sj[seg] + u * (sj[seg + 1] - sj[seg])
                    let d = ys[i][p] - y
                    let v = curves[i].logWidthError[p] * curves[i].logWidthError[p] + s * s
                    guard v > 0 else { continue }
                    total += d * d / v
                    count += 1
                }
            }
        }
        return count > 0 ? total / Double(count) : .nan
    }

    /// The z in `range` minimising P(α, z): a grid scan, then golden-section refinement around
    /// the best grid point.
    public static func bestZ(_ curves: [Curve], alpha: Double, range: ClosedRange<Double> = 0.5...4) -> (z: Double, quality: Double) {
        let grid = 71
        var bestIndex = 0, bestValue = Double.infinity
        let step = (range.upperBound - range.lowerBound) / Double(grid - 1)
        for k in 0..<grid {
            let q = quality(curves, alpha: alpha, z: range.lowerBound + Double(k) * step)
            if q < bestValue { bestValue = q; bestIndex = k }
        }
        guard bestValue.isFinite else { return (.nan, .nan) }
        var a = range.lowerBound + Double(max(0, bestIndex - 1)) * step
        var b = range.lowerBound + Double(min(grid - 1, bestIndex + 1)) * step
        let phi = (5.0.squareRoot() - 1) / 2
        var c = b - phi * (b - a), d = a + phi * (b - a)
        var fc = quality(curves, alpha: alpha, z: c), fd = quality(curves, alpha: alpha, z: d)
        for _ in 0..<40 {
            if fc < fd {
                b = d; d = c; fd = fc; c = b - phi * (b - a); fc = quality(curves, alpha: alpha, z: c)
            } else {
                a = c; c = d; fc = fd; d = a + phi * (b - a); fd = quality(curves, alpha: alpha, z: d)
            }
        }
        let z = 0.5 * (a + b)
        return (z, quality(curves, alpha: alpha, z: z))
    }

    /// Scaled coordinates t/L^z and W/L^α of each curve.
    public static func scaledCurves(_ curves: [Curve], alpha: Double, z: Double) -> [(length: Int, x: [Double], y: [Double])] {
        curves.map { c in
            let l = Double(c.length)
            return (
                c.length, c.logTime.map { Foundation.exp($0) / Foundation.pow(l, z) },
                c.logWidth.map { Foundation.exp($0) / Foundation.pow(l, alpha) }
            )
        }
    }
}
