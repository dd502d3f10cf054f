import ComplexModule
import Foundation
import Physics
import TensorCore

/// Known-answer checks of the spectrum machinery, run by `qsf.spectrum` at every seed whether or
/// not a trained model reached it (`QSFSpectrumKey.Validation`):
/// - a "Stage III" stack of generators A_l = S_l B_l S_l⁻¹ (B_l block-diagonal with chosen rates r
///   and frequencies ω, so λ(K) = e^{r ± iω} exactly and Tr D = Σ r; S_l non-orthogonal, so H and
///   D do not commute) and a skew "Stage IV" stack (|λ| = 1);
/// - a planted semantic-sparsity set (boundary items load the top mode) and its null;
/// - synthetic γ trajectories with a known depth slope (0.04) that settle at 40% of training;
/// - residual-update energies with known ratios ρ_l = 1.1 + 0.1·l.
enum SpectrumValidation {
    /// Rates r (log|λ|) and frequencies ω of the validation layers: 2×2 blocks (r ± iω) then 1×1 (r).
    static let blocks: [[(rate: Double, frequency: Double)]] = [
        [(Double.log(2.5), 0.9), (-0.3, 0.4), (0, 0)],
        [(Double.log(0.4), 1.7), (0.1, 0.2), (0, 0), (-0.05, 0)],
        [(-0.2, 2.5), (Double.log(1.8), 0)],
        [(0.5, 0.6), (-1.0, 1.1), (Double.log(0.35), 0)],
    ]

    /// The block-diagonal generator of `blocks` and its moduli |λ(exp B)|, largest first.
    static func blockGenerator(_ blocks: [(rate: Double, frequency: Double)]) -> (matrix: Matrix, moduli: [Double]) {
        let d = blocks.reduce(0) { $0 + ($1.frequency == 0 ? 1 : 2) }
        var b = Matrix(rows: d, cols: d), i = 0, moduli: [Double] = []
        for block in blocks {
            if block.frequency == 0 {
                b[i, i] = block.rate; i += 1
                moduli.append(Double.exp(block.rate))
            } else {
                b[i, i] = block.rate; b[i + 1, i + 1] = block.rate
                b[i, i + 1] = -block.frequency; b[i + 1, i] = block.frequency
                i += 2
                moduli += [Double.exp(block.rate), Double.exp(block.rate)]
            }
        }
        return (b, moduli.sorted(by: >))
    }

    /// The checks' measurements, a table and a figure of the validation spectra, and a note.
    static func output(seed: UInt64, items: Int) throws -> ExperimentOutput {
        typealias Key = QSFSpectrumKey.Validation
        var rng = SeededRNG(seed: seed, stream: 0x5350_4543)  // "SPEC"
        let epsilon = 1e-3
        var layers: [KoopmanLayer] = [], expectedModuli: [[Double]] = [], expectedTrace: [Double] = []
        for (l, blocks) in blocks.enumerated() {
            let (b, moduli) = blockGenerator(blocks)
            let d = b.rows
            let s = Matrix.identity(d) + Matrix.randomNormal(rows: d, cols: d, std: 0.3 / Double(d).squareRoot(), rng: &rng)
            let a = s * b * (try s.inverse())
            layers.append(try KoopmanLayer(index: l, generator: a, gamma: 1.1 + 0.05 * Double(l)))
            expectedModuli.append(moduli)
            expectedTrace.append(b.trace)
        }
        let analysis = try KoopmanModelAnalysis(layers: layers, epsilon: epsilon)
        var modulusError = 0.0, traceError = 0.0, netError = 0.0, classError = 0
        for (l, spectrum) in analysis.spectra.enumerated() {
            modulusError = max(modulusError, zip(spectrum.moduli, expectedModuli[l]).map { abs($0 - $1) / $1 }.max()!)
            traceError = max(traceError, abs(analysis.decompositions[l]!.netDissipation - expectedTrace[l]))
            netError = max(netError, abs(spectrum.netRate - expectedTrace[l]))
            let expected = expectedModuli[l].map { ModeClass.of(modulus: $0, epsilon: epsilon) }
            classError += zip(spectrum.classes, expected).filter { $0 != $1 }.count
        }
        let skew = try (0..<4).map { l in
            try KoopmanLayer(index: l, generator: Matrix.randomNormal(rows: 8, cols: 8, rng: &rng).antisymmetricPart)
        }
        let hamiltonianDeviation = try KoopmanModelAnalysis(layers: skew, epsilon: epsilon).spectra.flatMap(\.moduli).map { abs($0 - 1) }.max()!
        let (planted, null) = try sparsity(items: items, rng: &rng)
        let steps = Array(stride(from: 0, through: 1_000, by: 10))
        let gammaSeries = (0..<6).map { l -> [Double] in steps.map { s in 1 + (0.05 + 0.04 * Double(l)) * min(1, Double(s) / 400) } }
        let gamma = GammaTrajectoryAnalysis(steps: steps, gamma: gammaSeries, loss: steps.map { 2 + 3 * Double.exp(-Double($0) / 250) })
        let contributionError = share(rng: &rng)

        var m: [String: Measurement] = [:]
        m[Key.modulusError] = Measurement(modulusError, label: "max relative error of |λ(K)| on known generators", pooling: .maximum)
        m[Key.classErrors] = Measurement(Double(classError), label: "misclassified modes on known generators", pooling: .maximum)
        m[Key.traceDError] = Measurement(traceError, label: "max |Tr D − Σ r| on known generators", pooling: .maximum)
        m[Key.netRateError] = Measurement(netError, label: "max |Σ log|λ| − Tr D| on known generators", pooling: .maximum)
        m[Key.hamiltonianDeviation] = Measurement(hamiltonianDeviation, label: "max ||λ| − 1| for skew generators", pooling: .maximum)
        m[Key.plantedBoundaryZ] = Measurement(planted, label: "boundary z of a planted sparsity set")
        m[Key.nullBoundaryZ] = Measurement(null, label: "boundary z of its null")
        m[Key.gammaSlope] = Measurement(gamma.depthSlope.value, label: "γ depth slope recovered from synthetic trajectories (true 0.04)")
        m[Key.gammaSettledFraction] = Measurement(
            gamma.measurements()[QSFSpectrumKey.Gamma.settledFraction]!.value,
            label: "γ settling fraction recovered from synthetic trajectories (true 0.4)")
        m[Key.contributionError] = Measurement(
            contributionError, label: "max |ρ_l − ρ_true| and |slope − true| on synthetic energies",
            pooling: .maximum)
        var out = ExperimentOutput(measurements: m)
        out.tables.append(analysis.table(title: "Validation: generators with known spectra (|λ| = e^r)"))
        out.figures.append(
            analysis.eigenvalueFigure(
                name: "qsf-spectrum-validation",
                caption:
                    "Eigenvalues of K = exp(A) for the validation generators (known rates r and frequencies ω), with the unit circle. The trained model's figure (qsf-spectrum) takes the same form.",
                title: "Koopman eigenvalues, validation generators"))
        out.notes.append(
            "Validation: |λ| recovered to \(NumberText.of(modulusError, digits: 2)) (relative), Tr D to \(NumberText.of(traceError, digits: 2)), "
                + "Σ log|λ| = Tr D to \(NumberText.of(netError, digits: 2)), \(classError) misclassified modes; skew generators give "
                + "||λ| − 1| ≤ \(NumberText.of(hamiltonianDeviation, digits: 2)); planted sparsity z = \(NumberText.of(planted, digits: 2)), "
                + "null z = \(NumberText.of(null, digits: 2)); γ slope \(NumberText.of(gamma.depthSlope.value)) (true 0.04); "
                + "residual-update ratios recovered to \(NumberText.of(contributionError, digits: 2)).")
        return out
    }

    /// Boundary z of a planted set (boundary items load the top mode) and of a null set.
    static func sparsity(items: Int, rng: inout SeededRNG) throws -> (planted: Double, null: Double) {
        let d = 8
        var v = Matrix.randomNormal(rows: d, cols: d, rng: &rng)
        for c in 0..<d {
            let n = v.column(c).reduce(0) { $0 + $1 * $1 }.squareRoot()
            for r in 0..<d { v[r, c] /= n }
        }
        let lambdas = [3.0, 2.0, 1.4, 1.0, 0.8, 0.6, 0.45, 0.3]
        let k = v * Matrix.diagonal(lambdas) * (try v.inverse())
        let spectrum = try KoopmanSpectrum(propagator: k)
        let boundary = (0..<items).map { _ in rng.uniform() < 0.1 }
        func states(planted: Bool, rng: inout SeededRNG) -> Matrix {
            var c = Matrix.randomNormal(rows: items, cols: d, rng: &rng)
            if planted { for i in 0..<items where boundary[i] { c[i, 0] = 6 + rng.normal() } }
            return c.multiplied(by: v, transposeOther: true)
        }
        let a = ModeSparsityAnalysis(spectrum: spectrum, states: states(planted: true, rng: &rng), isBoundary: boundary, topModes: 1)
        let b = ModeSparsityAnalysis(spectrum: spectrum, states: states(planted: false, rng: &rng), isBoundary: boundary, topModes: 1)
        return (a.boundaryZ, b.boundaryZ)
    }

    /// Worst recovery error of `MeasurementShare` on energies with ρ_l = 1.1 + 0.1·l exactly.
    static func share(rng: inout SeededRNG) -> Double {
        let truth = (0..<4).map { 1.1 + 0.1 * Double($0) }
        let koopman = truth.map { _ in (0..<16).map { _ in 1 + rng.uniform() } }
        let measurement = zip(koopman, truth).map { k, r in k.map { $0 * r * r } }
        let share = MeasurementShare(koopman: koopman, measurement: measurement, tokens: Array(repeating: 64, count: 16))
        let errors = zip(share.ratios, truth).map { abs($0.value - $1) } + [abs(share.slope.value - 0.1), abs(share.minimum.value - 1.1)]
        return errors.max()!
    }
}
