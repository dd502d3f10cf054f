import ComplexModule
import Foundation
import Physics
import TensorCore

/// One layer's Koopman operators as plain matrices — what the spectral analysis needs from a
/// trained `koopman`, `qsf` or `hamiltonian` model (seed 001 §II–IV, XII).
///
/// Size letters: d = model (state) dimension.
public struct KoopmanLayer: Sendable {
    /// Layer index (0 = first).
    public var index: Int
    /// Generator A (d×d), when the model stores it (K = exp(A)).
    public var generator: Matrix?
    /// Propagator K (d×d).
    public var propagator: Matrix
    /// Value projection W_V (d×d) of the layer's linear attention (qsf, hamiltonian).
    public var valueProjection: Matrix?
    /// Learned measurement strength γ_l (qsf, hamiltonian).
    public var gamma: Double?

    /// From a generator: K = exp(A).
    public init(index: Int, generator: Matrix, valueProjection: Matrix? = nil, gamma: Double? = nil) throws {
        self.index = index
        self.generator = generator
        self.propagator = try generator.exponential()
        self.valueProjection = valueProjection
        self.gamma = gamma
    }

    /// From a propagator alone (no generator quantities are then reported).
    public init(index: Int, propagator: Matrix, valueProjection: Matrix? = nil, gamma: Double? = nil) {
        self.index = index
        self.generator = nil
        self.propagator = propagator
        self.valueProjection = valueProjection
        self.gamma = gamma
    }
}

/// Spectra, generator decompositions and the energy budget of every layer of a Koopman model, as
/// the measurements the `qsf.spectrum-annulus`, `qsf.net-dissipation` and
/// `qsf.hamiltonian-unit-circle` rules read.
///
/// Measurement names, with `p` the prefix given to `measurements(prefix:)`
/// ("spectrum.model" for Stage III, "spectrum.hamiltonian" for Stage IV):
/// - `p.layers`, `p.epsilon`;
/// - `p.minModulus`, `p.maxModulus` over all layers' |λ(K)|;
/// - `p.growthModes`, `p.decayModes`, `p.neutralModes` (totals over layers);
/// - `p.layersWithBothSides`: layers with at least one growth and one decay mode;
/// - `p.maxModulusDeviation`: max ||λ| − 1|;
/// - `p.maxTraceD`, `p.meanTraceD`, `p.netDissipativeLayers` (Tr D < 0; needs generators);
/// - `p.maxGrowthOverDecay`: max over layers of Σ growth / |Σ decay| (< 1: growth funded by decay);
/// - `p.maxNormalisedCommutator`: max ‖[H, D]‖_F / (√2‖H‖‖D‖).
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

    public func measurements(prefix p: String) -> [String: Measurement] {
        var m: [String: Measurement] = [:]
        let moduli = spectra.flatMap(\.moduli)
        let counts = spectra.map(\.classCounts)
        func total(_ c: ModeClass) -> Int { counts.reduce(0) { $0 + ($1[c] ?? 0) } }
        m["\(p).layers"] = Measurement(Double(layers.count), label: "layers analysed")
        m["\(p).epsilon"] = Measurement(epsilon, label: "neutral band half-width ε")
        m["\(p).minModulus"] = Measurement(moduli.min() ?? .nan, samples: moduli.count, label: "smallest |λ(K)| over layers")
        m["\(p).maxModulus"] = Measurement(moduli.max() ?? .nan, samples: moduli.count, label: "largest |λ(K)| over layers")
        m["\(p).growthModes"] = Measurement(Double(total(.growth)), label: "modes with |λ| > 1 + ε")
        m["\(p).decayModes"] = Measurement(Double(total(.decay)), label: "modes with |λ| < 1 − ε")
        m["\(p).neutralModes"] = Measurement(Double(total(.neutral)), label: "modes with ||λ| − 1| ≤ ε")
        m["\(p).layersWithBothSides"] = Measurement(Double(counts.filter { ($0[.growth] ?? 0) > 0 && ($0[.decay] ?? 0) > 0 }.count),
                                                    label: "layers with both growth and decay modes")
        m["\(p).maxModulusDeviation"] = Measurement(moduli.map { abs($0 - 1) }.max() ?? .nan, label: "max ||λ| − 1|")
        // Budget over the classified modes only, so rounding-level rates of neutral modes do not count.
        let ratios = spectra.map { s -> Double in
            let classes = s.classes, rates = s.rates
            let growth = rates.indices.filter { classes[$0] == .growth }.reduce(0) { $0 + rates[$1] }
            let decay = rates.indices.filter { classes[$0] == .decay }.reduce(0) { $0 + rates[$1] }
            return decay < 0 ? growth / -decay : (growth > 0 ? .infinity : 0)
        }
        m["\(p).maxGrowthOverDecay"] = Measurement(ratios.max() ?? .nan,
                                                    label: "max over layers of Σ growth rates / |Σ decay rates| (modes outside the neutral band)")
        m["\(p).maxNetRate"] = Measurement(spectra.map(\.netRate).max() ?? .nan, label: "max over layers of Σ log|λ(K)|")
        let traces = decompositions.compactMap { $0?.netDissipation }
        if traces.count == layers.count {
            m["\(p).maxTraceD"] = Measurement(traces.max()!, label: "max over layers of Tr D")
            m["\(p).meanTraceD"] = Measurement(traces.reduce(0, +) / Double(traces.count), label: "mean over layers of Tr D")
            m["\(p).netDissipativeLayers"] = Measurement(Double(traces.filter { $0 < 0 }.count), label: "layers with Tr D < 0")
            m["\(p).maxNormalisedCommutator"] = Measurement(decompositions.compactMap { $0?.normalisedCommutator }.max()!,
                                                            label: "max ‖[H, D]‖_F / (√2‖H‖_F‖D‖_F)")
        }
        return m
    }

    /// One row per layer.
    public func table(title: String) -> ReportTable {
        let rows = layers.indices.map { i -> [String] in
            let s = spectra[i], c = s.classCounts, dec = decompositions[i]
            return ["\(layers[i].index)", String(format: "%.3g", s.minimumModulus), String(format: "%.3g", s.spectralRadius),
                    "\(c[.decay] ?? 0) / \(c[.neutral] ?? 0) / \(c[.growth] ?? 0)",
                    String(format: "%.3g", s.totalGrowth), String(format: "%.3g", s.totalDecay),
                    dec.map { String(format: "%.3g", $0.netDissipation) } ?? "—",
                    dec.map { String(format: "%.3f", $0.normalisedCommutator) } ?? "—",
                    layers[i].gamma.map { String(format: "%.3f", $0) } ?? "—"]
        }
        return ReportTable(title: title, header: ["layer", "min |λ|", "max |λ|", "decay / neutral / growth", "Σ growth",
                                                  "Σ decay", "Tr D", "‖[H,D]‖ (norm.)", "γ"], rows: rows)
    }

    /// Eigenvalues of every layer in the complex plane with the unit circle, one colour per layer.
    public func eigenvalueFigure(name: String, caption: String, title: String) -> Figure {
        var chart = Chart.complexPlane(title: title)
        let every = max(1, (spectra.count + 7) / 8)          // at most ~8 legend entries
        for (i, s) in spectra.enumerated() {
            chart.add(.scatter(s.eigenvalues.map(\.real), s.eigenvalues.map(\.imaginary),
                               label: i % every == 0 ? "layer \(layers[i].index)" : nil, color: .palette(i)))
        }
        return Figure(name: name, caption: caption, svg: chart.svg())
    }
}
