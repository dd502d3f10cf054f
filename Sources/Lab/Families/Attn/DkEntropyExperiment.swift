import Foundation
import Physics
import TensorCore

/// Seed 000 §1.1 at initialisation: normalised attention entropy against d_k ∈ {8 … 512}, with
/// and without the 1/√d_k scale, for two initialisations and two ways of growing d_k, over
/// several independent initialisations (error bars: standard error over seeds).
///
/// The verdict reads the scaled attention the seed writes down, softmax(QKᵀ/√d_k), at fixed
/// width: its entropy drop from the smallest to the largest d_k. The unscaled and growing-width
/// variants show where a fall with d_k does come from.
struct DkEntropyExperiment: RegisteredExperiment {
    static let experimentID = "attn.dk-entropy"
    var title: String { "Attention entropy at initialisation versus d_k, with and without 1/√d_k (seed 000 §1.1)" }

    struct Settings {
        var dks: [Int]
        var growingDks: [Int]
        var seeds: Int
        /// Seeds of the growing-width series (its largest models are 16× the fixed-width ones).
        var growingSeeds: Int
        var setup = DkEntropySweep.Setup()
        var fixedWidth = 512
        var growingHeads = 4

        init(_ scale: Scale) {
            let all = [8, 16, 32, 64, 128, 256, 512]
            (dks, growingDks, seeds, growingSeeds) = scale.simulation(
                smoke: ([8, 32, 128, 512], [8, 32, 128], 2, 2), quick: (all, all, 4, 3), paper: (all, all, 32, 16))
            if scale == .smoke { (setup.length, setup.batch) = (32, 2) }
            if scale == .paper { setup.length = 512 }
        }
    }

    /// Mean ± standard error over seeds of one quantity at each d_k.
    struct Curve: Sendable {
        var dks: [Int]
        var mean: [Double]
        var error: [Double]

        init(_ dks: [Int], _ samples: [[Double]]) {
            self.dks = dks
            let summaries = samples.map { SampleSummary($0) }
            mean = summaries.map(\.mean)
            error = summaries.map { $0.count > 1 ? $0.standardError : .nan }
        }

        /// First minus last value, with the errors added in quadrature (independent seeds).
        var drop: Measurement {
            Measurement(mean[0] - mean[mean.count - 1], error: (error[0] * error[0] + error[error.count - 1] * error[error.count - 1]).squareRoot())
        }
    }

    /// All curves of one (width convention, initialisation).
    struct Sweep: Sendable {
        var width: DkEntropySweep.Width
        var initialisation: DkEntropySweep.Initialisation
        var scaled: Curve
        var unscaled: Curve
        var scaledMaxWeight: Curve
        var unscaledMaxWeight: Curve
        var scoreStd: Curve
        var seeds: Int

        var isGrowing: Bool { if case .growing = width { true } else { false } }
    }

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale)
        let master = SeededRNG(seed: context.seed ^ 0x646B_5F70_6861)  // "dk_pha"
        var series: [Sweep] = []
        let conventions: [(DkEntropySweep.Width, [Int], Int)] = [
            (.fixed(settings.fixedWidth), settings.dks, settings.seeds),
            (.growing(heads: settings.growingHeads), settings.growingDks, settings.growingSeeds),
        ]
        for (ci, (width, dks, seeds)) in conventions.enumerated() {
            for (ii, initialisation) in DkEntropySweep.Initialisation.allCases.enumerated() {
                context.log("\(width.label), \(initialisation.label): d_k ∈ \(dks), \(seeds) seeds")
                var results: [[DkEntropySweep.SeedResult]] = []
                for (di, dk) in dks.enumerated() {
                    var perSeed: [DkEntropySweep.SeedResult] = []
                    for s in 0..<seeds {
                        var rng = master.stream(UInt64(((ci * 2 + ii) * 64 + di) * 1024 + s))
                        perSeed.append(
                            try DkEntropySweep.measure(
                                dk: dk, width: width, initialisation: initialisation,
                                setup: settings.setup, rng: &rng))
                    }
                    results.append(perSeed)
                    let m = SampleSummary(perSeed.map(\.scaledEntropy)), u = SampleSummary(perSeed.map(\.unscaledEntropy))
                    context.metrics.log(
                        [
                            "dk": Double(dk), "entropy_scaled": m.mean, "entropy_unscaled": u.mean,
                            "score_std": SampleSummary(perSeed.map(\.scoreStd)).mean,
                        ],
                        fields: ["width": width.label, "init": initialisation.rawValue])
                }
                series.append(
                    Sweep(
                        width: width, initialisation: initialisation,
                        scaled: Curve(dks, results.map { $0.map(\.scaledEntropy) }),
                        unscaled: Curve(dks, results.map { $0.map(\.unscaledEntropy) }),
                        scaledMaxWeight: Curve(dks, results.map { $0.map(\.scaledMaxWeight) }),
                        unscaledMaxWeight: Curve(dks, results.map { $0.map(\.unscaledMaxWeight) }),
                        scoreStd: Curve(dks, results.map { $0.map(\.scoreStd) }),
                        seeds: seeds))
            }
        }
        return output(series, settings: settings)
    }

    func output(_ series: [Sweep], settings: Settings) -> ExperimentOutput {
        var out = ExperimentOutput()
        for s in series {
            let lo = s.scaled.dks.first!, hi = s.scaled.dks.last!
            var drop = s.scaled.drop
            drop.samples = s.seeds
            drop.label = "normalised entropy at d_k = \(lo) minus at d_k = \(hi), with 1/√d_k (\(s.width.label), \(s.initialisation.label))"
            out.measurements[DkKey.scaledDrop(growing: s.isGrowing, s.initialisation)] = drop
            var unscaled = s.unscaled.drop
            unscaled.samples = s.seeds
            unscaled.label = "the same drop without the 1/√d_k scale"
            out.measurements[DkKey.unscaledDrop(growing: s.isGrowing, s.initialisation)] = unscaled
            for (tag, curve) in [("entropy-scaled", s.scaled), ("entropy-unscaled", s.unscaled)] {
                out.measurements[DkKey.key("\(tag)-d\(hi)", growing: s.isGrowing, s.initialisation)] = Measurement(
                    curve.mean.last!, error: curve.error.last!, samples: s.seeds, label: "mean S_t/log(t+1) at d_k = \(hi)")
                out.measurements[DkKey.key("\(tag)-d\(lo)", growing: s.isGrowing, s.initialisation)] = Measurement(
                    curve.mean.first!, error: curve.error.first!, samples: s.seeds, label: "mean S_t/log(t+1) at d_k = \(lo)")
            }
        }
        out.tables = series.map(table)
        out.figures = [
            figure(series.filter { !$0.isGrowing }, name: "dk-entropy-fixed-width"),
            figure(series.filter(\.isGrowing), name: "dk-entropy-growing-width"),
        ]
        out.notes = [
            "Each point: a fresh one-block transformer (token and position embeddings, LayerNorm, W_qkv) on \(settings.setup.batch) "
                + "sequences of \(settings.setup.length) random tokens (vocabulary \(settings.setup.vocabulary)); entropy S_t of causal row t "
                + "normalised by log(t + 1) (1 = uniform over the t + 1 visible keys, 0 = one-hot), averaged over rows t ≥ 1, heads and "
                + "sequences; mean ± standard error over \(settings.seeds) initialisations (\(settings.growingSeeds) for growing width).",
            "LayerNorm gives |x|² ≈ C, so a scaled score q·k/√d_k has standard deviation σ²C at initialisation whatever d_k: "
                + "0.02²·512 = 0.20 (GPT-2, C = 512) and 1 (fan-in). The table's score std column checks it. Without the scale "
                + "the std grows as √d_k, and so does the sharpness.",
        ]
        return out
    }

    func table(_ s: Sweep) -> ReportTable {
        let rows = s.scaled.dks.indices.map { i -> [String] in
            let dk = s.scaled.dks[i]
            return [
                String(dk), String(s.width.width(dk: dk) / dk), String(s.width.width(dk: dk)),
                Measurement(s.scoreStd.mean[i], error: s.scoreStd.error[i]).formatted,
                Measurement(s.scaled.mean[i], error: s.scaled.error[i]).formatted,
                Measurement(s.unscaled.mean[i], error: s.unscaled.error[i]).formatted,
                Measurement(s.scaledMaxWeight.mean[i], error: s.scaledMaxWeight.error[i]).formatted,
                Measurement(s.unscaledMaxWeight.mean[i], error: s.unscaledMaxWeight.error[i]).formatted,
            ]
        }
        return ReportTable(
            title: "Entropy at initialisation vs d_k: \(s.width.label), \(s.initialisation.label)",
            header: [
                "d_k", "H", "C", "score std (scaled)", "S/log n with 1/√d_k", "S/log n without",
                "max weight with", "max weight without",
            ], rows: rows)
    }

    func figure(_ series: [Sweep], name: String) -> Figure {
        let title = series.first.map { "Attention entropy at initialisation: \($0.width.label)" } ?? "Attention entropy at initialisation"
        var chart = Chart(title: title, xLabel: "head width d_k", yLabel: "mean S_t / log(t+1)", xScale: .log)
        let colors: [ChartColor] = [.blue, .vermillion]
        for (i, s) in series.enumerated() {
            let x = s.scaled.dks.map(Double.init)
            chart.add(
                .line(
                    x, s.scaled.mean, errors: s.scaled.error, label: "with 1/√d_k, \(s.initialisation.label)",
                    color: colors[i % 2], markers: true))
            chart.add(
                .line(
                    x, s.unscaled.mean, errors: s.unscaled.error, label: "without, \(s.initialisation.label)",
                    color: colors[i % 2], dash: .dashed, markers: true))
        }
        chart.add(.horizontalLine(1, label: "uniform attention"))
        chart.yDomain = 0...1.05
        chart.legend = .bottomLeft
        return Figure(
            name: name,
            caption: "Normalised attention entropy of a freshly initialised layer against the head width d_k "
                + "(mean ± standard error over initialisations). Solid: softmax(QKᵀ/√d_k) as the seed writes it; dashed: "
                + "the same scores without the 1/√d_k scale. 1 is uniform attention over the visible keys, 0 one-hot.",
            svg: chart.svg())
    }
}
