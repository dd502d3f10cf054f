import Foundation
import TensorCore

/// Barrett & Seth's integrated information of a stationary linear-Gaussian system.
public struct PhiResult: Sendable {
    /// Φ = φ at the minimum-information bipartition, in nats and bits.
    public var phi: Double
    public var phiBits: Double { phi / Foundation.log(2) }
    /// φ/K at the MIB (the quantity minimised).
    public var normalisedPhi: Double
    /// The MIB: variable indices of the two parts, ascending.
    public var partA: [Int]
    public var partB: [Int]
    /// I(X_t; X_{t+1}) of the whole system, in nats.
    public var wholeMutualInformation: Double
    /// How many bipartitions were scored, and whether that was all of them.
    public var bipartitionsEvaluated: Int
    public var exhaustive: Bool
    /// The normalisation used ("minimum part entropy" or the fallback "smaller part size").
    public var normalisation: String
}

/// Integrated information Φ for x_{t+1} = K x_t + ε (Barrett & Seth, PLoS Comput. Biol. 7,
/// e1001052 (2011), the Gaussian form of their Φ_E, equal to their Φ_AR for linear-Gaussian
/// systems).
///
/// For a bipartition B = {M¹, M²} the effective information is the time-lagged mutual information
/// of the whole minus that of the parts,
///
///   φ[X; B] = I(X_t; X_{t+1}) − Σ_k I(M^k_t; M^k_{t+1}),
///   I(M_t; M_{t+1}) = H(M_t) − H(M_t | M_{t+1}) = ½ ln [det Σ_MM² / det J_M],
///
/// where J_M is the covariance of (M_t, M_{t+1}): [[Σ_MM, (ΣKᵀ)_MM], [(KΣ)_MM, Σ_MM]]. The
/// minimum-information bipartition minimises φ[X; B]/K(B) with K(B) = min_k H(M^k),
/// H(M) = ½ ln[(2πe)^{|M|} det Σ_MM] (the Balduzzi–Tononi normalisation, which Barrett & Seth keep;
/// for m parts it is (m − 1)·min_k H(M^k)), and Φ = φ[X; B^MIB]. Differential entropies depend on
/// units and can be ≤ 0: when the smallest eigenvalue of Σ is below 1/(2πe), so that some part
/// could have H ≤ 0, every bipartition is normalised by the size of its smaller part instead
/// (the discrete-variable form, up to the constant ln 2) and the result says so.
///
/// Search: exhaustive over all 2^{n−1} − 1 bipartitions up to `exhaustiveLimit` variables (16 by
/// default: 32 767 bipartitions); beyond, a heuristic (see `phi`).
public enum AutoregressivePhi {
    /// Φ of `system`.
    ///
    /// Beyond `exhaustiveLimit` variables the MIB is searched heuristically: (1) spectral sweep —
    /// order the variables by the Fiedler vector of the graph whose weights are the absolute
    /// equal-time and lag-one correlations, and score every prefix cut of that order; (2) greedy
    /// refinement of the best cut by single-variable moves and pair swaps (first improvement)
    /// until a full pass finds none that lowers φ/K; (3) the same refinement from `restarts` random
    /// balanced cuts. Each pass scores O(n²) bipartitions of cost O(n³). The heuristic can only miss the MIB in the
    /// direction of a larger φ/K; tests compare it with the exhaustive search up to 12 variables.
    public static func phi(
        _ system: LinearGaussianSystem, exhaustiveLimit: Int = 16, restarts: Int = 6,
        rng: SeededRNG = SeededRNG(seed: 0)
    ) -> PhiResult {
        let scorer = Scorer(system)
        let n = system.size
        precondition(n >= 2, "AutoregressivePhi.phi: needs at least 2 variables")
        precondition(exhaustiveLimit <= 24, "AutoregressivePhi.phi: exhaustive search beyond 24 variables (2^23 bipartitions) is not supported")
        if n <= exhaustiveLimit {
            let total = (1 << (n - 1)) - 1
            let chunks = min(64, total)
            let perChunk: [(Double, Int)] = Parallel.map(chunks) { c -> (Double, Int) in
                var bestValue = Double.infinity, bestMask = 0
                let start = 1 + total * c / chunks, end = 1 + total * (c + 1) / chunks
                for mask in start..<end {
                    let v = scorer.normalised(mask: mask)
                    if v < bestValue { bestValue = v; bestMask = mask }
                }
                return (bestValue, bestMask)
            }
            // Chunks are in mask order, so a strict < keeps the lowest mask among ties.
            var best = perChunk[0]
            for candidate in perChunk.dropFirst() where candidate.0 < best.0 { best = candidate }
            return scorer.result(mask: best.1, evaluated: total, exhaustive: true)
        }
        var evaluated = 0
        func score(_ inA: [Bool]) -> Double { evaluated += 1; return scorer.normalised(inA: inA) }
        func refine(_ start: [Bool]) -> ([Bool], Double) {
            // First-improvement local search over single moves and pair swaps (a swap keeps the
            // part sizes, which matters because the entropy normalisation favours balanced cuts):
            // apply any move that lowers φ/K, stop after a full pass without one.
            var current = start, value = score(start)
            var improved = true, passes = 0
            while improved && passes < 4 * n {
                improved = false
                passes += 1
                for i in 0..<n {
                    current[i].toggle()
                    let sizeA = current.filter { $0 }.count
                    if sizeA > 0 && sizeA < n {
                        let v = score(current)
                        if v < value - 1e-14 { value = v; improved = true; continue }
                    }
                    current[i].toggle()
                }
                for i in 0..<n {
                    for j in (i + 1)..<max(i + 1, n) where current[i] != current[j] {
                        current[i].toggle(); current[j].toggle()
                        let v = score(current)
                        if v < value - 1e-14 { value = v; improved = true } else { current[i].toggle(); current[j].toggle() }
                    }
                }
            }
            return (current, value)
        }
        var candidates: [([Bool], Double)] = []
        // (1) spectral sweep.
        let order = scorer.fiedlerOrder()
        var sweepBest: ([Bool], Double) = ([], .infinity)
        var inA = [Bool](repeating: false, count: n)
        for j in 0..<(n - 1) {
            inA[order[j]] = true
            let v = score(inA)
            if v < sweepBest.1 { sweepBest = (inA, v) }
        }
        // (2) refinement of the sweep's best cut; (3) random balanced restarts.
        candidates.append(refine(sweepBest.0))
        var g = rng
        for _ in 0..<restarts {
            let perm = g.permutation(n)
            var start = [Bool](repeating: false, count: n)
            for i in perm.prefix(n / 2) { start[i] = true }
            candidates.append(refine(start))
        }
        let best = candidates.min { $0.1 < $1.1 }!
        var mask = 0
        for i in 0..<n where best.0[i] { mask |= 1 << i }
        return scorer.result(mask: mask, evaluated: evaluated, exhaustive: false)
    }

    /// φ[X; B] in nats for the bipartition A = `partA`, B = the rest.
    public static func effectiveInformation(_ system: LinearGaussianSystem, partA: [Int]) -> Double {
        let n = system.size
        precondition(
            !partA.isEmpty && partA.count < n && partA.allSatisfy { $0 >= 0 && $0 < n },
            "effectiveInformation: part A must be a non-empty proper subset of 0..<\(n)")
        let scorer = Scorer(system)
        var inA = [Bool](repeating: false, count: n)
        for i in partA { inA[i] = true }
        return scorer.terms(inA: inA).phi
    }

    /// I(X_t; X_{t+1}) in nats of the variables `part` (all variables if nil).
    public static func laggedMutualInformation(_ system: LinearGaussianSystem, part: [Int]? = nil) -> Double {
        Scorer(system).mutualInformation(part ?? Array(0..<system.size))
    }
}

/// Evaluates φ and its normalisation for bipartitions, reusing Σ and KΣ.
private struct Scorer: Sendable {
    let n: Int
    let sigma: [Double]  // Σ (n, n)
    let lag: [Double]  // KΣ = Cov(x_{t+1}, x_t) (n, n)
    var whole = 0.0
    var useEntropy = true

    init(_ s: LinearGaussianSystem) {
        n = s.size
        sigma = s.stationaryCovariance.elements
        lag = (s.coupling * s.stationaryCovariance).elements
        whole = mutualInformation(Array(0..<n))
        // det Σ_MM ≥ λ_min(Σ)^|M| (Cauchy interlacing), so every part has H(M) > 0 when
        // ln(2πe) + ln λ_min > 0; otherwise all bipartitions use the size normalisation.
        let lambdaMin = (try? s.stationaryCovariance.symmetricEigenvalues().first) ?? 0
        useEntropy = lambdaMin > 0 && Foundation.log(2 * Double.pi * Foundation.exp(1)) + Foundation.log(lambdaMin) > 0
    }

    /// ½ ln[det Σ_MM² / det J_M].
    func mutualInformation(_ m: [Int]) -> Double {
        let k = m.count
        var joint = [Double](repeating: 0, count: 4 * k * k)
        var marginal = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            for b in 0..<k {
                let s = sigma[m[a] * n + m[b]]
                marginal[a * k + b] = s
                joint[a * 2 * k + b] = s
                joint[(k + a) * 2 * k + k + b] = s
                let c = lag[m[a] * n + m[b]]  // Cov(x_{t+1,a}, x_{t,b})
                joint[(k + a) * 2 * k + b] = c
                joint[b * 2 * k + k + a] = c
            }
        }
        return 0.5 * (2 * Scorer.logDetSPD(&marginal, k) - Scorer.logDetSPD(&joint, 2 * k))
    }

    /// H(M) = ½ [|M| ln(2πe) + ln det Σ_MM].
    func entropy(_ m: [Int]) -> Double {
        let k = m.count
        var marginal = [Double](repeating: 0, count: k * k)
        for a in 0..<k { for b in 0..<k { marginal[a * k + b] = sigma[m[a] * n + m[b]] } }
        return 0.5 * (Double(k) * Foundation.log(2 * Double.pi * Foundation.exp(1)) + Scorer.logDetSPD(&marginal, k))
    }

    func terms(inA: [Bool]) -> (phi: Double, k: Double) {
        let a = (0..<n).filter { inA[$0] }, b = (0..<n).filter { !inA[$0] }
        let phi = whole - mutualInformation(a) - mutualInformation(b)
        let k = useEntropy ? min(entropy(a), entropy(b)) : Double(min(a.count, b.count))
        return (phi, k)
    }

    func normalised(inA: [Bool]) -> Double { let t = terms(inA: inA); return t.phi / t.k }

    /// Bipartition from a mask over variables 0..<n−1 (variable n−1 always in B).
    func normalised(mask: Int) -> Double {
        normalised(inA: (0..<n).map { mask & (1 << $0) != 0 })
    }

    func result(mask: Int, evaluated: Int, exhaustive: Bool) -> PhiResult {
        let inA = (0..<n).map { mask & (1 << $0) != 0 }
        let t = terms(inA: inA)
        return PhiResult(
            phi: t.phi, normalisedPhi: t.phi / t.k, partA: (0..<n).filter { inA[$0] },
            partB: (0..<n).filter { !inA[$0] }, wholeMutualInformation: whole,
            bipartitionsEvaluated: evaluated, exhaustive: exhaustive,
            normalisation: useEntropy ? "minimum part entropy" : "smaller part size (λ_min(Σ) < 1/(2πe): part entropies may be ≤ 0)")
    }

    /// Variables ordered by the Fiedler vector of W_ij = |ρ_ij(0)| + |ρ_ij(1)| + |ρ_ji(1)|.
    func fiedlerOrder() -> [Int] {
        var w = Matrix(rows: n, cols: n)
        for i in 0..<n {
            for j in 0..<n where i != j {
                let norm = (sigma[i * n + i] * sigma[j * n + j]).squareRoot()
                w[i, j] = (abs(sigma[i * n + j]) + abs(lag[i * n + j]) + abs(lag[j * n + i])) / norm
            }
        }
        var laplacian = -w
        for i in 0..<n { laplacian[i, i] = (0..<n).reduce(0) { $0 + w[i, $1] } }
        guard let (_, vectors) = try? laplacian.symmetricEigen() else { return Array(0..<n) }
        let fiedler = vectors.column(1)
        return (0..<n).sorted { fiedler[$0] < fiedler[$1] || (fiedler[$0] == fiedler[$1] && $0 < $1) }
    }

    /// ln det of a symmetric positive-definite k × k matrix by Cholesky (destroys `a`); −∞ if not
    /// positive definite.
    static func logDetSPD(_ a: inout [Double], _ k: Int) -> Double {
        var logDet = 0.0
        for j in 0..<k {
            var d = a[j * k + j]
            for p in 0..<j { d -= a[j * k + p] * a[j * k + p] }
            if d <= 0 { return -.infinity }
            let l = d.squareRoot()
            a[j * k + j] = l
            logDet += 2 * Foundation.log(l)
            for i in (j + 1)..<max(j + 1, k) {
                var s = a[i * k + j]
                for p in 0..<j { s -= a[i * k + p] * a[j * k + p] }
                a[i * k + j] = s / l
            }
        }
        return logDet
    }
}
