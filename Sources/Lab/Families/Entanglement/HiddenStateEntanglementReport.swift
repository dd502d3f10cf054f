import Foundation
import Physics

/// Measurements, table, figures and notes of `criticality.hidden-entanglement`.
///
/// Names: `entanglement.<model>.layers`; per layer l and split (positions | heads),
/// `entanglement.<model>.layer<l>.<split>.{log-coefficient, log-weight, preferred-log,
/// gaussian-log-coefficient, matched-log-coefficient, minus-gaussian, minus-matched,
/// entropy-min-length, bound-min-length, entropy-max-length, bound-max-length,
/// gaussian-entropy-max-length, matched-entropy-max-length}` (`EntanglementBlockKeys`).
struct HiddenStateEntanglementReport {
    var results: [HiddenStateEntropy]

    static func keys(_ r: HiddenStateEntropy) -> EntanglementBlockKeys { EntanglementBlockKeys(model: r.model, layer: r.layer, split: r.split) }

    /// ln min(d_A, d_B) at length L: the largest S a state of this shape can have.
    static func bound(_ r: HiddenStateEntropy, length: Int) -> Double {
        let dA = r.split == .heads ? r.heads : length
        let dB = r.split == .heads ? length * r.width / r.heads : r.width
        return Foundation.log(Double(min(dA, dB)))
    }

    func add(to out: inout ExperimentOutput) {
        for model in Set(results.map(\.model)) {
            let layers = results.filter { $0.model == model }.map(\.layer).max().map { $0 + 1 } ?? 0
            out.measurements[EntanglementKey.layers(model)] = Measurement(
                Double(layers), label: "blocks of the \(model) model whose hidden states were measured")
        }
        var rows: [[String]] = []
        for r in results {
            let k = Self.keys(r), what = "\(r.model) layer \(r.layer), \(r.split.title)"
            guard let fit = r.measured.fit, let a = r.measured.logCoefficient else { continue }
            out.measurements[k.logCoefficient] = Measurement(
                a.value, error: a.error, samples: r.measured.lengths.count,
                label: "a in S = a ln L + b, \(what)")
            out.measurements[k.logWeight] = Measurement(fit.logarithmic.weight, label: "Akaike weight of the log law, \(what)")
            out.measurements[k.preferredLog] = Measurement(
                fit.preferred.name == "logarithmic" ? 1 : 0,
                label: "1 when the log law has the lowest AIC, \(what) (preferred: \(fit.preferred.name))")
            for (name, null) in [("gaussian", r.gaussian), ("matched", r.matched)] {
                guard let b = null.logCoefficient else { continue }
                out.measurements[k.nullLogCoefficient(name)] = Measurement(b.value, error: b.error, label: "a of the \(name) null model, \(what)")
                let e = ((a.error ?? 0) * (a.error ?? 0) + (b.error ?? 0) * (b.error ?? 0)).squareRoot()
                out.measurements[k.minusNull(name)] = Measurement(a.value - b.value, error: e, label: "a(model) − a(\(name) null), \(what)")
                out.measurements[k.nullEntropyMaxLength(name)] = Measurement(
                    null.means.last!, error: null.errors.last, unit: "nats",
                    label: "S of the \(name) null at L = \(Int(null.lengths.last!)), \(what)")
            }
            let (shortest, longest) = (Int(r.measured.lengths.first!), Int(r.measured.lengths.last!))
            out.measurements[k.boundMinLength] = Measurement(
                Self.bound(r, length: shortest), unit: "nats",
                label: "ln min(d_A, d_B) at L = \(shortest), the largest S any state of this shape can have, \(what)")
            out.measurements[k.boundMaxLength] = Measurement(
                Self.bound(r, length: longest), unit: "nats",
                label: "ln min(d_A, d_B) at L = \(Int(r.measured.lengths.last!)), the largest S any state of this shape can have, \(what)")
            out.measurements[k.entropyMinLength] = Measurement(
                r.measured.means.first!, error: r.measured.errors.first, unit: "nats",
                label: "S at L = \(Int(r.measured.lengths.first!)), \(what)")
            out.measurements[k.entropyMaxLength] = Measurement(
                r.measured.means.last!, error: r.measured.errors.last, unit: "nats",
                label: "S at L = \(Int(r.measured.lengths.last!)), \(what)")
            rows.append([
                r.model, "\(r.layer)", r.split.title, a.formatted, fit.preferred.name,
                String(format: "%.2f / %.2f / %.2f", fit.constant.weight, fit.logarithmic.weight, fit.powerLaw.weight),
                r.gaussian.logCoefficient?.formatted ?? "—", r.matched.logCoefficient?.formatted ?? "—",
                "\(NumberText.of(r.measured.means.last!)) / \(NumberText.of(r.gaussian.means.last!)) / \(NumberText.of(r.matched.means.last!))",
            ])
        }
        out.tables.append(
            ReportTable(
                title: "S(L) of hidden states: log coefficient, preferred law (AIC) and the two null models of the same shape",
                header: [
                    "model", "layer", "split", "a (S = a ln L + b)", "preferred", "Akaike weights const / log / power",
                    "a, Gaussian null", "a, matched null", "S at L_max: model / Gaussian / matched (nats)",
                ], rows: rows))
        out.figures += HiddenStateSplit.allCases.compactMap { figure($0) }
        if let any = results.first {
            let lengths = any.measured.lengths.map { String(Int($0)) }.joined(separator: ", ")
            out.notes.append(
                "Hidden states after every block of the pipeline's trained models on non-overlapping validation windows of L = \(lengths) tokens; each (T = L, C) matrix is read as a pure state (normalised to ‖ψ‖_F = 1, not centred) and split positions × features (T, C) or head × (position, within-head) (H, T·D). Errors: standard error over windows. Null models of the same shape: i.i.d. N(0, 1) entries (Gaussian), and rows drawn independently from N(μ, Σ) with the layer's own token mean and covariance (matched) — the matched null keeps everything about single tokens and nothing about their order or correlations."
            )
            out.notes.append(
                "Bounds: S ≤ ln min(d_A, d_B), so the head split (d_A = H) can never exceed ln H and any matrix reaches it once T·D ≫ H; in the positions split S ≤ ln min(L, C). A log law that the null models share is a property of the matrix shape or of single-token statistics, not of correlations along the sequence."
            )
        }
    }

    private func figure(_ split: HiddenStateSplit) -> Figure? {
        let chosen = results.filter { $0.split == split }
        guard !chosen.isEmpty else { return nil }
        var chart = Chart(title: "S against L, \(split.title) (last block)", xLabel: "sequence length L", yLabel: "S (nats)", xScale: .log)
        var gaussianDrawn = false
        for model in HiddenStateEntanglementExperiment.stages {
            guard let r = chosen.filter({ $0.model == model }).max(by: { $0.layer < $1.layer }) else { continue }
            chart.add(.scatter(r.measured.lengths, r.measured.means, errors: r.measured.errors, label: "\(model), layer \(r.layer)"))
            if let fit = r.measured.fit {
                chart.add(
                    .fit(
                        r.measured.lengths, r.measured.lengths.map { fit.logarithmic($0) },
                        label: "\(model): a ln L + b, a = " + (r.measured.logCoefficient?.formatted ?? "—")))
            }
            chart.add(.reference(r.matched.lengths, r.matched.means, label: "matched null (\(model))"))
            if !gaussianDrawn {
                chart.add(.line(r.gaussian.lengths, r.gaussian.means, errors: r.gaussian.errors, label: "Gaussian null"))
                gaussianDrawn = true
            }
        }
        return Figure(
            name: "entanglement-hidden-\(split.rawValue)",
            caption:
                "Schmidt entropy of the last block's hidden states, \(split.title), against sequence length (log axis): a straight line is S = a ln L + b. Model points with standard errors over validation windows, the log-law fit, the i.i.d. Gaussian null and the covariance-matched null of the same shape.",
            svg: chart.svg())
    }
}
