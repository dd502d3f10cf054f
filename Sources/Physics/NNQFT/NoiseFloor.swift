import TensorCore

/// The Monte-Carlo noise floor of a connected-correlator estimate: how large |G4c| reads for an
/// exactly Gaussian field with the same G2, the same points, quadruples, draws and blocks.
///
/// Halverson, Maiti & Stoner (2021, §2) call it the background: the statistical fluctuation level
/// below which a measured non-Gaussian signal cannot be told from a free field. Here it is
/// measured, not assumed: `replicas` independent Gaussian-process runs with covariance G2 give
/// G4c values whose true value is 0. `floor` is the mean jackknife error of the summary over the
/// replicas (the typical |G4c| of a free field at this draw count); `rms` is the root mean square
/// of the replicas' summaries, which should agree with it if the jackknife error is calibrated.
public struct NoiseFloor: Sendable, Codable, Equatable {
    /// Mean jackknife standard error of the summary G4c of a Gaussian field.
    public var floor: Double
    /// Root mean square of the Gaussian replicas' summary G4c (true value 0).
    public var rms: Double
    /// Per-quadruple mean jackknife error of a Gaussian field's G4c.
    public var perQuadruple: [Double]
    /// Number of Gaussian replicas.
    public var replicas: Int

    /// Measures the floor for G2 (n, n) under `plan` (its seed is mixed with a label so the
    /// replicas never reuse the ensemble's streams). `summary` maps an estimate to the scalar
    /// being fitted (default: the mean diagonal G4c).
    public static func measure(
        covariance g2: [Double], pointCount n: Int, plan: CorrelatorPlan, replicas: Int = 4,
        summary: @Sendable (CorrelatorEstimate) -> JackknifeValue = { $0.connectedMean() }
    ) -> NoiseFloor {
        precondition(replicas >= 1, "NoiseFloor.measure: needs at least one replica")
        let field = GaussianProcessField(covariance: symmetrised(g2, n), pointCount: n)
        var errors = 0.0, squares = 0.0
        var perQuadruple = [Double](repeating: 0, count: plan.quadruples.count)
        for r in 0..<replicas {
            var replicaPlan = plan
            replicaPlan.seed = derivedSeed(plan.seed, label: 0x6E6F_6973_6500 &+ UInt64(r))
            replicaPlan.conditionalCovariance = false
            let estimate = CorrelatorEstimator.run(field, plan: replicaPlan)
            let s = summary(estimate)
            errors += s.error
            squares += s.value * s.value
            for (q, v) in estimate.g4Connected.enumerated() { perQuadruple[q] += v.error / Double(replicas) }
        }
        return NoiseFloor(
            floor: errors / Double(replicas), rms: (squares / Double(replicas)).squareRoot(),
            perQuadruple: perQuadruple, replicas: replicas)
    }

    static func symmetrised(_ g: [Double], _ n: Int) -> [Double] {
        var s = g
        for i in 0..<n { for j in 0..<n { s[i * n + j] = 0.5 * (g[i * n + j] + g[j * n + i]) } }
        return s
    }
}

/// A seed for an independent sub-experiment, from a master seed and a label (SplitMix64 of
/// both), so that nested runs never share random streams.
public func derivedSeed(_ seed: UInt64, label: UInt64) -> UInt64 {
    var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (label &+ 1)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    z = (z ^ label).rotated(by: 17) &* 0xD6E8_FEB8_6659_FD93
    return z ^ (z >> 32)
}

extension UInt64 {
    fileprivate func rotated(by k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
