/// The streamed sums of one ensemble run and every correlator derived from them, each with a
/// blocked-jackknife error. Holds B × (n + n(n+1) + Q) numbers, independent of the draw count.
public struct CorrelatorEstimate: Sendable {
    public let layout: CorrelatorLayout
    public let quadruples: [Quadruple]
    public let jackknife: BlockJackknife
    /// Wall time of the run.
    public let seconds: Double

    public init(layout: CorrelatorLayout, quadruples: [Quadruple], jackknife: BlockJackknife, seconds: Double) {
        self.layout = layout
        self.quadruples = quadruples
        self.jackknife = jackknife
        self.seconds = seconds
    }

    public var pointCount: Int { layout.pointCount }
    public var draws: Int { jackknife.totalCount }
    public var drawsPerSecond: Double { Double(draws) / max(seconds, 1e-9) }

    // MARK: Functions of the mean vector (for the jackknife)

    func g2(_ means: [Double], _ i: Int, _ j: Int) -> Double { means[layout.g2Offset + pairIndex(i, j, pointCount)] }

    /// The connected part of quadruple q's four-point mean (stored from `four`) by Wick's theorem
    /// with the two-point means stored from `two`: G4(i,j,k,l) − G2(i,j)G2(k,l) − G2(i,k)G2(j,l) −
    /// G2(i,l)G2(j,k).
    private func wickConnected(_ means: [Double], _ q: Int, four: Int, two: Int) -> Double {
        let t = quadruples[q], n = pointCount
        func g(_ a: Int, _ b: Int) -> Double { means[two + pairIndex(a, b, n)] }
        return means[four + q] - g(t.i, t.j) * g(t.k, t.l) - g(t.i, t.k) * g(t.j, t.l) - g(t.i, t.l) * g(t.j, t.k)
    }

    func connected(_ means: [Double], _ q: Int) -> Double {
        wickConnected(means, q, four: layout.g4Offset, two: layout.g2Offset)
    }

    func conditionalConnected(_ means: [Double], _ q: Int) -> Double {
        wickConnected(means, q, four: layout.conditionalFourOffset, two: layout.conditionalOffset)
    }

    // MARK: Correlators

    /// ⟨φ_i⟩ (n); zero in expectation.
    public var g1: [JackknifeValue] {
        jackknife.estimate { m in Array(m[0..<pointCount]) }
    }

    /// G2(i, j) = ⟨φ_iφ_j⟩ for the pairs i ≤ j in `pairIndex` order.
    public var g2: [JackknifeValue] {
        let o = layout.g2Offset, p = layout.pairs
        return jackknife.estimate { m in Array(m[o..<(o + p)]) }
    }

    /// G2 as a symmetric n×n matrix of values (row-major).
    public var g2Matrix: [Double] {
        let means = jackknife.means, n = pointCount
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { out[i * n + j] = g2(means, i, j) } }
        return out
    }

    /// G2 from the conditional covariance (attention-weight representation), pairs i ≤ j; nil
    /// when the sampler has none.
    public var g2Conditional: [JackknifeValue]? {
        guard layout.hasConditionalCovariance else { return nil }
        let o = layout.conditionalOffset, p = layout.pairs
        return jackknife.estimate { m in Array(m[o..<(o + p)]) }
    }

    /// Direct minus conditional G2 per pair, with the paired jackknife error (both estimators come
    /// from the same draws, so their errors are correlated and this is the right error).
    public var g2Difference: [JackknifeValue]? {
        guard layout.hasConditionalCovariance else { return nil }
        let a = layout.g2Offset, c = layout.conditionalOffset, p = layout.pairs
        return jackknife.estimate { m in (0..<p).map { m[a + $0] - m[c + $0] } }
    }

    /// G4c from the conditional covariance (mixture representation), per quadruple:
    /// Σ_pairings (E[C_ab C_cd] − E[C_ab] E[C_cd]); nil when the sampler has none.
    public var g4ConnectedConditional: [JackknifeValue]? {
        guard layout.hasConditionalCovariance else { return nil }
        return jackknife.estimate { m in (0..<quadruples.count).map { conditionalConnected(m, $0) } }
    }

    /// Direct minus mixture G4c per quadruple, with the paired jackknife error.
    public var g4ConnectedDifference: [JackknifeValue]? {
        guard layout.hasConditionalCovariance else { return nil }
        return jackknife.estimate { m in (0..<quadruples.count).map { connected(m, $0) - conditionalConnected(m, $0) } }
    }

    /// The mean of the mixture G4c over the given quadruple positions (default: the diagonals).
    public func conditionalConnectedMean(over positions: [Int]? = nil) -> JackknifeValue? {
        guard layout.hasConditionalCovariance else { return nil }
        let chosen = positions ?? quadruples.indices.filter { quadruples[$0].isDiagonal }
        precondition(!chosen.isEmpty, "conditionalConnectedMean: no quadruples selected")
        return jackknife.estimate { m in chosen.reduce(0.0) { $0 + conditionalConnected(m, $1) } / Double(chosen.count) }
    }

    /// G4 at each quadruple.
    public var g4: [JackknifeValue] {
        let o = layout.g4Offset, q = quadruples.count
        return jackknife.estimate { m in Array(m[o..<(o + q)]) }
    }

    /// Connected G4c at each quadruple.
    public var g4Connected: [JackknifeValue] {
        jackknife.estimate { m in (0..<quadruples.count).map { connected(m, $0) } }
    }

    /// The mean of G4c over the given quadruple positions (default: every diagonal (i,i,i,i)),
    /// with its jackknife error — the summary the scaling fits use.
    public func connectedMean(over positions: [Int]? = nil) -> JackknifeValue {
        let chosen = positions ?? quadruples.indices.filter { quadruples[$0].isDiagonal }
        precondition(!chosen.isEmpty, "connectedMean: no quadruples selected")
        return jackknife.estimate { m in chosen.reduce(0.0) { $0 + connected(m, $1) } / Double(chosen.count) }
    }

    /// Mean excess kurtosis over the diagonal quadruples, (1/n)Σ_i G4c(i,i,i,i)/G2(i,i)², a
    /// dimensionless measure of non-Gaussianity (0 for a Gaussian field).
    public var excessKurtosis: JackknifeValue {
        let chosen = quadruples.indices.filter { quadruples[$0].isDiagonal }
        precondition(!chosen.isEmpty, "excessKurtosis: needs diagonal quadruples")
        return jackknife.estimate { m in
            chosen.reduce(0.0) { s, q in
                let i = quadruples[q].i
                let v = g2(m, i, i)
                return s + connected(m, q) / (v * v)
            } / Double(chosen.count)
        }
    }

    /// Differences G2(a) − G2(b) for pairs of pairs, with the paired jackknife error (both from
    /// these draws): for symmetry checks within one run. `conditional` uses the attention-weight G2.
    public func g2Contrasts(_ pairs: [((Int, Int), (Int, Int))], conditional: Bool = false) -> [JackknifeValue] {
        precondition(!conditional || layout.hasConditionalCovariance, "g2Contrasts: no conditional covariance in this run")
        let o = conditional ? layout.conditionalOffset : layout.g2Offset, n = pointCount
        let idx = pairs.map { (o + pairIndex($0.0.0, $0.0.1, n), o + pairIndex($0.1.0, $0.1.1, n)) }
        return jackknife.estimate { m in idx.map { m[$0.0] - m[$0.1] } }
    }

    /// G2(i, j)/G2(k, l) with its jackknife error (`conditional`: attention-weight G2).
    public func g2Ratio(_ a: (Int, Int), over b: (Int, Int), conditional: Bool = false) -> JackknifeValue {
        precondition(!conditional || layout.hasConditionalCovariance, "g2Ratio: no conditional covariance in this run")
        let o = conditional ? layout.conditionalOffset : layout.g2Offset, n = pointCount
        let i = o + pairIndex(a.0, a.1, n), j = o + pairIndex(b.0, b.1, n)
        return jackknife.estimate { m in m[i] / m[j] }
    }

    /// G2(i, j) with its error.
    public func g2(_ i: Int, _ j: Int) -> JackknifeValue {
        let k = layout.g2Offset + pairIndex(i, j, pointCount)
        return jackknife.estimate { m in m[k] }
    }
}
