import Foundation
import Physics
import TensorCore

/// Measures Barrett–Seth Φ on small linear-Gaussian systems with known answers and on random and
/// rotation-like (Koopman-like) networks, and records the cost of the exact search. The claim
/// `iit.phi` (Φ > 50 bits at 175B parameters) is untestable as stated; this shows the machinery
/// works and what it costs.
public struct IntegratedInformationExperiment: RegisteredExperiment {
    public static let experimentID = "criticality.integrated-information"
    public let title = "Integrated information Φ (Barrett–Seth) of linear-Gaussian systems"

    public init() {}

    public func run(_ context: ExperimentContext) throws -> ExperimentOutput {
        var out = ExperimentOutput()
        let smoke = context.scale == .smoke
        var rng = SeededRNG(seed: context.seed).stream(3)
        var rows: [[String]] = []
        func record(_ name: String, _ key: String, _ system: LinearGaussianSystem, exhaustiveLimit: Int = 16, expected: String = "—") -> PhiResult {
            let start = Date()
            let r = AutoregressivePhi.phi(system, exhaustiveLimit: exhaustiveLimit, rng: rng.stream(UInt64(system.size)))
            let seconds = Date().timeIntervalSince(start)
            out.measurements["phi.\(key)"] = Measurement(r.phiBits, unit: "bits", label: "Φ of \(name)")
            rows.append([
                name, "\(system.size)", NumberText.of(r.phiBits), expected, NumberText.of(r.wholeMutualInformation / Foundation.log(2)),
                "\(r.partA.count) + \(r.partB.count)",
                r.exhaustive ? "exhaustive (\(r.bipartitionsEvaluated))" : "heuristic (\(r.bipartitionsEvaluated) scored)",
                String(format: "%.3f", seconds),
            ])
            return r
        }

        // Known answers.
        _ = record(
            "two nodes, x₂ ← x₁ (c = 1)", "two-node", try LinearGaussianSystem(coupling: Matrix([[0, 0], [1, 0]]), noiseCovariance: .identity(2)),
            expected: "0.5 (½ log₂ 2)")
        var blocks = Matrix(rows: 8, cols: 8)
        blocks.setBlock(Self.scaled(Matrix.randomNormal(rows: 4, cols: 4, rng: &rng), radius: 0.8), at: 0, 0)
        blocks.setBlock(Self.scaled(Matrix.randomNormal(rows: 4, cols: 4, rng: &rng), radius: 0.8), at: 4, 4)
        _ = record("two disconnected 4-node blocks", "disconnected", try LinearGaussianSystem(coupling: blocks, noiseCovariance: .identity(8)), expected: "0")

        // Random networks (spectral radius 0.8) and rotation-like ones (0.95 × orthogonal,
        // eigenvalues on a circle as in a Koopman layer near the unit circle).
        let sizes = smoke ? [4, 8, 10] : [4, 8, 12, 16]
        var phiRandom: [Double] = [], phiRotation: [Double] = []
        for n in sizes {
            let k = Self.scaled(Matrix.randomNormal(rows: n, cols: n, rng: &rng), radius: 0.8)
            phiRandom.append(record("random network, ρ(K) = 0.8", "random-\(n)", try LinearGaussianSystem(coupling: k, noiseCovariance: .identity(n))).phiBits)
            let q = try Matrix.randomNormal(rows: n, cols: n, rng: &rng).svd()
            phiRotation.append(
                record("0.95 × random orthogonal", "rotation-\(n)", try LinearGaussianSystem(coupling: q.u * q.vt * 0.95, noiseCovariance: .identity(n)))
                    .phiBits)
        }
        if let n = sizes.last, let phi = phiRandom.last {
            out.measurements["phi.random-largest"] = Measurement(phi, unit: "bits", label: "Φ of a random \(n)-node network (ρ(K) = 0.8, exhaustive)")
        }
        // The heuristic against the exhaustive search, and beyond the exhaustive range.
        let check = smoke ? 10 : 12
        var agree = 0
        let trials = smoke ? 2 : 4
        for t in 0..<trials {
            let k = Self.scaled(Matrix.randomNormal(rows: check, cols: check, rng: &rng), radius: 0.8)
            let system = try LinearGaussianSystem(coupling: k, noiseCovariance: .identity(check))
            let exact = AutoregressivePhi.phi(system)
            let heuristic = AutoregressivePhi.phi(system, exhaustiveLimit: 4, rng: rng.stream(UInt64(1000 + t)))
            if abs(heuristic.normalisedPhi - exact.normalisedPhi) < 1e-9 { agree += 1 }
        }
        out.measurements["heuristic.agreement"] = Measurement(
            Double(agree), samples: trials,
            label: "random \(check)-variable systems where the heuristic finds the exhaustive MIB", pooling: .sum)
        let large = context.scale.simulation(smoke: [24], quick: [32, 48], paper: [32, 64, 96])
        var rotationSizes = sizes, rotationPhi = phiRotation
        for n in large {
            let q = try Matrix.randomNormal(rows: n, cols: n, rng: &rng).svd()
            let r = record("0.95 × random orthogonal", "rotation-\(n)", try LinearGaussianSystem(coupling: q.u * q.vt * 0.95, noiseCovariance: .identity(n)))
            rotationSizes.append(n); rotationPhi.append(r.phiBits)
        }
        // Φ of the rotation-like systems grows about linearly with n: where does it pass 50 bits?
        if let line = try? LeastSquares.line(x: rotationSizes.map(Double.init), y: rotationPhi) {
            let crossing = (50 - line.intercept) / line.slope
            out.measurements["phi.rotation-bits-per-variable"] = Measurement(
                line.slope, error: line.slopeError, label: "slope of Φ (bits) against n for 0.95 × orthogonal K")
            out.notes.append(
                String(
                    format:
                        "Φ of a noisy rotation x_{t+1} = 0.95·Q x_t + ε grows by %.2f bits per variable (Φ at the best bipartition found; exhaustive up to n = 16), so about %.0f such variables already exceed the seed's 50 bits: a large Φ marks strong, distributed linear memory, not anything beyond it.",
                    line.slope, crossing))
        }
        out.tables.append(
            ReportTable(
                title: "Φ (bits) of linear-Gaussian systems x_{t+1} = K x_t + ε, Σ_ε = I",
                header: ["system", "n", "Φ (bits)", "expected", "I(X_t; X_{t+1}) (bits)", "MIB sizes", "search", "seconds"],
                rows: rows))
        out.notes.append(
            "Exact Φ minimises over 2^{n−1} − 1 bipartitions: 32 767 at n = 16, ≈ 10^{19} at n = 64, and 2^{n−1} for n units of a 175B-parameter network (n ≳ 10^5 activations per token even if one chose units that way) — beyond any computer; the heuristic agreed with the exhaustive search on \(agree)/\(trials) random \(check)-variable systems."
        )

        var chart = Chart(title: "Φ of linear-Gaussian networks", xLabel: "number of variables n", yLabel: "Φ (bits)")
        chart.add(.scatter(sizes.map(Double.init), phiRandom, label: "random K, ρ = 0.8"))
        chart.add(.scatter(rotationSizes.map(Double.init), rotationPhi, label: "0.95 × orthogonal K (heuristic beyond n = 16)"))
        chart.add(.horizontalLine(50, label: "seed: 50 bits"))
        out.figures.append(
            Figure(
                name: "phi-per-system",
                caption:
                    "Barrett–Seth Φ (whole-minus-sum lagged mutual information at the minimum-information bipartition) of linear-Gaussian systems: exhaustive search up to 16 variables, the spectral-sweep heuristic beyond.",
                svg: chart.svg()))
        return out
    }

    /// `k` rescaled to spectral radius `radius`.
    static func scaled(_ k: Matrix, radius: Double) -> Matrix {
        let rho = (try? k.eigenvalues().map { $0.length }.max()) ?? 1
        return k * (radius / max(rho, 1e-12))
    }
}
