import Foundation
import Physics
import TensorCore

/// Seed 004's imaginary-time identity: the gradient of the leakage free energy
/// F = log Σ_k exp(−βΔ_k) is a softmax-weighted Hebbian update,
/// ∂F/∂J_ij = −2β (p_i + p_j) s_i s_j, ∂F/∂h_k = −2β p_k s_k.
///
/// Over many random memories (N, couplings, fields, state and β drawn at random) the closed form
/// is compared with three independent derivatives: reverse-mode automatic differentiation of F
/// built from primitive ops, complex-step differentiation of F computed from energies (exact to
/// rounding, N ≤ 16) and central finite differences. The Hebbian limit (β → 0, the gradient is
/// −(4β/N) s sᵀ) is measured on the side.
///
/// The claim it measures (`qpf.softmax-hebbian`) is an identity: the check must be able to fail,
/// so the gradient under test is a parameter (a test passes a wrong one and sees it contradicted).
struct LeakageGradientExperiment: RegisteredExperiment {
    static let experimentID = "qpf.gradient"
    var title: String { "Leakage free energy: the softmax-weighted Hebbian gradient" }

    /// A gradient of F in (J, h): ∂F/∂J as a symmetric (N, N) matrix, ∂F/∂h as (N).
    typealias Gradient = @Sendable (IsingMemory, _ state: [Double], _ beta: Double) -> (couplings: [Double], fields: [Double])
    /// The gradient under test; the closed form −2β(p_i + p_j)s_i s_j by default.
    var gradient: Gradient = { LeakageFreeEnergy.gradient($0, state: $1, beta: $2) }

    struct Settings {
        var cases: Int
        var maxSpins: Int
        /// Cases (the first ones) also checked by complex step and finite differences.
        var referenceCases: Int

        init(_ scale: Scale) {
            (cases, maxSpins, referenceCases) = scale.simulation(smoke: (40, 24, 10), quick: (400, 64, 60), paper: (10_000, 256, 500))
        }
    }

    struct CaseResult: Sendable {
        var spins: Int
        var beta: Double
        var autodiff: Double
        var complexStep: Double?
        var finiteDifference: Double?
    }

    func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        let settings = Settings(context.scale)
        let master = SeededRNG(seed: context.seed ^ 0x7170_665F_6772_6164)  // "qpf_grad"
        context.log("\(settings.cases) random memories, N ≤ \(settings.maxSpins), β log-uniform in [0.01, 100]")
        let results = withSerialBLAS {
            Parallel.map(settings.cases) { i -> CaseResult in
                var rng = master.stream(UInt64(i))
                let reference = i < settings.referenceCases
                let n = 2 + rng.int(below: (reference ? min(16, settings.maxSpins) : settings.maxSpins) - 1)
                let beta = Foundation.pow(10, rng.uniform(-2, 2))
                let memory = Self.randomMemory(spins: n, rng: &rng)
                let s = (0..<n).map { _ in rng.next() & 1 == 0 ? 1.0 : -1.0 }
                let closed = gradient(memory, s, beta)
                let auto = LeakageGradientCheck.autodiffGradient(memory, state: s, beta: beta)
                var result = CaseResult(
                    spins: n, beta: beta,
                    autodiff: LeakageGradientCheck.worstRelativeDeviation(closed, reference: auto))
                if reference {
                    let complex = LeakageGradientCheck.complexStepGradient(memory, state: s, beta: beta)
                    result.complexStep = LeakageGradientCheck.worstRelativeDeviation(closed, reference: complex)
                    let fd = LeakageFreeEnergy.finiteDifferenceGradient(memory, state: s, beta: beta)
                    result.finiteDifference = LeakageGradientCheck.worstRelativeDeviation(closed, reference: fd)
                }
                return result
            }
        }
        let hebbian = hebbianLimit(seed: context.seed)

        let autodiff = results.map(\.autodiff)
        let complex = results.compactMap(\.complexStep)
        let fd = results.compactMap(\.finiteDifference)
        var output = ExperimentOutput()
        // Worst cases over memories, pooled as the worst over seeds.
        output.measurements[QPFKey.autodiffDeviation] = Measurement(
            autodiff.max() ?? .nan, samples: autodiff.count,
            label: "max over memories of max|closed form − autodiff| / max|autodiff| (relative, worst case)", pooling: .maximum)
        output.measurements[QPFKey.complexStepDeviation] = Measurement(
            complex.max() ?? .nan, samples: complex.count,
            label: "max over memories of max|closed form − complex step| / max|complex step| (N ≤ 16)", pooling: .maximum)
        output.measurements[QPFKey.finiteDifferenceDeviation] = Measurement(
            fd.max() ?? .nan, samples: fd.count,
            label: "the same against central finite differences (truncation + rounding ~1e−10)", pooling: .maximum)
        output.measurements[QPFKey.hebbianLimit] = Measurement(
            hebbian, samples: 1,
            label: "β = 1e−8: max_ij |∂F/∂J_ij ÷ (−4β/N) − s_i s_j| (the classic Hebbian rule)", pooling: .maximum)
        context.metrics.log(
            [
                "worst-autodiff": autodiff.max() ?? .nan, "worst-complex-step": complex.max() ?? .nan,
                "worst-finite-difference": fd.max() ?? .nan,
            ], fields: ["stage": "summary"])
        output.figures = [deviationFigure(results), weightsFigure()]
        output.notes = [
            "Each memory: N uniform in 2…\(settings.maxSpins) (2…16 for the complex-step and finite-difference cases), "
                + "J_ij ~ N(0, 1/N), h_i ~ N(0, 0.3²), a random state s and β log-uniform in [0.01, 100].",
            "The closed form is ∂F/∂J_ij = −2β(p_i + p_j) s_i s_j with p = softmax(−βΔ) over the N single-flip channels: "
                + "descending F adds the Hebbian outer product s sᵀ with row and column k weighted by p_k. "
                + "Machine epsilon is 2.2e−16.",
        ]
        return output
    }

    static func randomMemory(spins n: Int, rng: inout SeededRNG) -> IsingMemory {
        var j = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in (a + 1)..<n {
                let v = rng.normal() / Double(n).squareRoot()
                j[a * n + b] = v
                j[b * n + a] = v
            }
        }
        return IsingMemory(couplings: j, fields: (0..<n).map { _ in 0.3 * rng.normal() })
    }

    /// max_ij |∂F/∂J_ij ÷ (−4β/N) − s_i s_j| at β = 1e−8 for one memory.
    func hebbianLimit(seed: UInt64) -> Double {
        var rng = SeededRNG(seed: seed ^ 0x6865_6262)
        let n = 24
        let memory = Self.randomMemory(spins: n, rng: &rng)
        let s = (0..<n).map { _ in rng.next() & 1 == 0 ? 1.0 : -1.0 }
        let beta = 1e-8
        let g = gradient(memory, s, beta)
        let hebbianScale = -4 * beta / Double(n)
        var worst = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i { worst = max(worst, abs(g.couplings[i * n + j] / hebbianScale - s[i] * s[j])) }
        }
        return worst
    }

    func deviationFigure(_ results: [CaseResult]) -> Figure {
        var chart = Chart(
            title: "Closed-form leakage gradient against three derivatives", xLabel: "β",
            yLabel: "worst relative deviation", xScale: .log, yScale: .log)
        func shown(_ values: [(Double, Double?)]) -> ([Double], [Double]) {
            let kept = values.compactMap { b, d in d.map { (b, max($0, 1e-18)) } }
            return (kept.map(\.0), kept.map(\.1))
        }
        let auto = shown(results.map { ($0.beta, $0.autodiff) })
        let complex = shown(results.map { ($0.beta, $0.complexStep) })
        let fd = shown(results.map { ($0.beta, $0.finiteDifference) })
        chart.add(.scatter(auto.0, auto.1, label: "reverse-mode autodiff"))
        chart.add(.scatter(complex.0, complex.1, label: "complex step"))
        chart.add(.scatter(fd.0, fd.1, label: "central finite differences"))
        chart.add(.horizontalLine(1e-12, label: "verdict tolerance 10⁻¹²", color: .grey))
        chart.add(.horizontalLine(Double.ulpOfOne, label: "machine ε", color: .black))
        chart.yDomain = 1e-18...1e-4
        return Figure(
            name: "qpf-gradient-deviation",
            caption: "Worst relative deviation between the closed-form gradient "
                + "−2β(p_i + p_j)s_i s_j and independent derivatives of F = log Σ exp(−βΔ_k), one point per random "
                + "memory (exact agreements are drawn at 10⁻¹⁸). Autodiff and the complex step agree to rounding; "
                + "finite differences to their truncation error.", svg: chart.svg())
    }

    /// The channel weights p_k = softmax(−βΔ_k) of one memory's data state at several β.
    func weightsFigure() -> Figure {
        let gaps = (0..<16).map { 0.5 + 3.5 * Double($0) / 15 }
        var chart = Chart(
            title: "Softmax leakage weights over single-flip channels", xLabel: "gap Δ_k",
            yLabel: "weight p_k", yScale: .log)
        for beta in [0.1, 0.5, 1.0, 2.0, 4.0] {
            chart.add(
                .line(
                    gaps, LeakageFreeEnergy.weights(gaps: gaps, beta: beta), label: "β = \(NumberText.of(beta, digits: 2))",
                    markers: true))
        }
        chart.add(.horizontalLine(1.0 / 16, label: "Hebbian (β → 0): 1/N", color: .grey))
        return Figure(
            name: "qpf-softmax-weights",
            caption: "The attention-like weights p_k = exp(−βΔ_k)/Σ exp(−βΔ_l) that "
                + "multiply channel k's Hebbian term in −∇F, for 16 channels with gaps 0.5…4: the least stable channels "
                + "(small Δ) dominate as β grows; at β → 0 every channel gets 1/N, the classic Hebbian rule.",
            svg: chart.svg())
    }
}
