import Dispatch
import TensorCore

/// How to estimate correlators from an ensemble: how many draws, cut into how many blocks, on
/// how many threads, which 4-point functions, from which seed.
public struct CorrelatorPlan: Sendable, Codable, Equatable {
    /// Number of draws M (field configurations).
    public var draws: Int
    /// Jackknife blocks B (each block its own random stream, so results do not depend on threads).
    public var blocks: Int
    /// Worker threads (1 = serial).
    public var threads: Int
    /// Quadruples at which G4 and G4c are estimated.
    public var quadruples: [Quadruple]
    /// Master seed; block b draws from `SeededRNG(seed: seed).stream(b)`.
    public var seed: UInt64
    /// Also accumulate the sampler's conditional covariance (attention-weight representation).
    public var conditionalCovariance: Bool

    public init(
        draws: Int, blocks: Int = 100, threads: Int = Parallel.defaultThreads, quadruples: [Quadruple],
        seed: UInt64, conditionalCovariance: Bool = true
    ) {
        self.draws = draws
        self.blocks = blocks
        self.threads = threads
        self.quadruples = quadruples
        self.seed = seed
        self.conditionalCovariance = conditionalCovariance
    }
}

/// Streaming Monte-Carlo estimator of G1, G2, G4 and the connected G4c of a field ensemble.
///
/// Each block b of draws keeps only sums: Σφ_i (n), Σφ_iφ_j (n(n+1)/2), Σφ_iφ_jφ_kφ_l (Q) and,
/// when the sampler gives one, ΣC_ij and Σ(C_ijC_kl + C_ikC_jl + C_ilC_jk) of its conditional
/// covariance — memory B × (n + n(n+1) + 2Q) whatever the number of draws. Blocks run in parallel, each with its own generator
/// `SeededRNG(seed:).stream(b)` and a fixed range of draws, and are combined in block order, so a
/// seed gives the same numbers on any number of threads.
///
/// The fields here are odd under a sign flip of their read-out weights, so ⟨φ⟩ = 0 exactly and
/// the correlators are the raw moments G_n = E[φ(x₁)…φ(x_n)] (as in NN-QFT); G1 is estimated
/// only as a check. The connected 4-point function is
///
///     G4c(i,j,k,l) = G4(i,j,k,l) − G2(i,j)G2(k,l) − G2(i,k)G2(j,l) − G2(i,l)G2(j,k),
///
/// which vanishes for a Gaussian field. Errors: blocked jackknife (`BlockJackknife`).
public enum CorrelatorEstimator {
    /// Runs `plan.draws` draws of `sampler` and returns the block sums with their layout.
    public static func run<S: FieldSampler>(_ sampler: S, plan: CorrelatorPlan) -> CorrelatorEstimate {
        let n = sampler.pointCount
        precondition(
            plan.draws >= plan.blocks && plan.blocks >= 2,
            "CorrelatorEstimator: need at least 2 blocks and one draw per block (draws \(plan.draws), blocks \(plan.blocks))")
        for q in plan.quadruples {
            precondition(q.l < n && q.i >= 0, "CorrelatorEstimator: quadruple \(q) outside 0..<\(n)")
        }
        let withCovariance = plan.conditionalCovariance && sampler.hasConditionalCovariance
        let layout = CorrelatorLayout(pointCount: n, quadrupleCount: plan.quadruples.count, conditional: withCovariance)
        let dim = layout.dimension
        let blocks = plan.blocks
        let sums = SendableBox([Double](repeating: 0, count: blocks * dim))
        let counts = (0..<blocks).map { b in plan.draws * (b + 1) / blocks - plan.draws * b / blocks }
        let quadPairs = plan.quadruples.map { (pairIndex($0.i, $0.j, n), pairIndex($0.k, $0.l, n)) }
        // For the mixture 4-point function: C_ij C_kl + C_ik C_jl + C_il C_jk from the full C (n, n).
        let quadEntries = plan.quadruples.map { q in
            [q.i * n + q.j, q.k * n + q.l, q.i * n + q.k, q.j * n + q.l, q.i * n + q.l, q.j * n + q.k]
        }.flatMap { $0 }
        let base = SeededRNG(seed: plan.seed)
        let start = DispatchTime.now().uptimeNanoseconds
        sums.value.withUnsafeMutableBufferPointer { all in
            let out = UnsafeSendablePointer(all.baseAddress!)
            Parallel.forEach(blocks, threads: plan.threads) { b in
                var stream = base.stream(UInt64(b))
                var rng = SeededRNG(drawingStateFrom: &stream)
                let workspace = sampler.makeWorkspace()
                let p = layout.pairs
                let phi = ScratchBuffer(n), pairs = ScratchBuffer(p), cov = ScratchBuffer(n * n)
                let acc = ScratchBuffer(dim)
                let a = acc.base, f = phi.base, pp = pairs.base, c = cov.base
                for _ in 0..<counts[b] {
                    sampler.draw(f, covariance: withCovariance ? c : nil, workspace: workspace, rng: &rng)
                    var idx = 0
                    for i in 0..<n {
                        a[i] += f[i]
                        let fi = f[i]
                        for j in i..<n { pp[idx] = fi * f[j]; idx += 1 }
                    }
                    let a2 = a + layout.g2Offset
                    for k in 0..<p { a2[k] += pp[k] }
                    let a4 = a + layout.g4Offset
                    for (q, pair) in quadPairs.enumerated() { a4[q] += pp[pair.0] * pp[pair.1] }
                    if withCovariance {
                        let ac = a + layout.conditionalOffset
                        var k = 0
                        for i in 0..<n { for j in i..<n { ac[k] += c[i * n + j]; k += 1 } }
                        let ac4 = a + layout.conditionalFourOffset
                        quadEntries.withUnsafeBufferPointer { e in
                            for q in 0..<layout.quadrupleCount {
                                let t = e.baseAddress! + 6 * q
                                ac4[q] += c[t[0]] * c[t[1]] + c[t[2]] * c[t[3]] + c[t[4]] * c[t[5]]
                            }
                        }
                    }
                }
                for d in 0..<dim { out[b * dim + d] = a[d] }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return CorrelatorEstimate(
            layout: layout, quadruples: plan.quadruples,
            jackknife: BlockJackknife(sums: sums.value, counts: counts, dimension: dim),
            seconds: seconds)
    }
}

/// Where each moment sits in a block's sum vector.
public struct CorrelatorLayout: Sendable, Codable, Equatable {
    public let pointCount: Int
    public let quadrupleCount: Int
    public let hasConditionalCovariance: Bool

    public init(pointCount: Int, quadrupleCount: Int, conditional: Bool) {
        self.pointCount = pointCount
        self.quadrupleCount = quadrupleCount
        self.hasConditionalCovariance = conditional
    }

    /// n(n+1)/2.
    public var pairs: Int { pointCount * (pointCount + 1) / 2 }
    public var g1Offset: Int { 0 }
    public var g2Offset: Int { pointCount }
    public var g4Offset: Int { pointCount + pairs }
    public var conditionalOffset: Int { pointCount + pairs + quadrupleCount }
    /// Σ over draws of C_ij C_kl + C_ik C_jl + C_il C_jk per quadruple.
    public var conditionalFourOffset: Int { conditionalOffset + pairs }
    public var dimension: Int { conditionalOffset + (hasConditionalCovariance ? pairs + quadrupleCount : 0) }
}
