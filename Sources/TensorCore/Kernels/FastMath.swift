import RealModule

/// Vectorised exp, tanh and GELU for Float (8 lanes) in Swift: `expShiftedReference` and the
/// tests' references for the C kernels of vector_kernels.c, which the Float kernels run.
///
/// exp: Cephes' expf — range reduction x = n·ln2 + r with a two-part ln 2, a degree-6 minimax
/// polynomial on |r| ≤ ln2/2, and 2ⁿ assembled in the exponent bits. Relative error ≤ 2 ulp
/// for x in [−87.3, 88]; below that the result is 0 (exp(−∞) = 0 exactly), above it
/// saturates at e⁸⁸ ≈ 1.7e38; NaN gives NaN (the trainer stops on non-finite losses).
/// tanh(x) = sign(x)·(1 − 2/(e^{2|x|} + 1)): absolute error ≤ 2e-7 (relative error is larger
/// for |x| < 1e-3, where tanh x ≈ x; fine for GELU, whose output is ½x(1 + tanh)).
/// Double keeps the exact libm functions (gradient checks run in Double).
enum FastMath {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func exp(_ x: V) -> V {
        let underflow = x .< -87.33654
        // Clamp with compares and blends (SIMD's `clamped` goes lane by lane through
        // FloatingPoint.minimum/maximum, and `rounded` calls rintf per lane).
        var r = x.replacing(with: -87.33654, where: underflow).replacing(with: 88.0, where: x .> 88.0)
        // n = round-to-even(r·log₂e): adding 1.5·2²³ rounds in the FPU (|r·log₂e| < 2²²) and puts n
        // in the low mantissa bits.
        let shifted = r * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        r = r - n * 0.693359375 + n * 2.12194440e-4
        let z = r * r
        var y = V(repeating: 1.9875691500e-4)
        y = y * r + 1.3981999507e-3
        y = y * r + 8.3334519073e-3
        y = y * r + 4.1665795894e-2
        y = y * r + 1.6666665459e-1
        y = y * r + 5.0000001201e-1
        y = y * z + r + 1
        // 2ⁿ from the integral n in the low mantissa bits of `shifted`, which become the exponent
        // field after a shift — all in vector registers.
        let magic = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((magic &+ 127) &<< 23, to: V.self)
        return (y * scale).replacing(with: 0, where: underflow)
    }

    @inline(__always)
    static func tanh(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)  // |x| by a blend, as exp's clamp
        let e = exp(a * 2)
        let t = 1 - 2 / (e + 1)
        return t.replacing(with: -t, where: x .< 0)
    }

    /// Applies `f` to n floats, 8 at a time, the tail through a padded vector.
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: (V) -> V) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: f(v), as: V.self)
            i += 8
        }
        if i < n {
            var v = V(repeating: 0)
            for j in 0..<(n - i) { v[j] = x[i + j] }
            let r = f(v)
            for j in 0..<(n - i) { y[i + j] = r[j] }
        }
    }

    /// GELU (tanh form) of n floats; also writes tanh(√(2/π)(x + 0.044715x³)) into `t` for the
    /// backward pass when given.
    static func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ t: UnsafeMutablePointer<Float>?, _ n: Int) {
        var i = 0
        let c = V(repeating: Float(geluScale)), k = V(repeating: 0.044715)
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            let th = tanh(c * (v + k * v * v * v))
            UnsafeMutableRawPointer(y + i).storeBytes(of: 0.5 * v * (1 + th), as: V.self)
            if let t { UnsafeMutableRawPointer(t + i).storeBytes(of: th, as: V.self) }
            i += 8
        }
        while i < n {
            let v = x[i]
            let th = Float.tanh(Float(geluScale) * (v + 0.044715 * v * v * v))
            y[i] = 0.5 * v * (1 + th)
            t?[i] = th
            i += 1
        }
    }
}
