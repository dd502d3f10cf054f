import Foundation
import Physics

/// Measurements, table, figure and notes of `criticality.koopman-phi`.
///
/// Names: `koopman-phi.<model>.layer<l>.block<b>` and `.whole` (bits), `.block-mean` (mean over the
/// layer's sub-blocks, with the standard error over them), `.spectral-radius` (of the whole K);
/// `koopman-phi.max-bits` over everything measured.
struct KoopmanPhiReport {
    var rows: [KoopmanPhiExperiment.Row]

    func add(to out: inout ExperimentOutput) {
        var tableRows: [[String]] = []
        let keys = Array(Set(rows.map { "\($0.model)#\($0.layer)" })).sorted()
        for key in keys {
            let parts = rows.filter { "\($0.model)#\($0.layer)" == key }
            let (model, layer) = (parts[0].model, parts[0].layer)
            let base = "koopman-phi.\(model).layer\(layer)"
            var blockBits: [Double] = []
            for (b, r) in parts.enumerated() {
                let name = r.part == "whole state" ? "\(base).whole" : "\(base).block\(b)"
                if let phi = r.phi {
                    out.measurements[name] = Measurement(
                        phi.phiBits, unit: "bits",
                        label:
                            "Φ of \(model) layer \(layer), \(r.part) (\(r.size) variables, \(phi.exhaustive ? "exhaustive" : "heuristic"), ρ = \(NumberText.of(r.spectralRadius)))"
                    )
                    if r.part != "whole state" { blockBits.append(phi.phiBits) }
                }
                if r.part == "whole state" {
                    out.measurements["\(base).spectral-radius"] = Measurement(r.spectralRadius, label: "spectral radius of K = exp(A), \(model) layer \(layer)")
                }
                tableRows.append([
                    model, "\(layer)", r.part, "\(r.size)", NumberText.of(r.spectralRadius),
                    r.phi.map { NumberText.of($0.phiBits) } ?? "— (ρ ≥ 1: no stationary state)",
                    r.phi.map { "\($0.partA.count) + \($0.partB.count)" } ?? "—",
                    r.phi.map { $0.exhaustive ? "exhaustive (\($0.bipartitionsEvaluated))" : "heuristic (\($0.bipartitionsEvaluated) scored)" } ?? "—",
                    String(format: "%.2f", r.seconds),
                ])
            }
            if !blockBits.isEmpty {
                let s = SampleSummary(blockBits)
                out.measurements["\(base).block-mean"] = Measurement(
                    s.mean, error: blockBits.count > 1 ? s.standardError : nil, samples: blockBits.count, unit: "bits",
                    label: "mean Φ over the \(blockBits.count) sub-blocks of ≤ \(KoopmanPhiExperiment.blockSize) coordinates, \(model) layer \(layer)")
            }
        }
        let all = rows.compactMap { $0.phi?.phiBits }
        if let top = all.max() {
            out.measurements[PhiKey.maxBits] = Measurement(
                top, unit: "bits", label: "largest Φ measured on a trained Koopman layer (any sub-block or whole state)", pooling: .maximum)
        }
        out.tables.append(
            ReportTable(
                title: "Φ (bits) of trained Koopman layers, x_{t+1} = K x_t + ε, Σ_ε = I",
                header: ["model", "layer", "variables", "n", "ρ(K)", "Φ (bits)", "MIB sizes", "search", "seconds"], rows: tableRows))
        out.figures.append(figure())
        out.notes.append(
            "Each Koopman layer's state s_t = K s_{t−1} + U x_t is read as x_{t+1} = K x_t + ε with unit noise (Σ_ε = I), and Φ (Barrett–Seth, minimum-information bipartition) is computed exactly on the diagonal sub-blocks K[b, b] of ≤ \(KoopmanPhiExperiment.blockSize) coordinates — the dynamics of those coordinates alone, with the rest cut off — and, from small scale on for states of at most \(KoopmanPhiExperiment.wholeStateLimit) coordinates, by the spectral-sweep heuristic on the whole state. Φ depends on the coordinates: K is learned together with U and V, so its state basis is arbitrary, and in K's own eigenbasis the modes decouple (Φ over a partition that separates modes is 0). These numbers describe the layers, not the seed's 175B-parameter claim."
        )
        let negative = rows.filter { ($0.phi?.phiBits ?? 0) < 0 }
        if !negative.isEmpty {
            out.notes.append(
                "\(negative.count) of \(rows.count) systems have Φ < 0: at their minimum-information bipartition the parts' lagged mutual informations add up to more than the whole's. Whole-minus-sum Φ can be negative when the parts carry redundant information about each other's futures (Barrett & Seth 2011); a nearly diagonal K — each coordinate mostly predicting itself — does exactly that, and Φ ≈ 0 means no integration beyond the parts."
            )
        }
        let unstable = rows.filter { $0.phi == nil }
        if !unstable.isEmpty {
            out.notes.append(
                "\(unstable.count) of \(rows.count) systems have ρ(K) ≥ 1 and no stationary distribution, so their Φ is undefined: \(unstable.map { "\($0.model) layer \($0.layer) \($0.part) (ρ = \(NumberText.of($0.spectralRadius)))" }.joined(separator: "; "))."
            )
        }
    }

    private func figure() -> Figure {
        var chart = Chart(title: "Φ of trained Koopman layers", xLabel: "layer", yLabel: "Φ (bits)")
        for model in KoopmanPhiExperiment.stages {
            let blocks = rows.filter { $0.model == model && $0.part != "whole state" && $0.phi != nil }
            if !blocks.isEmpty {
                chart.add(
                    .scatter(
                        blocks.map { Double($0.layer) }, blocks.map { $0.phi!.phiBits },
                        label: "\(model): sub-blocks of ≤ \(KoopmanPhiExperiment.blockSize) (exhaustive)"))
            }
            let whole = rows.filter { $0.model == model && $0.part == "whole state" && $0.phi != nil }
            if !whole.isEmpty {
                chart.add(.line(whole.map { Double($0.layer) }, whole.map { $0.phi!.phiBits }, label: "\(model): whole state (heuristic)"))
            }
        }
        return Figure(
            name: "phi-koopman-layers",
            caption:
                "Barrett–Seth Φ of each trained Koopman layer's propagator K with unit noise: every diagonal sub-block of ≤ \(KoopmanPhiExperiment.blockSize) coordinates (exact, all bipartitions) and the whole state (heuristic minimum-information bipartition).",
            svg: chart.svg())
    }
}
