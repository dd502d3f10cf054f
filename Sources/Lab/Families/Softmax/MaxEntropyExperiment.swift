import Foundation
import Physics
import TensorCore

/// Seed 003's maximum-entropy derivation: among distributions with Σp = 1 and a fixed expected
/// energy ⟨E⟩ (expected score), softmax has the largest entropy.
///
/// For each random logit set: p = softmax(−βE) and Ū = ⟨E⟩_p. Then
/// - the inverse problem — solve ⟨E⟩_β* = Ū by safeguarded Newton — must give back p;
/// - random feasible perturbations q = p + t·d (Σd = 0, Σ d_i E_i = 0, t up to the largest
///   step that keeps q ≥ 0, half uniformly and half log-uniformly over six decades) must never
///   have more entropy than p. The worst excess H(q) − H(p) over all perturbations is the
///   measurement; it should be ≤ 0 up to rounding.
struct MaxEntropyExperiment: RegisteredExperiment {
    static let experimentID = "thermodynamics.max-entropy"
    var title: String { "Softmax maximises entropy at fixed expected score" }

    /// The distribution under test for energies E at inverse temperature β: softmax(−βE). Tests
    /// put a distribution that is not Gibbs here to show that the rule can fail.
    var distribution: @Sendable (_ energies: [Double], _ beta: Double) -> [Double] = { GibbsState(energies: $0, beta: $1).probabilities }

    struct Settings {
        var logitSets: Int
        var perturbations: Int
        var maxKeys: Int

        init(_ scale: Scale) {
            (logitSets, perturbations, maxKeys) = scale.simulation(smoke: (100, 20, 64), quick: (1_000, 50, 256), paper: (50_000, 100, 1024))
        }
    }

    struct SetResult: Sendable {
        /// max over perturbations of H(q) − H(p).
        var entropyExcess: Double
        /// Perturbations with H(q) > H(p) + 1e-12.
        var violations: Int
        var perturbations: Int
        /// max of |Σq − 1| and |⟨E⟩_q − Ū| / max(1, |Ū|).
        var constraintResidual: Double
        /// Total variation ½Σ|softmax(−β*E) − p| after solving for β*, in units of its conditioning
        /// bound ε·(n + 16)·max|E|/σ_E; nil when ⟨E⟩ is frozen at min E.
        var solvedDeviation: Double?
        /// The same total variation, absolute.
        var solvedDistance: Double
        /// |⟨E⟩_β* − Ū| in units of ε·max(1, max|E|).
        var solverResidual: Double
        var newtonIterations: Int
        /// Median of (H(p) − H(q)) / H(p).
        var medianRelativeDeficit: Double
    }

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale)
        let master = SeededRNG(seed: context.seed ^ 0x6d61_7865_6e74)  // "maxent"
        context.log("\(settings.logitSets) logit sets × \(settings.perturbations) feasible perturbations")
        let results = Parallel.map(settings.logitSets) { i -> SetResult in
            var rng = master.stream(UInt64(i))
            let set = ThermoLogits.draw(index: i, rng: &rng, nRange: 3...settings.maxKeys, betaRange: 1e-2...1e2)
            return Self.measure(set, perturbations: settings.perturbations, distribution: distribution, rng: &rng)
        }
        let perturbations = results.reduce(0) { $0 + $1.perturbations }
        let solved = results.compactMap(\.solvedDeviation)
        let excess = results.map(\.entropyExcess).max() ?? .nan
        let violations = results.reduce(0) { $0 + $1.violations }
        var output = ExperimentOutput()
        // Worst values pooled over seeds as the worst seed; the count of violations summed.
        output.measurements[SoftmaxKey.entropyExcess] = Measurement(
            excess, samples: perturbations, unit: "nats", label: "max over feasible perturbations q of H(q) − H(softmax)", pooling: .maximum)
        output.measurements[SoftmaxKey.violations] = Measurement(
            Double(violations), samples: perturbations, label: "perturbations with H(q) > H(softmax) + 1e-12", pooling: .sum)
        output.measurements[SoftmaxKey.constraintResidual] = Measurement(
            results.map(\.constraintResidual).max() ?? .nan, samples: perturbations,
            label: "max |Σq − 1|, |⟨E⟩_q − ⟨E⟩_p| / max(1, |⟨E⟩_p|): the perturbations are feasible", pooling: .maximum)
        output.measurements[SoftmaxKey.solvedSoftmaxDistance] = Measurement(
            solved.max() ?? .nan, samples: solved.count, unit: "× conditioning bound",
            label:
                "½Σ|softmax(−β*E) − p| with β* solved from ⟨E⟩ by Newton, in units of ε·(n + 16)·max|E|/σ_E (how well ⟨E⟩ fixes the distribution); ≤ 1 is rounding",
            pooling: .maximum)
        output.measurements[SoftmaxKey.solvedSoftmaxTV] = Measurement(
            results.map(\.solvedDistance).max() ?? .nan, samples: solved.count,
            label: "½Σ|softmax(−β*E) − p| (absolute), worst over logit sets", pooling: .maximum)
        output.measurements[SoftmaxKey.solverResidual] = Measurement(
            results.map(\.solverResidual).max() ?? .nan, samples: solved.count, unit: "ε·max|E|",
            label: "|⟨E⟩_β* − ⟨E⟩_p| at the solver's β*, in units of ε·max(1, max|E|)", pooling: .maximum)
        output.measurements[SoftmaxKey.medianRelativeDeficit] = Measurement(
            Self.median(results.map(\.medianRelativeDeficit)), samples: results.count,
            label: "median (H(p) − H(q)) / H(p) over logit sets")
        context.metrics.log(
            ["entropy-excess": excess, "violations": Double(violations), "perturbations": Double(perturbations)],
            fields: ["stage": "summary"])
        let iterations = results.filter { $0.solvedDeviation != nil }.map { Double($0.newtonIterations) }
        output.tables.append(
            ReportTable(
                title: "Inverse problem: β* from ⟨E⟩ by safeguarded Newton",
                header: [
                    "logit sets", "solved", "frozen (⟨E⟩ = min E in Double)", "mean iterations", "max iterations",
                    "worst ½Σ|p(β*) − p|", "in conditioning units", "worst residual (ε·max|E|)",
                ],
                rows: [
                    [
                        String(results.count), String(solved.count), String(results.count - solved.count),
                        NumberText.of(iterations.reduce(0, +) / Double(max(1, iterations.count)), digits: 3),
                        String(Int(iterations.max() ?? 0)), NumberText.of(results.map(\.solvedDistance).max() ?? .nan, digits: 3),
                        NumberText.of(solved.max() ?? .nan, digits: 3),
                        NumberText.of(results.map(\.solverResidual).max() ?? .nan, digits: 3),
                    ]
                ]))
        output.figures.append(deficitFigure())
        output.figures.append(perturbationFigure(seed: context.seed))
        output.notes = [
            "Logit sets: n keys log-uniform in [3, \(settings.maxKeys)], scores σ·N(0,1) with σ log-uniform in [0.01, 100], "
                + "β log-uniform in [1e-2, 1e2]; \(settings.perturbations) feasible directions per set.",
            "\(violations) of \(perturbations) perturbations gained entropy beyond rounding (1e-12 nats).",
        ]
        return output
    }

    static func measure(
        _ set: ThermoLogits, perturbations: Int,
        distribution: (_ energies: [Double], _ beta: Double) -> [Double] = { GibbsState(energies: $0, beta: $1).probabilities },
        rng: inout SeededRNG
    ) -> SetResult {
        let energies = set.energies
        let p = distribution(energies, set.beta)
        precondition(p.count == energies.count, "MaxEntropyExperiment: the distribution has \(p.count) weights for \(energies.count) energies")
        let u = zip(p, energies).reduce(0) { $0 + $1.0 * $1.1 }
        let h = GibbsState.shannonEntropy(p)
        var solvedDeviation: Double?
        var solverResidual = 0.0
        var solvedDistance = 0.0
        var iterations = 0
        if u > energies.min()!, u < energies.max()!,
            let solution = try? MaxEntropy.inverseTemperature(energies: energies, meanEnergy: u)
        {
            // Compare the distributions in total variation ½Σ|p − q|, in units of what the data
            // allow: Ū = Σp_iE_i is itself known only to δU ≈ ε·(n + 16)·max|E| (summation, and
            // the solver stops at rounding level), and a change δU moves the Gibbs distribution
            // by ½Σ|dp_i/dU|·δU ≤ δU/(2σ_E). So TV·σ_E/(ε·(n + 16)·max|E|) ≤ 1 is rounding.
            let state = GibbsState(energies: energies, beta: set.beta)
            let q = GibbsState(energies: energies, beta: solution.beta).probabilities
            let distance = 0.5 * zip(p, q).reduce(0) { $0 + abs($1.0 - $1.1) }
            let unit = Double.ulpOfOne * Double(p.count + 16) * max(1, energies.map(abs).max()!)
            solvedDeviation = distance * state.energyVariance.squareRoot() / unit
            solvedDistance = distance
            solverResidual = abs(solution.residual) / (Double.ulpOfOne * max(1, energies.map(abs).max()!))
            iterations = solution.iterations
        }
        var excess = -Double.infinity, violations = 0, residual = 0.0, done = 0
        var deficits: [Double] = []
        for k in 0..<perturbations {
            guard let d = MaxEntropy.feasibleDirection(energies: energies, rng: &rng) else { break }
            let tMax = MaxEntropy.maximumStep(p, along: d)
            guard tMax.isFinite, tMax > 0 else { continue }
            let fraction = k % 2 == 0 ? max(1e-300, 1 - rng.uniform()) : Foundation.pow(10, -6 * rng.uniform())
            let t = tMax * fraction
            let q = zip(p, d).map { Swift.max(0, $0 + t * $1) }
            let hq = GibbsState.shannonEntropy(q)
            // A gain that is not a number counts as infinite, so that `max` cannot drop it.
            excess = max(excess, (hq - h).isNaN ? .infinity : hq - h)
            if hq > h + 1e-12 { violations += 1 }
            residual = max(
                residual, abs(q.reduce(0, +) - 1),
                abs(zip(q, energies).reduce(0) { $0 + $1.0 * $1.1 } - u) / max(1, abs(u)))
            if h > 0 { deficits.append((h - hq) / h) }
            done += 1
        }
        return SetResult(
            entropyExcess: excess, violations: violations, perturbations: done, constraintResidual: residual,
            solvedDeviation: solvedDeviation, solvedDistance: solvedDistance, solverResidual: solverResidual, newtonIterations: iterations,
            medianRelativeDeficit: Self.median(deficits))
    }

    /// Entropy lost along three feasible directions versus step size (log-log): slope 2, the
    /// quadratic form ½t²Σd²/p of a strict maximum.
    func deficitFigure() -> Figure {
        var rng = SeededRNG(seed: 7)
        let energies = (0..<24).map { _ in -rng.normal() }
        let p = GibbsState(energies: energies, beta: 1).probabilities
        let h = GibbsState.shannonEntropy(p)
        var chart = Chart(
            title: "Entropy lost by leaving softmax at fixed ⟨E⟩", xLabel: "step t along a feasible direction",
            yLabel: "H(softmax) − H(p + t·d) (nats)", xScale: .log, yScale: .log)
        for direction in 0..<3 {
            guard let d = MaxEntropy.feasibleDirection(energies: energies, rng: &rng) else { continue }
            let tMax = MaxEntropy.maximumStep(p, along: d)
            let ts = (0...24).map { tMax * Foundation.pow(10, -4 + 4 * Double($0) / 24) }
            let deficits = ts.map { t in h - GibbsState.shannonEntropy(zip(p, d).map { Swift.max(0, $0 + t * $1) }) }
            chart.add(.scatter(ts, deficits, label: "direction \(direction + 1)"))
            if direction == 0 {
                let small = ts.indices.filter { ts[$0] <= 1e-2 * tMax && deficits[$0] > 0 }
                if let fit = ThermoLineFit(small.map { Foundation.log10(ts[$0]) }, small.map { Foundation.log10(deficits[$0]) }) {
                    chart.add(
                        .powerLawFit(
                            slope: fit.slope, slopeError: fit.slopeError, amplitude: Foundation.pow(10, fit.intercept),
                            over: ts[0]...ts[ts.count - 1]))
                }
                chart.add(
                    .reference(
                        ts, ts.map { MaxEntropy.quadraticEntropyDeficit(p, along: d, step: $0) },
                        label: "½ t² Σ d²/p (direction 1)"))
            }
        }
        return Figure(
            name: "maxent-deficit",
            caption: "Entropy deficit of p + t·d below softmax for three random directions d "
                + "that keep Σp = 1 and ⟨E⟩ fixed (n = 24, β = 1), up to the largest step keeping p ≥ 0. The fit over "
                + "small steps has slope 2: softmax is a strict maximum with curvature Σd²/p.", svg: chart.svg())
    }

    /// Entropies of many random feasible perturbations of one softmax, all below the softmax's.
    func perturbationFigure(seed: UInt64) -> Figure {
        var rng = SeededRNG(seed: seed ^ 0x7065_7274)  // "pert"
        let energies = (0..<16).map { _ in -1.5 * rng.normal() }
        let p = GibbsState(energies: energies, beta: 1).probabilities
        let h = GibbsState.shannonEntropy(p)
        var fractions: [Double] = [], entropies: [Double] = []
        for _ in 0..<400 {
            guard let d = MaxEntropy.feasibleDirection(energies: energies, rng: &rng) else { break }
            let f = rng.uniform()
            let t = MaxEntropy.maximumStep(p, along: d) * f
            fractions.append(f)
            entropies.append(GibbsState.shannonEntropy(zip(p, d).map { Swift.max(0, $0 + t * $1) }))
        }
        var chart = Chart(
            title: "Softmax against 400 distributions with the same ⟨E⟩", xLabel: "step as a fraction of the largest feasible step",
            yLabel: "entropy H (nats)")
        chart.add(.scatter(fractions, entropies, label: "random feasible perturbation"))
        chart.add(.horizontalLine(h, label: "H(softmax) = \(NumberText.of(h, digits: 4))", color: .vermillion, dash: .solid))
        chart.legend = .bottomLeft
        return Figure(
            name: "maxent-perturbations",
            caption: "Entropy of 400 random distributions with the same normalisation and "
                + "expected energy as softmax (n = 16, β = 1): none exceeds the softmax entropy (line).", svg: chart.svg())
    }
}

extension MaxEntropyExperiment {
    static func median(_ values: [Double]) -> Double {
        let v = values.filter(\.isFinite).sorted()
        guard !v.isEmpty else { return .nan }
        return v.count % 2 == 1 ? v[v.count / 2] : 0.5 * (v[v.count / 2 - 1] + v[v.count / 2])
    }
}
