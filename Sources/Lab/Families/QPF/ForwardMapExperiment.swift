import Foundation
import Physics
import TensorCore

/// Seed 004's annealer test, in simulation: a one-hot forward map over K channels (biases Δ_k,
/// one-hot penalty A) is sampled by (i) Gibbs chains at β, (ii) simulated annealing to β,
/// (iii) simulated quantum annealing (path-integral Monte Carlo at β) and (iv) closed-system
/// coherent annealing (exact state vector), the last three at several anneal lengths. The
/// valid read-outs are fitted by the softmax p ∝ exp(−aΔ) and the Lorentzian p ∝ 1/(Δ² + c²)
/// by maximum likelihood and compared by KL, with bootstrap errors; the fitted softmax slope is
/// followed against anneal length.
struct ForwardMapExperiment: RegisteredExperiment {
    static let experimentID = "qpf.forward-map"
    var title: String { "One-hot forward map: softmax vs Lorentzian fits for thermal, annealed and quantum samplers" }

    struct Settings {
        var channels: Int
        /// Read-outs per point; the Gibbs point, the fastest and the longest anneal of each sampler
        /// (the two ends of `qpf.fast-anneal-slope`'s KL change) and every coherent point (whose
        /// read-outs are cheap) get `standardSamples`.
        var samples: Int
        var standardSamples: Int
        var bootstrap: Int
        var annealingSweeps: [Int]
        var quantumSweeps: [Int]
        var slices: Int
        var coherentTimes: [Double]

        init(_ scale: Scale) {
            (channels, samples, standardSamples, bootstrap, slices) = scale.simulation(
                smoke: (6, 1000, 2000, 30, 8), quick: (8, 4000, 20_000, 100, 8), paper: (8, 100_000, 200_000, 400, 32))
            (annealingSweeps, quantumSweeps, coherentTimes) = scale.simulation(
                smoke: ([2, 16, 128], [4, 32], [1, 8]),
                quick: ([1, 2, 4, 8, 16, 64, 256, 1024], [4, 8, 16, 32, 64, 128], [0.5, 1, 2, 4, 8, 16, 32]),
                paper: (
                    [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096], [4, 8, 16, 32, 64, 128, 256, 512, 1024],
                    [0.5, 1, 2, 4, 8, 16, 32, 64, 128]
                ))
        }
    }

    /// Inverse temperature of the Gibbs sampler, the end of the classical anneal and the bath of
    /// the quantum anneal; gaps span [0, maxGap]; penalty A; initial transverse field Γ₀.
    static let beta = 4.0
    static let maxGap = 1.0
    static let penalty = 2.0
    static let initialField = 2.0

    /// The samplers, by key, as named in measurements (the same four as `attnlab qpf forward-map`).
    typealias Sampler = QPFTools.SamplerKind

    /// One sampler at one anneal length.
    struct Point: Sendable {
        var sampler: Sampler
        /// Sweeps (SA, SQA), anneal time (coherent) or 0 (Gibbs).
        var length: Double
        var sample: ForwardMapSample
        var comparison: FamilyComparison
    }

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale)
        let map = OneHotForwardMap.evenlySpaced(channels: settings.channels, maxGap: Self.maxGap, penalty: Self.penalty)
        let schedule = AnnealSchedule(initialField: Self.initialField)
        var jobs: [(Sampler, Double)] = [(.gibbs, 0)]
        jobs += settings.annealingSweeps.map { (.sa, Double($0)) }
        jobs += settings.quantumSweeps.map { (.sqa, Double($0)) }
        jobs += settings.coherentTimes.map { (.coherent, $0) }
        context.log("K = \(settings.channels) channels, \(settings.samples) read-outs per point, \(jobs.count) points")
        var points: [Point] = []
        // The fastest and the longest anneal of each series.
        let ends: [Sampler: Set<Double>] = [
            .sa: [Double(settings.annealingSweeps.first!), Double(settings.annealingSweeps.last!)],
            .sqa: [Double(settings.quantumSweeps.first!), Double(settings.quantumSweeps.last!)],
        ]
        for (index, job) in jobs.enumerated() {
            // Each job gets its own root seed (not a stream: samplers take streams of it).
            let rng = SeededRNG(seed: context.seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x7170_665F_666D &+ UInt64(index) &* 7919)
            let standard = job.0 == .gibbs || job.0 == .coherent || ends[job.0]?.contains(job.1) == true
            let samples = standard ? settings.standardSamples : settings.samples
            let (sample, comparison) = QPFTools.forwardMapPoint(
                job.0, length: job.1, map: map, schedule: schedule, beta: Self.beta, slices: settings.slices, samples: samples,
                bootstrap: settings.bootstrap, rng: rng)
            if let comparison { points.append(Point(sampler: job.0, length: job.1, sample: sample, comparison: comparison)) }
            context.metrics.log(
                [
                    "length": job.1, "valid-fraction": sample.validFraction,
                    "softmax-slope": comparison?.softmax.parameter ?? .nan,
                    "kl-softmax": comparison?.softmax.kl ?? .nan, "kl-lorentzian": comparison?.lorentzian.kl ?? .nan,
                ],
                fields: ["sampler": job.0.rawValue])
        }

        var output = ExperimentOutput()
        for sampler in Sampler.allCases {
            let series = points.filter { $0.sampler == sampler }
            guard let standard = series.last else { continue }
            let c = standard.comparison
            let lengthText =
                sampler == .gibbs
                ? " (softmax by construction: the harness's positive control)"
                : " at the longest anneal (\(Self.lengthText(sampler, standard.length)))"
            output.measurements[QPFKey.klDifference(sampler)] = Measurement(
                c.klDifference, error: c.differenceError,
                samples: standard.sample.valid, unit: "nats",
                label: "KL(Lorentzian fit) − KL(softmax fit), \(sampler.title)\(lengthText); > 0: softmax fits better (bootstrap s.e.)")
            output.measurements[QPFKey.klSoftmax(sampler)] = Measurement(
                c.softmax.kl, error: c.softmaxKLError, samples: standard.sample.valid,
                unit: "nats", label: "KL(read-outs ‖ softmax fit), \(sampler.title)\(lengthText)")
            output.measurements[QPFKey.klLorentzian(sampler)] = Measurement(
                c.lorentzian.kl, error: c.lorentzianKLError,
                samples: standard.sample.valid, unit: "nats", label: "KL(read-outs ‖ Lorentzian fit), \(sampler.title)\(lengthText)")
            output.measurements[QPFKey.slope(sampler)] = Measurement(
                c.softmax.parameter, error: c.slopeError, samples: standard.sample.valid,
                label: "fitted softmax slope â, \(sampler.title)\(lengthText) (β = \(Self.beta))")
            guard sampler != .gibbs, let fastest = series.first, series.count >= 2 else { continue }
            let trend = Self.slopeTrend(series)
            output.measurements[QPFKey.slopeTrend(sampler)] = Measurement(
                trend.value, error: trend.error, samples: series.count,
                label: "d â / d log₂(anneal length), weighted least squares over \(series.count) lengths (bootstrap errors on â; error scaled by √(χ²/dof))")
            let f = fastest.comparison
            output.measurements[QPFKey.slopeFastest(sampler)] = Measurement(
                f.softmax.parameter, error: f.slopeError,
                samples: fastest.sample.valid, label: "fitted softmax slope at the fastest anneal (\(Self.lengthText(sampler, fastest.length)))")
            // Bias-corrected: a one-parameter fit to n read-outs of a K-channel law has E[KL] ≈ (K − 2)/(2n).
            let k = Double(map.channels)
            let change =
                (f.softmax.kl - (k - 2) / (2 * Double(fastest.sample.valid)))
                - (c.softmax.kl - (k - 2) / (2 * Double(standard.sample.valid)))
            output.measurements[QPFKey.klSoftmaxChange(sampler)] = Measurement(
                change,
                error: (f.softmaxKLError * f.softmaxKLError + c.softmaxKLError * c.softmaxKLError).squareRoot(), samples: series.count,
                unit: "nats",
                label: "KL(softmax fit) at the fastest minus at the longest anneal, each less its sampling bias (K−2)/2n "
                    + "(< 0: the fast anneal is fitted better)")
        }
        output.tables = [table(points)]
        output.figures = [distributionFigure(points, map), klFigure(points), klDifferenceFigure(points), slopeFigure(points)]
        output.notes = [
            "Forward map: K = \(settings.channels) binary variables, H(x) = Σ Δ_k x_k + A(Σx − 1)², Δ_k evenly spaced over "
                + "[0, \(Self.maxGap)], A = \(Self.penalty); valid read-outs (exactly one x_k = 1) define the map. The ideal "
                + "thermal map at β = \(Self.beta) is softmax(−βΔ).",
            "Gibbs: independent heat-bath chains at β (single flips and one-hot exchange moves, 200 sweeps). "
                + "SA: Metropolis single flips, β linear from 0.05 to \(Self.beta) over L sweeps. SQA: path-integral Monte Carlo at "
                + "β = \(Self.beta) with \(settings.slices) Trotter slices, H(s) = −Γ₀(1−s)Σσˣ + s·H_p, Γ₀ = \(Self.initialField), local "
                + "moves only, L sweeps. Coherent: exact Schrödinger evolution of the same H(s) from |+⟩^K over anneal time T, "
                + "read-outs drawn from the final distribution. \(settings.samples) read-outs per point, \(settings.standardSamples) for "
                + "Gibbs, every coherent point and the fastest and the longest SA and SQA anneals; KL errors from "
                + "\(settings.bootstrap) bootstrap resamples.",
            "A KL difference near zero at the shortest anneals is expected: their read-outs are close to uniform, which both "
                + "families contain (a → 0, c → ∞).",
        ]
        return output
    }

    static func lengthText(_ sampler: Sampler, _ length: Double) -> String {
        switch sampler {
        case .gibbs: "equilibrium"
        case .sa, .sqa: "\(Int(length)) sweeps"
        case .coherent: "T = \(NumberText.of(length))"
        }
    }

    /// Weighted least-squares slope of â against log₂(length) (`WeightedLineFit`), with its
    /// standard error inflated by √(χ²/dof) when the points scatter (or curve) beyond their errors.
    static func slopeTrend(_ series: [Point]) -> (value: Double, error: Double?) {
        guard
            let fit = WeightedLineFit(
                x: series.map { Foundation.log2($0.length) }, y: series.map(\.comparison.softmax.parameter),
                sigma: series.map { max($0.comparison.slopeError, 1e-6) })
        else { return (.nan, nil) }
        return (fit.slope, fit.scaledSlopeError)
    }

    func table(_ points: [Point]) -> ReportTable {
        let rows = points.map { p -> [String] in
            let c = p.comparison
            return [
                p.sampler.title, Self.lengthText(p.sampler, p.length), NumberText.of(p.sample.validFraction),
                Measurement(c.softmax.parameter, error: c.slopeError).formatted,
                NumberText.of(c.lorentzian.parameter),
                Measurement(c.softmax.kl, error: c.softmaxKLError).formatted,
                Measurement(c.lorentzian.kl, error: c.lorentzianKLError).formatted,
                Measurement(c.klDifference, error: c.differenceError).formatted,
                NumberText.of(c.softmaxPreferredFraction),
            ]
        }
        return ReportTable(
            title: "Forward-map fits per sampler and anneal length (errors: bootstrap s.e.)",
            header: [
                "sampler", "anneal", "valid", "softmax â", "Lorentzian ĉ", "KL softmax", "KL Lorentzian",
                "KL(L) − KL(S)", "bootstrap P(softmax better)",
            ], rows: rows)
    }

    func distributionFigure(_ points: [Point], _ map: OneHotForwardMap) -> Figure {
        var chart = Chart(
            title: "Sampled forward maps at the longest anneal", xLabel: "gap Δ_k", yLabel: "probability of channel k",
            yScale: .log)
        chart.add(.reference(map.gaps, map.softmax(beta: Self.beta), label: "softmax(−βΔ), β = \(Self.beta)"))
        for sampler in Sampler.allCases {
            guard let p = points.last(where: { $0.sampler == sampler }) else { continue }
            let n = Double(p.sample.valid)
            let freq = p.sample.channelCounts.map { Double($0) / n }
            let errors = freq.map { ($0 * (1 - $0) / n).squareRoot() }
            chart.add(.scatter(map.gaps, freq, errors: errors, label: "\(sampler.title) (\(Self.lengthText(sampler, p.length)))"))
        }
        return Figure(
            name: "qpf-forward-map",
            caption: "Frequencies of the valid one-hot read-outs per channel (binomial "
                + "errors) for each sampler at its longest anneal, against the ideal thermal softmax. A straight line on this "
                + "log axis is a softmax; a Lorentzian bends.", svg: chart.svg())
    }

    func klFigure(_ points: [Point]) -> Figure {
        var chart = Chart(
            title: "Best-fit KL per family vs anneal length", xLabel: "anneal length (sweeps; coherent: time T)",
            yLabel: "KL(read-outs ‖ best fit) (nats)", xScale: .log, yScale: .log)
        for (sampler, color, series) in annealers(points) {
            chart.add(
                .line(
                    series.map(\.length), series.map(\.comparison.softmax.kl), errors: series.map(\.comparison.softmaxKLError),
                    label: "\(sampler.title): softmax", color: color, markers: true))
            chart.add(
                .line(
                    series.map(\.length), series.map(\.comparison.lorentzian.kl), errors: series.map(\.comparison.lorentzianKLError),
                    label: "\(sampler.title): Lorentzian", color: color, dash: .dashed, markers: true))
        }
        if let gibbs = points.first(where: { $0.sampler == .gibbs }) {
            chart.add(.horizontalLine(max(gibbs.comparison.softmax.kl, 1e-6), label: "Gibbs: softmax", color: .grey))
        }
        return Figure(
            name: "qpf-forward-kl",
            caption: "KL divergence from the read-out frequencies to the maximum-likelihood "
                + "softmax (solid) and Lorentzian (dashed) for each annealer against anneal length, with bootstrap errors. "
                + "Sampling noise alone gives KL ≈ (K − 2)/(2n).", svg: chart.svg())
    }

    /// The annealers (not the Gibbs chains, which have no anneal length) with their points and
    /// colours, the palette's in the order of `Sampler.allCases`.
    func annealers(_ points: [Point]) -> [(sampler: Sampler, color: ChartColor, points: [Point])] {
        Sampler.allCases.enumerated().filter { $0.element != .gibbs }.map { i, sampler in
            (sampler, ChartColor.palette(i), points.filter { $0.sampler == sampler })
        }
    }

    /// One line with markers per annealer: `value` ± `errors` against anneal length.
    func addAnnealerLines(_ chart: inout Chart, _ points: [Point], _ value: KeyPath<Point, Double>, errors: KeyPath<Point, Double>) {
        for (sampler, color, series) in annealers(points) {
            chart.add(
                .line(
                    series.map(\.length), series.map { $0[keyPath: value] }, errors: series.map { $0[keyPath: errors] },
                    label: sampler.title, color: color, markers: true))
        }
    }

    func klDifferenceFigure(_ points: [Point]) -> Figure {
        var chart = Chart(
            title: "How much better the softmax fits", xLabel: "anneal length (sweeps; coherent: time T)",
            yLabel: "KL(Lorentzian) − KL(softmax) (nats)", xScale: .log)
        addAnnealerLines(&chart, points, \.comparison.klDifference, errors: \.comparison.differenceError)
        if let gibbs = points.first(where: { $0.sampler == .gibbs }) {
            chart.add(.horizontalLine(gibbs.comparison.klDifference, label: "Gibbs chains (equilibrium)", color: .grey))
        }
        chart.add(.horizontalLine(0, color: .black))
        return Figure(
            name: "qpf-forward-kl-difference",
            caption: "KL(Lorentzian fit) − KL(softmax fit) per annealer against anneal "
                + "length, bootstrap errors; above zero the softmax describes the read-outs better. Near-uniform read-outs "
                + "of the fastest anneals cannot tell the families apart.", svg: chart.svg())
    }

    func slopeFigure(_ points: [Point]) -> Figure {
        var chart = Chart(
            title: "Fitted softmax slope vs anneal length", xLabel: "anneal length (sweeps; coherent: time T)",
            yLabel: "fitted slope â", xScale: .log)
        addAnnealerLines(&chart, points, \.comparison.softmax.parameter, errors: \.comparison.slopeError)
        chart.add(.horizontalLine(Self.beta, label: "β = \(Self.beta) (thermal softmax)", color: .grey))
        return Figure(
            name: "qpf-forward-slope",
            caption: "Fitted softmax slope â (bootstrap errors) against anneal length: "
                + "shorter anneals freeze out earlier, at a higher effective temperature, and give a smaller slope.",
            svg: chart.svg())
    }
}

extension QPFTools.SamplerKind {
    /// The sampler's name in captions and tables.
    var title: String {
        switch self {
        case .gibbs: "Gibbs chains"
        case .sa: "simulated annealing"
        case .sqa: "simulated quantum annealing"
        case .coherent: "coherent annealing"
        }
    }
}
