import Foundation
import Physics
import TensorCore

/// Storage capacity of the Ising memory under each learning rule (SPEC §7, beyond seed 004):
/// fraction of stored patterns retrieved against load α = P/N, for cues with a fraction f of
/// flipped spins, and the critical load α_c where half are retrieved — against Hopfield's
/// α_c ≈ 0.138 (Amit, Gutfreund & Sompolinsky 1985). The Hebbian curve is also measured at
/// several N and extrapolated as α_c(N) = α_∞ + a/√N, since finite N shifts α_c upwards.
struct CapacityExperiment: RegisteredExperiment {
    static let experimentID = "qpf.capacity"
    var title: String { "Storage capacity per learning rule against Hebbian 0.138 N" }

    struct Settings {
        /// N for every rule.
        var sizes: [Int]
        /// N for the Hebbian finite-size extrapolation (includes `sizes`).
        var hebbianSizes: [Int]
        var seeds: Int
        var hebbianSeeds: Int
        var rules: [LearningRule]
        var hebbianLoads: [Double]
        var iterativeLoads: [Double]

        init(_ scale: Scale) {
            let fine = [0.04, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22, 0.25, 0.3, 0.35, 0.4]
            let wide = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2, 1.4, 1.6]
            let main = CapacityExperiment.mainRules
            (sizes, hebbianSizes, seeds, hebbianSeeds, rules) = scale.simulation(
                smoke: ([32], [32, 64], 2, 3, main), quick: ([64, 128], [64, 128, 256, 512], 3, 8, main),
                paper: ([64, 128, 256], [64, 128, 256, 512, 1024], 16, 32, main + [.lorentzianHebbian(gamma: 1)]))
            (hebbianLoads, iterativeLoads) = scale.simulation(
                smoke: ([0.05, 0.15, 0.25, 0.35], [0.1, 0.4, 0.8, 1.2]), quick: (fine, wide), paper: (fine, wide + [1.8, 2.0]))
        }
    }

    /// The rules measured at every scale (`lorentzian-hebbian` joins them at `paper`).
    static let mainRules: [LearningRule] = [.hebbian, .softmax(beta: 1), .lorentzian(gamma: 1), .mpf]

    /// Cue noise levels: f = 0 (stability of the stored state, the definition behind 0.138) and
    /// f = 0.1 (recall from cues with 10% of spins flipped).
    static let flipFractions = [0.0, 0.1]
    static let overlapThreshold = 0.95
    static let regularization = 0.01
    static let hebbianReference = 0.138
    /// Loads for Hebbian storage at N ≥ 512, where the transition is narrow (and recall costs N²).
    static let largeHebbianLoads = [0.12, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.2, 0.22, 0.25]

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale)
        var curves: [CapacityCurve] = []
        var jobs: [(LearningRule, Int)] = settings.hebbianSizes.map { (.hebbian, $0) }
        for rule in settings.rules where rule != .hebbian { jobs += settings.sizes.map { (rule, $0) } }
        for (index, (rule, n)) in jobs.enumerated() {
            let start = Date()
            let hebbianLike = rule == .hebbian || rule.name == "lorentzian"
            let large = rule == .hebbian && n >= 512
            let measurement = CapacityMeasurement(
                training: RuleTraining(rule: rule, regularization: Self.regularization), size: n,
                loads: large ? Self.largeHebbianLoads : hebbianLike ? settings.hebbianLoads : settings.iterativeLoads,
                seeds: rule == .hebbian ? (large ? max(2, settings.hebbianSeeds / 2) : settings.hebbianSeeds) : settings.seeds,
                flipFractions: Self.flipFractions, overlapThreshold: Self.overlapThreshold)
            // Patterns depend on the seed and N only, so every rule stores the same patterns.
            let curve = measurement.run(rng: SeededRNG(seed: context.seed ^ 0x7170_665F_6361_7000 &+ UInt64(n)))
            curves.append(curve)
            let c0 = curve.capacities[0], c1 = curve.capacities[1]
            context.log(
                "\(rule) N = \(n): α_c(f=0) = \(Self.text(c0)), α_c(f=0.1) = \(Self.text(c1)) "
                    + "[\(NumberText.fixed(Date().timeIntervalSince(start), 1)) s]")
            context.metrics.log(
                ["N": Double(n), "alpha-c-f0": c0.load ?? .nan, "alpha-c-f0.1": c1.load ?? .nan], step: index,
                fields: ["rule": rule.name])
        }

        var output = ExperimentOutput()
        let largest = settings.sizes.max()!
        var outOfRange = 0
        for curve in curves where curve.size == largest {
            for (f, capacity) in zip(Self.flipFractions, curve.capacities) {
                output.measurements[QPFKey.capacity(curve.ruleName, flip: f)] = Self.measurement(capacity, curve: curve)
                if capacity.load == nil { outOfRange += 1 }
            }
        }
        output.measurements[QPFKey.outOfRange] = Measurement(
            Double(outOfRange),
            label: "α_c at N = \(largest) outside the load range (reported as the range's end: a bound)", pooling: .sum)
        let extrapolation = Self.extrapolate(curves.filter { $0.ruleName == "hebbian" })
        output.measurements[QPFKey.hebbianExtrapolated] = Measurement(
            extrapolation.value, error: extrapolation.error,
            samples: settings.hebbianSizes.count,
            label: "α_∞ from α_c(N) = α_∞ + a/√N over N = \(settings.hebbianSizes.map(String.init).joined(separator: ", ")) (f = 0); "
                + "error: fit ⊕ half the spread to the α_∞ + b/N form (\(NumberText.of(extrapolation.alternative)))")
        let hebbianCurves = curves.filter { $0.ruleName == "hebbian" }.sorted { $0.size < $1.size }
        if hebbianCurves.count >= 2 {
            let (a, b) = (hebbianCurves[hebbianCurves.count - 2], hebbianCurves[hebbianCurves.count - 1])
            var rng = SeededRNG(seed: context.seed ^ 0x6372_6F73_73)
            let crossing = Self.crossing(a, b, rng: &rng)
            output.measurements[QPFKey.hebbianCrossing] = Measurement(
                crossing.value, error: crossing.error, samples: a.seeds + b.seeds,
                label: "load where the Hebbian retrieval curves (f = 0) of N = \(a.size) and N = \(b.size) cross (finite-size crossing "
                    + "point; bootstrap over seeds; NaN: no crossing in range)")
        }
        for curve in curves where curve.size == largest && curve.ruleName != "hebbian" {
            guard let hebbian = curves.first(where: { $0.ruleName == "hebbian" && $0.size == largest }) else { continue }
            for (f, (rule, reference)) in zip(Self.flipFractions, zip(curve.capacities, hebbian.capacities)) {
                let ratio = Self.ratio(rule, reference)
                output.measurements[QPFKey.capacityRatio(curve.ruleName, flip: f)] = Measurement(
                    ratio.value,
                    error: ratio.error, samples: curve.seeds,
                    label: "α_c(\(curve.ruleDescription)) / α_c(Hebbian) at N = \(largest), f = \(f)\(ratio.bound ?? "")")
            }
        }
        output.tables = [table(curves)]
        output.figures = Self.flipFractions.indices.map { curveFigure(curves, flipIndex: $0, size: largest) } + [finiteSizeFigure(curves, extrapolation)]
        output.notes = [
            "Criterion: a stored pattern is retrieved when zero-temperature asynchronous dynamics from its cue (f = 0: the "
                + "pattern itself; f = 0.1: 10% of spins flipped) ends with overlap m ≥ \(Self.overlapThreshold). α_c is the load "
                + "where the mean fraction retrieved falls through ½ (linear interpolation); errors are bootstrap over seeds. "
                + "The AGS retrieval state has m ≥ 0.967 up to α_c, so m ≥ 0.95 separates it from the spin-glass states.",
            "Finite size: at N of a few hundred the per-pattern transition is broad and the ½-crossing sits above 0.138, falling "
                + "roughly as 1/√N; the Hebbian α_∞ is the intercept of α_c(N) = α_∞ + a/√N over the Hebbian sizes.",
            "Iterative rules minimise (1/P)Σ_μ Φ(Δ^μ) + (λ/2)(‖J‖² + ‖h‖²) with λ = \(Self.regularization) by L-BFGS from the "
                + "Hebbian couplings: softmax Φ = (1/β) log Σ e^{−βΔ} (β = 1), Lorentzian Φ = log Σ Γ²/(Γ²+Δ²) (Γ = 1, the log "
                + "real-time survival), MPF Φ = Σ e^{−Δ/2}. The same patterns are stored by every rule at each N and seed.",
            "Hebbian 0.138 N is the thermodynamic-limit capacity (Amit, Gutfreund & Sompolinsky 1985); MPF (Hillar, "
                + "Sohl-Dickstein & Koepsell 2012) and perceptron-like rules store many more patterns as fixed points.",
        ]
        return output
    }

    /// 0 → "0", 0.1 → "0.1": the cue noise as it appears in measurement keys and figure names.
    static func flipKey(_ f: Double) -> String { NumberText.of(f, digits: 2) }

    static func text(_ c: CapacityCurve.Capacity) -> String {
        if let load = c.load { return Measurement(load, error: c.error).formatted }
        return c.bound == "above" ? "> max load" : "< min load"
    }

    static func measurement(_ c: CapacityCurve.Capacity, curve: CapacityCurve) -> Measurement {
        let bound = c.bound.map { $0 == "above" ? " (above the largest load \(curve.loads.last!): lower bound)" : " (below the smallest load)" } ?? ""
        let value = c.load ?? (c.bound == "above" ? curve.loads.last! : curve.loads.first!)
        return Measurement(
            value, error: c.error, samples: curve.seeds,
            label: "α_c = P/N where half the patterns are retrieved, \(curve.ruleDescription), N = \(curve.size), f = \(c.flipFraction)\(bound)")
    }

    static func ratio(_ a: CapacityCurve.Capacity, _ b: CapacityCurve.Capacity) -> (value: Double, error: Double?, bound: String?) {
        guard let x = b.load else { return (.nan, nil, " (Hebbian α_c out of range)") }
        guard let y = a.load else { return (.nan, nil, a.bound == "above" ? " (rule's α_c above the load range)" : " (rule's α_c below range)") }
        let error: Double? = {
            guard let ex = b.error, let ey = a.error else { return nil }
            return y / x * ((ex / x) * (ex / x) + (ey / y) * (ey / y)).squareRoot()
        }()
        return (y / x, error, nil)
    }

    /// Weighted fit α_c(N) = α_∞ + a/√N of the Hebbian capacities (f = 0) by `WeightedLineFit`.
    /// The error combines the intercept's standard error (inflated by √(χ²/dof) when the points
    /// scatter beyond their errors) with half the difference to the intercept of the α_∞ + b/N
    /// form, a measure of how much the finite-size form itself decides.
    static func extrapolate(_ curves: [CapacityCurve]) -> (value: Double, error: Double?, slope: Double, alternative: Double) {
        let usable = curves.compactMap { c -> (n: Double, load: Double, error: Double)? in
            guard let load = c.capacities[0].load else { return nil }
            return (Double(c.size), load, max(c.capacities[0].error ?? 0.01, 1e-4))
        }
        func fit(_ x: (Double) -> Double) -> WeightedLineFit? {
            WeightedLineFit(x: usable.map { x($0.n) }, y: usable.map(\.load), sigma: usable.map(\.error))
        }
        guard let root = fit({ 1 / $0.squareRoot() }), let linear = fit({ 1 / $0 }) else { return (.nan, nil, .nan, .nan) }
        let scale = root.degreesOfFreedom > 0 ? max(1, (root.chiSquared / Double(root.degreesOfFreedom)).squareRoot()) : 1
        let statistical = root.interceptError * scale
        let model = abs(root.intercept - linear.intercept) / 2
        return (root.intercept, (statistical * statistical + model * model).squareRoot(), root.slope, linear.intercept)
    }

    /// The load in [0.1, 0.25] where the mean retrieval curves (f = 0) of two sizes cross: below it
    /// the larger N retrieves more, above it less (finite-size scaling: curves of all N cross near
    /// α_c). Curves are interpolated linearly in load; the error is the standard deviation over
    /// bootstrap resamples of each curve's seeds.
    static func crossing(_ a: CapacityCurve, _ b: CapacityCurve, rng: inout SeededRNG) -> (value: Double, error: Double?) {
        func interpolate(_ c: CapacityCurve, _ fractions: [Double], at x: Double) -> Double? {
            guard let i = c.loads.lastIndex(where: { $0 <= x }), i + 1 < c.loads.count else { return c.loads.last == x ? fractions.last : nil }
            let t = (x - c.loads[i]) / (c.loads[i + 1] - c.loads[i])
            return fractions[i] + t * (fractions[i + 1] - fractions[i])
        }
        func cross(_ fa: [Double], _ fb: [Double]) -> Double? {
            let grid = (0...150).map { 0.1 + 0.001 * Double($0) }
            var previous: (Double, Double)?
            for x in grid {
                guard let ya = interpolate(a, fa, at: x), let yb = interpolate(b, fb, at: x) else { continue }
                let d = yb - ya
                if let (px, pd) = previous, pd > 0, d <= 0 { return px + (x - px) * pd / (pd - d) }
                previous = (x, d)
            }
            return nil
        }
        func means(_ c: CapacityCurve, _ pick: [Int]) -> [Double] { c.retrieved[0].map { row in pick.reduce(0) { $0 + row[$1] } / Double(pick.count) } }
        guard let value = cross(means(a, Array(0..<a.seeds)), means(b, Array(0..<b.seeds))) else { return (.nan, nil) }
        var replicas: [Double] = []
        for _ in 0..<400 {
            let pa = (0..<a.seeds).map { _ in rng.int(below: a.seeds) }, pb = (0..<b.seeds).map { _ in rng.int(below: b.seeds) }
            if let x = cross(means(a, pa), means(b, pb)) { replicas.append(x) }
        }
        return (value, replicas.count > 10 ? SampleSummary(replicas).standardDeviation : nil)
    }

    func table(_ curves: [CapacityCurve]) -> ReportTable {
        let rows = curves.map { c -> [String] in
            [c.ruleDescription, "\(c.size)", "\(c.seeds)"] + c.capacities.map { Self.text($0) }
        }
        return ReportTable(
            title: "Critical load α_c = P_max/N per rule (retrieved: final overlap ≥ \(Self.overlapThreshold); bootstrap errors over seeds)",
            header: ["rule", "N", "seeds"] + Self.flipFractions.map { "α_c, cue noise f = \($0)" }, rows: rows)
    }

    func curveFigure(_ curves: [CapacityCurve], flipIndex: Int, size: Int) -> Figure {
        let f = Self.flipFractions[flipIndex]
        var chart = Chart(
            title: "Fraction retrieved vs load, N = \(size), cue noise f = \(f)", xLabel: "load α = P/N",
            yLabel: "fraction of patterns retrieved")
        for (i, curve) in curves.filter({ $0.size == size }).enumerated() {
            let stats = curve.meanRetrieved(flipIndex: flipIndex)
            chart.add(
                .line(
                    curve.loads, stats.map(\.mean), errors: stats.map(\.error), label: curve.ruleDescription,
                    color: ChartColor.palette(i), markers: true))
        }
        chart.add(.verticalLine(Self.hebbianReference, label: "Hopfield 0.138", color: .grey))
        chart.add(.horizontalLine(0.5, color: .grey))
        chart.yDomain = 0...1.05
        return Figure(
            name: "qpf-capacity-f\(Self.flipKey(f))",
            caption: "Fraction of stored patterns retrieved (overlap ≥ "
                + "\(Self.overlapThreshold)) against load for each learning rule at N = \(size), cues with \(Int(f * 100))% "
                + "of spins flipped; mean ± s.e. over seeds. α_c is where a curve crosses ½.", svg: chart.svg())
    }

    func finiteSizeFigure(_ curves: [CapacityCurve], _ fit: (value: Double, error: Double?, slope: Double, alternative: Double)) -> Figure {
        var chart = Chart(title: "Hebbian critical load vs 1/√N", xLabel: "1/√N", yLabel: "α_c (f = 0)")
        let hebbian = curves.filter { $0.ruleName == "hebbian" && $0.capacities[0].load != nil }
        let xs = hebbian.map { 1 / Double($0.size).squareRoot() }
        chart.add(
            .scatter(
                xs, hebbian.map { $0.capacities[0].load! }, errors: hebbian.map { $0.capacities[0].error ?? 0 },
                label: "measured"))
        if fit.value.isFinite {
            chart.add(
                .function(over: 0...(xs.max() ?? 0.2), label: Series.fitLabel("α_∞", fit.value, fit.error), role: .fit) {
                    fit.value + fit.slope * $0
                })
        }
        chart.add(.horizontalLine(Self.hebbianReference, label: "0.138 (N → ∞)", color: .grey))
        return Figure(
            name: "qpf-capacity-finite-size",
            caption: "Hebbian α_c(N) with the ½-retrieval criterion against 1/√N "
                + "and the weighted fit α_∞ + a/√N; the intercept is the N → ∞ estimate.", svg: chart.svg())
    }
}
