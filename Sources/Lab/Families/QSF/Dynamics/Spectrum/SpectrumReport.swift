import Foundation
import Physics
import TensorCore

/// The text report of `attnlab spectrum --matrix`: the spectrum of one matrix taken as K (or as
/// the generator A, with K = exp(A)).
public enum SpectrumReport {
    public static func run(matrix: Matrix, isGenerator: Bool, epsilon: Double) throws -> (text: String, figure: Figure) {
        guard matrix.isSquare else { throw MatrixFile.Error("matrix", "is \(matrix.rows)×\(matrix.cols), a Koopman operator must be square") }
        let layer = isGenerator ? try KoopmanLayer(index: 0, generator: matrix) : KoopmanLayer(index: 0, propagator: matrix)
        let analysis = try KoopmanModelAnalysis(layers: [layer], epsilon: epsilon)
        let s = analysis.spectra[0]
        var out = ""
        func line(_ x: String = "") { out += x + "\n" }
        line("Koopman spectrum of a \(matrix.rows)×\(matrix.cols) \(isGenerator ? "generator A (K = exp A)" : "propagator K")")
        let c = s.classCounts
        line(
            String(
                format: "  spectral radius %.6g, min |λ| %.6g; decay / neutral / growth (ε = %g): %d / %d / %d", s.spectralRadius,
                s.minimumModulus, epsilon, c[.decay] ?? 0, c[.neutral] ?? 0, c[.growth] ?? 0))
        line(
            String(
                format: "  Σ growth rates %.6g, Σ decay rates %.6g, net Σ log|λ| %.6g (%@)", s.totalGrowth, s.totalDecay, s.netRate,
                s.isNetDissipative ? "net dissipative" : "not net dissipative"))
        if let d = analysis.decompositions[0] {
            line(
                String(
                    format: "  Tr D %.6g; D eigenvalues: Σ positive %.6g, Σ negative %.6g; ‖[H,D]‖_F %.4g (normalised %.4f)", d.netDissipation,
                    d.dissipatorGrowth, d.dissipatorDecay, d.commutatorNorm, d.normalisedCommutator))
        }
        line()
        line("   k          Re λ          Im λ          |λ|      log|λ|   class")
        for (k, e) in s.eigenvalues.enumerated() {
            line(String(format: "  %2d  %12.6g  %12.6g  %11.6g  %10.4g   %@", k, e.real, e.imaginary, s.moduli[k], s.rates[k], s.classes[k].rawValue))
        }
        let figure = analysis.eigenvalueFigure(name: "spectrum", caption: "Eigenvalues with the unit circle.", title: "Koopman eigenvalues")
        return (out, figure)
    }

    /// Every layer of a checkpointed koopman / qsf / hamiltonian model, with γ over training from
    /// a metrics file, or else from the stage's result.json when the folder is a pipeline stage:
    /// the per-layer table, the claim measurements, and the figure.
    public static func checkpoint(_ folder: URL, metrics: URL?, epsilon: Double) throws -> (text: String, figure: Figure) {
        let model = try RunModels.loadModel(checkpoint: folder)
        let isHamiltonian = model.config.architecture == .hamiltonian
        let analysis = try TrainedSpectrum(
            stageIII: model, stageIV: isHamiltonian ? model : nil, initial: nil,
            records: try metrics.map { try GammaTrajectoryAnalysis.records(metrics: $0) }
                ?? SpectrumExperiment.trainingRecords(checkpoint: folder), data: nil,
            windows: 0, epsilon: epsilon)
        let output = SpectrumExperiment.output(analysis)
        var out =
            "Koopman spectra of \(folder.path) (\(model.config.architecture.rawValue), \(analysis.stageIII.layers.count) layers, width \(model.config.width))\n"
        // The experiment's tables are titled by pipeline stage; here there is one model, so one table.
        if let table = output.tables.first {
            out += "\nPer-layer Koopman spectra\n" + TextTable.render(header: table.header, rows: table.rows) + "\n"
        }
        out += "\nMeasurements\n"
        for (name, m) in output.measurements.sorted(by: { $0.key < $1.key }) { out += "  \(name) = \(m.formatted)\n" }
        return (out, output.figures[0])
    }
}
