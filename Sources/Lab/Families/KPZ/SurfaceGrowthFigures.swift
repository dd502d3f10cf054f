import Foundation
import Physics

/// Figures of the criticality family.
enum CriticalityFigures {
    /// W(L, t) on log–log axes for every size, the β fit, W_sat levels, and for the EW lattice the
    /// exact mean width.
    static func width(_ r: SurfaceScalingResult, model: GrowthModel, key: String) -> Figure {
        var chart = Chart(
            title: "Interface width W(L, t): \(model.displayName)", xLabel: "t",
            yLabel: "W(L, t)", xScale: .log, yScale: .log)
        for s in r.sizes {
            chart.add(.line(s.times, s.width, errors: s.widthError, label: "L = \(s.length)"))
            if model == .edwardsWilkinson {
                chart.add(
                    .reference(
                        s.times, s.times.map { EdwardsWilkinsonLattice.expectedSquaredWidth(length: s.length, time: $0).squareRoot() },
                        label: s.length == r.sizes.last!.length ? "exact E W² (lattice)" : nil))
            }
        }
        if let b = r.beta {
            addBetaFit(b, to: &chart)
        }
        var caption = "W(L, t) of the \(model.displayName) model, mean over realisations with jackknife errors; the dashed line is the β fit in its window."
        caption += exponentsCaption(r)
        return Figure(name: "kpz-width-\(key)", caption: caption, svg: chart.svg())
    }

    /// Local slopes d ln W / d ln t of the largest size of each model, with the exact β.
    static func localSlopes(_ results: [SurfaceScalingResult], models: [GrowthModel]) -> Figure {
        var chart = Chart(
            title: "Local slopes d ln W / d ln t (largest size)", xLabel: "t",
            yLabel: "effective β(t)", xScale: .log)
        for (r, m) in zip(results, models) {
            guard let s = r.sizes.last else { continue }
            chart.add(.scatter(s.slopeTimes, s.localSlope, errors: s.localSlopeError, label: "\(m.displayName), L = \(s.length)"))
            chart.add(.reference([s.slopeTimes.first ?? 1, s.slopeTimes.last ?? 10], [m.exponents.beta, m.exponents.beta]))
        }
        return Figure(
            name: "kpz-local-slopes",
            caption:
                "Local growth exponent between successive recording times, with the exact β of each class (dash-dot). Early times carry lattice transients; the KPZ slope approaches 1/3 from below (corrections ∝ t^{-1/3}), the EW lattice slope approaches 1/4 as 1/√t.",
            svg: chart.svg())
    }

    /// Family–Vicsek collapse W/L^α against t/L^z.
    static func collapse(_ r: SurfaceScalingResult, model: GrowthModel, key: String) -> Figure {
        var chart = Chart(
            title: "Family–Vicsek collapse: \(model.displayName)", xLabel: "t / L^z",
            yLabel: "W / L^α", xScale: .log, yScale: .log)
        var caption = "Widths of all sizes rescaled with the measured exponents."
        if let c = r.collapse {
            for curve in c.scaled { chart.add(.line(curve.x, curve.y, label: "L = \(curve.length)")) }
            caption += String(
                format: " α = %.3f, z = %.3f; collapse quality P = %.2f (≈ 1: curves agree within errors); z minimising P at fixed α: %.3f%@.",
                c.alpha, c.z, c.quality, c.bestZ, c.bestZError.map { String(format: " ± %.3f", $0) } ?? "")
        }
        return Figure(name: "kpz-collapse-\(key)", caption: caption, svg: chart.svg())
    }

    /// C(r) at the last time of each size, with the α fit of the size it came from.
    static func heightDifference(_ r: SurfaceScalingResult, model: GrowthModel, key: String) -> Figure {
        var chart = Chart(
            title: "Height-difference correlation C(r): \(model.displayName)", xLabel: "r",
            yLabel: "C(r)", xScale: .log, yScale: .log)
        addHeightDifference(r, to: &chart)
        return Figure(
            name: "kpz-correlation-\(key)",
            caption: "C(r) = ⟨(h(x + r) − h(x))²⟩^{1/2} at the last recorded time; α is fitted where C(r) < ½·√2·W (inside the correlation length).",
            svg: chart.svg())
    }

    /// The β fit of W(t) in its window, dashed black.
    static func addBetaFit(_ b: ExponentEstimate, to chart: inout Chart) {
        chart.add(
            .powerLawFit(
                slope: b.value, amplitude: b.amplitude, over: b.fitRange,
                label: "fit β = " + Measurement(b.value, error: b.standardError).formatted, color: .black))
    }

    /// C(r) of every size, with the α fit of each size that has one.
    static func addHeightDifference(_ r: SurfaceScalingResult, to chart: inout Chart) {
        for s in r.sizes {
            chart.add(.line(s.separations, s.heightDifference, errors: s.heightDifferenceError, label: "L = \(s.length)"))
            if let a = s.alphaCorrelation {
                chart.add(
                    .powerLawFit(
                        slope: a.value, amplitude: a.amplitude, over: a.fitRange,
                        label: "L = \(s.length): α = " + Measurement(a.value, error: a.standardError).formatted))
            }
        }
    }

    /// " α = … from …. z = α/β = …." for the exponents `r` has.
    static func exponentsCaption(_ r: SurfaceScalingResult) -> String {
        var caption = ""
        if let a = r.alpha { caption += " α = \(a.formatted) from \(r.alphaSource)." }
        if let z = r.z { caption += " z = α/β = \(z.formatted)." }
        return caption
    }
}
