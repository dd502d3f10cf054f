import Foundation
import Testing

@testable import Lab

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses an SVG string as XML and collects its elements (name + attributes), or records the error.
final class SVGProbe: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    var error: Error?

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append((name, attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }

    func all(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
}

@Suite struct ChartTests {
    @Test func niceStepsAreOneTwoFiveTimesAPowerOfTen() {
        #expect(TickGenerator.niceStep(0.7) == 1)
        #expect(TickGenerator.niceStep(1.3) == 2)
        #expect(TickGenerator.niceStep(2.2) == 2.5)
        #expect(TickGenerator.niceStep(3.1) == 5)
        #expect(TickGenerator.niceStep(7) == 10)
        #expect(abs(TickGenerator.niceStep(0.0031) - 0.005) < 1e-15)
    }

    @Test func linearTicksAreNiceAndCoverTheData() {
        let (lo, hi) = TickGenerator.niceDomain(.linear, min: 0.13, max: 9.71, targetTicks: 5)
        #expect(lo <= 0.13 && hi >= 9.71)
        let ticks = TickGenerator.ticks(.linear, lower: lo, upper: hi, targetTicks: 5)
        #expect(ticks.first!.value <= 0.13 && ticks.last!.value >= 9.71)
        #expect(ticks.count >= 3 && ticks.count <= 12)
        let step = ticks[1].value - ticks[0].value
        for t in ticks {
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1, 2, 2.5, 5].contains { abs($0 - mantissa) < 1e-9 })
            #expect(abs(t.value / step - (t.value / step).rounded()) < 1e-9)
        }
        #expect(ticks.map(\.mantissa) == ["0", "2", "4", "6", "8", "10"])
        let negative = TickGenerator.ticks(.linear, lower: -1, upper: 1, targetTicks: 4)
        #expect(negative.map(\.mantissa) == ["−1.0", "−0.5", "0.0", "0.5", "1.0"])
    }

    @Test func logTicksAreDecades() {
        let (lo, hi) = TickGenerator.niceDomain(.log, min: 0.03, max: 420, targetTicks: 6)
        #expect(lo == 0.01 && hi == 1000)
        let majors = TickGenerator.ticks(.log, lower: lo, upper: hi, targetTicks: 6).filter(\.isMajor)
        #expect(majors.map(\.value).map { log10($0).rounded() } == [-2, -1, 0, 1, 2, 3])
        for t in majors { #expect(abs(log10(t.value) - log10(t.value).rounded()) < 1e-12) }
        #expect(majors.first?.plainLabel == "10^−2")
        // Many decades: every k-th decade, still decades.
        let wide = TickGenerator.ticks(.log, lower: 1e-20, upper: 1e20, targetTicks: 6).filter(\.isMajor)
        #expect(wide.count <= 8 && wide.count >= 3)
        for t in wide { #expect(abs(log10(t.value) - log10(t.value).rounded()) < 1e-9) }
    }

    @Test func pointsLandOnTheRightPixels() throws {
        var chart = Chart(title: "map", xLabel: "x", yLabel: "y")
        chart.xDomain = 0...10
        chart.yDomain = 0...1
        chart.add(.scatter([5], [0.25], label: "one"))
        let layout = chart.layout()
        #expect(abs(layout.x.pixel(5) - (layout.plotLeft + layout.plotWidth / 2)) < 1e-9)
        #expect(abs(layout.y.pixel(0.25) - (layout.plotTop + 0.75 * layout.plotHeight)) < 1e-9)
        // The marker path starts at (cx − r, cy).
        let probe = SVGProbe(chart.svg())
        #expect(probe.error == nil)
        let marker = try #require(probe.all("path").first { ($0["d"] ?? "").hasPrefix("M") && $0["fill"] == ChartColor.blue.hex })
        let start = marker["d"]!.dropFirst().split(separator: "a")[0].split(separator: " ").map { Double($0)! }
        #expect(abs(start[0] + 3.6 - layout.x.pixel(5)) < 0.02)
        #expect(abs(start[1] - layout.y.pixel(0.25)) < 0.02)

        var logChart = Chart(title: "log", xScale: .log, yScale: .log)
        logChart.add(.scatter([1, 10, 100], [1e-3, 1e-2, 1e-1]))
        let l = logChart.layout()
        #expect(l.x.lower == 1 && l.x.upper == 100)
        let mid = l.x.pixel(10)
        #expect(abs(mid - (l.plotLeft + l.plotWidth / 2)) < 1e-9)
    }

    @Test func svgIsWellFormedWithEscapedText() {
        var chart = Chart(title: "a < b & \"c\" 'd'", xLabel: "x > 0", yLabel: "⟨E⟩ − F", xScale: .log, yScale: .log)
        chart.add(.scatter([1, 2, 4, 8], [1, 0.5, 0.26, 0.12], errors: [0.1, 0.05, 0.02, 0.01], label: "data <1>"))
        chart.add(.powerLawFit(slope: -1.02, slopeError: 0.04, amplitude: 1, over: 1...8))
        chart.add(.reference([1, 8], [1, 0.125], label: "1/x"))
        let svg = chart.svg()
        let probe = SVGProbe(svg)
        #expect(probe.error == nil, "\(String(describing: probe.error))")
        let root = probe.elements.first!
        #expect(root.name == "svg")
        #expect(root.attributes["width"] == "640" && root.attributes["height"] == "420")
        #expect(root.attributes["viewBox"] == "0 0 640 420")
        #expect(probe.texts.joined().contains("a < b & \"c\" 'd'"))
        #expect(probe.texts.joined().contains("fit: slope −1.02 ± 0.04"))
        // The fit is dashed and takes the data colour.
        #expect(probe.all("polyline").contains { $0["stroke-dasharray"] == "7 4" && $0["stroke"] == ChartColor.blue.hex })
    }

    @Test func degenerateInputsDoNotTrap() {
        let cases: [Chart] = {
            var list: [Chart] = []
            list.append(Chart(title: "empty"))
            var one = Chart(title: "one point"); one.add(.scatter([3], [3])); list.append(one)
            var flat = Chart(title: "zero range"); flat.add(.line([1, 2, 3], [5, 5, 5])); list.append(flat)
            var nan = Chart(title: "nan"); nan.add(.line([1, .nan, 3, .infinity], [1, 2, .nan, 4], errors: [.nan, 1, 1, 1])); list.append(nan)
            var logNeg = Chart(title: "log", xScale: .log, yScale: .log)
            logNeg.add(.scatter([-1, 0, 1, 10], [1, -2, 0, 5], errors: [1, 1, 1, 10])); list.append(logNeg)
            var allBad = Chart(title: "all bad", yScale: .log); allBad.add(.scatter([1, 2], [-1, 0])); list.append(allBad)
            var hist = Chart(title: "hist"); hist.add(.histogram([], bins: 10)); hist.add(.histogram([2, 2, 2], bins: 5)); list.append(hist)
            var heat = Chart(title: "heat"); heat.add(.heatMap([[1]], xRange: 0...1, yRange: 0...1)); list.append(heat)
            var heatNaN = Chart(title: "heat nan"); heatNaN.add(.heatMap([[.nan, 1], [2, .nan]], xRange: 0...2, yRange: 0...2)); list.append(heatNaN)
            var emptyHeat = Chart(title: "heat empty"); emptyHeat.add(.heatMap([], xRange: 0...1, yRange: 0...1)); list.append(emptyHeat)
            var tiny = Chart(title: "tiny", width: 10, height: 10); tiny.add(.scatter([1, 2], [1, 2], label: "a very long legend label indeed"));
            list.append(tiny)
            return list
        }()
        for chart in cases {
            let probe = SVGProbe(chart.svg())
            #expect(probe.error == nil, "\(chart.title): \(String(describing: probe.error))")
            let l = chart.layout()
            #expect(l.x.lower < l.x.upper && l.y.lower < l.y.upper, "\(chart.title)")
            #expect(l.x.lower.isFinite && l.y.upper.isFinite)
        }
    }

    @Test func complexPlaneHasEqualAspectAndUnitCircle() {
        var chart = Chart.complexPlane(title: "eigenvalues")
        chart.add(.scatter([0.5, -0.9, 1.2], [0.1, 0.3, -0.2], label: "layer 1"))
        let l = chart.layout()
        let unitsPerPixelX = (l.x.upper - l.x.lower) / l.plotWidth
        let unitsPerPixelY = (l.y.upper - l.y.lower) / l.plotHeight
        #expect(abs(unitsPerPixelX / unitsPerPixelY - 1) < 1e-9)
        #expect(l.x.lower <= -1 && l.x.upper >= 1.2 && l.y.lower <= -1 && l.y.upper >= 1)
        #expect(SVGProbe(chart.svg()).error == nil)
    }

    @Test func heatMapHasColorBarAndOneRectPerCell() {
        var chart = Chart(title: "JS divergence", xLabel: "head", yLabel: "head")
        let values = (0..<4).map { i in (0..<5).map { j in Double(i * 5 + j) } }
        chart.add(.heatMap(values, xRange: 0...5, yRange: 0...4, colorLabel: "JS (nats)"))
        let probe = SVGProbe(chart.svg())
        #expect(probe.error == nil)
        let l = chart.layout()
        #expect(l.color?.lower == 0 && l.color?.upper == 19)
        // 20 cells + 64 colour-bar slices + frame rects.
        let viridis = probe.all("rect").filter { ($0["fill"] ?? "").hasPrefix("#") && $0["fill"] != "#ffffff" && $0["fill"] != "none" }
        #expect(viridis.count == 20 + 64)
        #expect(viridis.first?["fill"] == Viridis.color(0).hex)
        #expect(probe.texts.contains("JS (nats)"))
    }

    @Test func histogramCountsEveryFiniteValue() {
        let s = Series.histogram([0, 0.1, 0.5, 0.99, 1, .nan, 2], bins: 2, range: 0...1)
        guard case .bars(let edges, let heights) = s.kind else { Issue.record("not bars"); return }
        #expect(edges == [0, 0.5, 1])
        #expect(heights == [2, 3])
        let density = Series.histogram([0, 0.1, 0.6, 0.9], bins: 2, range: 0...1, density: true)
        guard case .bars(_, let d) = density.kind else { return }
        #expect(abs(d.reduce(0, +) * 0.5 - 1) < 1e-12)
    }
}
