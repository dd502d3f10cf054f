/// exp(A) of a square matrix in the tensor's own precision (sgemm for Float, dgemm for Double),
/// keeping what the gradient through it needs.
///
/// The algorithm is `Matrix.exponentialFrechetPade`'s (Al-Mohy & Higham 2009, Algorithm 6.4):
/// the Padé degree m ∈ {3, 5, 7, 9} is the smallest with ‖A‖₁ ≤ ℓ_m, else m = 13 with A scaled
/// by 2⁻ˢ so that ‖2⁻ˢA‖₁ ≤ ℓ₁₃, and s squarings. With X = 2⁻ˢA, U = X·W odd and V even,
/// R₀ = (V − U)⁻¹(V + U) and exp(A) = R₀^(2ˢ).
///
/// Gradient: for G = ∂ℓ/∂exp(A), ∂ℓ/∂A = L(Aᵀ, G) = L(A, Gᵀ)ᵀ (exp commutes with transposition),
/// and L(A, ·) follows the same products as exp(A). `adjointDerivative` therefore reuses the
/// forward pass's powers of X, its W (and W₁, Z₁ at degree 13), the LU factors of V − U and the
/// squares R₀, R₁, …, and adds only the derivative's products:
///
///     M₂ = XE + EX,  M₂ₖ = X²ⁱM₂ⱼ + M₂ᵢX²ʲ (as the powers),  L_W, L_V from the M₂ₖ,
///     L_U = X·L_W + E·W,  L₀ = (V − U)⁻¹(L_U + L_V + (L_U − L_V)·R₀),  Lⱼ₊₁ = RⱼLⱼ + LⱼRⱼ.
///
/// At degree 9 that is 11 products and one solve with n right-hand sides, against 15 products,
/// an LU and 3n right-hand sides from scratch. `Matrix.exponential` and
/// `Matrix.exponentialFrechetPade` (Double) are the references the tests compare against.
public struct PadeExponential<S: TensorScalar>: Sendable {
    /// The matrix size n.
    public let n: Int
    /// The Padé degree m and the number of squarings s.
    public let degree: Int, squarings: Int
    private let scale: S
    private let x: [S]  // X = 2⁻ˢA
    private let powers: [[S]]  // X², X⁴, …, X^(m−1)  (degree 13: X², X⁴, X⁶)
    private let w: [S]  // W, with U = X·W
    private let w1: [S], z1: [S]  // degree 13: W = X⁶W₁ + W₂, V = X⁶Z₁ + Z₂ (empty otherwise)
    private let factors: [S]  // LU of V − U
    private let pivots: [Int32]
    private let squares: [[S]]  // R₀, R₁ = R₀², …, R_s = exp(A)

    /// exp(A) for the row-major n×n matrix at `a`. Throws when A holds NaN or ∞ or when V − U is
    /// singular.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public init(_ a: UnsafePointer<S>, n: Int) throws {
        precondition(n > 0, "PadeExponential: empty matrix")
        let count = n * n
        guard (0..<count).allSatisfy({ a[$0].isFinite }) else { throw LinearAlgebraError.nonFinite(routine: "expm") }
        self.n = n
        let norm = PadeExponential.norm1(a, n: n)
        degree = Matrix.frechetDegree(norm: norm)
        squarings = degree < 13 ? 0 : max(0, Int(Double.log2(norm / Matrix.frechetBound13).rounded(.up)))
        scale = S(Double.pow(2, -Double(squarings)))
        let scaleValue = scale
        x = (0..<count).map { a[$0] * scaleValue }
        let b = Matrix.padeCoefficients(degree).map { S($0) }
        let v: [S]
        if degree < 13 {
            var powers = [PadeExponential.product(x, x, n)]
            while 2 * (powers.count + 1) < degree {
                let (i, j) = PadeExponential.powerFactors(powers.count + 1)
                powers.append(PadeExponential.product(powers[i - 1], powers[j - 1], n))
            }
            self.powers = powers
            w = PadeExponential.combination(powers.indices.map { (b[2 * $0 + 3], powers[$0]) }, identity: b[1], n)
            v = PadeExponential.combination(powers.indices.map { (b[2 * $0 + 2], powers[$0]) }, identity: b[0], n)
            (w1, z1) = ([], [])
        } else {
            let x2 = PadeExponential.product(x, x, n)
            let x4 = PadeExponential.product(x2, x2, n)
            let x6 = PadeExponential.product(x2, x4, n)
            powers = [x2, x4, x6]
            w1 = PadeExponential.combination([(b[13], x6), (b[11], x4), (b[9], x2)], identity: 0, n)
            z1 = PadeExponential.combination([(b[12], x6), (b[10], x4), (b[8], x2)], identity: 0, n)
            var w = PadeExponential.combination([(b[7], x6), (b[5], x4), (b[3], x2)], identity: b[1], n)
            PadeExponential.accumulateProduct(x6, w1, into: &w, n)
            var even = PadeExponential.combination([(b[6], x6), (b[4], x4), (b[2], x2)], identity: b[0], n)
            PadeExponential.accumulateProduct(x6, z1, into: &even, n)
            (self.w, v) = (w, even)
        }
        let u = PadeExponential.product(x, w, n)
        (factors, pivots) = try PadeExponential.factorise(v, minus: u, n)
        let r0 = try PadeExponential.solve(factors, pivots, PadeExponential.combination([(1, v), (1, u)], identity: 0, n), n)
        squares = PadeExponential.squarings(r0, squarings, n)
    }

    /// exp(A), row-major.
    public var exponential: [S] { squares[squares.count - 1] }

    /// L(Aᵀ, G) = ∂ℓ/∂A for G = ∂ℓ/∂exp(A) (row-major n×n at `g`).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func adjointDerivative(_ g: UnsafePointer<S>) throws -> [S] {
        var e = [S](repeating: 0, count: n * n)  // E = 2⁻ˢGᵀ
        for i in 0..<n { for j in 0..<n { e[j * n + i] = g[i * n + j] * scale } }
        guard e.allSatisfy({ $0.isFinite }) else { throw LinearAlgebraError.nonFinite(routine: "expm-frechet") }
        let l = try derivative(direction: e)
        var out = [S](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { out[j * n + i] = l[i * n + j] } }
        return out
    }

    /// L(A, 2ˢ·E) for the scaled direction E.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private func derivative(direction e: [S]) throws -> [S] {
        let b = Matrix.padeCoefficients(degree).map { S($0) }
        typealias P = PadeExponential
        // M₂ₖ = L(X²ᵏ, E) alongside the powers, then L_W and L_V from them.
        var m = [P.sumOfProducts([(x, e), (e, x)], n)]
        var lw: [S], lv: [S]
        if degree < 13 {
            while m.count < powers.count {
                let (i, j) = P.powerFactors(m.count + 1)
                m.append(P.sumOfProducts([(powers[i - 1], m[j - 1]), (m[i - 1], powers[j - 1])], n))
            }
            lw = P.combination(m.indices.map { (b[2 * $0 + 3], m[$0]) }, identity: 0, n)
            lv = P.combination(m.indices.map { (b[2 * $0 + 2], m[$0]) }, identity: 0, n)
        } else {
            m.append(P.sumOfProducts([(powers[0], m[0]), (m[0], powers[0])], n))  // M₄ = X²M₂ + M₂X²
            m.append(P.sumOfProducts([(powers[1], m[0]), (m[1], powers[0])], n))  // M₆ = X⁴M₂ + M₄X²
            let lw1 = P.combination([(b[13], m[2]), (b[11], m[1]), (b[9], m[0])], identity: 0, n)
            let lz1 = P.combination([(b[12], m[2]), (b[10], m[1]), (b[8], m[0])], identity: 0, n)
            lw = P.combination([(b[7], m[2]), (b[5], m[1]), (b[3], m[0])], identity: 0, n)
            P.accumulateProduct(powers[2], lw1, into: &lw, n)
            P.accumulateProduct(m[2], w1, into: &lw, n)
            lv = P.combination([(b[6], m[2]), (b[4], m[1]), (b[2], m[0])], identity: 0, n)
            P.accumulateProduct(powers[2], lz1, into: &lv, n)
            P.accumulateProduct(m[2], z1, into: &lv, n)
        }
        let lu = P.sumOfProducts([(x, lw), (e, w)], n)
        var rhs = P.combination([(1, lu), (1, lv)], identity: 0, n)
        P.accumulateProduct(P.combination([(1, lu), (-1, lv)], identity: 0, n), squares[0], into: &rhs, n)
        var l = try P.solve(factors, pivots, rhs, n)
        for j in 0..<squarings { l = P.sumOfProducts([(squares[j], l), (l, squares[j])], n) }
        return l
    }

    // MARK: Building blocks

    /// X^(2k) = X^(2i)·X^(2j) with i = ⌊k/2⌋, j = k − i (as `Matrix.exponentialFrechetPade`).
    private static func powerFactors(_ k: Int) -> (Int, Int) { (k / 2, k - k / 2) }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private static func norm1(_ a: UnsafePointer<S>, n: Int) -> Double {
        var best = 0.0
        for j in 0..<n {
            var sum = 0.0
            for i in 0..<n { sum += Swift.abs(Double(a[i * n + j])) }
            best = Swift.max(best, sum)
        }
        return best
    }

    private static func product(_ a: [S], _ b: [S], _ n: Int) -> [S] { sumOfProducts([(a, b)], n) }

    /// Σ Aᵢ·Bᵢ.
    private static func sumOfProducts(_ pairs: [([S], [S])], _ n: Int) -> [S] {
        var c = [S](repeating: 0, count: n * n)
        for (i, (a, b)) in pairs.enumerated() { accumulateProduct(a, b, into: &c, n, beta: i == 0 ? 0 : 1) }
        return c
    }

    /// C ← A·B + β·C.
    private static func accumulateProduct(_ a: [S], _ b: [S], into c: inout [S], _ n: Int, beta: S = 1) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    S.gemm(
                        transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
                        b: pb.baseAddress!, ldb: n, beta: beta, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// Σ cᵢ·Mᵢ + c·I in one pass per term.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private static func combination(_ terms: [(S, [S])], identity c: S, _ n: Int) -> [S] {
        var out = [S](repeating: 0, count: n * n)
        out.withUnsafeMutableBufferPointer { o in
            for (coefficient, m) in terms {
                m.withUnsafeBufferPointer { padeAccumulate(coefficient, $0.baseAddress!, o.baseAddress!, n * n) }
            }
            if c != 0 { for i in 0..<n { o[i * n + i] += c } }
        }
        return out
    }

    private static func factorise(_ v: [S], minus u: [S], _ n: Int) throws -> ([S], [Int32]) {
        var q = combination([(1, v), (-1, u)], identity: 0, n)
        var pivots = [Int32](repeating: 0, count: n)
        let info = q.withUnsafeMutableBufferPointer { pq in
            pivots.withUnsafeMutableBufferPointer { CBLAS.getrf(n: n, a: pq.baseAddress!, pivots: $0.baseAddress!) }
        }
        if info > 0 { throw LinearAlgebraError.singular(routine: "getrf", info: info) }
        if info < 0 { throw LinearAlgebraError.invalidArgument(routine: "getrf", info: info) }
        return (q, pivots)
    }

    private static func solve(_ factors: [S], _ pivots: [Int32], _ rhs: [S], _ n: Int) throws -> [S] {
        var x = rhs
        let info = factors.withUnsafeBufferPointer { pf in
            pivots.withUnsafeBufferPointer { pp in
                x.withUnsafeMutableBufferPointer {
                    CBLAS.getrs(n: n, nrhs: n, factors: pf.baseAddress!, pivots: pp.baseAddress!, b: $0.baseAddress!)
                }
            }
        }
        if info != 0 { throw LinearAlgebraError.invalidArgument(routine: "getrs", info: info) }
        return x
    }

    /// [R₀, R₀², R₀⁴, …] with s squarings.
    private static func squarings(_ r0: [S], _ s: Int, _ n: Int) -> [[S]] {
        var squares = [r0]
        for _ in 0..<s { squares.append(product(squares[squares.count - 1], squares[squares.count - 1], n)) }
        return squares
    }
}

/// o[i] += c·m[i].
@_specialize(where S == Float)
@_specialize(where S == Double)
private func padeAccumulate<S: TensorScalar>(_ c: S, _ m: UnsafePointer<S>, _ o: UnsafeMutablePointer<S>, _ count: Int) {
    for i in 0..<count { o[i] += c * m[i] }
}
