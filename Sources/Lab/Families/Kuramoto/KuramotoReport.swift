import Foundation
import Physics

/// Measurements, tables and figures of the Kuramoto experiment.
struct KuramotoReport {
    var lorentzian: KuramotoSimulationSweep
    var gaussian: KuramotoSimulationSweep
    var below: (sizes: [Int], r: [OrderParameterEstimate], slope: Double, slopeError: Double)
    var snapshots: [HeadPhaseTraining.Snapshot]
    var analysis: HeadPhaseTraining.Analysis
    var settings: KuramotoExperiment.Settings

    var statistics: HeadPhaseTraining.RunStatistics { analysis.statistics }
    var null: PhaseSynchrony.UniformNull { analysis.null }
    var timeShuffled: Double { analysis.statistics.timeShuffled.value }
    var distanceShuffled: Double { analysis.distanceShuffled }
    var uniformCausalPhase: Double { analysis.uniformCausalPhase }

    func output() -> ExperimentOutput {
        var out = ExperimentOutput()
        out.measurements = measurements()
        out.tables = [simulationTable(), headsTable()]
        out.figures = [couplingFigure(), belowFigure(), headsFigure(), phasesFigure(), profilesFigure()]
        out.notes = notes()
        return out
    }

    var trainedSnapshots: [HeadPhaseTraining.Snapshot] { Array(snapshots.dropFirst()) }

    func measurements() -> [String: Measurement] {
        var m: [String: Measurement] = [:]
        let all = snapshots
        let st = statistics
        let trained = "the \(st.trainedSnapshots) trained steps (step ≥ \(settings.heads.every))"
        func estimate(_ e: HeadPhaseTraining.Estimate, label: String) -> Measurement {
            Measurement(e.value, error: e.error, samples: st.trainedSnapshots, label: label + "; error: joint bootstrap over validation sequences")
        }
        m[KuramotoKey.rMin] = Measurement(
            st.minimum.value, error: st.minimum.error, samples: all.count,
            label: "smallest r across heads over the \(all.count) logged steps (at step \(st.minimumStep)); error: "
                + "bootstrap over validation sequences, resampled jointly for all steps; pooled as the mean over training runs")
        m[KuramotoKey.rLate] = Measurement(
            st.late.value, error: st.late.error, samples: st.lateSnapshots,
            label: "mean r over the last \(st.lateSnapshots) logged steps (joint bootstrap error)")
        m[KuramotoKey.rMean] = estimate(st.mean, label: "mean r over \(trained)")
        m[KuramotoKey.rTimeShuffled] = estimate(st.timeShuffled, label: "mean r with each head's phase taken from an independent one of \(trained)")
        m[KuramotoKey.lockingExcess] = estimate(st.excess, label: "r̄ − r_ts: how much better the heads agree at the same step than shuffled in time")
        m[KuramotoKey.lockingMargin] = estimate(
            st.margin, label: "D = r̄ − (1 + r_ts)/2: > 0 when simultaneity removes more than half the time-shuffled incoherence 1 − r_ts")
        m[KuramotoKey.shuffledIncoherence] = Measurement(
            1 - st.timeShuffled.value, error: st.timeShuffled.error, samples: st.trainedSnapshots,
            label: "1 − r_ts: the incoherence of the heads shuffled in time, the room locking has to show")
        m[KuramotoKey.rInitial] = Measurement(all[0].r, error: all[0].rError, label: "r at initialisation")
        m[KuramotoKey.rFinal] = Measurement(all.last!.r, error: all.last!.rError, label: "r after training")
        m[KuramotoKey.headCount] = Measurement(Double(null.heads), label: "heads M (all layers)")
        m[KuramotoKey.nullUniformMean] = Measurement(null.mean, samples: null.draws, label: "mean r of M independent uniform phases")
        m[KuramotoKey.nullUniformQ95] = Measurement(null.quantile95, samples: null.draws, label: "95th percentile of that r")
        m[KuramotoKey.rDistanceShuffled] = Measurement(distanceShuffled, label: "mean r of the final profiles with Δ randomly permuted per head")
        m[KuramotoKey.uniformCausalPhase] = Measurement(uniformCausalPhase, unit: "rad", label: "phase of uniform causal attention's profile")
        m[KuramotoKey.finalLoss] = Measurement(all.last!.loss, unit: "nats/token", label: "training loss over the last logging interval")
        m[KuramotoKey.lorentzianCriticalCoupling] = Measurement(
            lorentzian.fittedCriticalCoupling, error: lorentzian.fittedCriticalCouplingError,
            label: "K_c from fitting √(1 − 2Δ/K) to simulated r(K ≥ 1.25 K_c), Δ = 1 (theory 2)")
        m[KuramotoKey.gaussianCriticalCoupling] = Measurement(
            gaussian.fittedCriticalCoupling, error: gaussian.fittedCriticalCouplingError,
            label: "K_c from fitting the self-consistent r(K) for σ = 1 (theory 1.596)")
        m[KuramotoKey.lorentzianWorstDeviation] = Measurement(
            lorentzian.worstDeviation, label: "largest |r − √(1 − 2Δ/K)| over the fitted points (N = \(settings.simulation.oscillators))",
            pooling: .maximum)
        m[KuramotoKey.gaussianWorstDeviation] = Measurement(
            gaussian.worstDeviation, label: "largest |r − r_theory| over the fitted points for the Gaussian",
            pooling: .maximum)
        m[KuramotoKey.belowThresholdSlope] = Measurement(
            below.slope, error: below.slopeError, samples: below.sizes.count,
            label: "d log r / d log N at K = K_c/2 (theory −½)")
        return m
    }

    func simulationTable() -> ReportTable {
        // Locked states with regular frequencies reach the same fixed point from every start: a
        // spread below 10⁻⁵ is shown as five digits rather than as a meaningless error.
        func r(_ e: OrderParameterEstimate) -> String {
            e.error >= 1e-5 ? Measurement(e.mean, error: e.error).formatted : NumberText.of(e.mean, digits: 5)
        }
        let rows = lorentzian.points.indices.map { i -> [String] in
            let l = lorentzian.points[i], g = gaussian.points[i]
            return [
                NumberText.of(l.coupling / lorentzian.distribution.criticalCoupling, digits: 3),
                NumberText.of(l.coupling, digits: 3), r(l.estimate), NumberText.of(l.theory, digits: 4),
                NumberText.of(g.coupling, digits: 3), r(g.estimate), NumberText.of(g.theory, digits: 4),
            ]
        }
        return ReportTable(
            title: "Simulated stationary r against the N → ∞ theory (N = \(settings.simulation.oscillators), "
                + "\(settings.simulation.realisations) realisations, RK4 dt = \(settings.simulation.timeStep))",
            header: [
                "K / K_c", "K (Lorentzian Δ = 1)", "r simulated", "√(1 − 2Δ/K)", "K (Gaussian σ = 1)",
                "r simulated", "self-consistent r",
            ], rows: rows)
    }

    func headsTable() -> ReportTable {
        let rows = snapshots.map { s -> [String] in
            [
                String(s.step), s.loss.isFinite ? NumberText.of(s.loss, digits: 4) : "—",
                Measurement(s.r, error: s.rError).formatted, s.layerR.map { NumberText.of($0, digits: 4) }.joined(separator: ", "),
                NumberText.of(s.phases.min()!, digits: 3) + " … " + NumberText.of(s.phases.max()!, digits: 3),
            ]
        }
        let stride = max(1, rows.count / 12)
        let shown = rows.enumerated().filter { $0.offset % stride == 0 || $0.offset == rows.count - 1 }.map(\.element)
        return ReportTable(
            title: "Order parameter across \(null.heads) heads during training (uniform-phase null: mean "
                + "\(NumberText.of(null.mean, digits: 3)), 95% \(NumberText.of(null.quantile95, digits: 3)); "
                + "time-shuffled \(NumberText.of(timeShuffled, digits: 4)))",
            header: ["step", "train loss", "r (all heads)", "r per layer", "phase range (rad)"], rows: shown)
    }

    func couplingFigure() -> Figure {
        var chart = Chart(
            title: "Kuramoto order parameter r(K): simulation against theory", xLabel: "coupling K",
            yLabel: "stationary r")
        for (sweep, color, name) in [(lorentzian, ChartColor.blue, "Lorentzian Δ = 1"), (gaussian, ChartColor.vermillion, "Gaussian σ = 1")] {
            chart.add(
                .scatter(
                    sweep.points.map(\.coupling), sweep.points.map(\.estimate.mean), errors: sweep.points.map(\.estimate.error),
                    label: "\(name), N = \(settings.simulation.oscillators)", color: color))
            let top = (sweep.points.map(\.coupling).max() ?? 4) * 1.05
            chart.add(
                .function(
                    over: 0...top, samples: 240, label: name == "Lorentzian Δ = 1" ? "√(1 − 2Δ/K)" : "self-consistent r(K)",
                    color: color
                ) { KuramotoTheory.stationaryOrderParameter(coupling: $0, distribution: sweep.distribution) })
        }
        chart.add(.verticalLine(2, label: "K_c = 2Δ", color: .blue))
        chart.add(.verticalLine(FrequencyDistribution.gaussian(std: 1).criticalCoupling, label: "K_c = 1.596σ", color: .vermillion))
        chart.legend = .bottomRight
        return Figure(
            name: "kuramoto-r-vs-k",
            caption: "Time-averaged order parameter of the RK4 Kuramoto simulator (markers, mean ± "
                + "standard error over realisations with random initial phases; frequencies at the distribution's regular "
                + "quantiles) against the N → ∞ theory (lines). "
                + "Fitted K_c: Lorentzian \(Measurement(lorentzian.fittedCriticalCoupling, error: lorentzian.fittedCriticalCouplingError).formatted) "
                + "(theory 2), Gaussian \(Measurement(gaussian.fittedCriticalCoupling, error: gaussian.fittedCriticalCouplingError).formatted) "
                + "(theory 1.596). Below K_c finite-N fluctuations keep r ~ N^(−1/2) above zero.", svg: chart.svg())
    }

    func belowFigure() -> Figure {
        var chart = Chart(
            title: "Incoherent state: r against N at K = K_c/2", xLabel: "oscillators N", yLabel: "time-averaged r",
            xScale: .log, yScale: .log)
        let x = below.sizes.map(Double.init)
        chart.add(.scatter(x, below.r.map(\.mean), errors: below.r.map(\.error), label: "Lorentzian Δ = 1, K = 1"))
        if let first = below.r.first {
            let amplitude = first.mean * Double(below.sizes[0]).squareRoot()
            chart.add(.reference(x, x.map { amplitude / $0.squareRoot() }, label: "∝ N^(−1/2)"))
        }
        return Figure(
            name: "kuramoto-below-threshold",
            caption: "Below the threshold r is a finite-size fluctuation: the fitted "
                + "slope \(Measurement(below.slope, error: below.slopeError).formatted) against the expected −½.", svg: chart.svg())
    }

    func headsFigure() -> Figure {
        var chart = Chart(
            title: "Distance from perfect locking, 1 − r, during training", xLabel: "training step",
            yLabel: "1 − r across heads", yScale: .log)
        let steps = snapshots.map { Double($0.step) }
        chart.add(
            .line(
                steps, snapshots.map { 1 - $0.r }, errors: snapshots.map(\.rError), label: "all \(null.heads) heads",
                color: .blue, markers: true))
        let layers = snapshots[0].layerR.count
        for l in 0..<layers where layers > 1 {
            chart.add(.line(steps, snapshots.map { 1 - $0.layerR[l] }, label: "within layer \(l)", dash: .dotted, lineWidth: 1))
        }
        chart.add(.horizontalLine(5e-4, label: "r = 1.000 to three digits (seed)", color: .black, dash: .solid))
        chart.add(.horizontalLine(1 - timeShuffled, label: "time-shuffled heads", color: .vermillion))
        chart.add(.horizontalLine(1 - distanceShuffled, label: "distance-shuffled profiles", color: .orange))
        chart.add(.horizontalLine(1 - null.quantile95, label: "independent uniform phases (95%)", color: .grey))
        chart.legend = .bottomRight
        return Figure(
            name: "kuramoto-heads-r",
            caption: "1 − r for the Kuramoto order parameter r = |mean e^{iθ}| of the heads' "
                + "phases (argument of the first Fourier mode of each head's mean attention-over-distance profile) on a fixed "
                + "validation batch, with bootstrap errors over sequences, on a log axis, beside its baselines: the same "
                + "heads shuffled in time over the trained steps (1 − r_ts = \(NumberText.of(1 - timeShuffled, digits: 2))), "
                + "the final profiles without their distance order (r = \(NumberText.of(distanceShuffled, digits: 2))) and "
                + "independent uniform phases.", svg: chart.svg())
    }

    func phasesFigure() -> Figure {
        var chart = Chart(title: "Phase of each head during training", xLabel: "training step", yLabel: "θ = arg c₁ (rad)")
        let steps = snapshots.map { Double($0.step) }
        for m in snapshots[0].phases.indices {
            chart.add(.line(steps, snapshots.map { $0.phases[m] }, label: m < 8 ? "head \(m)" : nil, lineWidth: 1.2))
        }
        chart.add(.horizontalLine(uniformCausalPhase, label: "uniform causal attention", color: .black))
        return Figure(
            name: "kuramoto-head-phases",
            caption: "Each head's phase (heads numbered layer by layer). The black line is "
                + "the phase of uniform causal attention: every causal profile decays with distance, which pins all phases "
                + "to the fourth quadrant.", svg: chart.svg())
    }

    func profilesFigure() -> Figure {
        var chart = Chart(
            title: "Mean attention over distance after training", xLabel: "distance Δ = t − s", yLabel: "a(Δ)",
            yScale: .log)
        let last = snapshots.last!
        let x = (0..<last.profiles[0].count).map(Double.init)
        for (m, p) in last.profiles.enumerated() {
            chart.add(.line(x, p, label: m < 8 ? "head \(m)" : nil, lineWidth: 1))
        }
        chart.add(.reference(x, PhaseSynchrony.uniformCausalProfile(length: x.count), label: "uniform causal attention"))
        return Figure(
            name: "kuramoto-profiles",
            caption: "Each head's mean attention weight at distance Δ after training, whose "
                + "first Fourier mode defines its phase.", svg: chart.svg())
    }

    func notes() -> [String] {
        let h = settings.heads
        return [
            "Heads: a \(h.model.layers)-layer transformer of width \(h.model.width) with \(h.model.heads) heads per layer and context "
                + "\(h.model.contextLength), trained \(h.training.steps) steps (batch \(h.training.batchSize), peak lr "
                + "\(h.training.maxLearningRate)) on the run's corpus; phases every \(h.every) steps on "
                + "\(h.validationSequences) validation sequences; r errors: bootstrap over sequences (\(h.replicates) replicates).",
            "Phase: θ = arg Σ_Δ a(Δ) e^{−2πiΔ/T}, a(Δ) the mean over queries t ≥ Δ of the weight on key t − Δ. Uniform causal "
                + "attention has θ = \(NumberText.of(uniformCausalPhase, digits: 3)) rad; any profile that decreases with Δ "
                + "has θ in (−π/2, 0], so r across heads is large without any coupling between heads. The time-shuffled baseline "
                + "(\(NumberText.of(timeShuffled, digits: 4)), over the trained steps) keeps each head's phase history and removes "
                + "simultaneity; the distance-shuffled one (\(NumberText.of(distanceShuffled, digits: 3))) removes the distance structure.",
            "Locking: mean r over the trained steps \(statistics.mean.formatted) against "
                + "r_ts = \(statistics.timeShuffled.formatted); margin "
                + "D = r̄ − (1 + r_ts)/2 = \(statistics.margin.formatted) "
                + "(> 0 when simultaneity removes more than half of 1 − r_ts).",
            "Simulator: RK4 with mean-field coupling; r(K): frequencies at the regular quantiles G⁻¹((i + ½)/N) and random initial "
                + "phases; below threshold (r against N): random frequencies. r averaged after a transient of "
                + "\(NumberText.of(settings.simulation.transient, digits: 3)) over \(NumberText.of(settings.simulation.duration, digits: 3)) time units.",
        ]
    }
}
