import Foundation
import Physics
import TensorCore

/// Semantic sparsity of the largest-|λ| Koopman modes (seed 001 §IV.2): which items (validation
/// tokens) excite them, how often, and whether those items are sentence/paragraph boundaries or
/// discourse markers more often than tokens in general.
///
/// Size letters: N = items, d = state dimension, k = top modes.
///
/// Activations are the seed's ‖P_j h‖ (Eq. 11's projections; oblique projectors, so a relative
/// ‖P_j h‖/‖h‖ can exceed 1 and would favour small states). A mode is "active" on an item
/// when its activation exceeds the 90th percentile of all activations of all modes over all items
/// (one threshold for every mode, so an average mode is active 10% of the time and a sparse mode
/// less). The boundary share is the fraction of boundary items among the items in the top 1% of
/// any top mode; its binomial standard error gives the z against the base rate.
///
/// `SemanticSparsityLayers` combines the layers' analyses into the claim's measurements.
struct ModeSparsityAnalysis: Sendable {
    let activations: ModeActivations
    let topModes: Int
    let threshold: Double
    /// Items in the top 1% of at least one top mode, ascending.
    let topItems: [Int]
    let isBoundary: [Bool]
    let labels: [String]?
    let spectrum: KoopmanSpectrum

    /// - Parameters:
    ///   - spectrum: the layer's spectrum, computed with eigenvectors.
    ///   - states: hidden states (N×d) on which the layer's K acts.
    ///   - isBoundary: per item, whether it is a boundary or discourse-marker token.
    ///   - labels: per item, a display string (the token), for the top-items table.
    ///   - topModes: how many largest-|λ| distinct modes are "top" (a conjugate pair counts once).
    init(spectrum: KoopmanSpectrum, states: Matrix, isBoundary: [Bool], labels: [String]? = nil, topModes: Int = 2) {
        precondition(isBoundary.count == states.rows, "ModeSparsityAnalysis: \(isBoundary.count) boundary flags for \(states.rows) items")
        precondition(labels == nil || labels!.count == states.rows, "ModeSparsityAnalysis: labels must be one per item")
        precondition(topModes > 0, "ModeSparsityAnalysis: topModes must be positive")
        // One column per distinct mode: of a complex-conjugate pair (equal activations) keep the
        // member with Im λ ≥ 0.
        let distinct = spectrum.eigenvalues.indices.filter { spectrum.eigenvalues[$0].imaginary >= 0 }
        precondition(topModes < distinct.count, "ModeSparsityAnalysis: topModes must be below the \(distinct.count) distinct modes")
        let activations = ModeActivations(spectrum: spectrum, states: states, modes: distinct)
        let all = activations.magnitudes.elements.sorted()
        threshold = all[min(all.count - 1, Int(0.9 * Double(all.count)))]
        let perMode = max(1, states.rows / 100)
        var chosen = Set<Int>()
        for j in 0..<topModes { for item in activations.topItems(column: j, count: perMode) { chosen.insert(item.item) } }
        self.activations = activations
        self.topModes = topModes
        self.topItems = chosen.sorted()
        self.isBoundary = isBoundary
        self.labels = labels
        self.spectrum = spectrum
    }

    /// Items among the top items that are boundary or discourse-marker tokens.
    var boundaryHits: Int { topItems.filter { isBoundary[$0] }.count }

    /// Fraction of boundary/discourse tokens among all items.
    var baseRate: Double { Double(isBoundary.filter { $0 }.count) / Double(isBoundary.count) }

    /// Fraction of boundary/discourse tokens among the top items (NaN without top items).
    var boundaryShare: Double { topItems.isEmpty ? .nan : Double(boundaryHits) / Double(topItems.count) }

    /// (share − base rate) / binomial SE under the base rate.
    var boundaryZ: Double {
        let base = baseRate
        let se = (base * (1 - base) / Double(max(1, topItems.count))).squareRoot()
        return se > 0 ? (boundaryShare - base) / se : .nan
    }

    /// Mean activation probability of the top modes and of the others (threshold: the 90th
    /// percentile of all activations).
    var activationProbabilities: (top: Double, other: Double) {
        let probabilities = (0..<activations.modes.count).map { activations.activationProbability(column: $0, threshold: threshold) }
        func mean(_ x: ArraySlice<Double>) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }
        return (mean(probabilities.prefix(topModes)), mean(probabilities.dropFirst(topModes)))
    }

    /// The most frequent labels among the top items, with counts (most frequent first).
    func frequentTopLabels(_ count: Int = 5) -> [(label: String, count: Int)] {
        guard let labels else { return [] }
        var counts: [String: Int] = [:]
        for item in topItems { counts[ModeSparsityAnalysis.printable(labels[item]), default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count).map { ($0.key, $0.value) }
    }

    /// A token for display: line breaks and tabs as escapes, quoted so leading spaces show.
    static func printable(_ token: String) -> String {
        "'" + token.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t") + "'"
    }

    /// The top items of each top mode with their labels.
    func table(count: Int = 10) -> ReportTable {
        var rows: [[String]] = []
        for j in 0..<topModes {
            let items = activations.topItems(column: j, count: count)
            let text = items.map { item -> String in
                let label = labels.map { ModeSparsityAnalysis.printable($0[item.item]) } ?? "#\(item.item)"
                return "\(label)\(isBoundary[item.item] ? "*" : "") (\(NumberText.fixed(item.magnitude, 2)))"
            }
            rows.append([NumberText.of(spectrum.moduli[activations.modes[j]]), text.joined(separator: ", ")])
        }
        return ReportTable(
            title: "Items exciting the largest-|λ| modes most (‖P h‖; * = boundary or discourse marker)",
            header: ["|λ|", "top items"], rows: rows)
    }
}
