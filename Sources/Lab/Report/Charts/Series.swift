import Foundation

/// One point of a data series, with optional one-σ error bars.
public struct DataPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var xError: Double?
    public var yError: Double?

    public init(x: Double, y: Double, xError: Double? = nil, yError: Double? = nil) {
        self.x = x
        self.y = y
        self.xError = xError
        self.yError = yError
    }
}

/// Line dash patterns.
public enum Dash: String, Sendable {
    case solid, dashed, dotted, dashDot

    var pattern: String? {
        switch self {
        case .solid: nil
        case .dashed: "7 4"
        case .dotted: "2 3"
        case .dashDot: "8 3 2 3"
        }
    }
}

/// A heat map's cells: `values[i][j]` is the cell in row i (y, bottom to top) and column j (x,
/// left to right); the cells tile `xRange` × `yRange` evenly.
public struct HeatMapData: Sendable {
    public var values: [[Double]]
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    /// Colour-bar label.
    public var colorLabel: String
    /// Fixed colour range; nil uses the finite minimum and maximum of `values`.
    public var colorRange: ClosedRange<Double>?
}

/// Something drawn on a chart. Build one with the static constructors (`.scatter`, `.line`,
/// `.fit`, `.reference`, `.histogram`, `.heatMap`, `.unitCircle` …) and `Chart.add` it.
///
/// Colours: data series take the next palette colour; a fit without a colour takes the colour
/// of the data series before it; references default to black. Points with NaN/∞ coordinates,
/// and non-positive ones on a log axis, are skipped when drawing.
public struct Series: Sendable {
    public enum Kind: Sendable {
        /// Points, with markers and/or a connecting line; error bars where points carry errors.
        case points([DataPoint], markers: Bool, line: Bool)
        /// A histogram: bars between consecutive `edges` with the given heights.
        case bars(edges: [Double], heights: [Double])
        /// A shaded band between `lower` and `upper` over `xs` (a confidence band).
        case band(xs: [Double], lower: [Double], upper: [Double])
        /// A horizontal guide line at y.
        case horizontal(Double)
        /// A vertical guide line at x.
        case vertical(Double)
        case heatMap(HeatMapData)
    }

    /// What the series is for; decides its default colour and whether it joins the domain.
    public enum Role: Sendable { case data, fit, reference, guide }

    public var kind: Kind
    public var role: Role
    /// Legend text; nil keeps the series out of the legend.
    public var label: String?
    /// nil: assigned from the palette (see the type's documentation).
    public var color: ChartColor?
    public var dash: Dash
    public var lineWidth: Double

    public init(
        kind: Kind, role: Role = .data, label: String? = nil, color: ChartColor? = nil,
        dash: Dash = .solid, lineWidth: Double = 1.6
    ) {
        self.kind = kind
        self.role = role
        self.label = label
        self.color = color
        self.dash = dash
        self.lineWidth = lineWidth
    }

    // MARK: Constructors

    /// Markers at (xs[i], ys[i]) with optional vertical (`errors`) and horizontal (`xErrors`)
    /// one-σ error bars. Arrays are truncated to the shortest.
    public static func scatter(
        _ xs: [Double], _ ys: [Double], errors: [Double]? = nil, xErrors: [Double]? = nil,
        label: String? = nil, color: ChartColor? = nil
    ) -> Series {
        Series(kind: .points(zipPoints(xs, ys, errors, xErrors), markers: true, line: false), label: label, color: color)
    }

    /// A line through (xs[i], ys[i]) in order, optionally with markers and error bars.
    public static func line(
        _ xs: [Double], _ ys: [Double], errors: [Double]? = nil, label: String? = nil,
        color: ChartColor? = nil, dash: Dash = .solid, markers: Bool = false, lineWidth: Double = 1.6
    ) -> Series {
        Series(
            kind: .points(zipPoints(xs, ys, errors, nil), markers: markers, line: true), label: label, color: color, dash: dash,
            lineWidth: lineWidth)
    }

    /// A fitted curve, drawn dashed in the colour of the data before it. Label it with the fit
    /// result, e.g. "fit: slope −1.02 ± 0.03" (`Series.fitLabel`).
    public static func fit(_ xs: [Double], _ ys: [Double], label: String? = nil, color: ChartColor? = nil) -> Series {
        Series(
            kind: .points(zipPoints(xs, ys, nil, nil), markers: false, line: true), role: .fit, label: label,
            color: color, dash: .dashed)
    }

    /// An analytic prediction, drawn as a thin dash-dotted line (black unless a colour is given).
    public static func reference(
        _ xs: [Double], _ ys: [Double], label: String? = nil, color: ChartColor? = nil,
        dash: Dash = .dashDot
    ) -> Series {
        Series(
            kind: .points(zipPoints(xs, ys, nil, nil), markers: false, line: true), role: .reference, label: label,
            color: color, dash: dash, lineWidth: 1.3)
    }

    /// y = f(x) sampled at `samples` points over `range` (log-spaced when `spacing` is `.log`),
    /// drawn as a reference curve (or as a fit with `role: .fit`).
    public static func function(
        over range: ClosedRange<Double>, spacing: AxisScale = .linear, samples: Int = 200,
        label: String? = nil, color: ChartColor? = nil, role: Role = .reference,
        _ f: (Double) -> Double
    ) -> Series {
        let xs = sampleGrid(range, spacing: spacing, count: samples)
        var s = role == .fit ? fit(xs, xs.map(f), label: label, color: color) : reference(xs, xs.map(f), label: label, color: color)
        s.role = role
        return s
    }

    /// The power law y = amplitude · x^slope over `range`, dashed, labelled
    /// "fit: slope −1.02 ± 0.03" (a straight line on log-log axes).
    public static func powerLawFit(
        slope: Double, slopeError: Double? = nil, amplitude: Double,
        over range: ClosedRange<Double>, label: String? = nil, color: ChartColor? = nil
    ) -> Series {
        function(
            over: range, spacing: range.lowerBound > 0 ? .log : .linear, samples: 64,
            label: label ?? fitLabel("slope", slope, slopeError), color: color, role: .fit
        ) {
            amplitude * Foundation.pow($0, slope)
        }
    }

    /// The straight line y = intercept + slope · x over `range`, dashed, labelled with the slope.
    public static func linearFit(
        slope: Double, slopeError: Double? = nil, intercept: Double,
        over range: ClosedRange<Double>, label: String? = nil, color: ChartColor? = nil
    ) -> Series {
        fit(
            [range.lowerBound, range.upperBound], [intercept + slope * range.lowerBound, intercept + slope * range.upperBound],
            label: label ?? fitLabel("slope", slope, slopeError), color: color)
    }

    /// A histogram of `values` in `bins` equal bins over `range` (default: the finite data range).
    /// With `density`, bar heights integrate to one. Non-finite values are ignored.
    public static func histogram(
        _ values: [Double], bins: Int = 30, range: ClosedRange<Double>? = nil,
        density: Bool = false, label: String? = nil, color: ChartColor? = nil
    ) -> Series {
        let finite = values.filter(\.isFinite)
        var lo = range?.lowerBound ?? finite.min() ?? 0, hi = range?.upperBound ?? finite.max() ?? 1
        if hi <= lo { lo -= 0.5; hi += 0.5 }
        let n = max(1, bins)
        let width = (hi - lo) / Double(n)
        var counts = [Double](repeating: 0, count: n)
        for v in finite where v >= lo && v <= hi { counts[min(n - 1, Int((v - lo) / width))] += 1 }
        if density, !finite.isEmpty {
            let total = counts.reduce(0, +)
            if total > 0 { counts = counts.map { $0 / (total * width) } }
        }
        let edges = (0...n).map { lo + Double($0) * width }
        return bars(edges: edges, heights: counts, label: label, color: color)
    }

    /// Bars between consecutive `edges` (count = heights.count + 1).
    public static func bars(edges: [Double], heights: [Double], label: String? = nil, color: ChartColor? = nil) -> Series {
        Series(kind: .bars(edges: edges, heights: Array(heights.prefix(max(0, edges.count - 1)))), label: label, color: color)
    }

    /// A shaded band between `lower` and `upper`.
    public static func band(
        _ xs: [Double], lower: [Double], upper: [Double], label: String? = nil,
        color: ChartColor? = nil
    ) -> Series {
        let n = min(xs.count, lower.count, upper.count)
        return Series(
            kind: .band(xs: Array(xs.prefix(n)), lower: Array(lower.prefix(n)), upper: Array(upper.prefix(n))),
            label: label, color: color)
    }

    /// A horizontal guide at y (a claimed value, a bound); grey dashed unless styled.
    public static func horizontalLine(
        _ y: Double, label: String? = nil, color: ChartColor? = nil,
        dash: Dash = .dashed
    ) -> Series {
        Series(kind: .horizontal(y), role: .guide, label: label, color: color, dash: dash, lineWidth: 1.2)
    }

    /// A vertical guide at x; grey dashed unless styled.
    public static func verticalLine(
        _ x: Double, label: String? = nil, color: ChartColor? = nil,
        dash: Dash = .dashed
    ) -> Series {
        Series(kind: .vertical(x), role: .guide, label: label, color: color, dash: dash, lineWidth: 1.2)
    }

    /// The unit circle |z| = 1, for eigenvalues in the complex plane (use with `Chart.complexPlane`).
    public static func unitCircle(label: String? = "|z| = 1", color: ChartColor = .grey) -> Series {
        let n = 256
        let angles = (0...n).map { 2 * Double.pi * Double($0) / Double(n) }
        var s = reference(
            angles.map { Foundation.cos($0) }, angles.map { Foundation.sin($0) }, label: label,
            color: color, dash: .dashed)
        s.role = .guide
        return s
    }

    /// A heat map over `xRange` × `yRange` with a colour bar (viridis). At most one per chart.
    public static func heatMap(
        _ values: [[Double]], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        colorLabel: String = "", colorRange: ClosedRange<Double>? = nil
    ) -> Series {
        Series(
            kind: .heatMap(
                HeatMapData(
                    values: values, xRange: xRange, yRange: yRange, colorLabel: colorLabel,
                    colorRange: colorRange)))
    }

    // MARK: Helpers

    /// "fit: slope −1.02 ± 0.03": a fitted parameter with its error, digits chosen from the error.
    public static func fitLabel(_ name: String, _ value: Double, _ error: Double?) -> String {
        let text = Measurement(value, error: error).formatted
        return "fit: \(name) " + TickGenerator.minus(text)
    }

    static func zipPoints(_ xs: [Double], _ ys: [Double], _ yErrors: [Double]?, _ xErrors: [Double]?) -> [DataPoint] {
        let n = min(xs.count, ys.count)
        return (0..<n).map { i in
            DataPoint(
                x: xs[i], y: ys[i],
                xError: xErrors.flatMap { i < $0.count ? $0[i] : nil },
                yError: yErrors.flatMap { i < $0.count ? $0[i] : nil })
        }
    }

    /// `count` points from range.lower to range.upper, evenly spaced in x or in log x.
    static func sampleGrid(_ range: ClosedRange<Double>, spacing: AxisScale, count: Int) -> [Double] {
        let n = max(2, count)
        let logSpaced = spacing == .log && range.lowerBound > 0
        let a = logSpaced ? Foundation.log10(range.lowerBound) : range.lowerBound
        let b = logSpaced ? Foundation.log10(range.upperBound) : range.upperBound
        return (0..<n).map { i in
            let u = a + (b - a) * Double(i) / Double(n - 1)
            return logSpaced ? Foundation.pow(10, u) : u
        }
    }
}
