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
/// Measurements (`sparsity.` prefix):
/// - `topModes`, `items`, `threshold`;
/// - `topModeActivationProbability`, `otherModeActivationProbability` (means over modes);
/// - `topModeParticipation`, `otherModeParticipation` (mean participation ratios);
/// - `boundaryShare` (± binomial SE), `boundaryBaseRate`, `boundaryZ`.
public struct ModeSparsityAnalysis: Sendable {
    public let activations: ModeActivations
    public let topModes: Int
    public let threshold: Double
    /// Items in the top 1% of at least one top mode, ascending.
    public let topItems: [Int]
    public let isBoundary: [Bool]
    public let labels: [String]?
    public let spectrum: KoopmanSpectrum

    /// - Parameters:
    ///   - spectrum: the layer's spectrum, computed with eigenvectors.
    ///   - states: hidden states (N×d) on which the layer's K acts.
    ///   - isBoundary: per item, whether it is a boundary or discourse-marker token.
    ///   - labels: per item, a display string (the token), for the top-items table.
    ///   - topModes: how many largest-|λ| distinct modes are "top" (a conjugate pair counts once).
    public init(spectrum: KoopmanSpectrum, states: Matrix, isBoundary: [Bool], labels: [String]? = nil, topModes: Int = 2) {
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

    public func measurements() -> [String: Measurement] {
        let modes = activations.modes.count
        let probabilities = (0..<modes).map { activations.activationProbability(column: $0, threshold: threshold) }
        let participation = (0..<modes).map { activations.participationRatio(column: $0) }
        func mean(_ x: ArraySlice<Double>) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }
        let base = Double(isBoundary.filter { $0 }.count) / Double(isBoundary.count)
        let hits = topItems.filter { isBoundary[$0] }.count
        let share = topItems.isEmpty ? Double.nan : Double(hits) / Double(topItems.count)
        let se = (base * (1 - base) / Double(max(1, topItems.count))).squareRoot()
        var m: [String: Measurement] = [:]
        m["sparsity.topModes"] = Measurement(Double(topModes), label: "largest-|λ| modes examined")
        m["sparsity.items"] = Measurement(Double(isBoundary.count), label: "items (validation tokens)")
        m["sparsity.threshold"] = Measurement(threshold, label: "activation threshold: 90th percentile of ‖P_j h‖ over all modes and items")
        m["sparsity.topModeActivationProbability"] = Measurement(mean(probabilities.prefix(topModes)), samples: isBoundary.count,
                                                                 label: "activation probability of the top modes")
        m["sparsity.otherModeActivationProbability"] = Measurement(mean(probabilities.dropFirst(topModes)), samples: isBoundary.count,
                                                                   label: "activation probability of the other modes")
        m["sparsity.topModeParticipation"] = Measurement(mean(participation.prefix(topModes)), label: "participation ratio of the top modes over items")
        m["sparsity.otherModeParticipation"] = Measurement(mean(participation.dropFirst(topModes)), label: "participation ratio of the other modes")
        m["sparsity.boundaryShare"] = Measurement(share, error: (share * (1 - share) / Double(max(1, topItems.count))).squareRoot(),
                                                  samples: topItems.count, label: "boundary/discourse share among the top-1% items of the top modes")
        m["sparsity.boundaryBaseRate"] = Measurement(base, samples: isBoundary.count, label: "boundary/discourse share among all items")
        m["sparsity.boundaryZ"] = Measurement(se > 0 ? (share - base) / se : .nan, label: "(share − base rate) / binomial SE under the base rate")
        return m
    }

    /// The most frequent labels among the top items, with counts (most frequent first).
    public func frequentTopLabels(_ count: Int = 5) -> [(label: String, count: Int)] {
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
    public func table(count: Int = 10) -> ReportTable {
        var rows: [[String]] = []
        for j in 0..<topModes {
            let items = activations.topItems(column: j, count: count)
            let text = items.map { item -> String in
                let label = labels.map { ModeSparsityAnalysis.printable($0[item.item]) } ?? "#\(item.item)"
                return "\(label)\(isBoundary[item.item] ? "*" : "") (\(String(format: "%.2f", item.magnitude)))"
            }
            rows.append([String(format: "%.3g", spectrum.moduli[activations.modes[j]]), text.joined(separator: ", ")])
        }
        return ReportTable(title: "Items exciting the largest-|λ| modes most (‖P h‖; * = boundary or discourse marker)",
                           header: ["|λ|", "top items"], rows: rows)
    }
}
