import Foundation

extension ChartRenderer {
    /// The legend box: one row per labelled series (swatch + text), placed in the requested
    /// corner, or — `.automatic` — in the corner covering the fewest drawn points.
    func drawLegend(_ w: inout SVGWriter) {
        let styles = resolvedStyles
        let entries = chart.series.indices.filter { i in
            guard let label = chart.series[i].label, !label.isEmpty else { return false }
            if case .heatMap = chart.series[i].kind { return false }
            return true
        }
        guard !entries.isEmpty, chart.legend != .hidden else { return }
        let L = layout
        let rowHeight = 17.0, swatch = 24.0, pad = 7.0
        let maxRows = max(1, Int((L.plotHeight - 2 * pad) / rowHeight))
        let shown = Array(entries.prefix(maxRows))
        let textWidth = shown.map { Self.textWidth(chart.series[$0].label!, font: Self.tickFont) }.max() ?? 0
        let boxWidth = min(L.plotWidth - 8, swatch + 6 + textWidth + 2 * pad)
        let boxHeight = Double(shown.count) * rowHeight + pad
        let inset = 6.0
        let left = L.plotLeft + inset, right = L.plotLeft + L.plotWidth - inset - boxWidth
        let top = L.plotTop + inset, bottom = L.plotTop + L.plotHeight - inset - boxHeight
        let corners: [(Chart.LegendPlacement, Double, Double)] = [
            (.topRight, right, top), (.topLeft, left, top), (.bottomRight, right, bottom), (.bottomLeft, left, bottom),
        ]
        var origin = (right, top)
        if chart.legend == .automatic {
            let occupied = occupiedPixels()
            var best = Int.max
            for (_, x, y) in corners {
                let count = occupied.reduce(0) { $0 + ($1.0 >= x && $1.0 <= x + boxWidth && $1.1 >= y && $1.1 <= y + boxHeight ? 1 : 0) }
                if count < best { best = count; origin = (x, y) }
            }
        } else if let corner = corners.first(where: { $0.0 == chart.legend }) {
            origin = (corner.1, corner.2)
        }
        let (x, y) = origin
        w.element(
            "rect",
            [
                ("x", SVGWriter.number(x)), ("y", SVGWriter.number(y)), ("width", SVGWriter.number(boxWidth)),
                ("height", SVGWriter.number(boxHeight)), ("fill", "#ffffff"), ("fill-opacity", "0.88"),
                ("stroke", "#bbbbbb"), ("rx", "3"),
            ])
        for (row, index) in shown.enumerated() {
            let s = chart.series[index]
            let color = styles[index].color.hex
            let cy = y + pad / 2 + rowHeight * (Double(row) + 0.5)
            let sx = x + pad
            // The series' line style across the swatch.
            func drawLine() {
                w.element(
                    "line",
                    [
                        ("x1", SVGWriter.number(sx)), ("x2", SVGWriter.number(sx + swatch)), ("y1", SVGWriter.number(cy)),
                        ("y2", SVGWriter.number(cy)),
                    ] + strokeAttributes(s, color))
            }
            switch s.kind {
            case .bars, .band:
                w.element(
                    "rect",
                    [
                        ("x", SVGWriter.number(sx)), ("y", SVGWriter.number(cy - 5)), ("width", SVGWriter.number(swatch)),
                        ("height", "10"), ("fill", color),
                        (
                            "fill-opacity",
                            {
                                if case .band = s.kind { return "0.3" }; return "0.75"
                            }()
                        ),
                    ])
            case .points(let points, let markers, let line):
                if line { drawLine() }
                if points.contains(where: { ($0.yError ?? 0) > 0 }) {
                    w.element(
                        "path",
                        [
                            ("d", "M\(SVGWriter.number(sx + swatch / 2)) \(SVGWriter.number(cy - 6))v12"),
                            ("stroke", color), ("stroke-width", "1.1"),
                        ])
                }
                if markers {
                    w.element(
                        "path",
                        [
                            ("d", Self.markerPath(styles[index].marker, sx + swatch / 2, cy, 3.6)),
                            ("fill", styles[index].marker == .cross ? "none" : color),
                        ]
                            + (styles[index].marker == .cross ? [("stroke", color), ("stroke-width", "1.5")] : []))
                }
            case .horizontal, .vertical, .heatMap:
                drawLine()
            }
            w.text(s.label!, [("x", SVGWriter.number(sx + swatch + 6)), ("y", SVGWriter.number(cy + Self.tickFont * 0.35))])
        }
    }

    /// Pixels where something is drawn (markers, line vertices, bar tops), for legend placement.
    private func occupiedPixels() -> [(Double, Double)] {
        var result: [(Double, Double)] = []
        for s in chart.series {
            switch s.kind {
            case .points(let points, _, let line):
                var previous: (Double, Double)?
                for p in points {
                    guard let q = pixel(p.x, p.y) else { previous = nil; continue }
                    // Lines count along their length, sampled every few pixels.
                    if line, let a = previous {
                        let steps = min(200, Int(max(abs(q.0 - a.0), abs(q.1 - a.1)) / 6))
                        if steps > 1 {
                            for k in 1..<steps {
                                let t = Double(k) / Double(steps)
                                result.append((a.0 + t * (q.0 - a.0), a.1 + t * (q.1 - a.1)))
                            }
                        }
                    }
                    result.append(q)
                    previous = q
                }
            case .bars(let edges, let heights):
                for (i, h) in heights.enumerated() {
                    let mid = chart.xScale == .log ? (edges[i] * edges[i + 1]).squareRoot() : (edges[i] + edges[i + 1]) / 2
                    if let q = pixel(mid, h) {
                        // The whole bar is covered, not just its top.
                        var y = q.1
                        while y <= layout.plotTop + layout.plotHeight { result.append((q.0, y)); y += 8 }
                    }
                }
            case .band(let xs, let lower, let upper):
                for i in xs.indices { if let a = pixel(xs[i], lower[i]) { result.append(a) }; if let b = pixel(xs[i], upper[i]) { result.append(b) } }
            case .heatMap, .horizontal, .vertical:
                break
            }
        }
        return result
    }
}
