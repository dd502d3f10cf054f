import Foundation
import Physics

/// Plain-text rendering of a surface-growth analysis, for the CLI and experiment notes.
public enum SurfaceScalingSummary {
    /// A multi-line summary: exponents with intervals, per-size table, collapse and caveats.
    public static func text(
        _ r: SurfaceScalingResult, expected: (alpha: Double?, beta: Double, z: Double?)? = nil,
        detail: Bool = false
    ) -> String {
        var lines: [String] = []
        func row(_ name: String, _ e: ExponentEstimate?, _ exact: Double?) {
            guard let e else { lines.append("\(name)  not estimated"); return }
            var line = "\(name)  \(e.formatted)"
            if let exact { line += "   exact \(format(exact))" + (e.contains(exact) ? "  (inside CI)" : "  (outside CI)") }
            lines.append(line)
            if detail { lines.append("   " + systematics(e)) }
        }
        row("β", r.beta, expected?.beta)
        if let l = r.betaLength, let b = r.beta {
            lines.append("   from L = \(l), t in [\(format(b.fitRange.lowerBound)), \(format(b.fitRange.upperBound))], \(b.points) times")
        }
        row("α", r.alpha, expected?.alpha ?? nil)
        lines.append("   from \(r.alphaSource)")
        row("z", r.z, expected?.z ?? nil)
        if let c = r.collapse {
            var line = "collapse  P(α, z) = \(format(c.quality)); best z at fixed α = \(format(c.bestZ))"
            if let e = c.bestZError { line += " ± \(format(e))" }
            line += " (P = \(format(c.bestQuality)))"
            if let ok = c.consistent { line += ok ? "; consistent with z = α/β" : "; NOT consistent with z = α/β" }
            lines.append(line)
        }
        lines.append("")
        lines.append("L      R    saturated  W_sat            β(L)                         α from C(r)")
        for s in r.sizes {
            let wsat = s.saturationWidth.map { "\(format($0)) ± \(format(s.saturationWidthError ?? .nan))" } ?? "—"
            lines.append(
                [
                    pad("\(s.length)", 6), pad("\(s.realisations)", 4), pad(s.saturated ? "yes" : "no", 10),
                    pad(wsat, 16), pad(s.beta?.formatted ?? "—", 28), s.alphaCorrelation?.formatted ?? "—",
                ].joined(separator: " "))
        }
        if detail, let s = r.sizes.last {
            lines.append("")
            lines.append("L = \(s.length): t, W(t) ± error, local slope d ln W/d ln t ± error (to the next time)")
            for k in s.times.indices {
                var line = pad(format(s.times[k]), 10) + " " + pad("\(format(s.width[k])) ± \(format(s.widthError[k]))", 22)
                if k < s.localSlope.count { line += " \(format(s.localSlope[k])) ± \(format(s.localSlopeError[k]))" }
                lines.append(line)
            }
            lines.append("")
            lines.append("L = \(s.length) at the last time: r, C(r) ± error")
            for k in s.separations.indices {
                lines.append(pad(format(s.separations[k]), 10) + " \(format(s.heightDifference[k])) ± \(format(s.heightDifferenceError[k]))")
            }
        }
        if !r.notes.isEmpty {
            lines.append("")
            lines += r.notes.map { "note: " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// "statistical 0.320–0.342; corrections to scaling 0.344 ± 0.026, …": the members whose
    /// intervals make up the reported one.
    static func systematics(_ e: ExponentEstimate) -> String {
        var parts = ["statistical \(format(e.statisticalInterval.lowerBound))–\(format(e.statisticalInterval.upperBound))"]
        parts += e.variants.map { "\($0.name) \(format($0.value)) ± \(format($0.standardError))" }
        if !e.systematicsIncluded { parts.append("systematics not bounded (fit range too short)") }
        return parts.joined(separator: "; ")
    }

    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x != 0 && (abs(x) >= 1e5 || abs(x) < 1e-3) { return String(format: "%.3e", x) }
        return String(format: abs(x) >= 100 ? "%.1f" : "%.4f", x)
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}
