import Foundation
import Physics

/// The NN-QFT figures: |G4c| against N_h (with the noise floor, the fit and the −1 line), G4c
/// against d_k (log-log and against 1/d_k with the extrapolation to d_k = ∞), and G2 against
/// separation beside the RFF kernel.
enum NNQFTFigures {
    static func heads(rows: [NNQFTScan.Row], fit: NNQFTScan.Fit, control: ScalingAnalysis, shared: [NNQFTScan.Row]) -> [Figure] {
        var chart = Chart(
            title: "Connected 4-point function vs number of heads", xLabel: "N_h",
            yLabel: "|G4c| (mean of G4c(x_i,x_i,x_i,x_i))", xScale: .log, yScale: .log)
        let included = fit.direct.included, excluded = fit.direct.excluded
        chart.add(
            .scatter(
                included.map(\.x), included.map { abs($0.value.value) }, errors: included.map(\.value.error),
                label: "direct, above the noise floor", color: .blue))
        if let f = fit.direct.fit, let lo = included.map(\.x).min(), let hi = included.map(\.x).max() {
            chart.add(.powerLawFit(slope: f.slope, slopeError: f.slopeError, amplitude: exp(f.intercept), over: lo...hi, color: .blue))
        }
        if !excluded.isEmpty {
            chart.add(
                .scatter(
                    excluded.map(\.x), excluded.map { abs($0.value.value) }, errors: excluded.map(\.value.error),
                    label: "direct, excluded (below 3× floor or 3σ)", color: .grey))
        }
        chart.add(
            .scatter(
                rows.map { Double($0.heads) }, rows.map(\.g4cMixture.value), errors: rows.map(\.g4cMixture.error),
                label: "mixture Σ Cov(C, C)", color: .vermillion))
        if !shared.isEmpty {
            chart.add(
                .scatter(
                    shared.map { Double($0.heads) }, shared.map(\.g4cMixture.value), errors: shared.map(\.g4cMixture.error),
                    label: "mixture, embedding shared by the heads", color: .orange))
        }
        let xs = rows.map { Double($0.heads) }
        if let first = rows.first {
            chart.add(.reference(xs, xs.map { first.g4cMixture.value / $0 }, label: "∝ 1/N_h"))
        }
        let floor = rows.map(\.floor).reduce(0, +) / Double(max(1, rows.count))
        if floor > 0 { chart.add(.horizontalLine(floor, label: "Monte-Carlo noise floor")) }

        var controlChart = Chart(
            title: "Control: single-layer ReLU network, G4c vs hidden width", xLabel: "N",
            yLabel: "|G4c|", xScale: .log, yScale: .log)
        controlChart.add(
            .scatter(
                control.points.map(\.x), control.points.map { abs($0.value.value) },
                errors: control.points.map(\.value.error), label: "single-layer ReLU", color: .bluishGreen))
        if let f = control.fit, let lo = control.included.map(\.x).min(), let hi = control.included.map(\.x).max() {
            controlChart.add(
                .powerLawFit(
                    slope: f.slope, slopeError: f.slopeError, amplitude: exp(f.intercept), over: lo...hi,
                    color: .bluishGreen))
        }
        let cfloor = control.points.map(\.floor).reduce(0, +) / Double(max(1, control.points.count))
        if cfloor > 0 { controlChart.add(.horizontalLine(cfloor, label: "noise floor")) }
        return [
            Figure(
                name: "nnqft-heads",
                caption:
                    "|G4c| against N_h for N_h independent random heads summed with 1/√N_h (d_k = d_v = 16): direct estimator with jackknife errors and its weighted least-squares fit over the points above 3× the Monte-Carlo noise floor, the mixture representation, and the 1/N_h line; in orange, heads that share one embedding draw (not independent) level off.",
                svg: chart.svg()),
            Figure(
                name: "nnqft-heads-control", caption: "The same estimator and fit on the single-hidden-layer ReLU network, whose G4c is exactly κ4/N.",
                svg: controlChart.svg()),
        ]
    }

    static func width(
        rows: [NNQFTScan.Row], standard: [NNQFTScan.Row], quenched: NNQFTScan.Row, uniform: NNQFTScan.Row,
        extrapolation: WeightedLineFit?
    ) -> [Figure] {
        let finite = rows.filter { $0.keyWidth != nil }
        let infinite = rows.first { $0.keyWidth == nil }
        var chart = Chart(
            title: "Single-head G4c vs key width", xLabel: "d_k", yLabel: "G4c (mean over the ring)",
            xScale: .log, yScale: .log)
        let xs = finite.map { Double($0.keyWidth!) }
        chart.add(.scatter(xs, finite.map(\.g4c.value), errors: finite.map(\.g4c.error), label: "direct, d_v = ∞", color: .blue))
        chart.add(
            .scatter(
                xs, finite.map(\.g4cMixture.value), errors: finite.map(\.g4cMixture.error), label: "mixture, d_v = ∞",
                color: .vermillion))
        if !standard.isEmpty {
            chart.add(
                .scatter(
                    standard.map { Double($0.keyWidth!) }, standard.map(\.g4c.value), errors: standard.map(\.g4c.error),
                    label: "direct, d_v = d_k", color: .bluishGreen))
        }
        if let infinite {
            chart.add(.horizontalLine(infinite.g4cMixture.value, label: "d_k = ∞ sample (mixture)", color: .vermillion))
        }
        if let lo = xs.min(), let hi = xs.max(), let first = finite.first {
            chart.add(.function(over: lo...hi, spacing: .log, label: "∝ 1/d_k (no persistence)") { first.g4cMixture.value * lo / $0 })
        }

        var linear = Chart(title: "Extrapolation of single-head G4c to d_k = ∞", xLabel: "1/d_k", yLabel: "G4c")
        let inv = finite.map { 1 / Double($0.keyWidth!) }
        linear.add(.scatter(inv, finite.map(\.g4c.value), errors: finite.map(\.g4c.error), label: "direct", color: .blue))
        linear.add(
            .scatter(
                inv, finite.map(\.g4cMixture.value), errors: finite.map(\.g4cMixture.error), label: "mixture",
                color: .vermillion))
        if let e = extrapolation, let hi = inv.filter({ $0 <= 1.0 / 8 }).max() {
            linear.add(
                .linearFit(
                    slope: e.slope, slopeError: e.slopeError, intercept: e.intercept, over: 0...hi,
                    label: "fit c∞ + c₁/d_k: c∞ " + Measurement(e.intercept, error: e.interceptError).formatted,
                    color: .blue))
        }
        if let infinite {
            linear.add(.scatter([0], [infinite.g4c.value], errors: [infinite.g4c.error], label: "d_k = ∞ sample", color: .black))
        }
        linear.add(
            .scatter(
                [0], [quenched.g4c.value], errors: [quenched.g4c.error], label: "d_k = ∞, embedding quenched",
                color: .reddishPurple))
        linear.add(
            .scatter(
                [0], [uniform.g4c.value], errors: [uniform.g4c.error], label: "d_k = ∞, β = 0 (uniform attention)",
                color: .orange))
        linear.add(.horizontalLine(0, label: nil))
        return [
            Figure(
                name: "nnqft-width",
                caption:
                    "G4c of one head against d_k (d_v = ∞ so only the query/key width varies; d_v = d_k in green), with the exact d_k = ∞ sample and the 1/d_k decay a vanishing non-Gaussianity would follow.",
                svg: chart.svg()),
            Figure(
                name: "nnqft-width-extrapolation",
                caption:
                    "The same against 1/d_k: the fit c∞ + c₁/d_k, the d_k = ∞ sample, and two controls at d_k = ∞ — only the query/key weights random (quenched embedding) and uniform attention (β = 0, only the embedding random).",
                svg: linear.svg()),
        ]
    }

    static func kernel(chords: [Double], direct: [JackknifeValue], attention: [JackknifeValue], lengthScale: Double) -> [Figure] {
        var chart = Chart(title: "Two-point function vs separation", xLabel: "|x − y|", yLabel: "G2(|x − y|)/G2(0)")
        chart.add(.scatter(chords, direct.map(\.value), errors: direct.map(\.error), label: "G2 direct", color: .blue))
        chart.add(
            .scatter(
                chords, attention.map(\.value), errors: attention.map(\.error), label: "G2 from attention weights",
                color: .vermillion))
        let hi = max(chords.max() ?? 1, 1e-9)
        chart.add(
            .function(over: 0...hi, label: "RFF kernel exp(−r²/2ℓ²)") {
                RandomFourierFeatures.kernel(distance: $0, lengthScale: lengthScale)
            })
        chart.yDomain = 0...1.05
        return [
            Figure(
                name: "nnqft-kernel",
                caption:
                    "G2 of one head (d_k = d_v = 16) on the ring of points, normalised to G2(0), against the separation, beside the RFF kernel the embedding estimates: attention mixes the tokens, so G2 is the kernel smoothed by two random attention matrices.",
                svg: chart.svg())
        ]
    }
}
