import Foundation
import Physics
import TensorCore

/// How a reference growth model is run to validate the exponent estimator: one large system in
/// its growth regime (for β) and small systems run well past saturation (for α from W_sat(L), z
/// and the collapse): `samples` realisations of the large size recorded at 12 times per decade,
/// 4× as many of each small size recorded at 36 per decade.
///
/// Durations use the model class's known z only to decide how long to run (a few crossover
/// times t× ∝ L^z); the estimator itself decides from the data whether a size saturated.
public struct SurfaceGrowthProtocol: Sendable {
    public var model: GrowthModel
    /// (L, last recording time) per size, ascending L.
    public var sizes: [(length: Int, time: Int)]
    /// Realisations of the largest size.
    public var samples: Int
    public var options: SurfaceScalingOptions

    public init(model: GrowthModel, scale: Scale) {
        self.model = model
        options = SurfaceScalingOptions()
        // Saturated sizes run to ≈ 20 crossover times: t = L² for the EW class (slowest mode
        // relaxes as e^{−2π²t/L²}), t = 16·L^{3/2} for the KPZ models (W reaches W_sat near
        // t ≈ L^{3/2}/2). The large size stays in its growth regime, W(t_end) ≲ 0.3·W_sat: the
        // approach to saturation lowers the local slope long before W_sat (single-step model at
        // L = 4096, t ≤ 1500, W ≈ 0.4·W_sat: β_eff ≈ 0.317; at L = 8192: 0.331 ± 0.004).
        let small: [Int]
        let big: (ew: (Int, Int), kpz: (Int, Int), rd: (Int, Int))
        (small, samples) = scale.simulation(smoke: ([16, 32], 8), quick: ([32, 64, 128], 32), paper: ([64, 128, 256, 512], 128))
        big = scale.simulation(
            smoke: ((256, 300), (2048, 200), (256, 200)),
            quick: ((2048, 2000), (8192, 1500), (1024, 1000)),
            paper: ((8192, 20000), (32768, 6000), (8192, 10000)))
        switch model {
        case .randomDeposition:
            sizes = [big.rd]
        case .edwardsWilkinson, .family:
            sizes = small.map { ($0, $0 * $0) } + [big.ew]
        case .singleStep, .rsos:
            sizes = small.map { ($0, Int(16 * Foundation.pow(Double($0), 1.5))) } + [big.kpz]
        }
    }

    public var description: String {
        let saturated = sizes.count > 1 ? "\(smallRealisations) realisations of each smaller size, " : ""
        return "sizes " + sizes.map { "L=\($0.length) to t=\($0.time)" }.joined(separator: ", ") + ", " + saturated + "\(samples) of the largest"
    }

    /// Realisations of the sizes run into saturation: W_sat's scatter over them sets the noise of
    /// the finite-size ladder of α (`SurfaceScaling`), and small sizes are cheap.
    public var smallRealisations: Int { 4 * samples }

    /// The generator for `model` under a master seed: the same in the experiment and in
    /// `attnlab kpz validate`, so either reproduces the other's numbers.
    public static func generator(for model: GrowthModel, seed: UInt64) -> SeededRNG {
        SeededRNG(seed: seed).stream(UInt64(GrowthModel.allCases.firstIndex(of: model)!))
    }

    /// Simulates every size (`rng.stream(i)` for size i) and analyses them together.
    public func run(rng: SeededRNG) throws -> SurfaceScalingResult {
        var ensembles: [[HeightField]] = []
        for (i, s) in sizes.enumerated() {
            let large = i == sizes.count - 1
            let times = GrowthModel.recordingTimes(upTo: s.time, perDecade: large ? 12 : 36)
            let count = large ? samples : smallRealisations
            ensembles.append(model.simulate(length: s.length, times: times, realisations: count, rng: rng.stream(UInt64(i))))
        }
        return try SurfaceScaling.analyze(ensembles, options: options)
    }
}
