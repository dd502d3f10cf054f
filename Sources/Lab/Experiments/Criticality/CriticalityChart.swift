import Foundation

/// A small line/scatter chart rendered to a standalone SVG, used by the criticality experiments.
///
/// Linear or log axes, series drawn as lines, markers with one-σ error bars, dashed fits and
/// horizontal guides, and a legend. Non-finite points, and non-positive ones on log axes, are
/// skipped. Kept deliberately small and local to this family; it has the same shape (`add(.scatter
/// …)`, `.line`, `.fit`, `.reference`, `.horizontalLine`) as the project's general chart module so
/// the two are interchangeable.
struct CriticalityChart {
    enum Scale { case linear, log }

    struct Series {
        enum Style { case line, markers, fit, reference, guide }
        var xs: [Double]
        var ys: [Double]
        var errors: [Double]?
        var label: String?
        var style: Style
        var color: String?

        static func line(_ xs: [Double], _ ys: [Double], errors: [Double]? = nil, label: String? = nil, color: String? = nil) -> Series {
            Series(xs: xs, ys: ys, errors: errors, label: label, style: .line, color: color)
        }
        static func scatter(_ xs: [Double], _ ys: [Double], errors: [Double]? = nil, label: String? = nil, color: String? = nil) -> Series {
            Series(xs: xs, ys: ys, errors: errors, label: label, style: .markers, color: color)
        }
        static func fit(_ xs: [Double], _ ys: [Double], label: String? = nil, color: String? = nil) -> Series {
            Series(xs: xs, ys: ys, errors: nil, label: label, style: .fit, color: color)
        }
        static func reference(_ xs: [Double], _ ys: [Double], label: String? = nil, color: String? = nil) -> Series {
            Series(xs: xs, ys: ys, errors: nil, label: label, style: .reference, color: color ?? "#222222")
        }
        static func horizontalLine(_ y: Double, label: String? = nil, color: String? = nil) -> Series {
            Series(xs: [], ys: [y], errors: nil, label: label, style: .guide, color: color ?? "#777777")
        }
        /// y = amplitude·x^slope over `range` (a straight line on log–log axes), dashed.
        static func powerLaw(slope: Double, amplitude: Double, over range: ClosedRange<Double>, label: String? = nil, color: String? = nil) -> Series {
            let xs = (0...24).map { range.lowerBound * Foundation.pow(range.upperBound / range.lowerBound, Double($0) / 24) }
            return .fit(xs, xs.map { amplitude * Foundation.pow($0, slope) }, label: label, color: color)
        }
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    var title: String
    var xLabel: String
    var yLabel: String
    var xScale: Scale = .linear
    var yScale: Scale = .linear
    var width = 640.0, height = 420.0
    private(set) var series: [Series] = []

    init(title: String, xLabel: String, yLabel: String, xScale: Scale = .linear, yScale: Scale = .linear) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
    }

    mutating func add(_ s: Series) { series.append(s) }

    // MARK: Rendering

    func svg() -> String {
        let left = 72.0, right = 16.0, top = 34.0, bottom = 52.0
        let pw = width - left - right, ph = height - top - bottom
        func ok(_ v: Double, _ s: Scale) -> Bool { v.isFinite && (s == .linear || v > 0) }
        // Colours: data series take palette colours in order; a fit takes the previous data colour.
        var colors: [String] = []
        var next = 0, last = CriticalityChart.palette[0]
        for s in series {
            if let c = s.color { colors.append(c); if s.style == .line || s.style == .markers { last = c }; continue }
            switch s.style {
            case .line, .markers: last = CriticalityChart.palette[next % CriticalityChart.palette.count]; next += 1; colors.append(last)
            case .fit: colors.append(last)
            case .reference: colors.append("#222222")
            case .guide: colors.append("#777777")
            }
        }
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            if s.style == .guide { if ok(s.ys[0], yScale) { ys.append(s.ys[0]) }; continue }
            for i in 0..<min(s.xs.count, s.ys.count) where ok(s.xs[i], xScale) && ok(s.ys[i], yScale) {
                xs.append(s.xs[i]); ys.append(s.ys[i])
                if let e = s.errors, i < e.count, e[i].isFinite {
                    if ok(s.ys[i] + e[i], yScale) { ys.append(s.ys[i] + e[i]) }
                    if ok(s.ys[i] - e[i], yScale) { ys.append(s.ys[i] - e[i]) }
                }
            }
        }
        let xAxis = Axis(values: xs, scale: xScale), yAxis = Axis(values: ys, scale: yScale)
        func px(_ x: Double) -> Double { left + pw * xAxis.fraction(x) }
        func py(_ y: Double) -> Double { top + ph * (1 - yAxis.fraction(y)) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(escape(title))</text>\n"
        // Grid and ticks.
        for t in xAxis.ticks {
            let x = px(t)
            out += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + ph))\" stroke=\"#eeeeee\"/>\n"
            out += "<text x=\"\(f(x))\" y=\"\(f(top + ph + 16))\" text-anchor=\"middle\">\(xAxis.label(t))</text>\n"
        }
        for t in yAxis.ticks {
            let y = py(t)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + pw))\" y2=\"\(f(y))\" stroke=\"#eeeeee\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(yAxis.label(t))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#333333\"/>\n"
        out += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(16 \(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        out += "<clipPath id=\"plot\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\"/></clipPath>\n<g clip-path=\"url(#plot)\">\n"
        for (k, s) in series.enumerated() {
            let c = colors[k]
            if s.style == .guide {
                guard ok(s.ys[0], yScale) else { continue }
                out += "<line x1=\"\(f(left))\" y1=\"\(f(py(s.ys[0])))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(s.ys[0])))\" stroke=\"\(c)\" stroke-dasharray=\"6 4\"/>\n"
                continue
            }
            let pts = (0..<min(s.xs.count, s.ys.count)).filter { ok(s.xs[$0], xScale) && ok(s.ys[$0], yScale) }
            if s.style != .markers && pts.count >= 2 {
                let dash = s.style == .fit ? " stroke-dasharray=\"7 4\"" : s.style == .reference ? " stroke-dasharray=\"8 3 2 3\"" : ""
                let w = s.style == .reference ? 1.3 : 1.8
                out += "<polyline fill=\"none\" stroke=\"\(c)\" stroke-width=\"\(w)\"\(dash) points=\"" + pts.map { "\(f(px(s.xs[$0]))),\(f(py(s.ys[$0])))" }.joined(separator: " ") + "\"/>\n"
            }
            if s.style == .markers || (s.style == .line && s.errors != nil) {
                for i in pts {
                    let x = px(s.xs[i]), y = py(s.ys[i])
                    if let e = s.errors, i < e.count, e[i].isFinite, e[i] > 0 {
                        let hi = py(s.ys[i] + e[i]), lo = ok(s.ys[i] - e[i], yScale) ? py(s.ys[i] - e[i]) : top + ph
                        out += "<line x1=\"\(f(x))\" y1=\"\(f(hi))\" x2=\"\(f(x))\" y2=\"\(f(lo))\" stroke=\"\(c)\"/>\n"
                    }
                    if s.style == .markers { out += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3\" fill=\"\(c)\"/>\n" }
                }
            }
        }
        out += "</g>\n"
        // Legend, in the corner covering the fewest data points.
        let labelled = series.indices.filter { series[$0].label != nil }
        if !labelled.isEmpty {
            let lw = min(pw - 8, 12 + 7 * Double(labelled.map { series[$0].label!.count }.max()!) + 28)
            let lh = 8 + 16 * Double(labelled.count)
            var points: [(Double, Double)] = []
            for s in series where s.style != .guide {
                for i in 0..<min(s.xs.count, s.ys.count) where ok(s.xs[i], xScale) && ok(s.ys[i], yScale) {
                    points.append((px(s.xs[i]), py(s.ys[i])))
                }
            }
            let corners = [(left + pw - lw - 6, top + 6), (left + 6, top + 6), (left + pw - lw - 6, top + ph - lh - 6), (left + 6, top + ph - lh - 6)]
            let covered = corners.map { c in points.filter { $0.0 >= c.0 && $0.0 <= c.0 + lw && $0.1 >= c.1 && $0.1 <= c.1 + lh }.count }
            let (lx, ly) = corners[covered.firstIndex(of: covered.min()!)!]
            out += "<rect x=\"\(f(lx))\" y=\"\(f(ly))\" width=\"\(f(lw))\" height=\"\(f(lh))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n"
            for (row, k) in labelled.enumerated() {
                let y = ly + 14 + 16 * Double(row)
                let s = series[k], c = colors[k]
                if s.style == .markers {
                    out += "<circle cx=\"\(f(lx + 14))\" cy=\"\(f(y - 4))\" r=\"3\" fill=\"\(c)\"/>\n"
                } else {
                    let dash = s.style == .fit ? " stroke-dasharray=\"7 4\"" : s.style == .guide ? " stroke-dasharray=\"6 4\"" : s.style == .reference ? " stroke-dasharray=\"8 3 2 3\"" : ""
                    out += "<line x1=\"\(f(lx + 4))\" y1=\"\(f(y - 4))\" x2=\"\(f(lx + 24))\" y2=\"\(f(y - 4))\" stroke=\"\(c)\" stroke-width=\"1.8\"\(dash)/>\n"
                }
                out += "<text x=\"\(f(lx + 30))\" y=\"\(f(y))\">\(escape(s.label!))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    private struct Axis {
        var lo: Double, hi: Double, scale: Scale
        var ticks: [Double] = []

        init(values: [Double], scale: Scale) {
            self.scale = scale
            var a = values.min() ?? (scale == .log ? 1 : 0), b = values.max() ?? (scale == .log ? 10 : 1)
            if scale == .log {
                if b <= a { a /= 2; b *= 2 }
                lo = Foundation.pow(10, Foundation.floor(Foundation.log10(a) * 4) / 4)
                hi = Foundation.pow(10, Foundation.ceil(Foundation.log10(b) * 4) / 4)
                let first = Int(Foundation.ceil(Foundation.log10(lo) - 1e-9)), last = Int(Foundation.floor(Foundation.log10(hi) + 1e-9))
                var t = first <= last ? (first...last).map { Foundation.pow(10, Double($0)) } : []
                if t.count < 3 {   // narrow range: 1-2-5 ticks
                    t = []
                    for e in (first - 1)...(last + 1) { for m in [1.0, 2, 5] { let v = m * Foundation.pow(10, Double(e)); if v >= lo && v <= hi { t.append(v) } } }
                }
                ticks = t
            } else {
                if b <= a { a -= 0.5; b += 0.5 }
                let step = Axis.niceStep((b - a) / 6)
                lo = Foundation.floor(a / step) * step
                hi = Foundation.ceil(b / step) * step
                var t = lo
                while t <= hi + step * 1e-9 { ticks.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
            }
        }

        func fraction(_ v: Double) -> Double {
            scale == .log ? (Foundation.log(v) - Foundation.log(lo)) / (Foundation.log(hi) - Foundation.log(lo)) : (v - lo) / (hi - lo)
        }

        func label(_ v: Double) -> String {
            if v == 0 { return "0" }
            let m = abs(v)
            if m >= 1e4 || m < 1e-3 { return String(format: "%.0e", v) }
            if v == v.rounded() { return String(Int(v)) }
            return String(format: m < 0.1 ? "%.3g" : "%.2g", v)
        }

        static func niceStep(_ raw: Double) -> Double {
            let p = Foundation.pow(10, Foundation.floor(Foundation.log10(max(raw, 1e-300))))
            for m in [1.0, 2, 2.5, 5, 10] where m * p >= raw { return m * p }
            return 10 * p
        }
    }

    private func f(_ x: Double) -> String { String(format: "%.1f", x) }
    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
