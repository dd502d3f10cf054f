import Testing

@testable import Lab

private func evidence(_ m: [String: Measurement], scale: Scale = .quick) -> Evidence { Evidence(measurements: m, scale: scale) }

@Suite struct VerdictRuleTests {
    @Test func agreesInsideAndOutsideTheBand() {
        // Claimed 0.34 ± 0.02 (KPZ β); combined σ for a measurement with error 0.015 is 0.025.
        let rule = VerdictRule.agrees("beta", with: 0.34, claimedError: 0.02)
        #expect(rule.judge(evidence(["beta": Measurement(0.36, error: 0.015)])).label == "reproduced")
        #expect(rule.judge(evidence(["beta": Measurement(0.389, error: 0.015)])).label == "reproduced")  // 1.96σ
        #expect(rule.judge(evidence(["beta": Measurement(0.391, error: 0.015)])).label == "contradicted")  // 2.04σ
        #expect(rule.judge(evidence(["beta": Measurement(0.25, error: 0.015)])).label == "contradicted")
        #expect(rule.measurementNames == ["beta"])
        let reason = rule.judge(evidence(["beta": Measurement(0.25, error: 0.015)])).reason
        #expect(reason.contains("3.6σ"), "\(reason)")
    }

    @Test func missingNaNAndUncertaintyFreeMeasurementsAreInconclusive() {
        let rule = VerdictRule.agrees("x", with: 1)
        #expect(rule.judge(evidence([:])).label == "inconclusive")
        #expect(rule.judge(evidence([:])).reason.contains("'x' is missing"))
        #expect(rule.judge(evidence(["x": Measurement(.nan, error: 0.1)])).label == "inconclusive")
        #expect(rule.judge(evidence(["x": Measurement(1.0)])).label == "inconclusive")  // no σ at all
        #expect(VerdictRule.agrees("x", with: 1, tolerance: 0.1).judge(evidence(["x": Measurement(1.05)])).label == "reproduced")
        let imprecise = VerdictRule.agrees("x", with: 1, maxError: 0.5)
        #expect(imprecise.judge(evidence(["x": Measurement(1.2, error: 3)])).label == "inconclusive")
    }

    @Test func intervalContainment() {
        let rule = VerdictRule.inInterval("gamma", 1.05...1.35)
        #expect(rule.judge(evidence(["gamma": Measurement(1.2, error: 0.01)])).label == "reproduced")
        #expect(rule.judge(evidence(["gamma": Measurement(1.37, error: 0.02)])).label == "inconclusive")  // 1σ outside
        #expect(rule.judge(evidence(["gamma": Measurement(1.5, error: 0.02)])).label == "contradicted")
        #expect(rule.judge(evidence(["gamma": Measurement(0.9)])).label == "contradicted")  // exact and outside
    }

    @Test func boundsAreThreeWay() {
        let upper = VerdictRule.atMost("d", 1e-12)
        #expect(upper.judge(evidence(["d": Measurement(3e-16)])).label == "reproduced")
        #expect(upper.judge(evidence(["d": Measurement(2e-12)])).label == "contradicted")
        #expect(upper.judge(evidence(["d": Measurement(3.5, error: 1)])).label == "contradicted")
        #expect(upper.judge(evidence(["d": Measurement(1.5, error: 1)])).label == "inconclusive")
        let lower = VerdictRule.atLeast("phi", 50)
        #expect(lower.judge(evidence(["phi": Measurement(51, error: 5)])).label == "reproduced")
        #expect(lower.judge(evidence(["phi": Measurement(45, error: 5)])).label == "inconclusive")
        #expect(lower.judge(evidence(["phi": Measurement(30, error: 5)])).label == "contradicted")
    }

    @Test func orderingOfTwoMeasurements() {
        let rule = VerdictRule.less("qsf", than: "transformer")
        #expect(rule.judge(evidence(["qsf": Measurement(2.08, error: 0.02), "transformer": Measurement(2.73, error: 0.02)])).label == "reproduced")
        #expect(rule.judge(evidence(["qsf": Measurement(2.70, error: 0.02), "transformer": Measurement(2.73, error: 0.02)])).label == "inconclusive")
        #expect(rule.judge(evidence(["qsf": Measurement(2.9, error: 0.02), "transformer": Measurement(2.73, error: 0.02)])).label == "contradicted")
        #expect(rule.judge(evidence(["qsf": Measurement(2.0)])).label == "inconclusive")
    }

    @Test func allOfCombines() {
        let rule = VerdictRule.allOf([.atMost("a", 1), .atLeast("b", 0)])
        #expect(rule.measurementNames == ["a", "b"])
        #expect(rule.judge(evidence(["a": Measurement(0.5), "b": Measurement(2)])).label == "reproduced")
        #expect(rule.judge(evidence(["a": Measurement(5), "b": Measurement(2)])).label == "contradicted")
        #expect(rule.judge(evidence(["a": Measurement(0.5)])).label == "inconclusive")
        // A contradiction wins over a missing measurement.
        #expect(rule.judge(evidence(["a": Measurement(5)])).label == "contradicted")
        let withUntestable = VerdictRule.allOf([.atMost("a", 1), .untestable("not measurable")])
        #expect(withUntestable.judge(evidence(["a": Measurement(0.5)])).label == "untestable")
    }

    @Test func tooFewSamplesOrTooSmallAScaleAreInconclusive() {
        let rule = VerdictRule.agrees("g4", with: -1, claimedError: 0, sigmas: 2).requiringSamples(1000, of: "g4")
        #expect(rule.judge(evidence(["g4": Measurement(-1.01, error: 0.02, samples: 10)])).label == "inconclusive")
        #expect(rule.judge(evidence(["g4": Measurement(-1.01, error: 0.02, samples: 10)])).reason.contains("only 10 samples"))
        #expect(rule.judge(evidence(["g4": Measurement(-1.01, error: 0.02)])).label == "inconclusive")
        #expect(rule.judge(evidence(["g4": Measurement(-1.01, error: 0.02, samples: 5000)])).label == "reproduced")
        #expect(rule.judge(evidence(["g4": Measurement(-3, error: 0.02, samples: 5000)])).label == "contradicted")
        #expect(rule.measurementNames == ["g4"])
        let scaled = VerdictRule.atMost("loss", 2.1).requiringScale(.small)
        #expect(scaled.judge(evidence(["loss": Measurement(2.0)], scale: .quick)).label == "inconclusive")
        #expect(scaled.judge(evidence(["loss": Measurement(2.0)], scale: .paper)).label == "reproduced")
    }

    @Test func claimWithoutExperimentIsNotImplemented() {
        let claim = Claim(
            id: "x.y", seed: Seed.bornRule, section: "§1", statement: "s", claimed: "c", experiment: nil,
            evidence: .simulation, rule: .atMost("a", 1))
        #expect(claim.verdict(evidence(["a": Measurement(0)])) == .notImplemented)
    }

    @Test func measurementsAreRoundedByTheParticleDataGroupRule() {
        #expect(Measurement(0.3341, error: 0.0123).formatted == "0.334 ± 0.012")
        #expect(Measurement(-1.0213, error: 0.04).formatted == "-1.02 ± 0.04")
        #expect(Measurement(2.0812, error: 0.0097).formatted == "2.081 ± 0.010")
        #expect(Measurement(12_345, error: 370).formatted == "12300 ± 400")
        #expect(Measurement(1.234e-7, error: 5e-9).formatted == "(1.23 ± 0.05)e-7")
        #expect(Measurement(3.5).formatted == "3.500")
        #expect(Measurement(137_024).formatted == "137024")
        #expect(Measurement(2.5e6 + 0.5).formatted == "2.500e+06")
    }
}
