import ComplexModule
import Foundation
import Physics
import TensorCore

/// Spectra, generator decompositions and the energy budget of every layer of a Koopman model, as
/// the measurements the `qsf.spectrum-annulus`, `qsf.net-dissipation` and
/// `qsf.hamiltonian-unit-circle` rules read.
///
/// The measurements (`KoopmanStageKeys`) cover all layers: the |λ(K)| range, mode counts per
/// class (decay |λ| < 1 − ε, neutral, growth |λ| > 1 + ε), layers with both growth and decay,
/// max ||λ| − 1|, Tr D (needs generators), the budget Σ growth / |Σ decay| (< 1: growth funded
/// by decay) and the normalised commutator ‖[H, D]‖_F / (√2‖H‖‖D‖).
public struct KoopmanModelAnalysis: Sendable {
    public let layers: [KoopmanLayer]
    public let spectra: [KoopmanSpectrum]
    /// Generator decompositions (nil for layers given only K).
    public let decompositions: [GeneratorDecomposition?]
    public let epsilon: Double

    public init(layers: [KoopmanLayer], epsilon: Double = 1e-3, vectors: Bool = false) throws {
        precondition(!layers.isEmpty, "KoopmanModelAnalysis: no layers")
        self.layers = layers
        self.epsilon = epsilon
        spectra = try layers.map { try KoopmanSpectrum(propagator: $0.propagator, epsilon: epsilon, vectors: vectors) }
        decompositions = try layers.map { layer in try layer.generator.map { try GeneratorDecomposition(generator: $0) } }
    }

    /// Tr D per layer, when every layer has a generator.
    public var traces: [Double]? {
        let traces = decompositions.compactMap { $0?.netDissipation }
        return traces.count == layers.count ? traces : nil
    }

    /// The stage's measurements under `keys`; counts of modes and the extremes over layers pool
    /// over seeds by their least or largest value (every seed's model must show them).
    func measurements(_ keys: KoopmanStageKeys) -> [String: Measurement] {
        var m: [String: Measurement] = [:]
        let moduli = spectra.flatMap(\.moduli)
        let counts = spectra.map(\.classCounts)
        func total(_ c: ModeClass) -> Int { counts.reduce(0) { $0 + ($1[c] ?? 0) } }
        m[keys.layers] = Measurement(Double(layers.count), label: "layers analysed")
        m[keys.epsilon] = Measurement(epsilon, label: "neutral band half-width ε")
        m[keys.minModulus] = Measurement(
            moduli.min() ?? .nan, samples: moduli.count, label: "smallest |λ(K)| over layers",
            pooling: .minimum)
        m[keys.maxModulus] = Measurement(
            moduli.max() ?? .nan, samples: moduli.count, label: "largest |λ(K)| over layers",
            pooling: .maximum)
        m[keys.growthModes] = Measurement(
            Double(total(.growth)), label: "modes with |λ| > 1 + ε (over layers; least over seeds)",
            pooling: .minimum)
        m[keys.decayModes] = Measurement(
            Double(total(.decay)), label: "modes with |λ| < 1 − ε (over layers; least over seeds)",
            pooling: .minimum)
        m[keys.neutralModes] = Measurement(
            Double(total(.neutral)), label: "modes with ||λ| − 1| ≤ ε (over layers; least over seeds)",
            pooling: .minimum)
        m[keys.layersWithBothSides] = Measurement(
            Double(counts.filter { ($0[.growth] ?? 0) > 0 && ($0[.decay] ?? 0) > 0 }.count),
            label: "layers with both growth and decay modes (least over seeds)", pooling: .minimum)
        m[keys.maxModulusDeviation] = Measurement(moduli.map { abs($0 - 1) }.max() ?? .nan, label: "max ||λ| − 1|", pooling: .maximum)
        // Budget over the classified modes only, so rounding-level rates of neutral modes do not count.
        let ratios = spectra.map { s -> Double in
            let classes = s.classes, rates = s.rates
            let growth = rates.indices.filter { classes[$0] == .growth }.reduce(0) { $0 + rates[$1] }
            let decay = rates.indices.filter { classes[$0] == .decay }.reduce(0) { $0 + rates[$1] }
            return decay < 0 ? growth / -decay : (growth > 0 ? .infinity : 0)
        }
        m[keys.maxGrowthOverDecay] = Measurement(
            ratios.max() ?? .nan, label: "max over layers of Σ growth rates / |Σ decay rates| (modes outside the neutral band)",
            pooling: .maximum)
        m[keys.maxNetRate] = Measurement(spectra.map(\.netRate).max() ?? .nan, label: "max over layers of Σ log|λ(K)|", pooling: .maximum)
        if let traces {
            m[keys.maxTraceD] = Measurement(traces.max()!, label: "max over layers of Tr D", pooling: .maximum)
            m[keys.meanTraceD] = Measurement(traces.reduce(0, +) / Double(traces.count), label: "mean over layers of Tr D")
            m[keys.netDissipativeLayers] = Measurement(
                Double(traces.filter { $0 < 0 }.count), label: "layers with Tr D < 0 (least over seeds)",
                pooling: .minimum)
            m[keys.maxNormalisedCommutator] = Measurement(
                decompositions.compactMap { $0?.normalisedCommutator }.max()!,
                label: "max ‖[H, D]‖_F / (√2‖H‖_F‖D‖_F)", pooling: .maximum)
        }
        return m
    }

    /// One row per layer.
    public func table(title: String) -> ReportTable {
        let rows = layers.indices.map { i -> [String] in
            let s = spectra[i], c = s.classCounts, dec = decompositions[i]
            return [
                "\(layers[i].index)", NumberText.of(s.minimumModulus), NumberText.of(s.spectralRadius),
                "\(c[.decay] ?? 0) / \(c[.neutral] ?? 0) / \(c[.growth] ?? 0)",
                NumberText.of(s.totalGrowth), NumberText.of(s.totalDecay),
                dec.map { NumberText.of($0.netDissipation) } ?? "—",
                dec.map { NumberText.fixed($0.normalisedCommutator, 3) } ?? "—",
                layers[i].gamma.map { NumberText.fixed($0, 3) } ?? "—",
            ]
        }
        return ReportTable(
            title: title,
            header: [
                "layer", "min |λ|", "max |λ|", "decay / neutral / growth", "Σ growth",
                "Σ decay", "Tr D", "‖[H,D]‖ (norm.)", "γ",
            ], rows: rows)
    }

    /// Eigenvalues of every layer in the complex plane with the unit circle, one colour per layer.
    public func eigenvalueFigure(name: String, caption: String, title: String) -> Figure {
        var chart = Chart.complexPlane(title: title)
        let every = max(1, (spectra.count + 7) / 8)  // at most ~8 legend entries
        for (i, s) in spectra.enumerated() {
            chart.add(
                .scatter(
                    s.eigenvalues.map(\.real), s.eigenvalues.map(\.imaginary),
                    label: i % every == 0 ? "layer \(layers[i].index)" : nil, color: .palette(i)))
        }
        return Figure(name: name, caption: caption, svg: chart.svg())
    }
}
