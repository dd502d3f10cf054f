import Foundation

/// Lays out a `Chart` (margins, domains, ticks) and draws it as SVG.
///
/// Geometry: the plot rectangle sits inside margins sized from the tick labels, title, axis
/// labels and (for heat maps) the colour bar. Everything in data units passes through the two
/// `AxisLayout`s; anything the axis cannot show (NaN, ∞, ≤ 0 on a log axis) is skipped.
struct ChartRenderer {
    let chart: Chart
    let layout: ChartLayout
    static let tickFont = 11.0
    static let labelFont = 13.0
    static let titleFont = 15.0

    init(chart: Chart) {
        self.chart = chart
        self.layout = ChartRenderer.makeLayout(chart)
    }

    // MARK: Layout

    static func makeLayout(_ chart: Chart) -> ChartLayout {
        let heat = chart.heatMap
        let top = chart.title.isEmpty ? 14.0 : 38.0
        let bottom = 8 + 6 + tickFont + 6 + (chart.xLabel.isEmpty ? 0 : labelFont + 10)
        let colorBarWidth = heat == nil ? 0.0 : 16 + 14 + 8 + 48 + (heat!.colorLabel.isEmpty ? 0 : labelFont + 8)
        let right = 18.0 + colorBarWidth
        let approxPlotHeight = chart.height - top - bottom
        let yTarget = max(2, min(10, Int(approxPlotHeight / 55)))
        var (y0, y1) = domain(
            chart.yScale, fixed: chart.yDomain, extent: chart.extent(horizontal: false),
            target: yTarget, exact: heat != nil)
        // Left margin from the widest y tick label.
        let yTicksGuess = TickGenerator.ticks(chart.yScale, lower: y0, upper: y1, targetTicks: yTarget)
        let labelWidth = yTicksGuess.filter(\.isMajor).map { textWidth($0, font: tickFont) }.max() ?? 20
        let left = 10 + (chart.yLabel.isEmpty ? 0 : labelFont + 10) + labelWidth + 9
        let plotWidth = max(40, chart.width - left - right)
        let plotHeight = max(40, approxPlotHeight)
        let xTarget = max(2, min(10, Int(plotWidth / 90)))
        var (x0, x1) = domain(
            chart.xScale, fixed: chart.xDomain, extent: chart.extent(horizontal: true),
            target: xTarget, exact: heat != nil)
        if chart.equalAspect && chart.xScale == .linear && chart.yScale == .linear {
            let ux = (x1 - x0) / plotWidth, uy = (y1 - y0) / plotHeight
            if ux > uy {
                let half = ux * plotHeight / 2, mid = (y0 + y1) / 2
                (y0, y1) = (mid - half, mid + half)
            } else {
                let half = uy * plotWidth / 2, mid = (x0 + x1) / 2
                (x0, x1) = (mid - half, mid + half)
            }
        }
        let x = AxisLayout(
            scale: chart.xScale, lower: x0, upper: x1,
            ticks: TickGenerator.ticks(chart.xScale, lower: x0, upper: x1, targetTicks: xTarget),
            start: left, end: left + plotWidth)
        let y = AxisLayout(
            scale: chart.yScale, lower: y0, upper: y1,
            ticks: TickGenerator.ticks(chart.yScale, lower: y0, upper: y1, targetTicks: yTarget),
            start: top + plotHeight, end: top)
        var color: AxisLayout?
        if let heat {
            let finite = heat.values.joined().filter(\.isFinite)
            var c0 = heat.colorRange?.lowerBound ?? finite.min() ?? 0
            var c1 = heat.colorRange?.upperBound ?? finite.max() ?? 1
            if c1 <= c0 { c0 -= c0 == 0 ? 1 : abs(c0) * 0.1; c1 = c0 == 0 ? 1 : c1 + abs(c1) * 0.1 + (c1 == c0 ? 1 : 0) }
            if c1 <= c0 { c1 = c0 + 1 }
            color = AxisLayout(
                scale: .linear, lower: c0, upper: c1,
                ticks: TickGenerator.ticks(.linear, lower: c0, upper: c1, targetTicks: yTarget),
                start: top + plotHeight, end: top)
        }
        return ChartLayout(plotLeft: left, plotTop: top, plotWidth: plotWidth, plotHeight: plotHeight, x: x, y: y, color: color)
    }

    /// An axis domain: the fixed one when valid, else the data extent made nice (or exact, for heat maps).
    static func domain(
        _ scale: AxisScale, fixed: ClosedRange<Double>?, extent: (Double, Double)?, target: Int,
        exact: Bool
    ) -> (Double, Double) {
        if let fixed, scale.accepts(fixed.lowerBound), scale.accepts(fixed.upperBound), fixed.upperBound > fixed.lowerBound {
            return (fixed.lowerBound, fixed.upperBound)
        }
        if exact, let (a, b) = extent, b > a { return (a, b) }
        return TickGenerator.niceDomain(scale, min: extent?.0, max: extent?.1, targetTicks: target)
    }

    /// Rough rendered width of a tick label in pixels.
    static func textWidth(_ tick: Tick, font: Double) -> Double {
        textWidth(tick.mantissa, font: font) + textWidth(tick.exponent ?? "", font: font * 0.75)
    }

    static func textWidth(_ s: String, font: Double) -> Double { Double(s.count) * font * 0.6 }

    // MARK: Drawing

    func render() -> String {
        var w = SVGWriter()
        let W = SVGWriter.number(chart.width), H = SVGWriter.number(chart.height)
        let L = layout
        let plotRect = [
            ("x", SVGWriter.number(L.plotLeft)), ("y", SVGWriter.number(L.plotTop)),
            ("width", SVGWriter.number(L.plotWidth)), ("height", SVGWriter.number(L.plotHeight)),
        ]
        var body = SVGWriter()
        body.element("rect", [("width", W), ("height", H), ("fill", "#ffffff")])
        if !chart.title.isEmpty {
            body.text(
                chart.title,
                [
                    ("x", SVGWriter.number(L.plotLeft + L.plotWidth / 2)), ("y", "24"),
                    ("text-anchor", "middle"), ("font-size", SVGWriter.number(Self.titleFont)),
                    ("font-weight", "bold"),
                ])
        }
        body.element("rect", plotRect + [("fill", "#ffffff")])
        if chart.grid { drawGrid(&body) }
        body.group("g", [("clip-path", "url(#CLIP-plot)")]) { g in
            drawSeries(&g, markers: false)
        }
        body.group("g", [("clip-path", "url(#CLIP-marks)")]) { g in
            drawSeries(&g, markers: true)
        }
        body.element("rect", plotRect + [("fill", "none"), ("stroke", "#222222"), ("stroke-width", "1")])
        drawAxes(&body)
        if let color = L.color, let heat = chart.heatMap { drawColorBar(&body, color, heat) }
        if chart.series.allSatisfy({ isEmpty($0) }) {
            body.text(
                "no data",
                [
                    ("x", SVGWriter.number(L.plotLeft + L.plotWidth / 2)),
                    ("y", SVGWriter.number(L.plotTop + L.plotHeight / 2)), ("text-anchor", "middle"),
                    ("fill", "#888888"),
                ])
        }
        drawLegend(&body)
        // Clip-path ids must be unique among all SVGs inlined in one HTML page: derive them from
        // the content.
        let id = String(fnv1a(body.text + chart.title), radix: 36)
        let slack = 6.0
        w.raw(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(W)\" height=\"\(H)\" viewBox=\"0 0 \(W) \(H)\" "
                + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"\(SVGWriter.number(Self.tickFont))\" "
                + "role=\"img\" aria-label=\"\(SVGWriter.escape(chart.title))\">\n")
        w.raw("<title>\(SVGWriter.escape(chart.title))</title>\n")
        w.group("defs") { d in
            d.group("clipPath", [("id", "c\(id)-plot")]) { c in c.element("rect", plotRect) }
            d.group("clipPath", [("id", "c\(id)-marks")]) { c in
                c.element(
                    "rect",
                    [
                        ("x", SVGWriter.number(L.plotLeft - slack)), ("y", SVGWriter.number(L.plotTop - slack)),
                        ("width", SVGWriter.number(L.plotWidth + 2 * slack)),
                        ("height", SVGWriter.number(L.plotHeight + 2 * slack)),
                    ])
            }
        }
        w.raw(body.text.replacingOccurrences(of: "url(#CLIP-", with: "url(#c\(id)-"))
        w.raw("</svg>\n")
        return w.text
    }

    private func isEmpty(_ s: Series) -> Bool {
        switch s.kind {
        case .points(let p, _, _): return !p.contains { chart.xScale.accepts($0.x) && chart.yScale.accepts($0.y) }
        case .bars(_, let h): return h.isEmpty
        case .band(let xs, _, _): return xs.isEmpty
        case .heatMap(let h): return h.values.isEmpty
        case .horizontal, .vertical: return s.role != .data
        }
    }

    private func drawGrid(_ w: inout SVGWriter) {
        let L = layout
        for t in L.x.ticks where t.isMajor {
            let px = SVGWriter.number(L.x.pixel(t.value))
            w.element(
                "line",
                [
                    ("x1", px), ("x2", px), ("y1", SVGWriter.number(L.plotTop)),
                    ("y2", SVGWriter.number(L.plotTop + L.plotHeight)), ("stroke", "#e6e6e6"), ("stroke-width", "1"),
                ])
        }
        for t in L.y.ticks where t.isMajor {
            let py = SVGWriter.number(L.y.pixel(t.value))
            w.element(
                "line",
                [
                    ("x1", SVGWriter.number(L.plotLeft)), ("x2", SVGWriter.number(L.plotLeft + L.plotWidth)),
                    ("y1", py), ("y2", py), ("stroke", "#e6e6e6"), ("stroke-width", "1"),
                ])
        }
    }

    private func drawAxes(_ w: inout SVGWriter) {
        let L = layout
        let bottom = L.plotTop + L.plotHeight
        // x ticks and labels, thinned when labels would overlap.
        let xMajors = L.x.ticks.filter(\.isMajor)
        let widest = xMajors.map { Self.textWidth($0, font: Self.tickFont) }.max() ?? 0
        var spacing = Double.infinity
        for i in xMajors.indices.dropFirst() { spacing = min(spacing, abs(L.x.pixel(xMajors[i].value) - L.x.pixel(xMajors[i - 1].value))) }
        let every = spacing.isFinite && spacing > 0 ? max(1, Int(Foundation.ceil((widest + 8) / spacing))) : 1
        var majorIndex = 0
        for t in L.x.ticks {
            let px = L.x.pixel(t.value)
            guard px >= L.plotLeft - 0.5 && px <= L.plotLeft + L.plotWidth + 0.5 else { continue }
            let length = t.isMajor ? 5.0 : 3.0
            w.element(
                "line",
                [
                    ("x1", SVGWriter.number(px)), ("x2", SVGWriter.number(px)), ("y1", SVGWriter.number(bottom)),
                    ("y2", SVGWriter.number(bottom + length)), ("stroke", "#222222"),
                ])
            if t.isMajor {
                if majorIndex % every == 0 {
                    w.text(
                        t.mantissa,
                        [
                            ("x", SVGWriter.number(px)), ("y", SVGWriter.number(bottom + 8 + Self.tickFont)),
                            ("text-anchor", "middle"),
                        ], superscript: t.exponent)
                }
                majorIndex += 1
            }
        }
        for t in L.y.ticks {
            let py = L.y.pixel(t.value)
            guard py >= L.plotTop - 0.5 && py <= bottom + 0.5 else { continue }
            let length = t.isMajor ? 5.0 : 3.0
            w.element(
                "line",
                [
                    ("x1", SVGWriter.number(L.plotLeft - length)), ("x2", SVGWriter.number(L.plotLeft)),
                    ("y1", SVGWriter.number(py)), ("y2", SVGWriter.number(py)), ("stroke", "#222222"),
                ])
            if t.isMajor {
                w.text(
                    t.mantissa,
                    [
                        ("x", SVGWriter.number(L.plotLeft - 8)), ("y", SVGWriter.number(py + Self.tickFont * 0.35)),
                        ("text-anchor", "end"),
                    ], superscript: t.exponent)
            }
        }
        if !chart.xLabel.isEmpty {
            w.text(
                chart.xLabel,
                [
                    ("x", SVGWriter.number(L.plotLeft + L.plotWidth / 2)),
                    ("y", SVGWriter.number(bottom + 14 + Self.tickFont + Self.labelFont)),
                    ("text-anchor", "middle"), ("font-size", SVGWriter.number(Self.labelFont)),
                ])
        }
        if !chart.yLabel.isEmpty {
            drawRotatedLabel(&w, chart.yLabel, x: 10 + Self.labelFont, y: L.plotTop + L.plotHeight / 2, degrees: -90)
        }
    }

    private func drawColorBar(_ w: inout SVGWriter, _ axis: AxisLayout, _ heat: HeatMapData) {
        let L = layout
        let x = L.plotLeft + L.plotWidth + 16
        let steps = 64
        for i in 0..<steps {
            let y0 = L.plotTop + L.plotHeight * Double(steps - i - 1) / Double(steps)
            w.element(
                "rect",
                [
                    ("x", SVGWriter.number(x)), ("y", SVGWriter.number(y0)), ("width", "14"),
                    ("height", SVGWriter.number(L.plotHeight / Double(steps) + 0.6)),
                    ("fill", Viridis.color((Double(i) + 0.5) / Double(steps)).hex),
                ])
        }
        w.element(
            "rect",
            [
                ("x", SVGWriter.number(x)), ("y", SVGWriter.number(L.plotTop)), ("width", "14"),
                ("height", SVGWriter.number(L.plotHeight)), ("fill", "none"), ("stroke", "#222222"),
            ])
        var widest = 0.0
        for t in axis.ticks where t.isMajor {
            let py = axis.pixel(t.value)
            guard py >= L.plotTop - 0.5 && py <= L.plotTop + L.plotHeight + 0.5 else { continue }
            w.element(
                "line",
                [
                    ("x1", SVGWriter.number(x + 14)), ("x2", SVGWriter.number(x + 18)),
                    ("y1", SVGWriter.number(py)), ("y2", SVGWriter.number(py)), ("stroke", "#222222"),
                ])
            w.text(
                t.mantissa, [("x", SVGWriter.number(x + 21)), ("y", SVGWriter.number(py + Self.tickFont * 0.35))],
                superscript: t.exponent)
            widest = max(widest, Self.textWidth(t, font: Self.tickFont))
        }
        if !heat.colorLabel.isEmpty {
            let lx = min(chart.width - 6, x + 21 + max(widest, 20) + 6 + Self.labelFont / 2)
            drawRotatedLabel(&w, heat.colorLabel, x: lx, y: L.plotTop + L.plotHeight / 2, degrees: 90)
        }
    }

    /// A label centred on (x, y) and turned by `degrees` about that point (the y axis's title, −90;
    /// the colour bar's, 90).
    private func drawRotatedLabel(_ w: inout SVGWriter, _ text: String, x: Double, y: Double, degrees: Int) {
        w.text(
            text,
            [
                ("x", SVGWriter.number(x)), ("y", SVGWriter.number(y)), ("text-anchor", "middle"),
                ("font-size", SVGWriter.number(Self.labelFont)),
                ("transform", "rotate(\(degrees) \(SVGWriter.number(x)) \(SVGWriter.number(y)))"),
            ])
    }
}
