import Foundation
import TensorCore

/// The field of N_h random softmax attention heads over a point set (seed 002, Ageev & Ageeva,
/// arXiv 2602.10209); the construction is described on `AttentionFieldConfig`.
///
/// Conditional covariance (the attention-weight representation). Given the embedding, the
/// query/key weights — hence the attention matrix A (n, n) — and the read-out's norm
/// ρ² = |w|² (w ~ N(0, I/d_v), so ρ² ~ χ²(d_v)/d_v), one head's field is Gaussian: φ = A ψ with
/// ψ = E u, u = W_Vᵀw ~ N(0, σ_V²ρ² I_m), so
///
///     E[φφᵀ | A, E, ρ] = C = σ_V² ρ² A G Aᵀ,      G = E Eᵀ,
///
/// and for N_h independent heads C = (1/N_h) Σ_h σ_V² ρ_h² A_h G_h A_hᵀ. Hence
///
///     G2 = E[C],    G4c(i,j,k,l) = Cov(C_ij, C_kl) + Cov(C_ik, C_jl) + Cov(C_il, C_jk),
///
/// the second because a Gaussian mixture's fourth cumulant is the covariance of its mixing
/// covariances. At d_v = ∞ (ρ = 1) that covariance over the query/key weights (and embedding)
/// is the seed's "independence-breaking" contribution, finite as d_k → ∞. Both are checked
/// against the direct ⟨φφᵀ⟩ and ⟨φφφφ⟩ − pairings; they have far smaller variance.
public struct AttentionField: FieldSampler {
    public let points: PointSet
    public let config: AttentionFieldConfig
    /// Rank of the embedding factor, r = min(n, m).
    let rank: Int
    /// In `.fixed` mode: E (n, m), G (n, n) and F (n, r).
    let fixedEmbedding: [Double]?
    let fixedGram: [Double]?
    let fixedFactor: [Double]?

    public init(points: PointSet, config: AttentionFieldConfig) {
        if let problem = config.problem { preconditionFailure("AttentionField: \(problem)") }
        self.points = points
        self.config = config
        rank = min(points.count, config.features)
        if config.embedding == .fixed {
            var rng = SeededRNG(seed: config.fixedEmbeddingSeed)
            let rff = RandomFourierFeatures(
                features: config.features, dimension: points.dimension,
                lengthScale: config.lengthScale, rng: &rng)
            let e = rff.embed(points), g = rff.gram(points)
            fixedEmbedding = e
            fixedGram = g
            fixedFactor = AttentionField.factor(embedding: e, gram: g, n: points.count, m: config.features)
        } else {
            fixedEmbedding = nil
            fixedGram = nil
            fixedFactor = nil
        }
    }

    public var pointCount: Int { points.count }
    public var hasConditionalCovariance: Bool { true }

    /// F (n, r) with F Fᵀ = G: the Cholesky factor when n ≤ m, else E itself.
    static func factor(embedding e: [Double], gram g: [Double], n: Int, m: Int) -> [Double] {
        if n > m { return e }
        var l = [Double](repeating: 0, count: n * n)
        g.withUnsafeBufferPointer { gp in l.withUnsafeMutableBufferPointer { _ = semidefiniteCholesky(gp.baseAddress!, $0.baseAddress!, n: n) } }
        return l
    }

    /// Scratch for one thread (shapes in the legend of PointSet.swift).
    public final class Workspace {
        let omega, phases, embedding, gram, factor: ScratchBuffer  // (D,m) (m) (n,m) (n,n) (n,r)
        let zq, zk, w, t, logits, z, psi, head, ag: ScratchBuffer  // (r,dk) (r,dk) (r,r) (n,r) (n,n) (r) (n) (n) (n,n)
        let wq, wk, wv, readout, q, k, v, o: ScratchBuffer  // weights sampler only
        let points: ScratchBuffer

        init(_ f: AttentionField) {
            let n = f.points.count, d = f.points.dimension, m = f.config.features, r = f.rank
            let dk = f.config.keyWidth ?? 0, dv = f.config.valueWidth ?? 0
            let literal = f.config.sampler == .weights
            omega = ScratchBuffer(d * m); phases = ScratchBuffer(m)
            embedding = ScratchBuffer(n * m); gram = ScratchBuffer(n * n); factor = ScratchBuffer(n * r)
            zq = ScratchBuffer(r * dk); zk = ScratchBuffer(r * dk); w = ScratchBuffer(r * r); t = ScratchBuffer(n * r)
            logits = ScratchBuffer(n * n); z = ScratchBuffer(r); psi = ScratchBuffer(n); head = ScratchBuffer(n)
            ag = ScratchBuffer(n * n)
            wq = ScratchBuffer(literal ? dk * m : 1); wk = ScratchBuffer(literal ? dk * m : 1)
            wv = ScratchBuffer(literal ? dv * m : 1); readout = ScratchBuffer(literal ? dv : 1)
            q = ScratchBuffer(literal ? n * dk : 1); k = ScratchBuffer(literal ? n * dk : 1)
            v = ScratchBuffer(literal ? n * dv : 1); o = ScratchBuffer(literal ? n * dv : 1)
            points = ScratchBuffer(n * d)
            f.points.coordinates.withUnsafeBufferPointer { points.base.update(from: $0.baseAddress!, count: n * d) }
            if let e = f.fixedEmbedding, let g = f.fixedGram, let l = f.fixedFactor {
                e.withUnsafeBufferPointer { embedding.base.update(from: $0.baseAddress!, count: n * m) }
                g.withUnsafeBufferPointer { gram.base.update(from: $0.baseAddress!, count: n * n) }
                l.withUnsafeBufferPointer { factor.base.update(from: $0.baseAddress!, count: n * r) }
            }
        }
    }

    public func makeWorkspace() -> Workspace { Workspace(self) }

    public func draw(
        _ field: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>?,
        workspace ws: Workspace, rng: inout SeededRNG
    ) {
        let n = points.count, heads = config.heads
        for i in 0..<n { field[i] = 0 }
        if let c = covariance { for i in 0..<(n * n) { c[i] = 0 } }
        if config.embedding == .shared { drawEmbedding(ws, rng: &rng) }
        let fieldWeight = 1 / Double(heads).squareRoot()
        for _ in 0..<heads {
            if config.embedding == .perHead { drawEmbedding(ws, rng: &rng) }
            let readoutNorm2: Double
            switch config.sampler {
            case .gram: readoutNorm2 = drawHeadGram(ws, rng: &rng)
            case .weights: readoutNorm2 = drawHeadWeights(ws, rng: &rng)
            }
            let head = ws.head.base
            for i in 0..<n { field[i] += fieldWeight * head[i] }
            if let c = covariance {
                // C += σ_V² ρ²/N_h · A G Aᵀ, with A in ws.logits.
                let covarianceWeight = config.valueScale * config.valueScale * readoutNorm2 / Double(heads)
                multiply(ws.logits.base, ws.gram.base, ws.ag.base, m: n, n: n, k: n)
                let a = ws.logits.base, ag = ws.ag.base
                for i in 0..<n {
                    for j in i..<n {
                        let s = dot(ag + i * n, a + j * n, n)
                        c[i * n + j] += covarianceWeight * s
                        if j != i { c[j * n + i] += covarianceWeight * s }
                    }
                }
            }
        }
    }

    /// Draws (Ω, b) and fills E, G and F in the workspace.
    @inline(__always)
    func drawEmbedding(_ ws: Workspace, rng: inout SeededRNG) {
        let n = points.count, d = points.dimension, m = config.features
        RandomFourierFeatures.drawParameters(
            omega: ws.omega.base, phases: ws.phases.base, m: m, d: d,
            lengthScale: config.lengthScale, rng: &rng)
        RandomFourierFeatures.embed(
            points: ws.points.base, n: n, d: d, omega: ws.omega.base, phases: ws.phases.base,
            m: m, out: ws.embedding.base)
        RandomFourierFeatures.gram(ws.embedding.base, n: n, m: m, out: ws.gram.base)
        if config.sampler == .gram {
            if n > m {
                ws.factor.base.update(from: ws.embedding.base, count: n * m)
            } else {
                semidefiniteCholesky(ws.gram.base, ws.factor.base, n: n)
            }
        }
    }

    /// One head by the Gram reparametrisation: logits β F W Fᵀ with W = Z_Q Z_Kᵀ/√d_k (or
    /// W ~ N(0, 1)^{r×r} at d_k = ∞), values ψ = σ_V ρ F z with ρ² = |w|²/d_v ~ χ²(d_v)/d_v.
    /// Leaves A in ws.logits and φ_h = A ψ in ws.head; returns ρ².
    @inline(__always)
    func drawHeadGram(_ ws: Workspace, rng: inout SeededRNG) -> Double {
        let n = points.count, r = rank
        let f = ws.factor.base, w = ws.w.base
        if let dk = config.keyWidth {
            GaussianDraws.fill(ws.zq.base, count: r * dk, rng: &rng)
            GaussianDraws.fill(ws.zk.base, count: r * dk, rng: &rng)
            multiplyTransposed(ws.zq.base, ws.zk.base, w, m: r, n: r, k: dk, alpha: 1 / Double(dk).squareRoot())
        } else {
            GaussianDraws.fill(w, count: r * r, rng: &rng)
        }
        multiply(f, w, ws.t.base, m: n, n: r, k: r)
        multiplyTransposed(ws.t.base, f, ws.logits.base, m: n, n: n, k: r, alpha: config.logitScale)
        softmaxRows(ws.logits.base, rows: n, cols: n)
        let rho2 = config.valueWidth.map { GaussianDraws.chiSquaredOverDegrees($0, rng: &rng) } ?? 1
        GaussianDraws.fill(ws.z.base, count: r, rng: &rng)
        multiplyVector(f, ws.z.base, ws.psi.base, m: n, k: r, alpha: config.valueScale * rho2.squareRoot())
        multiplyVector(ws.logits.base, ws.psi.base, ws.head.base, m: n, k: n)
        return rho2
    }

    /// One head from explicit weights: Q = E W_Qᵀ, K = E W_Kᵀ, V = E W_Vᵀ, A = softmax(QKᵀ/√d_k),
    /// O = A V, φ_h = O w. Leaves A in ws.logits and φ_h in ws.head; returns ρ² = |w|².
    @inline(__always)
    func drawHeadWeights(_ ws: Workspace, rng: inout SeededRNG) -> Double {
        let n = points.count, m = config.features
        let dk = config.keyWidth!, dv = config.valueWidth!
        let sigmaQK = config.logitScale.squareRoot()
        GaussianDraws.fill(ws.wq.base, count: dk * m, scale: sigmaQK, rng: &rng)
        GaussianDraws.fill(ws.wk.base, count: dk * m, scale: sigmaQK, rng: &rng)
        GaussianDraws.fill(ws.wv.base, count: dv * m, scale: config.valueScale, rng: &rng)
        GaussianDraws.fill(ws.readout.base, count: dv, scale: 1 / Double(dv).squareRoot(), rng: &rng)
        let e = ws.embedding.base
        multiplyTransposed(e, ws.wq.base, ws.q.base, m: n, n: dk, k: m)
        multiplyTransposed(e, ws.wk.base, ws.k.base, m: n, n: dk, k: m)
        multiplyTransposed(e, ws.wv.base, ws.v.base, m: n, n: dv, k: m)
        multiplyTransposed(ws.q.base, ws.k.base, ws.logits.base, m: n, n: n, k: dk, alpha: 1 / Double(dk).squareRoot())
        softmaxRows(ws.logits.base, rows: n, cols: n)
        multiply(ws.logits.base, ws.v.base, ws.o.base, m: n, n: dv, k: n)
        multiplyVector(ws.o.base, ws.readout.base, ws.head.base, m: n, k: dv)
        var rho2 = 0.0
        for a in 0..<dv { rho2 += ws.readout.base[a] * ws.readout.base[a] }
        return rho2
    }
}
