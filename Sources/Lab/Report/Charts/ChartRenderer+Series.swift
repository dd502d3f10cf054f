import Foundation

/// Marker shapes, cycled over data series so that series differ in shape as well as colour.
enum MarkerShape: CaseIterable { case circle, square, triangleUp, diamond, triangleDown, cross }

extension ChartRenderer {
    /// Colour and marker of each series after defaults are applied (see `Series`).
    var resolvedStyles: [(color: ChartColor, marker: MarkerShape)] {
        var dataIndex = 0
        var lastDataColor: ChartColor?
        var result: [(ChartColor, MarkerShape)] = []
        for s in chart.series {
            switch s.role {
            case .data:
                let color = s.color ?? ChartColor.palette(dataIndex)
                result.append((color, MarkerShape.allCases[dataIndex % MarkerShape.allCases.count]))
                dataIndex += 1
                lastDataColor = color
            case .fit:
                result.append((s.color ?? lastDataColor ?? ChartColor.palette(dataIndex), .circle))
            case .reference:
                result.append((s.color ?? .black, .circle))
            case .guide:
                result.append((s.color ?? .grey, .circle))
            }
        }
        return result
    }

    /// Pixel position of a data point, or nil if the axes cannot show it.
    func pixel(_ x: Double, _ y: Double) -> (Double, Double)? {
        guard chart.xScale.accepts(x), chart.yScale.accepts(y) else { return nil }
        return (layout.x.pixel(x), layout.y.pixel(y))
    }

    /// Draws every series; pass `markers: false` for areas and lines (clipped to the plot) and
    /// `markers: true` for error bars and markers (clipped with a little slack).
    func drawSeries(_ w: inout SVGWriter, markers: Bool) {
        let styles = resolvedStyles
        for (index, s) in chart.series.enumerated() {
            let color = styles[index].color.hex
            switch s.kind {
            case .heatMap(let heat): if !markers { drawHeatMap(&w, heat) }
            case .band(let xs, let lower, let upper): if !markers { drawBand(&w, xs, lower, upper, color) }
            case .bars(let edges, let heights): if !markers { drawBars(&w, edges, heights, color) }
            case .horizontal(let y):
                if !markers, chart.yScale.accepts(y) {
                    let py = SVGWriter.number(layout.y.pixel(y))
                    w.element(
                        "line",
                        [
                            ("x1", SVGWriter.number(layout.plotLeft)),
                            ("x2", SVGWriter.number(layout.plotLeft + layout.plotWidth)), ("y1", py), ("y2", py),
                        ]
                            + strokeAttributes(s, color))
                }
            case .vertical(let x):
                if !markers, chart.xScale.accepts(x) {
                    let px = SVGWriter.number(layout.x.pixel(x))
                    w.element(
                        "line",
                        [
                            ("x1", px), ("x2", px), ("y1", SVGWriter.number(layout.plotTop)),
                            ("y2", SVGWriter.number(layout.plotTop + layout.plotHeight)),
                        ]
                            + strokeAttributes(s, color))
                }
            case .points(let points, let drawMarkers, let drawLine):
                if !markers {
                    if drawLine { drawPolyline(&w, points, s, color, singlePointDot: !drawMarkers) }
                } else {
                    drawErrorBars(&w, points, color)
                    if drawMarkers { self.drawMarkers(&w, points, styles[index].marker, color) }
                }
            }
        }
    }

    func strokeAttributes(_ s: Series, _ color: String) -> [(String, String)] {
        var a = [("stroke", color), ("stroke-width", SVGWriter.number(s.lineWidth)), ("fill", "none")]
        if let dash = s.dash.pattern { a.append(("stroke-dasharray", dash)) }
        return a
    }

    /// A line through the points, broken wherever a point cannot be shown.
    private func drawPolyline(_ w: inout SVGWriter, _ points: [DataPoint], _ s: Series, _ color: String, singlePointDot: Bool) {
        var runs: [[(Double, Double)]] = [[]]
        for p in points {
            if let q = pixel(p.x, p.y) { runs[runs.count - 1].append(q) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        for run in runs where !run.isEmpty {
            if run.count == 1 {
                if singlePointDot {
                    w.element(
                        "circle",
                        [
                            ("cx", SVGWriter.number(run[0].0)), ("cy", SVGWriter.number(run[0].1)),
                            ("r", "2.5"), ("fill", color),
                        ])
                }
                continue
            }
            w.element("polyline", [("points", SVGWriter.points(run)), ("stroke-linejoin", "round")] + strokeAttributes(s, color))
        }
    }

    private func drawErrorBars(_ w: inout SVGWriter, _ points: [DataPoint], _ color: String) {
        let cap = 3.0
        let yLow = layout.y.lower, xLow = layout.x.lower
        let n = SVGWriter.number
        func bar(_ d: String) { w.element("path", [("d", d), ("stroke", color), ("stroke-width", "1.1"), ("fill", "none")]) }
        for p in points {
            guard let (px, py) = pixel(p.x, p.y) else { continue }
            // On a log axis a lower end ≤ 0 is drawn to the edge of the plot.
            if let e = p.yError, e.isFinite, e > 0 {
                let a = layout.y.pixel(chart.yScale.accepts(p.y - e) ? p.y - e : yLow), b = layout.y.pixel(p.y + e)
                bar("M\(n(px)) \(n(a))V\(n(b))M\(n(px - cap)) \(n(a))h\(n(2 * cap))M\(n(px - cap)) \(n(b))h\(n(2 * cap))")
            }
            if let e = p.xError, e.isFinite, e > 0 {
                let a = layout.x.pixel(chart.xScale.accepts(p.x - e) ? p.x - e : xLow), b = layout.x.pixel(p.x + e)
                bar("M\(n(a)) \(n(py))H\(n(b))M\(n(a)) \(n(py - cap))v\(n(2 * cap))M\(n(b)) \(n(py - cap))v\(n(2 * cap))")
            }
        }
    }

    private func drawMarkers(_ w: inout SVGWriter, _ points: [DataPoint], _ shape: MarkerShape, _ color: String) {
        let visible = points.compactMap { pixel($0.x, $0.y) }
        let dense = visible.count > 1500
        let r = dense ? 2.0 : 3.6
        var path = ""
        for (x, y) in visible { path += Self.markerPath(shape, x, y, r) }
        guard !path.isEmpty else { return }
        var attributes = [("d", path), ("fill", shape == .cross ? "none" : color)]
        attributes +=
            shape == .cross
            ? [("stroke", color), ("stroke-width", "1.5")]
            : dense ? [] : [("stroke", "#ffffff"), ("stroke-width", "0.6")]
        w.element("path", attributes)
    }

    /// SVG path data for one marker of radius r centred at (x, y).
    static func markerPath(_ shape: MarkerShape, _ x: Double, _ y: Double, _ r: Double) -> String {
        let n = SVGWriter.number
        switch shape {
        case .circle:
            return "M\(n(x - r)) \(n(y))a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 \(n(-2 * r)) 0Z"
        case .square:
            let s = r * 0.9
            return "M\(n(x - s)) \(n(y - s))h\(n(2 * s))v\(n(2 * s))h\(n(-2 * s))Z"
        case .triangleUp, .triangleDown:
            // The apex s = 1.2·r from the centre (SVG's y grows downwards), the base 0.8·s on the other side.
            let s = r * 1.2, apex = shape == .triangleUp ? -s : s
            return "M\(n(x)) \(n(y + apex))L\(n(x + s)) \(n(y - apex * 0.8))L\(n(x - s)) \(n(y - apex * 0.8))Z"
        case .diamond:
            let s = r * 1.25
            return "M\(n(x)) \(n(y - s))L\(n(x + s)) \(n(y))L\(n(x)) \(n(y + s))L\(n(x - s)) \(n(y))Z"
        case .cross:
            return "M\(n(x - r)) \(n(y - r))L\(n(x + r)) \(n(y + r))M\(n(x - r)) \(n(y + r))L\(n(x + r)) \(n(y - r))"
        }
    }

    private func drawBars(_ w: inout SVGWriter, _ edges: [Double], _ heights: [Double], _ color: String) {
        let base = chart.yScale == .log ? layout.y.lower : max(layout.y.lower, min(layout.y.upper, 0))
        let basePixel = layout.y.pixel(base)
        for (i, h) in heights.enumerated() {
            guard chart.xScale.accepts(edges[i]), chart.xScale.accepts(edges[i + 1]), chart.yScale.accepts(h) else { continue }
            let x0 = layout.x.pixel(edges[i]), x1 = layout.x.pixel(edges[i + 1])
            let top = layout.y.pixel(h)
            w.element(
                "rect",
                [
                    ("x", SVGWriter.number(min(x0, x1))), ("y", SVGWriter.number(min(top, basePixel))),
                    ("width", SVGWriter.number(abs(x1 - x0))), ("height", SVGWriter.number(abs(basePixel - top))),
                    ("fill", color), ("fill-opacity", "0.75"), ("stroke", "#ffffff"), ("stroke-width", "0.5"),
                ])
        }
    }

    private func drawBand(_ w: inout SVGWriter, _ xs: [Double], _ lower: [Double], _ upper: [Double], _ color: String) {
        var top: [(Double, Double)] = [], bottom: [(Double, Double)] = []
        for i in xs.indices {
            guard let a = pixel(xs[i], upper[i]), let b = pixel(xs[i], lower[i]) else { continue }
            top.append(a); bottom.append(b)
        }
        guard top.count >= 2 else { return }
        w.element(
            "polygon",
            [
                ("points", SVGWriter.points(top + bottom.reversed())), ("fill", color), ("fill-opacity", "0.2"),
                ("stroke", "none"),
            ])
    }

    private func drawHeatMap(_ w: inout SVGWriter, _ heat: HeatMapData) {
        guard let axis = layout.color, !heat.values.isEmpty else { return }
        let rows = heat.values.count
        for (i, row) in heat.values.enumerated() where !row.isEmpty {
            let cols = row.count
            let y0 = heat.yRange.lowerBound + (heat.yRange.upperBound - heat.yRange.lowerBound) * Double(i) / Double(rows)
            let y1 = heat.yRange.lowerBound + (heat.yRange.upperBound - heat.yRange.lowerBound) * Double(i + 1) / Double(rows)
            guard chart.yScale.accepts(y0), chart.yScale.accepts(y1) else { continue }
            let py0 = layout.y.pixel(y0), py1 = layout.y.pixel(y1)
            for (j, v) in row.enumerated() {
                let x0 = heat.xRange.lowerBound + (heat.xRange.upperBound - heat.xRange.lowerBound) * Double(j) / Double(cols)
                let x1 = heat.xRange.lowerBound + (heat.xRange.upperBound - heat.xRange.lowerBound) * Double(j + 1) / Double(cols)
                guard chart.xScale.accepts(x0), chart.xScale.accepts(x1) else { continue }
                let px0 = layout.x.pixel(x0), px1 = layout.x.pixel(x1)
                let fill = v.isFinite ? Viridis.color((v - axis.lower) / (axis.upper - axis.lower)).hex : "#d9d9d9"
                // Cells overlap by a fraction of a pixel so no hairline gaps show between them.
                w.element(
                    "rect",
                    [
                        ("x", SVGWriter.number(min(px0, px1))), ("y", SVGWriter.number(min(py0, py1))),
                        ("width", SVGWriter.number(abs(px1 - px0) + 0.4)),
                        ("height", SVGWriter.number(abs(py1 - py0) + 0.4)), ("fill", fill),
                    ])
            }
        }
    }
}
