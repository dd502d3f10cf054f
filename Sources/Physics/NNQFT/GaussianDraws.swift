import Foundation
import TensorCore

/// Fast standard-normal and χ² draws for the field ensembles, from a `SeededRNG`.
///
/// The ensembles need thousands of normals per draw, so the polar Box–Muller of
/// `SeededRNG.normal()` (two uniforms, a log and a square root per pair, with rejection) would
/// dominate. This is the 256-layer ziggurat of Marsaglia & Tsang (J. Stat. Softw. 5(8), 2000):
/// one 64-bit word per normal in 98.8% of draws (8 bits pick the layer, 1 the sign, 52 the
/// abscissa), an exp for the wedges and Marsaglia's exponential method for the tail |x| > r.
/// Tables are built here from r and the layer area v; tests check moments and the CDF.
public enum GaussianDraws {
    /// Right edge of the base layer.
    static let r = 3.6541528853610088
    /// Area of each of the 256 layers (base layer including its tail).
    static let v = 0.00492867323399

    struct Tables: Sendable {
        /// Layer widths scaled by 2⁻⁵² (abscissa = u52 · width).
        var width = [Double](repeating: 0, count: 256)
        /// u52 below this is inside the curve for certain.
        var threshold = [UInt64](repeating: 0, count: 256)
        /// f at the lower and upper edge of each layer.
        var fLow = [Double](repeating: 0, count: 256)
        var fHigh = [Double](repeating: 0, count: 256)
    }

    /// Layer i ≥ 1 is the box [0, X_{i−1}] × [f(X_{i−1}), f(X_i)], X_0 = r, X_255 = 0, each of
    /// area v; layer 0 is [0, v/f(r)] × [0, f(r)] with the tail beyond r folded in.
    static let tables: Tables = {
        func f(_ x: Double) -> Double { exp(-0.5 * x * x) }
        var edge = [Double](repeating: 0, count: 256)
        edge[0] = r
        for i in 1..<255 { edge[i] = (-2 * log(v / edge[i - 1] + f(edge[i - 1]))).squareRoot() }
        edge[255] = 0
        var t = Tables()
        let scale = 0x1.0p-52, full = 0x1.0p52
        let baseWidth = v / f(r)
        t.width[0] = baseWidth * scale
        t.threshold[0] = UInt64(r / baseWidth * full)
        t.fLow[0] = 0; t.fHigh[0] = f(r)
        for i in 1..<256 {
            t.width[i] = edge[i - 1] * scale
            t.threshold[i] = UInt64(edge[i] / edge[i - 1] * full)
            t.fLow[i] = f(edge[i - 1])
            t.fHigh[i] = f(edge[i])
        }
        return t
    }()

    /// One standard normal.
    @inline(__always)
    public static func normal(_ rng: inout SeededRNG) -> Double {
        let t = tables
        return t.width.withUnsafeBufferPointer { width in
            t.threshold.withUnsafeBufferPointer { threshold in
                draw(&rng, width.baseAddress!, threshold.baseAddress!, t)
            }
        }
    }

    /// Fills `count` standard normals times `scale` into `out`.
    public static func fill(_ out: UnsafeMutablePointer<Double>, count: Int, scale: Double = 1, rng: inout SeededRNG) {
        let t = tables
        t.width.withUnsafeBufferPointer { width in
            t.threshold.withUnsafeBufferPointer { threshold in
                let w = width.baseAddress!, k = threshold.baseAddress!
                for i in 0..<count { out[i] = scale * draw(&rng, w, k, t) }
            }
        }
    }

    @inline(__always)
    private static func draw(
        _ rng: inout SeededRNG, _ width: UnsafePointer<Double>,
        _ threshold: UnsafePointer<UInt64>, _ t: Tables
    ) -> Double {
        while true {
            let bits = rng.next()
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            let sign = (bits & 0x100) << 55  // bit 8 → the sign bit, no branch on it
            let u52 = bits >> 12
            let x = Double(Int64(bitPattern: u52)) * width[layer]
            if u52 < threshold[layer] { return Double(bitPattern: x.bitPattern ^ sign) }
            if let y = slowPath(layer: layer, x: x, rng: &rng, t) { return Double(bitPattern: y.bitPattern ^ sign) }
        }
    }

    /// Tail or wedge: returns the accepted |x|, or nil to start again.
    @inline(never)
    private static func slowPath(layer: Int, x: Double, rng: inout SeededRNG, _ t: Tables) -> Double? {
        if layer == 0 {
            // Tail beyond r: x = r + a with a = −ln U₁/r, accepted when −2 ln U₂ > a².
            while true {
                let a = -log(1 - rng.uniform()) / r
                let b = -log(1 - rng.uniform())
                if 2 * b > a * a { return r + a }
            }
        }
        let y = t.fLow[layer] + rng.uniform() * (t.fHigh[layer] - t.fLow[layer])
        return y < exp(-0.5 * x * x) ? x : nil
    }

    /// X ~ χ²(k)/k, the squared norm of k standard normals over k (Marsaglia–Tsang gamma:
    /// χ²(k) = 2·Gamma(k/2); for k = 1 Gamma(1/2) = Gamma(3/2)·U^{2}).
    public static func chiSquaredOverDegrees(_ k: Int, rng: inout SeededRNG) -> Double {
        precondition(k > 0, "chiSquaredOverDegrees: degrees of freedom must be positive, got \(k)")
        let alpha = Double(k) / 2
        let boosted = alpha < 1 ? alpha + 1 : alpha
        let d = boosted - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        var g = 0.0
        while true {
            let z = normal(&rng)
            let base = 1 + c * z
            if base <= 0 { continue }
            let cube = base * base * base
            let u = rng.uniform()
            if u < 1 - 0.0331 * z * z * z * z || log(u) < 0.5 * z * z + d * (1 - cube + log(cube)) {
                g = d * cube
                break
            }
        }
        if alpha < 1 {
            var u = rng.uniform()
            while u == 0 { u = rng.uniform() }
            g *= pow(u, 1 / alpha)
        }
        return 2 * g / Double(k)
    }
}

/// cos(x) for the random-feature embedding, branch-free so loops over it vectorise.
///
/// x = n·(π/2) + r with n = round(2x/π) and a three-part Cody–Waite π/2 (fdlibm's), |r| ≤ π/4;
/// then cos x = ±cos r or ±sin r by the quadrant n mod 4, with Taylor polynomials of degree 16
/// (cos) and 17 (sin) whose truncation error on |r| ≤ π/4 is below 1e-17. The rounding uses
/// the 1.5·2⁵² trick (the x86-64 baseline has no roundsd), which also leaves n mod 4 in the low
/// bits. Accurate to a few ulps for |x| < 1e5 (tests compare with the C library); no special
/// handling of NaN or ∞.
@inline(__always)
func fastCosine(_ x: Double) -> Double {
    let (shifted, c, s) = cosineParts(x)
    let quadrant = shifted.bitPattern
    // quadrant 0: cos r, 1: −sin r, 2: −cos r, 3: sin r
    let value = quadrant & 1 == 0 ? c : s
    let sign = ((quadrant &+ 1) & 2) << 62
    return Double(bitPattern: value.bitPattern ^ sign)
}

/// What `cosineParts` computes with: a Double, or four of them lane by lane.
protocol CosineLanes {
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func + (lhs: Self, rhs: Double) -> Self
    static func - (lhs: Self, rhs: Double) -> Self
    static func * (lhs: Self, rhs: Double) -> Self
}

extension Double: CosineLanes {}
extension SIMD4: CosineLanes where Scalar == Double {}

/// The arithmetic `fastCosine` and `cosinesInPlace` share: x = n·(π/2) + r and the polynomials
/// cos r, sin r (see `fastCosine`). `shifted` = x·2/π + 1.5·2⁵² holds n mod 4 in its low bits.
@inline(__always)
func cosineParts<V: CosineLanes>(_ x: V) -> (shifted: V, cos: V, sin: V) {
    let twoOverPi = 0.63661977236758134308, magic = 6_755_399_441_055_744.0
    let p1 = 1.57079632673412561417e+00, p2 = 6.07710050630396597660e-11, p3 = 2.02226624871116645580e-21
    let shifted = x * twoOverPi + magic
    let n = shifted - magic
    let r = ((x - n * p1) - n * p2) - n * p3
    let r2 = r * r
    // cos r = 1 − r²/2! + r⁴/4! − … (to r¹⁶), sin r = r − r³/3! + … (to r¹⁷)
    var c = r2 * 4.779477332387385e-14 - 1.1470745597729725e-11
    c = c * r2 + 2.08767569878681e-09
    c = c * r2 - 2.755731922398589e-07
    c = c * r2 + 2.48015873015873e-05
    c = c * r2 - 0.001388888888888889
    c = c * r2 + 0.041666666666666664
    c = c * r2 - 0.5
    c = c * r2 + 1
    var s = r2 * 2.8114572543455206e-15 - 7.647163731819816e-13
    s = s * r2 + 1.6059043836821613e-10
    s = s * r2 - 2.505210838544172e-08
    s = s * r2 + 2.7557319223985893e-06
    s = s * r2 - 0.0001984126984126984
    s = s * r2 + 0.008333333333333333
    s = s * r2 - 0.16666666666666666
    s = s * r2 * r + r
    return (shifted, c, s)
}

/// cos of `count` values in place: `fastCosine` four lanes at a time (SIMD4<Double>), the tail
/// one at a time. Same arithmetic, same results, lane by lane.
@inline(__always)
func cosinesInPlace(_ p: UnsafeMutablePointer<Double>, count: Int) {
    typealias V = SIMD4<Double>
    var i = 0
    let raw = UnsafeMutableRawPointer(p)
    while i + 4 <= count {
        let (shifted, c, s) = cosineParts(raw.loadUnaligned(fromByteOffset: i * 8, as: V.self))
        let quadrant = unsafeBitCast(shifted, to: SIMD4<UInt64>.self)
        // Select sin where the quadrant is odd, then flip the sign for quadrants 1 and 2 — with
        // bit masks, so the lanes never branch.
        let one = SIMD4<UInt64>(repeating: 1), two = SIMD4<UInt64>(repeating: 2)
        let oddMask = 0 &- (quadrant & one)
        let cBits = unsafeBitCast(c, to: SIMD4<UInt64>.self), sBits = unsafeBitCast(s, to: SIMD4<UInt64>.self)
        let chosen = (sBits & oddMask) | (cBits & ~oddMask)
        let sign = ((quadrant &+ one) & two) &<< 62
        raw.storeBytes(of: unsafeBitCast(chosen ^ sign, to: V.self), toByteOffset: i * 8, as: V.self)
        i += 4
    }
    while i < count {
        p[i] = fastCosine(p[i])
        i += 1
    }
}
