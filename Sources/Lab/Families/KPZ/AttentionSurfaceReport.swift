import Foundation
import Physics

/// Measurements, tables, figures and notes of `criticality.attention-surface`.
///
/// Measurement names: `attention.<entry>.{alpha,beta,z}` for entry = pooled, flow (pooled in
/// gradient-flow time) and each head `L<l>H<h>`; `attention.<entry>.beta-drift`,
/// `.saturated-sizes`, `.half-time-exponent`, `.final-width-exponent` for the regime checks;
/// `attention.heads-*` counts over heads.
struct AttentionSurfaceReport {
    var analysis: AttentionSurfaceAnalysis
    var surfaces: AttentionSurfaces
    var outcome: AttentionSurfaceRecorder.Outcome

    func add(to out: inout ExperimentOutput) {
        let m = surfaces.manifest
        out.measurements["attention.training.initial-loss"] = Measurement(
            outcome.initialLoss, unit: "nats/token", label: "training loss over the first 10% of steps")
        out.measurements["attention.training.final-loss"] = Measurement(
            outcome.finalLoss, unit: "nats/token", label: "training loss over the last 10% of steps")
        out.measurements["attention.heads"] = Measurement(Double(analysis.heads.count), label: "attention heads analysed (layers × heads)")
        for entry in analysis.heads + [analysis.pooled, analysis.pooledFlowTime] {
            record(entry, into: &out)
        }
        let seed = AttentionSurfaceAnalysis.seed
        let table: [(String, KeyPath<SurfaceScalingResult, ExponentEstimate?>, (Double, Double))] =
            [("alpha", \.alpha, seed.alpha), ("beta", \.beta, seed.beta), ("z", \.z, seed.z)]
        for (name, path, claimed) in table {
            let values = analysis.heads.compactMap { $0.result[keyPath: path] }
            let agreeing = values.filter { abs($0.value - claimed.0) <= 2 * ($0.standardError * $0.standardError + claimed.1 * claimed.1).squareRoot() }
            out.measurements["attention.heads-\(name)-estimated"] = Measurement(
                Double(values.count), samples: analysis.heads.count,
                label: "heads with an estimate of \(name)")
            out.measurements["attention.heads-\(name)-agreeing"] = Measurement(
                Double(agreeing.count), samples: values.count,
                label: "heads whose \(name) lies within 2σ (combined) of the seed's \(claimed.0) ± \(claimed.1)")
        }
        out.measurements["attention.heads-power-law-growth"] = Measurement(
            Double(analysis.heads.filter { $0.regime.powerLawGrowth }.count), samples: analysis.heads.count,
            label: "heads whose width grows as one power law across the β window (no significant drift)")
        out.measurements["attention.heads-size-dependent-saturation"] = Measurement(
            Double(analysis.heads.filter { $0.regime.sizeDependentSaturation }.count), samples: analysis.heads.count,
            label: "heads that saturate later on larger sizes (≥ 2 saturated sizes, t½ growing with L)")
        out.tables.append(exponentTable())
        out.figures += AttentionSurfaceFigures(analysis: analysis, surfaces: surfaces).figures()
        out.notes.append(
            "Model: \(m.description). Training loss \(NumberText.of(outcome.initialLoss)) → \(NumberText.of(outcome.finalLoss)) nats/token in \(String(format: "%.1f", outcome.seconds)) s. Height field per (layer, head, query i): h(x = j, t) = q_i·k_j/√D for keys j ≤ i (L = i + 1 sites), rows = \(m.steps.count) log-spaced training steps \(m.steps.first!)…\(m.steps.last!), realisations = \(m.probes) fixed validation windows. The .npy files are in surfaces/ (`attnlab kpz attention RUN_DIR` re-analyses them)."
        )
        out.notes.append(
            "What \"time\" is here: the optimizer step under a one-cycle schedule (learning rate rising 25-fold over the first 30% of steps, then decaying to ≈ 0). A logit surface is not a deposition process: it moves only as far as the gradient pushes it, so the schedule, not a growth law, sets its pace; the pooled analysis is repeated in gradient-flow time τ = Σ lr/lr_max, which removes the schedule's pace. The realisations are probe sequences seen by one trained network, so the errors cover the choice of input, not the randomness of training (one run)."
        )
        for entry in [analysis.pooled, analysis.pooledFlowTime] {
            out.notes.append("\(entry.name): " + SurfaceGrowthExperiment.windowNote(entry.result) + " Regime: " + entry.regime.summary + ".")
            out.notes.append(contentsOf: entry.result.notes.map { "\(entry.name): \($0)" })
        }
    }

    private func record(_ entry: AttentionSurfaceAnalysis.Entry, into out: inout ExperimentOutput) {
        let key = entry.key
        let r = entry.result
        for (name, e) in [("alpha", r.alpha), ("beta", r.beta), ("z", r.z)] {
            guard let e else { continue }
            out.measurements["attention.\(key).\(name)"] = Measurement(
                e.value, error: e.standardError, samples: e.groups,
                label:
                    "\(name) of the attention logits, \(entry.name) (95% CI \(NumberText.of(e.confidenceInterval.lowerBound))–\(NumberText.of(e.confidenceInterval.upperBound)))"
            )
        }
        let g = entry.regime
        if g.betaDrift.isFinite {
            out.measurements["attention.\(key).beta-drift"] = Measurement(
                g.betaDrift, error: g.betaDriftError,
                label: "β over the upper minus the lower half of the growth window, \(entry.name)")
        }
        out.measurements["attention.\(key).saturated-sizes"] = Measurement(
            Double(g.saturatedSizes), samples: g.sizes, label: "sizes whose width reached a plateau, \(entry.name)")
        if let z = g.halfTimeExponent {
            out.measurements["attention.\(key).half-time-exponent"] = Measurement(
                z.slope, error: z.slopeError, samples: g.sizes,
                label: "exponent of the time to half the final width against L, \(entry.name) (KPZ: z = 3/2)")
        }
        if let a = g.finalWidthExponent {
            out.measurements["attention.\(key).final-width-exponent"] = Measurement(
                a.slope, error: a.slopeError, samples: g.sizes,
                label: "exponent of the final width against L, \(entry.name)")
        }
    }

    private func exponentTable() -> ReportTable {
        func e(_ x: ExponentEstimate?) -> String { x.map { Measurement($0.value, error: $0.standardError).formatted } ?? "—" }
        var rows: [[String]] = []
        for entry in analysis.heads + [analysis.pooled, analysis.pooledFlowTime] {
            let g = entry.regime
            rows.append([
                entry.name, e(entry.result.alpha), e(entry.result.beta), e(entry.result.z), "\(g.saturatedSizes)/\(g.sizes)",
                g.betaDrift.isFinite ? Measurement(g.betaDrift, error: g.betaDriftError).formatted : "—",
                g.halfTimeExponent.map { Measurement($0.slope, error: $0.slopeError).formatted } ?? "—",
                entry.result.alphaSource,
            ])
        }
        rows.append(["seed (§2.1)", "0.48 ± 0.03", "0.34 ± 0.02", "1.49 ± 0.05", "—", "—", "1.49 (z)", "—"])
        return ReportTable(
            title: "Attention-logit surfaces: exponents per head and pooled (jackknife over probe sequences)",
            header: ["head", "α", "β", "z = α/β", "saturated sizes", "β drift (late − early)", "t½ ∝ L^x", "α from"], rows: rows)
    }
}
