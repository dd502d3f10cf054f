import Foundation
import Physics
import TensorCore

/// A grid of attention-head ensembles, d_k × N_h, each estimated from its own draws: the
/// engine behind `attnlab nnqft` and the NN-QFT experiments.
///
/// Every grid point runs `CorrelatorEstimator` on an `AttentionField` over a regular n-gon of
/// radius R in R^D (so pairs at equal separation are symmetry-equivalent) with its own seed,
/// measures G2, the attention-weight G2, G4c (direct and mixture) and the Monte-Carlo noise
/// floor of the direct G4c, then fits |G4c| against N_h (per d_k) and against d_k (per N_h).
public struct NNQFTScan: Sendable {
    /// How d_v follows d_k.
    public enum ValueWidth: Sendable, Codable, Equatable {
        /// d_v = d_k (∞ when d_k is ∞).
        case sameAsKey
        /// d_v fixed.
        case fixed(Int)
        /// d_v = ∞: the read-out's |w|²/d_v → 1, isolating the query/key non-Gaussianity.
        case infinite

        func resolve(_ keyWidth: Int?) -> Int? {
            switch self {
            case .sameAsKey: keyWidth
            case .fixed(let v): v
            case .infinite: nil
            }
        }

        public var description: String {
            switch self {
            case .sameAsKey: "d_k"
            case .fixed(let v): "\(v)"
            case .infinite: "∞"
            }
        }
    }

    public struct Options: Sendable, Codable, Equatable {
        /// Dimension D of the points.
        public var dimension = 3
        /// Number of points (tokens) n.
        public var points = 8
        /// Radius of the n-gon, in units of ℓ·1 (absolute).
        public var radius = 1.5
        /// Random Fourier features m.
        public var features = 64
        /// RFF length scale ℓ.
        public var lengthScale = 1.0
        /// d_k values; nil is d_k = ∞.
        public var keyWidths: [Int?] = [16]
        public var valueWidth: ValueWidth = .sameAsKey
        /// N_h values.
        public var heads: [Int] = [1, 2, 4, 8, 16]
        public var draws = 100_000
        public var blocks = 100
        public var seed: UInt64 = 1
        public var threads = Parallel.defaultThreads
        /// β = σ_Qσ_K.
        public var logitScale = 1.0
        public var valueScale = 1.0
        public var embedding: EmbeddingMode = .perHead
        public var sampler: AttentionSamplerKind = .gram
        /// Gaussian replicas for the noise floor (0: skip the floor).
        public var floorReplicas = 2

        public init() {}

        /// A reason the options cannot run, or nil.
        public var problem: String? {
            if dimension < 2 { return "--dimension must be at least 2 (the points form a ring in a plane), got \(dimension)" }
            if points < 2 { return "--points must be at least 2, got \(points)" }
            if !(radius > 0) { return "--radius must be positive, got \(radius)" }
            if keyWidths.isEmpty || heads.isEmpty { return "--dk and --heads need at least one value each" }
            if heads.contains(where: { $0 < 1 }) { return "--heads values must be positive" }
            if draws < blocks || blocks < 2 { return "--draws (\(draws)) must be at least --blocks (\(blocks)) ≥ 2" }
            for k in keyWidths {
                if let p = config(keyWidth: k, heads: 1).problem { return p }
            }
            return nil
        }

        /// The field configuration at one grid point.
        public func config(keyWidth: Int?, heads: Int) -> AttentionFieldConfig {
            AttentionFieldConfig(
                features: features, lengthScale: lengthScale, keyWidth: keyWidth,
                valueWidth: valueWidth.resolve(keyWidth), heads: heads, logitScale: logitScale,
                valueScale: valueScale, embedding: embedding, sampler: sampler)
        }

        /// The point set: a regular n-gon of the given radius in the (x₁, x₂) plane of R^D.
        public var pointSet: PointSet { .ring(count: points, dimension: dimension, radius: radius) }
    }

    /// One grid point's results.
    public struct Row: Sendable, Codable, Equatable {
        /// nil is ∞.
        public var keyWidth: Int?
        public var valueWidth: Int?
        public var heads: Int
        /// G2(x₀, x₀), direct.
        public var g2: JackknifeValue
        /// G2(x₀, x₀) from the attention weights, σ_V² E[ρ² A G Aᵀ]₀₀.
        public var g2Attention: JackknifeValue
        /// Largest |direct − attention|/σ over all pairs.
        public var g2RepresentationMaxZ: Double
        /// Mean of G4c(i,i,i,i) over the points, direct.
        public var g4c: JackknifeValue
        /// The same from the conditional covariance (mixture representation).
        public var g4cMixture: JackknifeValue
        /// Mean excess kurtosis G4c/G2².
        public var kurtosis: JackknifeValue
        /// Monte-Carlo noise floor of `g4c` (0 when not measured).
        public var floor: Double
        public var draws: Int
        public var drawsPerSecond: Double
    }

    /// A power-law fit of |G4c| along one axis of the grid.
    public struct Fit: Sendable, Codable, Equatable {
        /// "N_h" or "d_k".
        public var variable: String
        /// What is held fixed ("d_k = 16").
        public var at: String
        /// Direct G4c with noise-floor exclusion.
        public var direct: ScalingAnalysis
        /// Mixture G4c, cut at 3σ of its own (much smaller) errors; its floor is not the direct
        /// estimator's, so none is applied.
        public var mixture: ScalingAnalysis
    }

    public struct Report: Sendable, Codable {
        public var options: Options
        public var rows: [Row]
        public var fits: [Fit]
        public var seconds: Double
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    /// Runs one grid point (exposed for the experiments, which run custom lists).
    public static func runPoint(
        options: Options, keyWidth: Int?, heads: Int, label: UInt64,
        points: PointSet? = nil
    ) -> (Row, CorrelatorEstimate) {
        let n = options.points
        let field = AttentionField(points: points ?? options.pointSet, config: options.config(keyWidth: keyWidth, heads: heads))
        let plan = CorrelatorPlan(
            draws: options.draws, blocks: options.blocks, threads: options.threads,
            quadruples: Quadruple.standard(n), seed: derivedSeed(options.seed, label: label))
        let estimate = CorrelatorEstimator.run(field, plan: plan)
        let floor =
            options.floorReplicas > 0
            ? NoiseFloor.measure(covariance: estimate.g2Matrix, pointCount: n, plan: plan, replicas: options.floorReplicas).floor
            : 0
        let maxZ = estimate.g2Difference!.map { $0.error > 0 ? abs($0.value) / $0.error : 0 }.max() ?? 0
        let row = Row(
            keyWidth: keyWidth, valueWidth: options.valueWidth.resolve(keyWidth), heads: heads,
            g2: estimate.g2(0, 0), g2Attention: estimate.g2Conditional![0], g2RepresentationMaxZ: maxZ,
            g4c: estimate.connectedMean(), g4cMixture: estimate.conditionalConnectedMean()!,
            kurtosis: estimate.excessKurtosis, floor: floor, draws: estimate.draws,
            drawsPerSecond: estimate.drawsPerSecond)
        return (row, estimate)
    }

    /// Runs the grid; `progress` gets one line per grid point.
    public func run(progress: (String) -> Void = { _ in }) -> Report {
        precondition(options.problem == nil, "NNQFTScan: \(options.problem!)")
        let start = Date()
        var rows: [Row] = []
        var label: UInt64 = 0
        for k in options.keyWidths {
            for h in options.heads {
                let (row, _) = NNQFTScan.runPoint(options: options, keyWidth: k, heads: h, label: label)
                label += 1
                rows.append(row)
                progress("d_k=\(NNQFTScan.widthText(k)) N_h=\(h)  G4c = \(row.g4c.formatted)  (\(NumberText.fixed(row.drawsPerSecond, 0)) draws/s)")
            }
        }
        return Report(
            options: options, rows: rows, fits: NNQFTScan.fits(rows, options: options),
            seconds: Date().timeIntervalSince(start))
    }

    /// Fits |G4c| vs N_h at each d_k with ≥ 2 head counts, and vs finite d_k at each N_h with ≥ 2 widths.
    static func fits(_ rows: [Row], options: Options) -> [Fit] {
        var out: [Fit] = []
        func analyse(_ subset: [Row], x: (Row) -> Double, variable: String, at: String) {
            let xs = subset.map(x)
            out.append(
                Fit(
                    variable: variable, at: at,
                    direct: ScalingAnalysis(x: xs, values: subset.map(\.g4c), floors: subset.map(\.floor)),
                    mixture: ScalingAnalysis(x: xs, values: subset.map(\.g4cMixture), floors: subset.map { _ in 0 })))
        }
        if options.heads.count >= 2 {
            for k in options.keyWidths {
                analyse(rows.filter { $0.keyWidth == k }, x: { Double($0.heads) }, variable: "N_h", at: "d_k = \(widthText(k))")
            }
        }
        let finite = options.keyWidths.compactMap { $0 }
        if finite.count >= 2 {
            for h in options.heads {
                analyse(
                    rows.filter { $0.heads == h && $0.keyWidth != nil }, x: { Double($0.keyWidth!) },
                    variable: "d_k", at: "N_h = \(h)")
            }
        }
        return out
    }

    static func widthText(_ k: Int?) -> String { k.map(String.init) ?? "∞" }
}

extension JackknifeValue {
    /// "0.0231 ± 0.0019" with digits chosen from the error.
    public var formatted: String { Measurement(value, error: error).formatted }
}
