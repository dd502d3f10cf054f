import Foundation
import Physics

/// Semantic sparsity of a whole model: every layer's `ModeSparsityAnalysis`, two one-sided
/// binomial tests per layer, and Holm's procedure over the layers — the measurements
/// `qsf.semantic-sparsity` reads (docs/CLAIMS.md, "qsf.semantic-sparsity").
///
/// Size letters: L = layers analysed, n = a layer's top items, b = its base rate.
///
/// Per layer, with X the number of boundary/discourse tokens among the n top items and X ~
/// Binomial(n, ·) under each null (tokens drawn at the base rate b):
/// - enrichment: H₀ share ≤ b, p = P(X ≥ x | n, b);
/// - concentration: H₀ share ≥ 2b, p = P(X ≤ x | n, 2b) ("concentrate on" means at least twice
///   the base rate; with 2b ≥ 1 the test cannot reject and p = 1).
/// Holm at family-wise α = 0.05 over the L layers, separately for each test, gives the counts of
/// enriched and of not-concentrated layers; these sum over seeds when replicates pool.
struct SemanticSparsityLayers {
    /// Family-wise level of each Holm procedure over the layers.
    static let alpha = 0.05
    /// The share, in multiples of the base rate, that "concentrate on" requires at least.
    static let concentration = 2.0

    /// (layer index, analysis), in layer order.                                     (L)
    let layers: [(index: Int, analysis: ModeSparsityAnalysis)]
    /// One-sided p-values of the enrichment and of the concentration test per layer. (L)
    let enrichmentP: [Double], concentrationP: [Double]
    /// Holm's rejections over the layers.                                             (L)
    let enriched: [Bool], notConcentrated: [Bool]

    init(_ layers: [(index: Int, analysis: ModeSparsityAnalysis)]) {
        precondition(!layers.isEmpty, "SemanticSparsityLayers: no layers")
        self.layers = layers
        enrichmentP = layers.map { l in
            BinomialTail.atLeast(l.analysis.boundaryHits, of: l.analysis.topItems.count, probability: l.analysis.baseRate)
        }
        concentrationP = layers.map { l in
            let p = Self.concentration * l.analysis.baseRate
            return p >= 1 ? 1 : BinomialTail.atMost(l.analysis.boundaryHits, of: l.analysis.topItems.count, probability: p)
        }
        enriched = MultipleTesting.holm(enrichmentP, alpha: Self.alpha)
        notConcentrated = MultipleTesting.holm(concentrationP, alpha: Self.alpha)
    }

    func measurements() -> [String: Measurement] {
        typealias Key = QSFSpectrumKey.Sparsity
        let n = layers.map { $0.analysis.topItems.count }.reduce(0, +)
        let hits = layers.map { $0.analysis.boundaryHits }.reduce(0, +)
        let expected = layers.map { Double($0.analysis.topItems.count) * $0.analysis.baseRate }.reduce(0, +)
        let excess = layers.map { l -> Double in
            let p = l.analysis.activationProbabilities; return p.top - p.other
        }
        let meanExcess = excess.reduce(0, +) / Double(excess.count)
        let excessError =
            excess.count < 2
            ? nil
            : (excess.map { ($0 - meanExcess) * ($0 - meanExcess) }.reduce(0, +) / Double(excess.count - 1) / Double(excess.count)).squareRoot()
        let items = layers[0].analysis.isBoundary.count
        var m: [String: Measurement] = [:]
        m[Key.layers] = Measurement(Double(layers.count), label: "layers analysed (summed over seeds)", pooling: .sum)
        m[Key.layersEnriched] = Measurement(
            Double(enriched.filter { $0 }.count),
            label: "layers whose top modes' boundary share exceeds the base rate (Holm over layers, α = 0.05; summed over seeds)",
            pooling: .sum)
        m[Key.layersNotConcentrated] = Measurement(
            Double(notConcentrated.filter { $0 }.count),
            label: "layers whose boundary share is below twice the base rate (Holm over layers, α = 0.05; summed over seeds)",
            pooling: .sum)
        m[Key.activationExcess] = Measurement(
            meanExcess, error: excessError, samples: items,
            label: "mean over layers of P(active | top mode) − P(active | other modes)")
        m[Key.topItems] = Measurement(Double(n), label: "top-1% items of the top modes, over layers", pooling: .sum)
        m[Key.boundaryHits] = Measurement(Double(hits), label: "boundary/discourse tokens among them", pooling: .sum)
        m[Key.expectedHits] = Measurement(expected, label: "expected at the base rate", pooling: .sum)
        m[Key.boundaryShare] = Measurement(
            n > 0 ? Double(hits) / Double(n) : .nan, samples: n,
            label: "boundary/discourse share among the top items, over layers")
        m[Key.boundaryBaseRate] = Measurement(layers[0].analysis.baseRate, samples: items, label: "boundary/discourse share among all items")
        return m
    }

    /// One row per layer: the top modes' |λ|, the counts, both p-values and Holm's decisions.
    func table() -> ReportTable {
        let rows = layers.indices.map { i -> [String] in
            let a = layers[i].analysis, p = a.activationProbabilities
            let radius = a.spectrum.moduli[a.activations.modes[0]]
            return [
                "\(layers[i].index)", NumberText.of(radius), "\(a.boundaryHits) / \(a.topItems.count)", NumberText.of(a.baseRate),
                NumberText.of(enrichmentP[i], digits: 2), enriched[i] ? "yes" : "no",
                NumberText.of(concentrationP[i], digits: 2), notConcentrated[i] ? "yes" : "no",
                "\(NumberText.percent(p.top)) / \(NumberText.percent(p.other))",
            ]
        }
        return ReportTable(
            title: "Semantic sparsity per layer (binomial tests, Holm over layers at α = 0.05)",
            header: [
                "layer", "largest |λ|", "boundary / top items", "base rate", "p (share ≤ base)", "enriched",
                "p (share ≥ 2 × base)", "below 2 × base", "P(active) top / other",
            ], rows: rows)
    }
}

/// Exact tails of the binomial distribution, summed in log space (n up to millions).
enum BinomialTail {
    /// P(X ≥ k) for X ~ Binomial(n, p).
    static func atLeast(_ k: Int, of n: Int, probability p: Double) -> Double {
        precondition(n >= 0 && p >= 0 && p <= 1, "BinomialTail: needs n ≥ 0 and 0 ≤ p ≤ 1")
        if k <= 0 { return 1 }
        if k > n { return 0 }
        return min(1, (k...n).reduce(0) { $0 + pmf($1, n, p) })
    }

    /// P(X ≤ k) for X ~ Binomial(n, p).
    static func atMost(_ k: Int, of n: Int, probability p: Double) -> Double {
        precondition(n >= 0 && p >= 0 && p <= 1, "BinomialTail: needs n ≥ 0 and 0 ≤ p ≤ 1")
        if k < 0 { return 0 }
        if k >= n { return 1 }
        return min(1, (0...k).reduce(0) { $0 + pmf($1, n, p) })
    }

    /// P(X = j): exp(ln C(n, j) + j ln p + (n − j) ln(1 − p)), exact at p = 0 and p = 1.
    static func pmf(_ j: Int, _ n: Int, _ p: Double) -> Double {
        if p == 0 { return j == 0 ? 1 : 0 }
        if p == 1 { return j == n ? 1 : 0 }
        let logChoose = lgamma(Double(n + 1)) - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1))
        return exp(logChoose + Double(j) * log(p) + Double(n - j) * log1p(-p))
    }
}
