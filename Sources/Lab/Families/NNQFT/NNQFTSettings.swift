import Physics

/// How big the NN-QFT experiments run at each scale.
///
/// quick (what `make run` uses) keeps the ≥ 10⁵ draws per point the claims need and fits the
/// family in well under a minute on 2 cores; smoke is for the test suite (seconds, verdicts
/// mostly inconclusive); small runs quick's sizes (`Scale.small`) and paper raises the draws a
/// hundred-fold (the seed states no configuration of its own).
struct NNQFTSettings: Sendable {
    var draws: Int
    var blocks: Int
    /// N_h values of the heads scan.
    var heads: [Int]
    /// d_k values of the width scan (nil: d_k = ∞).
    var widths: [Int?]
    /// Gaussian replicas per noise floor.
    var floorReplicas: Int
    /// Hidden widths of the single-layer control.
    var controlWidths: [Int]

    static func at(_ scale: Scale) -> NNQFTSettings {
        scale.simulation(
            smoke: NNQFTSettings(
                draws: 4000, blocks: 20, heads: [1, 2, 4], widths: [4, 16, 64, nil], floorReplicas: 1,
                controlWidths: [1, 2, 4, 8]),
            quick: NNQFTSettings(
                draws: 100_000, blocks: 100, heads: [1, 2, 4, 8, 16], widths: [4, 8, 16, 32, 64, 128, 256, nil],
                floorReplicas: 2, controlWidths: [1, 2, 4, 8, 16, 32, 64]),
            paper: NNQFTSettings(
                draws: 10_000_000, blocks: 400, heads: [1, 2, 4, 8, 16, 32, 64, 128],
                widths: [4, 8, 16, 32, 64, 128, 256, 512, 1024, nil], floorReplicas: 4,
                controlWidths: [1, 2, 4, 8, 16, 32, 64, 128, 256]))
    }

    /// The common ensemble: 8 points on a ring of radius 1.5ℓ in R³, m = 64 features redrawn per
    /// head, β = 1, gram sampler.
    func baseOptions(seed: UInt64) -> NNQFTScan.Options {
        var o = NNQFTScan.Options()
        o.draws = draws
        o.blocks = blocks
        o.seed = seed
        o.floorReplicas = floorReplicas
        return o
    }
}
