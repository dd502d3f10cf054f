// Claims about field theories defined by random attention heads (seed 002, Ageev & Ageeva,
// arXiv 2602.10209). The experiments are in Experiments/NNQFT; docs/NNQFT.md explains the
// construction, the estimators and the choices behind these rules.
import Foundation

extension ClaimRegistry {
    static let nnqft: [Claim] = [
        Claim(id: "nnqft.inverse-heads", seed: Seed.nnqft, section: "Abstract",
              statement: "Summing N_h independent heads with 1/√N_h normalisation suppresses the connected 4-point function as 1/N_h.",
              claimed: "|G4c| ∝ N_h^−1",
              experiment: "nnqft.heads", evidence: .identity, rule: .nnqftInverseHeads),
        Claim(id: "nnqft.width-persistence", seed: Seed.nnqft, section: "Abstract",
              statement: "For a single head, non-Gaussian field statistics persist as d_k → ∞.",
              claimed: "single-head G4c stays finite as d_k grows",
              experiment: "nnqft.width", evidence: .simulation, rule: .nnqftWidthPersistence),
        Claim(id: "nnqft.euclidean-kernel", seed: Seed.nnqft, section: "Abstract",
              statement: "Random-Fourier-feature token embeddings give a Euclidean-invariant two-point function.",
              claimed: "G2 invariant under translations and rotations of the points; built from the RFF kernel exp(−r²/2ℓ²)",
              experiment: "nnqft.kernel", evidence: .identity, rule: .nnqftEuclideanKernel),
    ]
}

extension ExperimentRegistry {
    static let nnqft: [any Experiment] = [NNQFTHeadsExperiment(), NNQFTWidthExperiment(), NNQFTKernelExperiment()]
}

extension VerdictRule {
    /// The fitted slope of ln|G4c| against ln N_h (points above 3× the noise floor) is −1:
    /// reproduced within 2σ, contradicted beyond 3σ; fewer than three usable N_h is inconclusive.
    static let nnqftInverseHeads = VerdictRule(
        "slope of ln|G4c| vs ln N_h (direct G4c, points ≥ 3× the noise floor, ≥ 3 points) within 2σ of −1; contradicted beyond 3σ",
        measuring: ["slope", "points.fitted", "points.excluded", "slope.mixture", "control.slope"]
    ) { e in
        guard let slope = e["slope"], let error = slope.error, error > 0, let fitted = e["points.fitted"]?.value else {
            return .inconclusive("fewer than two N_h values lie above the noise floor, so there is no slope to test")
        }
        let excluded = Int(e["points.excluded"]?.value ?? 0)
        if fitted < 3 {
            return .inconclusive("only \(Int(fitted)) N_h value(s) above the noise floor (\(excluded) excluded); slope \(slope.formatted)")
        }
        let pull = (slope.value + 1) / error
        var detail = "slope \(slope.formatted) over \(Int(fitted)) N_h values above the noise floor (\(excluded) excluded) is \(String(format: "%.1f", abs(pull)))σ from −1"
        if let mixture = e["slope.mixture"] { detail += "; mixture representation \(mixture.formatted)" }
        if let control = e["control.slope"] { detail += "; single-layer control \(control.formatted)" }
        if abs(pull) <= 2 { return .reproduced(detail) }
        if abs(pull) > 3 { return .contradicted(detail) }
        return .inconclusive(detail + " (between 2σ and 3σ)")
    }

    /// Single-head G4c stays finite as d_k → ∞: the d_k = ∞ sample and the c∞ extrapolation are
    /// both > 3σ and agree, and with the embedding quenched (only the query/key weights random)
    /// G4c(∞) is still > 3σ — so the persistence comes from the shared softmax weights, not only
    /// from the embedding. Contradicted when both the sample and the extrapolation are within 2σ of 0.
    static let nnqftWidthPersistence = VerdictRule(
        "G4c at d_k = ∞ and the extrapolated c∞ of c∞ + c₁/d_k both > 3σ and within 3σ of each other, and > 3σ with the embedding quenched; contradicted if both ∞ values are within 2σ of 0",
        measuring: ["g4c.infinite", "g4c.extrapolated", "g4c.quenched", "tail.slope", "g4c.uniform-attention"]
    ) { e in
        guard let inf = e["g4c.infinite"], let ext = e["g4c.extrapolated"], let quenched = e["g4c.quenched"],
              let si = inf.error, let se = ext.error, let sq = quenched.error, si > 0, se > 0, sq > 0 else {
            return .inconclusive("the d_k = ∞ sample, the extrapolation or the quenched control is missing")
        }
        var detail = "G4c(d_k = ∞) = \(inf.formatted), extrapolated c∞ = \(ext.formatted), quenched-embedding G4c(∞) = \(quenched.formatted)"
        if let tail = e["tail.slope"] { detail += ", log-log slope at the largest d_k \(tail.formatted) (−1 would be 1/d_k decay)" }
        if let uniform = e["g4c.uniform-attention"] { detail += "; uniform-attention control \(uniform.formatted)" }
        let agree = abs(inf.value - ext.value) <= 3 * (si * si + se * se).squareRoot()
        if inf.value > 3 * si && ext.value > 3 * se && quenched.value > 3 * sq && agree { return .reproduced(detail) }
        if abs(inf.value) <= 2 * si && abs(ext.value) <= 2 * se { return .contradicted(detail + ": G4c vanishes at infinite width") }
        if !agree { return .inconclusive(detail + ": the extrapolation and the d_k = ∞ sample disagree by more than 3σ") }
        return .inconclusive(detail + ": not every value is 3σ from zero")
    }

    /// G2 is invariant: translation and rotation tests (attention-weight and direct G2, Bonferroni
    /// max|z|) have p ≥ 0.01, the attention-weight representation agrees with the direct G2
    /// (p ≥ 0.01), and the same test detects the breaking of a quenched embedding (p < 0.01; else
    /// the test has no power at this scale). Contradicted when an invariance test gives p < 0.001.
    static let nnqftEuclideanKernel = VerdictRule(
        "translation and rotation tests of G2 (Bonferroni max|z|) p ≥ 0.01, direct = attention-weight G2 (p ≥ 0.01), and the test detects a quenched embedding (p < 0.01); contradicted if an invariance p < 0.001",
        measuring: ["translation.p", "rotation.p", "representation.p", "quenched.translation.p", "shape.max-deviation"]
    ) { e in
        let names = ["translation.p", "translation.p.direct", "rotation.p", "rotation.p.direct", "representation.p", "quenched.translation.p"]
        let values = names.map { e[$0]?.value }
        guard values.allSatisfy({ $0 != nil }) else { return .inconclusive("a test is missing from the measurements") }
        let p = Dictionary(uniqueKeysWithValues: zip(names, values.map { $0! }))
        func f(_ x: Double) -> String { String(format: "%.2g", x) }
        var detail = "translation p = \(f(p["translation.p"]!)) (direct \(f(p["translation.p.direct"]!))), rotation p = \(f(p["rotation.p"]!)) (direct \(f(p["rotation.p.direct"]!))), direct vs attention-weight G2 p = \(f(p["representation.p"]!)), quenched-embedding translation p = \(f(p["quenched.translation.p"]!))"
        if let ring = e["ring-symmetry.p"] { detail += ", ring symmetry p = \(f(ring.value))" }
        if let shape = e["shape.max-deviation"] {
            detail += String(format: "; G2 is the attention-smoothed RFF kernel, max |G2(r)/G2(0) − exp(−r²/2ℓ²)| = %.2f", shape.value)
        }
        let invariance = ["translation.p", "translation.p.direct", "rotation.p", "rotation.p.direct"].map { p[$0]! }
        if invariance.contains(where: { $0 < 0.001 }) { return .contradicted(detail) }
        if p["quenched.translation.p"]! >= 0.01 {
            return .inconclusive(detail + ": the test cannot see a quenched embedding's O(1/√m) breaking at this scale, so it cannot vouch for invariance")
        }
        if invariance.allSatisfy({ $0 >= 0.01 }) && p["representation.p"]! >= 0.01 { return .reproduced(detail) }
        return .inconclusive(detail + ": a p-value lies between 0.001 and 0.01")
    }
}
