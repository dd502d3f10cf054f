import Foundation
import Physics
import TensorCore

/// Seed 003's theorem: softmax with temperature τ is the Gibbs (thermal Born) distribution with
/// E = −score and β = 1/τ. Measured over many random logit sets as worst-case deviations:
///
/// - softmax(βs) — computed as a transformer does (shift by the max, exp, normalise) — against
///   exp(−βE_i)/Z from log Z (`GibbsState`);
/// - F = −log Z/β against U − S/β, with S the Shannon entropy of the softmax output (relative to
///   the largest of |F|, |U|, |S/β|);
/// - the Born amplitudes ψ_i = √p_i squared against p_i;
/// - Born's rule for the thermal density matrix, ⟨n|exp(−βH)|n⟩/Tr exp(−βH) for H = Q diag(E) Qᵀ
///   in a random basis (matrix exponential, no diagonalisation), against softmax(−βE).
///
/// It also shows the thermodynamics of one logit set (F, U, TS and C versus temperature) and
/// the Jensen–Shannon divergences between the attention distributions of a few heads.
struct GibbsIdentityExperiment: RegisteredExperiment {
    static let experimentID = "thermodynamics.gibbs"
    var title: String { "Softmax as a Gibbs state: F = U − S/β, Born amplitudes, thermal density matrix" }

    /// The softmax under test, applied to x = βs: attention's shift-by-max softmax. Tests put a
    /// wrong one here to show that the rule can fail.
    var softmax: @Sendable ([Double]) -> [Double] = GibbsState.softmax

    struct Settings {
        var logitSets: Int
        var maxKeys: Int
        var densityChecks: Int

        init(_ scale: Scale) {
            (logitSets, maxKeys, densityChecks) = scale.simulation(smoke: (200, 64, 10), quick: (5_000, 512, 100), paper: (200_000, 4096, 1000))
        }
    }

    /// Deviations for one logit set.
    struct SetResult: Sendable {
        var keys: Int
        var beta: Double
        /// max_i |softmax_i − p_i| in units of the rounding bound of a Double softmax.
        var softmaxDeviation: Double
        var absoluteDeviation: Double
        var identityDeviation: Double
        var amplitudeDeviation: Double
        var normalisationDeviation: Double
    }

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale)
        let master = SeededRNG(seed: context.seed ^ 0x6762_6962_6273)  // "gibbs"
        context.log("\(settings.logitSets) random logit sets, up to \(settings.maxKeys) keys, β ∈ [1e-3, 1e3]")
        let results = Parallel.map(settings.logitSets) { i -> SetResult in
            var rng = master.stream(UInt64(i))
            let set = ThermoLogits.draw(index: i, rng: &rng, nRange: 2...settings.maxKeys, betaRange: 1e-3...1e3)
            return Self.measure(set, softmax: softmax)
        }
        let densityDeviations = try (0..<settings.densityChecks).map { i -> Double in
            var rng = master.stream(UInt64(1_000_000 + i))
            return try Self.densityMatrixDeviation(rng: &rng, softmax: softmax)
        }

        let n = results.count
        func worst(_ key: KeyPath<SetResult, Double>) -> Double { results.map { $0[keyPath: key] }.max() ?? .nan }
        var output = ExperimentOutput()
        // Worst deviations: pooled over seeds as the worst seed.
        output.measurements[SoftmaxKey.softmaxDeviation] = Measurement(
            worst(\.softmaxDeviation), samples: n, unit: "× rounding bound",
            label: "max_i |softmax(βs)_i − exp(−βE_i)/Z| / (ε·(4β·max|s| + n + 4)·p_i), worst over logit sets; ≤ 1 is rounding",
            pooling: .maximum)
        output.measurements[SoftmaxKey.softmaxAbsoluteDeviation] = Measurement(
            worst(\.absoluteDeviation), samples: n, label: "max_i |softmax(βs)_i − exp(−βE_i)/Z| (absolute), worst over logit sets",
            pooling: .maximum)
        output.measurements[SoftmaxKey.freeEnergyIdentity] = Measurement(
            worst(\.identityDeviation), samples: n, label: "|F − (U − S/β)| / max(|F|, |U|, |S/β|), worst over logit sets",
            pooling: .maximum)
        output.measurements[SoftmaxKey.bornAmplitudes] = Measurement(
            max(worst(\.amplitudeDeviation), worst(\.normalisationDeviation)), samples: n,
            label: "max(|ψ_i² − p_i|, |Σψ² − 1|) with ψ_i = exp(log p_i / 2), worst over logit sets", pooling: .maximum)
        output.measurements[SoftmaxKey.thermalDensityBorn] = Measurement(
            densityDeviations.max() ?? .nan, samples: densityDeviations.count,
            label: "max_n |⟨n|ρ_β|n⟩ − softmax(−βE)_n| with ρ_β = exp(−βH)/Z by expm", pooling: .maximum)
        context.metrics.log(
            [
                "worst-softmax-deviation": worst(\.softmaxDeviation),
                "worst-identity-deviation": worst(\.identityDeviation),
                "worst-density-deviation": densityDeviations.max() ?? .nan,
            ], fields: ["stage": "summary"])

        output.tables.append(limitsTable())
        output.figures.append(potentialsFigure())
        output.figures.append(heatCapacityFigure())
        output.figures.append(deviationFigure(results))
        let (headsFigure, headsNote) = headsDivergenceFigure(seed: context.seed)
        output.figures.append(headsFigure)
        let exactZero = results.filter { $0.identityDeviation == 0 }.count
        output.notes = [
            "Every logit set: n keys log-uniform in [2, \(settings.maxKeys)], scores σ·N(0,1) with σ log-uniform in [0.01, 100], "
                + "β log-uniform in [1e-3, 1e3]; every 7th set has tied scores, every 11th a common offset of 1e4.",
            "Machine epsilon is 2.2e-16; a deviation of a few hundred ε is rounding. \(exactZero) of \(n) sets reproduce "
                + "F = U − S/β exactly in Double.",
            headsNote,
        ]
        return output
    }

    static func measure(_ set: ThermoLogits, softmax subject: ([Double]) -> [Double] = GibbsState.softmax) -> SetResult {
        let beta = set.beta
        let softmax = subject(set.scores.map { beta * $0 })
        precondition(softmax.count == set.scores.count, "GibbsIdentityExperiment: the softmax returned \(softmax.count) weights for \(set.scores.count) scores")
        let gibbs = GibbsState(energies: set.energies, beta: beta)
        let p = gibbs.probabilities
        // A Double softmax of x = βs carries an error of order ε·|x| in each exponent, so p_i is
        // only determined to a relative ε·(4β·max|s| + n + 4): deviations are measured in that unit.
        let largest = set.scores.map(abs).max() ?? 0
        let bound = Double.ulpOfOne * (4 * beta * largest + Double(p.count) + 4)
        var softmaxDeviation = 0.0, absoluteDeviation = 0.0
        for i in p.indices {
            let d = Self.deviation(p[i], softmax[i])
            absoluteDeviation = max(absoluteDeviation, d)
            softmaxDeviation = max(softmaxDeviation, d / (bound * p[i] + 4 * Double.leastNonzeroMagnitude))
        }
        let f = gibbs.freeEnergy, u = gibbs.internalEnergy
        let s = GibbsState.shannonEntropy(softmax)
        let scale = max(abs(f), abs(u), abs(s / beta), Double.leastNormalMagnitude)
        let identity = Self.deviation(f, u - s / beta) / scale
        let psi = gibbs.amplitudes
        var amplitude = 0.0, norm = 0.0
        for i in psi.indices {
            amplitude = max(amplitude, abs(psi[i] * psi[i] - p[i]))
            norm += psi[i] * psi[i]
        }
        return SetResult(
            keys: p.count, beta: beta, softmaxDeviation: softmaxDeviation, absoluteDeviation: absoluteDeviation,
            identityDeviation: identity,
            amplitudeDeviation: amplitude, normalisationDeviation: abs(norm - 1))
    }

    /// Born's rule through the matrix exponential for one random Hamiltonian (n ≤ 32, moderate βE
    /// so that exp(−βH) is well conditioned).
    static func densityMatrixDeviation(rng: inout SeededRNG, softmax subject: ([Double]) -> [Double] = GibbsState.softmax) throws -> Double {
        let n = 2 + rng.int(below: 31)
        let sigma = Foundation.pow(10, rng.uniform(-1, 0.5))
        let energies = (0..<n).map { _ in sigma * rng.normal() }
        let beta = Foundation.pow(10, rng.uniform(-1.3, 0.7))
        let q = try ThermalDensityMatrix.randomBasis(n, rng: &rng)
        let h = ThermalDensityMatrix.hamiltonian(energies: energies, basis: q)
        let rho = try ThermalDensityMatrix.density(hamiltonian: h, beta: beta, groundEnergy: energies.min()!)
        let born = ThermalDensityMatrix.bornProbabilities(density: rho, basis: q)
        let softmax = subject(energies.map { -beta * $0 })
        return zip(born, softmax).map { deviation($0, $1) }.max() ?? 0
    }

    /// |a − b|, with a result that is not a number (a softmax that overflowed) counted as an
    /// infinite deviation: `max` would otherwise drop it and the check could not fail.
    static func deviation(_ a: Double, _ b: Double) -> Double {
        let d = abs(a - b)
        return d.isNaN ? .infinity : d
    }

    /// The two limits, on one fixed logit set.
    func limitsTable() -> ReportTable {
        let scores = [1.3, -0.4, 2.1, 0.7, -1.8, 2.1 - 1e-9, 0.2, -0.9]
        let energies = scores.map { -$0 }
        var rows: [[String]] = []
        for beta in [0.0, 1e-12, 1e-6, 1, 1e6, 1e12, 1e300] {
            let g = GibbsState(energies: energies, beta: beta)
            let p = g.probabilities
            let uniform = p.map { abs($0 - 1 / Double(p.count)) }.max()!
            rows.append([
                NumberText.of(beta, digits: 3), NumberText.of(uniform, digits: 3),
                NumberText.of(p.max()!, digits: 6), NumberText.of(g.entropy, digits: 6),
                NumberText.of(g.internalEnergy, digits: 6),
            ])
        }
        return ReportTable(
            title: "Limits for scores (1.3, −0.4, 2.1, 0.7, −1.8, 2.1 − 10⁻⁹, 0.2, −0.9): β → 0 is uniform "
                + "(S → log 8 = 2.07944), β → ∞ the ground state (two levels 10⁻⁹ apart: one-hot only once β·10⁻⁹ ≫ 1)",
            header: ["β", "max |p_i − 1/n|", "max p_i", "S (nats)", "U = ⟨E⟩"], rows: rows)
    }

    /// F, U and TS versus temperature for one logit set, with U − TS drawn on top of F.
    func potentialsFigure() -> Figure {
        let energies = Self.exampleEnergies
        let temperatures = (0...60).map { Foundation.pow(10, -1.5 + 2.5 * Double($0) / 60) }
        let states = temperatures.map { GibbsState(energies: energies, beta: 1 / $0) }
        var chart = Chart(
            title: "Thermodynamic potentials of one attention row (n = 16)", xLabel: "temperature τ = 1/β",
            yLabel: "energy", xScale: .log)
        chart.add(.line(temperatures, states.map(\.freeEnergy), label: "F = −log Z / β"))
        chart.add(.line(temperatures, states.map(\.internalEnergy), label: "U = ⟨E⟩"))
        chart.add(.line(temperatures, zip(states, temperatures).map { $0.entropy * $1 }, label: "τ·S"))
        chart.add(
            .scatter(
                Array(temperatures.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)),
                states.enumerated().filter { $0.offset % 4 == 0 }.map { $0.element.internalEnergy - $0.element.entropy / $0.element.beta },
                label: "U − τ·S (markers on F)", color: .black))
        return Figure(
            name: "gibbs-potentials",
            caption: "Free energy, internal energy and τ·S versus temperature for one "
                + "random logit row (E = −s). The markers, U − τS computed from the entropy of the softmax output, "
                + "sit on the F curve: F = U − S/β.", svg: chart.svg())
    }

    /// C = β²Var(E) versus temperature, with dU/dτ by finite differences as an independent check.
    func heatCapacityFigure() -> Figure {
        let energies = Self.exampleEnergies
        let temperatures = (0...80).map { Foundation.pow(10, -1.5 + 2.5 * Double($0) / 80) }
        let c = temperatures.map { GibbsState(energies: energies, beta: 1 / $0).heatCapacity }
        let sparse = temperatures.enumerated().filter { $0.offset % 4 == 2 }.map(\.element)
        let derivative = sparse.map { t -> Double in
            let h = 1e-4 * t
            return
                (GibbsState(energies: energies, beta: 1 / (t + h)).internalEnergy
                - GibbsState(energies: energies, beta: 1 / (t - h)).internalEnergy) / (2 * h)
        }
        var chart = Chart(
            title: "Heat capacity of one attention row", xLabel: "temperature τ = 1/β", yLabel: "C",
            xScale: .log)
        chart.add(.line(temperatures, c, label: "C = β² Var(E)"))
        chart.add(.scatter(sparse, derivative, label: "dU/dτ (finite differences)", color: .vermillion))
        if let peak = c.indices.max(by: { c[$0] < c[$1] }) {
            chart.add(.verticalLine(temperatures[peak], label: "peak τ = \(NumberText.of(temperatures[peak], digits: 3))"))
        }
        return Figure(
            name: "gibbs-heat-capacity",
            caption: "Heat capacity C = β²Var(E) (line) and its definition dU/dτ by "
                + "central differences (markers) for the same row. The peak marks the temperature where attention "
                + "turns from spread out to focused.", svg: chart.svg())
    }

    /// Worst deviation of F = U − S/β per logit set against the number of keys.
    func deviationFigure(_ results: [SetResult]) -> Figure {
        var chart = Chart(
            title: "F − (U − S/β) per random logit set", xLabel: "number of keys n",
            yLabel: "relative deviation", xScale: .log, yScale: .log)
        let shown = results.filter { $0.identityDeviation > 0 }
        chart.add(.scatter(shown.map { Double($0.keys) }, shown.map(\.identityDeviation), label: "|F − (U − S/β)| / scale"))
        chart.add(.horizontalLine(Double.ulpOfOne, label: "machine ε"))
        chart.add(.horizontalLine(1e-12, label: "verdict tolerance 10⁻¹²", color: .vermillion))
        let largest = shown.map(\.identityDeviation).max() ?? 0
        chart.yDomain = 1e-18...Swift.max(1e-10, 10 * largest)
        return Figure(
            name: "gibbs-identity-deviation",
            caption: "Relative deviation from F = U − S/β for each random "
                + "logit set (\(results.count - shown.count) of \(results.count) sets are exact and not shown on the "
                + "log axis). All sit at rounding level, far below the tolerance.", svg: chart.svg())
    }

    /// Jensen–Shannon divergences between 8 "heads": one score row seen at 8 temperatures plus
    /// head-specific noise.
    func headsDivergenceFigure(seed: UInt64) -> (Figure, String) {
        var rng = SeededRNG(seed: seed ^ 0x6865_6164_73)  // "heads"
        let keys = 32
        let shared = (0..<keys).map { _ in 2 * rng.normal() }
        let heads = (0..<8).map { h -> [Double] in
            let temperature = Foundation.pow(2, Double(h) / 2 - 1.5)
            return GibbsState.softmax(shared.map { ($0 + 0.5 * rng.normal()) / temperature })
        }
        let js = Divergence.jensenShannonMatrix(heads)
        let values = (0..<8).map { a in (0..<8).map { b in js[a, b] } }
        var chart = Chart(title: "Jensen–Shannon divergence between heads", xLabel: "head", yLabel: "head", width: 560, height: 460)
        chart.add(.heatMap(values, xRange: -0.5...7.5, yRange: -0.5...7.5, colorLabel: "JS (nats)", colorRange: 0...Foundation.log(2)))
        let largest = js.elements.max() ?? 0
        let note =
            "Heads: one row of 32 scores with head-specific noise at temperatures 2^(h/2 − 1.5), h = 0…7. "
            + "Largest JS divergence \(NumberText.of(largest, digits: 3)) nats (bound log 2 = 0.693)."
        return (
            Figure(
                name: "gibbs-heads-js",
                caption: "Jensen–Shannon divergence (nats) between the attention "
                    + "distributions of 8 heads; colour scale 0 … log 2, the maximum possible.", svg: chart.svg()), note
        )
    }

    /// The logit row used in the single-row figures (fixed, so the figures do not depend on the seed).
    static let exampleEnergies: [Double] = {
        var rng = SeededRNG(seed: 2024)
        return (0..<16).map { _ in -rng.normal() }
    }()
}
