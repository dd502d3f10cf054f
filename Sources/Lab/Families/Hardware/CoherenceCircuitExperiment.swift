import Foundation
import Physics
import TensorCore

/// Runs the seed's proof-of-concept circuit (H, 300 ps delay, measure, 1000 shots) and a Ramsey
/// sequence on a one-qubit density-matrix simulator with T1/T2 channels, for the seed's T2 values.
public struct CoherenceCircuitExperiment: RegisteredExperiment {
    public static let experimentID = "criticality.coherence-circuit"
    public let title = "The coherence circuit: H, 300 ps delay, measure — and Ramsey"

    public init() {}

    /// Delay of the seed's circuit.
    static let delay = 300e-12
    /// The seed's T2 ranges (§4.1 table).
    static let t2Values: [(String, Double)] = [
        ("300 K, T2 = 150 ps", 150e-12), ("300 K, T2 = 300 ps", 300e-12),
        ("77 K, T2 = 1.2 ns", 1.2e-9), ("77 K, T2 = 1.8 ns", 1.8e-9),
    ]

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput()
        var rng = SeededRNG(seed: context.seed).stream(4)
        let tau = Self.delay, shots = 1000
        let circuit = QubitCircuit.seedCircuit(delay: tau)

        // The seed's script as written: Aer's qasm_simulator without a noise model.
        let ideal = circuit.run(noise: .none, shots: shots, rng: &rng)
        out.measurements[CoherenceKey.p1SeedScript] = Measurement(
            ideal.frequencyOne, error: ideal.frequencyError, samples: shots,
            label: "fraction of |1⟩ in 1000 shots of the seed's circuit on a noiseless simulator")
        var rows: [[String]] = [
            ["as written (no noise model)", "—", "—", "\(ideal.counts.zero) / \(ideal.counts.one)", NumberText.of(ideal.probabilityOne), "—"]
        ]
        var p1Values: [Double] = []
        for (name, t2) in Self.t2Values {
            // T1 is not given: the allowed range is T1 ≥ T2/2. Both ends.
            for (t1Name, t1) in [("T1 = T2/2 (the least allowed)", t2 / 2), ("T1 = ∞ (pure dephasing)", Double.infinity)] {
                let noise = try QubitNoise(t1: t1, t2: t2)
                let m = circuit.run(noise: noise, shots: shots, rng: &rng)
                let ramsey = QubitCircuit.ramsey(delay: tau).finalState(noise: noise).populations.zero
                p1Values.append(m.probabilityOne)
                rows.append([
                    name, t1Name, NumberText.of(Foundation.exp(-tau / t2)), "\(m.counts.zero) / \(m.counts.one)", NumberText.of(m.probabilityOne),
                    NumberText.of(ramsey),
                ])
            }
            out.measurements["ramsey.contrast.t2-\(Int((t2 * 1e12).rounded()))ps"] = Measurement(
                Foundation.exp(-tau / t2), label: "Ramsey contrast e^{−τ/T2} after 300 ps, \(name)")
        }
        // P(|1⟩) depends on T1 only: hold T1 fixed and vary T2 over the seed's range.
        let fixedT1 = 1e-9
        let spread = try Self.t2Values.filter { $0.1 <= 2 * fixedT1 }.map {
            circuit.finalState(noise: try QubitNoise(t1: fixedT1, t2: $0.1)).populations.one
        }
        out.measurements[CoherenceKey.p1SpreadOverT2] = Measurement(
            (spread.max() ?? 0) - (spread.min() ?? 0),
            label: "change of P(|1⟩) over the seed's T2 values at fixed T1 = 1 ns (dephasing does not move populations)", pooling: .maximum)
        let t1For15 = tau / Foundation.log(0.5 / 0.15)
        let t2For15 = tau / Foundation.log(1 / 0.15)
        out.measurements[CoherenceKey.t1For15Percent] = Measurement(t1For15 * 1e12, unit: "ps", label: "T1 that would make ½e^{−τ/T1} = 0.15")
        out.measurements[CoherenceKey.t2For15PercentContrast] = Measurement(t2For15 * 1e12, unit: "ps", label: "T2 whose Ramsey contrast e^{−τ/T2} is 0.15")
        out.measurements[CoherenceKey.p1Range300K] = Measurement(p1Values[0], label: "smallest P(|1⟩) allowed at 300 K (T2 = 150 ps, T1 = T2/2): ½e^{−2τ/T2}")
        out.tables.append(
            ReportTable(
                title: "The seed's circuit (H, 300 ps, measure; 1000 shots) and Ramsey (H, 300 ps, H)",
                header: ["T2", "T1", "coherence e^{−τ/T2}", "counts 0 / 1", "P(|1⟩)", "Ramsey P(|0⟩)"], rows: rows))
        out.notes.append(
            String(
                format:
                    "After H the qubit is (|0⟩ + |1⟩)/√2; during the delay dephasing (T2) shrinks only the off-diagonal coherence, which a Z-basis measurement cannot see, so P(|1⟩) = ½e^{−τ/T1}: 0.5 with no noise model (the seed's script: %d / %d), and between ½e^{−2τ/T2} (T1 at its lower bound T2/2) and 0.5 for any physical T1 ≥ T2/2. 15%% |1⟩ would need T1 = %.0f ps, a quantity the seed never states; the seed's own T2 values do not enter. What T2 controls is the Ramsey contrast e^{−τ/T2} (measured by H, delay, H): %.3f at T2 = 150 ps and %.3f at 300 ps — 15%% corresponds to T2 = %.0f ps, which suggests the seed's number is a coherence e^{−τ/T2}, not a |1⟩ population.",
                ideal.counts.zero, ideal.counts.one, t1For15 * 1e12, Foundation.exp(-tau / 150e-12), Foundation.exp(-tau / 300e-12), t2For15 * 1e12))
        out.notes.append(
            "GPU tensor cores compute with classical digital logic; they hold no qubit whose T1 or T2 could be measured, and the seed's circuit is a Qiskit simulation that runs on a CPU."
        )

        // Figures: populations against delay.
        let delays = (0...60).map { Double($0) * 25e-12 }
        var pop = Chart(title: "P(|1⟩) after H and a delay", xLabel: "delay (ps)", yLabel: "P(|1⟩)")
        for (name, t1) in [("T1 = ∞ (any T2)", Double.infinity), ("T1 = 1 ns", 1e-9), ("T1 = 150 ps", 150e-12), ("T1 = 75 ps", 75e-12)] {
            let noise = try QubitNoise(t1: t1, t2: min(2 * t1, 150e-12))
            pop.add(.line(delays.map { $0 * 1e12 }, delays.map { QubitCircuit.seedCircuit(delay: $0).finalState(noise: noise).populations.one }, label: name))
        }
        let needed = try QubitNoise(t1: t1For15, t2: min(2 * t1For15, 150e-12))
        pop.add(
            .line(
                delays.map { $0 * 1e12 }, delays.map { QubitCircuit.seedCircuit(delay: $0).finalState(noise: needed).populations.one },
                label: String(format: "T1 = %.0f ps (would give 15%%)", t1For15 * 1e12)))
        pop.add(.scatter([tau * 1e12], [0.15], label: "seed: 15% after 300 ps"))
        out.figures.append(
            Figure(
                name: "qubit-populations", caption: "The seed's circuit: P(|1⟩) = ½e^{−τ/T1} whatever T2 is; only relaxation moves the population.",
                svg: pop.svg()))
        var ramsey = Chart(title: "Ramsey: P(|0⟩) after H, delay, H", xLabel: "delay (ps)", yLabel: "P(|0⟩)")
        for (name, t2) in Self.t2Values {
            let noise = try QubitNoise(t1: .infinity, t2: t2)
            ramsey.add(.line(delays.map { $0 * 1e12 }, delays.map { QubitCircuit.ramsey(delay: $0).finalState(noise: noise).populations.zero }, label: name))
        }
        ramsey.add(.horizontalLine(0.5 * (1 + 0.15), label: "contrast 15%"))
        out.figures.append(
            Figure(
                name: "qubit-ramsey",
                caption: "Ramsey decay P(|0⟩) = ½(1 + e^{−τ/T2}) (no detuning) for the seed's T2 values: this is the experiment that measures T2.",
                svg: ramsey.svg()))
        return out
    }
}
