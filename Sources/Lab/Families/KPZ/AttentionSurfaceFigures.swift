import Foundation
import Physics

/// Figures of `criticality.attention-surface`: W(L, t) of the pooled logit surfaces with the β fit,
/// per-head widths, local slopes against the KPZ value, the same in gradient-flow time, and C(r).
struct AttentionSurfaceFigures {
    var analysis: AttentionSurfaceAnalysis
    var surfaces: AttentionSurfaces

    func figures() -> [Figure] {
        [
            width(analysis.pooled, name: "kpz-attention-width", timeLabel: "training step t"),
            heads(), slopes(),
            width(analysis.pooledFlowTime, name: "kpz-attention-width-flow", timeLabel: "gradient-flow time τ = Σ lr / lr_max"),
            correlation(),
        ]
    }

    private func width(_ entry: AttentionSurfaceAnalysis.Entry, name: String, timeLabel: String) -> Figure {
        let r = entry.result
        var chart = Chart(title: "Attention-logit width W(L, t), \(entry.name)", xLabel: timeLabel, yLabel: "W(L, t)", xScale: .log, yScale: .log)
        for s in r.sizes {
            chart.add(.line(s.times, s.width, errors: s.widthError, label: "L = \(s.length)"))
        }
        if let b = r.beta {
            CriticalityFigures.addBetaFit(b, to: &chart)
            // The seed's β through the fit's midpoint, for comparison.
            let mid = (b.fitRange.lowerBound * b.fitRange.upperBound).squareRoot()
            let at = b.amplitude * Foundation.pow(mid, b.value)
            chart.add(.powerLawFit(slope: 0.34, amplitude: at / Foundation.pow(mid, 0.34), over: b.fitRange, label: "seed β = 0.34"))
        }
        var caption =
            "Interface width of the pre-softmax logit rows (keys j ≤ i, L = i + 1), pooled over \(analysis.heads.count) heads and \(surfaces.manifest.probes) probe sequences, with jackknife errors; dashed: the β fit in the estimator's window and the seed's β = 0.34 through its midpoint."
        caption += CriticalityFigures.exponentsCaption(r)
        caption += " Regime: " + entry.regime.summary + "."
        return Figure(name: name, caption: caption, svg: chart.svg())
    }

    private func heads() -> Figure {
        let largest = surfaces.lengths.last!
        var chart = Chart(title: "W(t) per head, L = \(largest)", xLabel: "training step t", yLabel: "W(L, t)", xScale: .log, yScale: .log)
        for entry in analysis.heads {
            guard let s = entry.result.sizes.last else { continue }
            chart.add(.line(s.times, s.width, label: entry.name))
        }
        return Figure(
            name: "kpz-attention-heads",
            caption:
                "Width of each head's logit row for the last query position (L = \(largest)) against training step; the exponents per head are in the table.",
            svg: chart.svg())
    }

    private func slopes() -> Figure {
        var chart = Chart(title: "Local growth exponent d ln W / d ln t (pooled)", xLabel: "training step t", yLabel: "effective β(t)", xScale: .log)
        for s in analysis.pooled.result.sizes {
            chart.add(.scatter(s.slopeTimes, s.localSlope, errors: s.localSlopeError, label: "L = \(s.length)"))
        }
        chart.add(.horizontalLine(1.0 / 3, label: "KPZ β = 1/3"))
        chart.add(.horizontalLine(0, label: nil))
        return Figure(
            name: "kpz-attention-local-slopes",
            caption:
                "Local slope of ln W against ln t between successive recorded steps. A KPZ surface shows a plateau at β = 1/3 during growth, then 0 after its size-dependent saturation time; a single power law shows one flat band.",
            svg: chart.svg())
    }

    private func correlation() -> Figure {
        let r = analysis.pooled.result
        var chart = Chart(
            title: "Height-difference correlation C(r) at the last step (pooled)", xLabel: "key separation r", yLabel: "C(r)", xScale: .log, yScale: .log)
        CriticalityFigures.addHeightDifference(r, to: &chart)
        return Figure(
            name: "kpz-attention-correlation",
            caption:
                "C(r) = ⟨(h(j + r) − h(j))²⟩^{1/2} over key positions at the last recorded step; a self-affine surface has C ∝ r^α inside its correlation length (KPZ: α = 1/2).",
            svg: chart.svg())
    }
}
