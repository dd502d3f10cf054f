import Foundation

/// A 2-D chart rendered to a standalone SVG document.
///
/// ```swift
/// var chart = Chart(title: "Connected G4 vs heads", xLabel: "N_h", yLabel: "|G4c|",
///                   xScale: .log, yScale: .log)
/// chart.add(.scatter(heads, g4, errors: g4Errors, label: "measured"))
/// chart.add(.powerLawFit(slope: fit.slope, slopeError: fit.error, amplitude: fit.amplitude,
///                        over: 1...64))
/// chart.add(.reference(heads, heads.map { 1 / $0 }, label: "1/N_h"))
/// let svg = chart.svg()
/// ```
///
/// Axes get "nice" ticks (1, 2, 2.5, 5 × 10^k) covering the data, or decades on log axes; the
/// legend goes to the corner with the least data under it. Degenerate input never traps: empty
/// series draw empty axes, NaN/∞ and non-positive values on log axes are skipped, a zero range
/// is widened.
public struct Chart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// Size of the SVG in pixels.
    public var width: Double
    public var height: Double
    /// One data unit is the same length on both axes (the complex plane).
    public var equalAspect = false
    /// Fixed axis domains; nil chooses them from the data.
    public var xDomain: ClosedRange<Double>?
    public var yDomain: ClosedRange<Double>?
    /// Where the legend goes.
    public var legend: LegendPlacement = .automatic
    /// Light grid lines at the major ticks.
    public var grid = true
    public private(set) var series: [Series] = []

    public enum LegendPlacement: Sendable { case automatic, topLeft, topRight, bottomLeft, bottomRight, hidden }

    public init(
        title: String, xLabel: String = "", yLabel: String = "", xScale: AxisScale = .linear,
        yScale: AxisScale = .linear, width: Double = 640, height: Double = 420
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.width = max(160, width)
        self.height = max(120, height)
    }

    /// Adds a series; later series are drawn on top.
    public mutating func add(_ s: Series) { series.append(s) }

    /// Adds several series.
    public mutating func add(_ list: [Series]) { series.append(contentsOf: list) }

    /// A chart of the complex plane: equal aspect, Re/Im labels and the unit circle.
    public static func complexPlane(
        title: String, xLabel: String = "Re λ", yLabel: String = "Im λ",
        unitCircle: Bool = true, size: Double = 480
    ) -> Chart {
        var chart = Chart(title: title, xLabel: xLabel, yLabel: yLabel, width: size + 60, height: size)
        chart.equalAspect = true
        if unitCircle { chart.add(.unitCircle()) }
        return chart
    }

    /// The chart as a complete SVG document (with width, height and viewBox).
    public func svg() -> String { ChartRenderer(chart: self).render() }
}

/// The geometry of a rendered chart: the plot rectangle and both axes. Exposed for tests.
package struct ChartLayout: Sendable {
    package var plotLeft: Double
    package var plotTop: Double
    package var plotWidth: Double
    package var plotHeight: Double
    package var x: AxisLayout
    package var y: AxisLayout
    /// Colour-bar axis when the chart has a heat map.
    package var color: AxisLayout?
}

extension Chart {
    /// Lays out axes and plot area without drawing.
    package func layout() -> ChartLayout { ChartRenderer(chart: self).layout }

    /// The heat map, if any (the first one).
    var heatMap: HeatMapData? {
        for s in series { if case .heatMap(let h) = s.kind { return h } }
        return nil
    }

    /// The finite data extent along one axis, as the axis can show it (positive only on log axes).
    func extent(horizontal: Bool) -> (Double, Double)? {
        let scale = horizontal ? xScale : yScale
        var lo = Double.infinity, hi = -Double.infinity
        func include(_ v: Double) {
            guard scale.accepts(v) else { return }
            lo = min(lo, v); hi = max(hi, v)
        }
        for s in series {
            switch s.kind {
            case .points(let pts, _, _):
                for p in pts where xScale.accepts(p.x) && yScale.accepts(p.y) {
                    let v = horizontal ? p.x : p.y
                    include(v)
                    if let e = horizontal ? p.xError : p.yError, e.isFinite, e > 0 {
                        include(v - e); include(v + e)
                    }
                }
            case .bars(let edges, let heights):
                for (i, h) in heights.enumerated() where edges[i].isFinite && edges[i + 1].isFinite && h.isFinite {
                    if horizontal { include(edges[i]); include(edges[i + 1]) } else { include(h); include(0) }
                }
            case .band(let xs, let lower, let upper):
                for i in xs.indices {
                    if horizontal { include(xs[i]) } else { include(lower[i]); include(upper[i]) }
                }
            case .horizontal(let y): if !horizontal { include(y) }
            case .vertical(let x): if horizontal { include(x) }
            case .heatMap(let h):
                let r = horizontal ? h.xRange : h.yRange
                include(r.lowerBound); include(r.upperBound)
            }
        }
        return lo <= hi ? (lo, hi) : nil
    }
}
