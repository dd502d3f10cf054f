import Foundation

/// A small self-contained SVG x–y chart for the dynamics figures: lines, points with error bars,
/// an optional unit circle with equal axis scales (for eigenvalues in the complex plane).
///
/// Kept local to the dynamics experiments until the shared report chart module is available.
struct DynamicsChart {
    enum Style { case line, points, dashed }

    struct Series {
        var name: String
        var x: [Double]
        var y: [Double]
        /// One standard error per point, drawn as a bar, or nil.
        var errors: [Double]? = nil
        var style: Style = .line
        var color: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series] = []
    var logX = false
    var logY = false
    /// Draw the unit circle and force equal x/y scales.
    var unitCircle = false
    var width = 640.0, height = 440.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                          "#7f7f7f", "#bcbd22"]

    static func color(_ i: Int) -> String { palette[i % palette.count] }

    func render() -> String {
        let left = 70.0, right = 170.0, top = 40.0, bottom = 55.0
        let plotW = width - left - right, plotH = height - top - bottom
        func tx(_ x: Double) -> Double { logX ? (x > 0 ? Foundation.log10(x) : .nan) : x }
        func ty(_ y: Double) -> Double { logY ? (y > 0 ? Foundation.log10(y) : .nan) : y }
        var xs = series.flatMap { $0.x.map(tx) }.filter(\.isFinite)
        var ys: [Double] = []
        for s in series {
            for (i, y) in s.y.enumerated() where y.isFinite {
                let e = s.errors?[i] ?? 0
                ys.append(ty(y - e)); ys.append(ty(y + e))
            }
        }
        ys = ys.filter(\.isFinite)
        if unitCircle { xs += [-1.05, 1.05]; ys += [-1.05, 1.05] }
        var (x0, x1) = DynamicsChart.range(xs), (y0, y1) = DynamicsChart.range(ys)
        if unitCircle {
            // Equal scales: widen the narrower range.
            let sx = (x1 - x0) / plotW, sy = (y1 - y0) / plotH
            if sx > sy { let c = (y0 + y1) / 2, h = sx * plotH / 2; y0 = c - h; y1 = c + h }
            else { let c = (x0 + x1) / 2, h = sy * plotW / 2; x0 = c - h; x1 = c + h }
        }
        func px(_ x: Double) -> Double { left + (tx(x) - x0) / (x1 - x0) * plotW }
        func pxRaw(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func pyRaw(_ y: Double) -> Double { top + (y1 - y) / (y1 - y0) * plotH }
        func py(_ y: Double) -> Double { pyRaw(ty(y)) }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left + plotW / 2))" y="22" text-anchor="middle" font-size="14">\(DynamicsChart.escape(title))</text>
        <rect x="\(f(left))" y="\(f(top))" width="\(f(plotW))" height="\(f(plotH))" fill="none" stroke="#333"/>

        """
        for t in (logX ? DynamicsChart.logTicks(x0, x1) : DynamicsChart.ticks(x0, x1)) {
            let x = pxRaw(t)
            let label = logX ? DynamicsChart.label(Foundation.pow(10, t)) : DynamicsChart.label(t)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(label)</text>\n"
        }
        for t in (logY ? DynamicsChart.logTicks(y0, y1) : DynamicsChart.ticks(y0, y1)) {
            let y = pyRaw(t)
            let label = logY ? DynamicsChart.label(Foundation.pow(10, t)) : DynamicsChart.label(t)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(label)</text>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(DynamicsChart.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16,\(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(DynamicsChart.escape(yLabel))</text>\n"
        if unitCircle {
            let r = (px(1) - px(0))
            svg += "<circle cx=\"\(f(px(0)))\" cy=\"\(f(py(0)))\" r=\"\(f(r))\" fill=\"none\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n"
        }
        svg += "<g clip-path=\"none\">\n"
        for s in series {
            let points = zip(s.x, s.y).filter { tx($0.0).isFinite && ty($0.1).isFinite }
            switch s.style {
            case .line, .dashed:
                let path = points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
                let dash = s.style == .dashed ? " stroke-dasharray=\"6 4\"" : ""
                svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\"\(dash)/>\n"
            case .points:
                for (i, p) in zip(s.x, s.y).enumerated() where tx(p.0).isFinite && ty(p.1).isFinite {
                    if let e = s.errors?[i], e > 0, ty(p.1 - e).isFinite {
                        svg += "<line x1=\"\(f(px(p.0)))\" y1=\"\(f(py(p.1 - e)))\" x2=\"\(f(px(p.0)))\" y2=\"\(f(py(p.1 + e)))\" stroke=\"\(s.color)\"/>"
                    }
                    svg += "<circle cx=\"\(f(px(p.0)))\" cy=\"\(f(py(p.1)))\" r=\"3\" fill=\"\(s.color)\" fill-opacity=\"0.8\"/>\n"
                }
            }
        }
        svg += "</g>\n"
        for (i, s) in series.filter({ !$0.name.isEmpty }).enumerated() {
            let y = top + 10 + Double(i) * 18, x = left + plotW + 12
            switch s.style {
            case .points: svg += "<circle cx=\"\(f(x + 10))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(s.color)\"/>"
            case .line, .dashed:
                let dash = s.style == .dashed ? " stroke-dasharray=\"6 4\"" : ""
                svg += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 20))\" y2=\"\(f(y))\" stroke=\"\(s.color)\" stroke-width=\"2\"\(dash)/>"
            }
            svg += "<text x=\"\(f(x + 26))\" y=\"\(f(y + 4))\">\(DynamicsChart.escape(s.name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    private func f(_ x: Double) -> String { String(format: "%.1f", x) }

    static func range(_ values: [Double]) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
        if hi - lo < 1e-12 * max(1, abs(hi)) { return (lo - 0.5 * max(1e-12, abs(lo)) - 1e-12, hi + 0.5 * max(1e-12, abs(hi)) + 1e-12) }
        let pad = 0.05 * (hi - lo)
        return (lo - pad, hi + pad)
    }

    /// Ticks at 1–2–5 multiples covering [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 6
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = Foundation.ceil(lo / step) * step, out: [Double] = []
        while t <= hi + 1e-9 * step { out.append(abs(t) < 1e-12 * step ? 0 : t); t += step }
        return out
    }

    /// Ticks at 1, 2, 5 × 10^k inside [lo, hi] given in log10 units (only decades when crowded).
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        var out: [Double] = []
        for k in Int(Foundation.floor(lo))...Int(Foundation.ceil(hi)) {
            for m in [1.0, 2, 5] {
                let t = Double(k) + Foundation.log10(m)
                if t >= lo && t <= hi { out.append(t) }
            }
        }
        if out.count > 8 { out = out.filter { abs($0 - $0.rounded()) < 1e-9 } }
        return out.isEmpty ? [lo, hi] : out
    }

    static func label(_ x: Double) -> String {
        if x == 0 { return "0" }
        let a = abs(x)
        if a >= 1e4 || a < 1e-3 { return String(format: "%.0e", x) }
        if a >= 100 { return String(format: "%.0f", x) }
        var s = String(format: "%.3f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
