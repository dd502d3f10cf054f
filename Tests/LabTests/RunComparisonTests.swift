import Foundation
import Testing

@testable import Lab

/// `attnlab report RUN_A RUN_B`: several runs' verdicts side by side.
@Suite struct RunComparisonTests {
    /// Measures x = 1 at smoke scale and x = 5 above, so the claim "x ≤ 2" changes verdict.
    struct ScaleProbe: Experiment {
        var id = "probe.x"
        var title = "Probe"
        func run(_ context: ExperimentContext) throws -> ExperimentOutput {
            var output = ExperimentOutput(measurements: ["x": Measurement(context.scale == .smoke ? 1 : 5, error: 0.1)])
            output.trainedScale = ModelScale(parameters: 1000, tokens: 2000, corpus: "probe text")
            return output
        }
    }

    static let claims = [
        Claim(
            id: "probe.small", seed: Seed.bornRule, section: "§", statement: "x is small", claimed: "x ≤ 2", experiment: "probe.x",
            evidence: .simulation, rule: .atMost("x", 2)),
        Claim(
            id: "probe.positive", seed: Seed.bornRule, section: "§", statement: "x is positive", claimed: "x ≥ 0", experiment: "probe.x",
            evidence: .identity, rule: .atLeast("x", 0)),
    ]

    static func run(_ scale: Scale, into url: URL) throws {
        let plan = try RunPlan.resolve(claimIDs: [], all: true, claims: claims, experiments: [ScaleProbe()])
        let configuration = RunConfiguration(
            scale: scale, seed: 3, seeds: 2, claims: plan.claims.map(\.id),
            experiments: plan.experiments.map(\.id), all: true, isolation: .inProcess)
        let run = try RunDirectory.create(requested: url, scale: scale)
        _ = try Runner(plan: plan, configuration: configuration, directory: run, isolation: .inProcess).run()
    }

    @Test func changedVerdictsAreMarkedAndEachRunIsDescribed() throws {
        let temp = TemporaryDirectory()
        let a = temp.url.appendingPathComponent("smoke-run"), b = temp.url.appendingPathComponent("quick-run")
        try Self.run(.smoke, into: a)
        try Self.run(.quick, into: b)
        let comparison = try RunComparison(runs: [a, b], registry: Self.claims)
        #expect(comparison.claimIDs == ["probe.small", "probe.positive"])
        #expect(comparison.changed("probe.small") && !comparison.changed("probe.positive"))
        #expect(comparison.runs.map { $0.outcome("probe.small")?.verdict.label } == ["reproduced", "contradicted"])
        let text = comparison.text()
        #expect(text.contains("* probe.small") && text.contains("  probe.positive") && text.contains("1 of 2 claims change verdict"))
        #expect(text.contains("smoke · master seed 3 · 2 seeds per experiment") && text.contains("probe text"))
        let html = comparison.html()
        #expect(html.contains("row-changed") && html.contains("quick-run") && html.contains("smoke-run") && !html.contains("<script"))
        // A folder that is not a run is named in the error.
        let notARun = temp.url.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: notARun, withIntermediateDirectories: true)
        #expect(throws: LabError.self) { try RunComparison(runs: [a, notARun], registry: Self.claims) }
    }

    /// The comparison page renders in headless Chromium like report.html does.
    @Test(.tags(.slow), .skippedInFastRuns) func comparisonPageRendersInHeadlessChromium() throws {
        guard let chromium = chromiumExecutable() else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("CI=true but chromium is not installed") }
            return
        }
        let temp = TemporaryDirectory()
        let a = temp.url.appendingPathComponent("a"), b = temp.url.appendingPathComponent("b")
        try Self.run(.smoke, into: a)
        try Self.run(.quick, into: b)
        let page = temp.url.appendingPathComponent("compare.html")
        try Data(try RunComparison(runs: [a, b], registry: Self.claims).html().utf8).write(to: page)
        let blank = temp.url.appendingPathComponent("blank.html")
        try Data("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body></body></html>".utf8).write(to: blank)
        let blankPNG = try screenshot(blank, to: temp.url.appendingPathComponent("blank.png"), chromium: chromium)
        let pagePNG = try screenshot(page, to: temp.url.appendingPathComponent("compare.png"), chromium: chromium)
        let image = try PNGImage(data: pagePNG)
        #expect(image.width == 1200 && image.height == 2000)
        #expect(pagePNG.count > 3 * blankPNG.count, "the page rendered nearly blank")
        #expect(inkedFraction(image) > 0.01, "the page has almost no ink")
    }
}
