import Foundation
import Physics

/// Measurements, tables and figures of the heat-capacity experiment.
struct HeatCapacityReport {
    var trained: HeatCapacityExperiment.Analysis
    var initial: HeatCapacityExperiment.Analysis
    var randomEnergy: PeakScaling
    var firstOrder: PeakScaling
    var checkpoint: String
    var settings: HeatCapacityExperiment.Settings

    func output() -> ExperimentOutput {
        var out = ExperimentOutput()
        out.measurements = measurements()
        out.tables = [headTable(), sizeTable(), scalingTable()]
        out.figures = [heatCapacityFigure(), orderFigure(), sizeFigure(), scalingFigure(), widthFigure()]
        out.notes = notes()
        return out
    }

    static func slope(_ s: PeakScaling.Slope?, label: String) -> Measurement {
        guard let s else { return Measurement(.nan, label: label + " (fewer than 3 size bins with a peak inside the grid)") }
        return Measurement(s.value, error: s.error, samples: s.replicates, label: label)
    }

    func measurements() -> [String: Measurement] {
        let sweep = trained.sweep
        var m: [String: Measurement] = [:]
        m[HeatKey.peakDrift] = Self.slope(
            trained.scaling.drift, label: "b = d log β*/d log log n of the intensive heat-capacity peak over size bins (0 at a finite-temperature transition)")
        m[HeatKey.peakSharpening] = Self.slope(
            trained.scaling.sharpening, label: "a = −d log W/d log log n, W the peak's width in log β (> 0 when the peak sharpens)")
        if let a = trained.scaling.sharpening, let r = randomEnergy.sharpening {
            m[HeatKey.sharpeningExcess] = Measurement(
                a.value - r.value, error: (a.error * a.error + r.error * r.error).squareRoot(),
                samples: min(a.replicates, r.replicates),
                label: "a(trained) − a(i.i.d. Gaussian scores): sharpening beyond that of rows with no finite-temperature transition")
        }
        m[HeatKey.sizeBins] = Measurement(
            Double(trained.scaling.bins.filter { $0.peak?.interior == true }.count),
            label: "size bins with a heat-capacity peak inside the β grid", pooling: .minimum)
        if let p = trained.meanPeak.peak {
            m[HeatKey.peakBeta] = Measurement(
                p.beta, error: p.beta * trained.meanPeak.logBetaError, samples: sweep.sequences,
                label: "β multiplier at the peak of C averaged over heads (the seed's \"symmetry-breaking\" temperature)")
            m[HeatKey.peakHeight] = Measurement(
                p.height, error: trained.meanPeak.heightError, samples: sweep.sequences,
                label: "C at that peak (nats²)")
        }
        if let k = sweep.unitIndex {
            let perSequence = (0..<sweep.sequences).map { b -> Double in
                let pooled = sweep.perHead.dropFirst().reduce(sweep.perHead[0][b]) { $0 + $1[b] }
                return pooled.mean(\.normalisedEntropy)[k]
            }
            let s = SampleSummary(perSequence)
            m[HeatKey.entropyAtModelBeta] = Measurement(
                s.mean, error: s.standardError, samples: s.count,
                label: "mean S_t/log(t+1) at β = 1 (the trained model as it runs)")
        }
        m[HeatKey.initialDrift] = Self.slope(initial.scaling.drift, label: "drift exponent b at initialisation")
        m[HeatKey.initialSharpening] = Self.slope(initial.scaling.sharpening, label: "sharpening exponent a at initialisation")
        m[HeatKey.randomEnergyDrift] = Self.slope(randomEnergy.drift, label: "b for i.i.d. Gaussian scores of the same std (random energy model, theory → ½)")
        m[HeatKey.randomEnergySharpening] = Self.slope(randomEnergy.sharpening, label: "a for i.i.d. Gaussian scores")
        m[HeatKey.firstOrderDrift] = Self.slope(firstOrder.drift, label: "b for a first-order transition at β_c = 1 (theory → 0)")
        m[HeatKey.firstOrderSharpening] = Self.slope(firstOrder.sharpening, label: "a for that transition (> 0)")
        return m
    }

    static func peakText(_ p: HeatCapacityPeak?, logError: Double) -> String {
        guard let p else { return "none" }
        let text = Measurement(p.beta, error: logError.isFinite ? p.beta * logError : nil).formatted
        return p.interior ? text : "\(text) (grid edge)"
    }

    /// "value ± error" of a finite-size exponent, "—" when it could not be fitted.
    static func slopeText(_ s: PeakScaling.Slope?) -> String {
        s.map { Measurement($0.value, error: $0.error).formatted } ?? "—"
    }

    func headTable() -> ReportTable {
        let sweep = trained.sweep
        let unit = sweep.unitIndex
        let rows = sweep.heads.indices.map { m -> [String] in
            let pooled = sweep.pooled(head: m)
            let p = trained.headPeaks[m], q = initial.headPeaks[m]
            return [
                sweep.heads[m].label,
                Self.peakText(p.peak, logError: p.logBetaError),
                p.peak.map { Measurement($0.height, error: p.heightError).formatted } ?? "—",
                p.peak?.logWidth.map { NumberText.of($0, digits: 3) } ?? "—",
                unit.map { NumberText.of(pooled.mean(\.normalisedEntropy)[$0], digits: 3) } ?? "—",
                unit.map { NumberText.of(pooled.mean(\.maxWeight)[$0], digits: 3) } ?? "—",
                Self.peakText(q.peak, logError: q.logBetaError),
            ]
        }
        let mean = trained.meanPeak
        let all = sweep.pooledAll
        let meanRow = [
            "mean of heads", Self.peakText(mean.peak, logError: mean.logBetaError),
            mean.peak.map { Measurement($0.height, error: mean.heightError).formatted } ?? "—",
            mean.peak?.logWidth.map { NumberText.of($0, digits: 3) } ?? "—",
            unit.map { NumberText.of(all.mean(\.normalisedEntropy)[$0], digits: 3) } ?? "—",
            unit.map { NumberText.of(all.mean(\.maxWeight)[$0], digits: 3) } ?? "—",
            Self.peakText(initial.meanPeak.peak, logError: initial.meanPeak.logBetaError),
        ]
        return ReportTable(
            title: "Heat-capacity peak per head (\(trained.name), \(checkpoint) checkpoint); errors: bootstrap over \(sweep.sequences) sequences",
            header: ["head", "β* (trained)", "C*", "FWHM in log β", "S/log n at β = 1", "max weight at β = 1", "β* at initialisation"],
            rows: rows + [meanRow])
    }

    func sizeTable() -> ReportTable {
        let sweep = trained.sweep
        let rows = sweep.bins.indices.map { j -> [String] in
            let b = trained.scaling.bins[j]
            let r = j < randomEnergy.bins.count ? randomEnergy.bins[j] : nil
            let f = j < firstOrder.bins.count ? firstOrder.bins[j] : nil
            return [
                "\(sweep.bins[j].lowerBound)–\(sweep.bins[j].upperBound)", String(b.rows), NumberText.of(b.meanLogKeys, digits: 3),
                Self.peakText(b.peak, logError: b.logBetaError),
                b.peak.map { Measurement($0.height, error: b.heightError).formatted } ?? "—",
                b.peak?.logWidth.map { NumberText.of($0, digits: 3) } ?? "—",
                Self.peakText(initial.scaling.bins[j].peak, logError: initial.scaling.bins[j].logBetaError),
                r.map { Self.peakText($0.peak, logError: $0.logBetaError) } ?? "—",
                f.map { Self.peakText($0.peak, logError: .nan) } ?? "—",
            ]
        }
        return ReportTable(
            title: "Peak of the intensive heat capacity c = C/log n by number of keys n (all heads pooled)",
            header: [
                "keys n", "rows", "mean log n", "β* trained", "c* trained", "FWHM trained", "β* at init",
                "β* i.i.d. Gaussian", "β* first-order ref.",
            ], rows: rows)
    }

    func scalingTable() -> ReportTable {
        func row(_ name: String, _ s: PeakScaling, _ expected: String) -> [String] {
            [
                name, Self.slopeText(s.drift), Self.slopeText(s.sharpening), expected,
            ]
        }
        return ReportTable(
            title: "Finite-size exponents: drift b = d log β*/d log log n, sharpening a = −d log W/d log log n",
            header: ["rows", "drift b", "sharpening a", "what a transition needs / reference"],
            rows: [
                row("trained transformer", trained.scaling, "transition: b ≤ 0, a above the i.i.d. row"),
                row("same model at initialisation", initial.scaling, "transition: b ≤ 0, a above the i.i.d. row"),
                row("i.i.d. Gaussian scores (REM, unscaled)", randomEnergy, "no finite β_c (b → ½ as n → ∞)"),
                row("first-order transition at β_c = 1", firstOrder, "β* → 1 from above (b < 0), a large"),
            ])
    }

    func heatCapacityFigure() -> Figure {
        let sweep = trained.sweep
        var chart = Chart(
            title: "Heat capacity of attention vs β multiplier (\(trained.name))", xLabel: "β multiplier (1 = the model)",
            yLabel: "C = β² Var(s) per row", xScale: .log)
        for m in sweep.heads.indices {
            chart.add(.line(sweep.betas, sweep.pooled(head: m).mean(\.heatCapacity), label: m < 8 ? sweep.heads[m].label : nil, lineWidth: 1))
        }
        chart.add(.line(sweep.betas, sweep.pooledAll.mean(\.heatCapacity), label: "mean of heads", color: .black, lineWidth: 2.6))
        if let p = trained.meanPeak.peak { chart.add(.verticalLine(p.beta, label: "peak β* = \(NumberText.of(p.beta, digits: 3))")) }
        chart.add(.verticalLine(1, label: "β = 1", color: .grey, dash: .dotted))
        return Figure(
            name: "thermo-heat-capacity",
            caption: "Heat capacity C(β) = β²Var_p(s) of the attention rows of each head "
                + "(thin lines, mean over causal rows and \(sweep.sequences) validation sequences) and averaged over heads (thick), "
                + "against a multiplier β on the model's scores; β = 1 is the model as it runs.", svg: chart.svg())
    }

    func orderFigure() -> Figure {
        let sweep = trained.sweep
        let all = sweep.pooledAll
        let fresh = initial.sweep.pooledAll
        var chart = Chart(title: "Attention sharpness vs β multiplier", xLabel: "β multiplier", yLabel: "mean over rows", xScale: .log)
        chart.add(.line(sweep.betas, all.mean(\.normalisedEntropy), label: "S / log n (trained)"))
        chart.add(.line(sweep.betas, all.mean(\.participationFraction), label: "participation ratio / n (trained)"))
        chart.add(.line(sweep.betas, all.mean(\.maxWeight), label: "max weight (trained)"))
        chart.add(.line(sweep.betas, fresh.mean(\.normalisedEntropy), label: "S / log n (initialisation)", color: .grey, dash: .dashed))
        chart.add(.verticalLine(1, label: "β = 1", color: .grey, dash: .dotted))
        chart.yDomain = 0...1.02
        return Figure(
            name: "thermo-order-parameters",
            caption: "Normalised entropy, participation ratio as a fraction of the visible "
                + "keys and largest weight, averaged over all heads and causal rows, against the β multiplier. The change "
                + "from uniform (left) to one-hot (right) is smooth.", svg: chart.svg())
    }

    func sizeFigure() -> Figure {
        let sweep = trained.sweep
        var chart = Chart(
            title: "Intensive heat capacity c = C/log n by number of keys", xLabel: "β multiplier",
            yLabel: "c = C / log n", xScale: .log)
        for j in sweep.bins.indices {
            let pooled = sweep.perBin.dropFirst().reduce(sweep.perBin[0][j]) { $0 + $1[j] }
            guard pooled.rows > 0 else { continue }
            chart.add(
                .line(
                    sweep.betas, pooled.mean(\.intensiveHeatCapacity),
                    label: "n = \(sweep.bins[j].lowerBound)–\(sweep.bins[j].upperBound)"))
        }
        return Figure(
            name: "thermo-finite-size",
            caption: "The heat capacity per unit of entropy to release, c = C/log n, of the "
                + "trained model's rows grouped by their number of keys n (area ≈ 1 under each curve in log β). A phase "
                + "transition would show as peaks that sharpen and stay at one β as n grows.", svg: chart.svg())
    }

    func scalingFigure() -> Figure {
        var chart = Chart(
            title: "Where the heat-capacity peak sits as the number of keys grows", xLabel: "log n",
            yLabel: "β* of c = C/log n", xScale: .log, yScale: .log)
        func add(_ s: PeakScaling, _ label: String, _ color: ChartColor) {
            let used = s.bins.filter { $0.peak?.interior == true }
            let x = used.map(\.meanLogKeys), y = used.map { $0.peak!.beta }
            let e = used.map { $0.logBetaError.isFinite ? $0.peak!.beta * $0.logBetaError : 0 }
            chart.add(.line(x, y, errors: e, label: label, color: color, markers: true))
        }
        add(trained.scaling, "trained transformer", .blue)
        add(initial.scaling, "at initialisation", .bluishGreen)
        add(randomEnergy, "i.i.d. Gaussian scores (REM)", .vermillion)
        add(firstOrder, "first-order transition at β_c = 1", .black)
        return Figure(
            name: "thermo-peak-scaling",
            caption: "Peak location β* of the intensive heat capacity against log n (log-log; "
                + "the slope is the drift exponent b). A transition at a finite temperature gives a flat line (black "
                + "reference); a fixed energy scale gives a peak that runs off to larger β as n grows.", svg: chart.svg())
    }

    func widthFigure() -> Figure {
        var chart = Chart(
            title: "Width of the heat-capacity peak as the number of keys grows", xLabel: "log n",
            yLabel: "FWHM of c = C/log n in log β", xScale: .log, yScale: .log)
        func add(_ s: PeakScaling, _ label: String, _ color: ChartColor) {
            let used = s.bins.filter { $0.peak?.logWidth != nil }
            let w = used.map { $0.peak!.logWidth! }
            chart.add(
                .line(
                    used.map(\.meanLogKeys), w, errors: zip(used, w).map { $0.logWidthError.isFinite ? $1 * $0.logWidthError : 0 },
                    label: label + (s.sharpening.map { " (a = " + Measurement($0.value, error: $0.error > 0 ? $0.error : nil).formatted + ")" } ?? ""),
                    color: color, markers: true))
        }
        add(trained.scaling, "trained transformer", .blue)
        add(initial.scaling, "at initialisation", .bluishGreen)
        add(randomEnergy, "i.i.d. Gaussian scores", .vermillion)
        add(firstOrder, "first-order transition", .black)
        chart.legend = .bottomLeft
        return Figure(
            name: "thermo-peak-width",
            caption: "Full width at half maximum (in log β) of the intensive heat-capacity "
                + "peak against log n (log-log; minus the slope is the sharpening exponent a). A transition narrows its "
                + "peak as n grows (black); rows without one narrow only a little (vermillion).", svg: chart.svg())
    }

    func notes() -> [String] {
        let sweep = trained.sweep
        var notes = [
            "Sweep: β multiplier on a log grid \(NumberText.of(settings.grid.low, digits: 2))…\(NumberText.of(settings.grid.high, digits: 2)) "
                + "(\(settings.grid.perDecade) points per decade) applied to the trained scores (which include the model's 1/√D); "
                + "causal row t has t + 1 keys and its entropy is normalised by log(t + 1); row t = 0 is skipped. "
                + "\(sweep.heads.count) heads, \(sweep.sequences) validation sequences of \(sweep.length) tokens; bootstrap over sequences "
                + "(\(settings.replicates) replicates). Score std over causal entries: \(NumberText.of(sweep.scoreStd, digits: 3)).",
            "Reading: a softmax row always has a heat-capacity peak (C → 0 at both ends, area log n − log g over log β). A phase "
                + "transition needs, as the number of keys n grows, a peak that stays at one β (drift b ≤ 0) and sharpens. At "
                + "n ≤ \(sweep.length) every row sharpens a little in these units, even i.i.d. Gaussian scores, which have no "
                + "finite-temperature transition; so the sharpening is judged against theirs (the excess), and a first-order "
                + "transition built at β_c = 1 shows what a real one gives at the same sizes.",
            "Bound: S ≥ −log max p ≥ log n − βR for a row whose scores span R, so at any fixed β the normalised entropy → 1 as "
                + "n → ∞ unless R grows with log n. LayerNorm bounds a trained model's scores independently of n, so the many-key "
                + "limit is the uniform (\"symmetric\") phase at every finite temperature.",
        ]
        if let d = trained.scaling.drift, let a = trained.scaling.sharpening {
            notes.append(
                "Trained model: drift b = \(Self.slopeText(d)), sharpening a = \(Self.slopeText(a)); i.i.d. Gaussian scores: b = "
                    + "\(Self.slopeText(randomEnergy.drift)), a = \(Self.slopeText(randomEnergy.sharpening)); first-order "
                    + "transition: b = \(firstOrder.drift.map { NumberText.of($0.value, digits: 3) } ?? "—"), a = "
                    + "\(firstOrder.sharpening.map { NumberText.of($0.value, digits: 3) } ?? "—").")
        }
        return notes
    }
}
