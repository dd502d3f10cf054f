import Foundation
import TensorCore

/// Reference growth models with known scaling exponents, for validating the estimators.
///
/// All live on a ring of L sites (periodic boundaries) and start flat. Time is counted in sweeps
/// (L deposition attempts) for the deposition models and in update steps for the discretised
/// Edwards–Wilkinson equation.
///
/// | model | class | α | β | z |
/// |---|---|---|---|---|
/// | random deposition | none (uncorrelated columns) | — | 1/2 | — |
/// | Edwards–Wilkinson lattice equation | EW | 1/2 | 1/4 | 2 |
/// | Family model (Family 1986) | EW | 1/2 | 1/4 | 2 |
/// | single-step model (Meakin et al. 1986; Plischke, Rácz & Liu 1987) | KPZ | 1/2 | 1/3 | 3/2 |
/// | restricted solid-on-solid (Kim & Kosterlitz 1989) | KPZ | 1/2 | 1/3 | 3/2 |
///
/// Barabási & Stanley, *Fractal Concepts in Surface Growth* (1995), chs. 4–6, describe all five.
public enum GrowthModel: String, Sendable, CaseIterable {
    /// Each particle lands on a random column: h(x) += 1. No lateral correlation, W² = t(1 − 1/L).
    case randomDeposition = "rd"
    /// h(x) ← h(x) + κ[h(x+1) − 2h(x) + h(x−1)] + η, η ~ N(0, 1), κ = 1/4 (stable for κ ≤ 1/2).
    /// Linear, so the mean squared width is known exactly (`EdwardsWilkinsonLattice`).
    case edwardsWilkinson = "ew"
    /// A particle dropped at a random site settles on the lowest of the site and its two
    /// neighbours (staying put if the site is among the lowest, a random choice between two
    /// equally low neighbours).
    case family = "family"
    /// Heights differ by ±1 between neighbours; a particle dropped at a local minimum raises it by
    /// 2. Maps to the totally asymmetric exclusion process; the cleanest KPZ lattice model.
    case singleStep = "kpz"
    /// A particle dropped at a random site sticks only if afterwards |h(x) − h(x±1)| ≤ 1.
    case rsos = "rsos"

    /// Exponents of the model's universality class (nil where undefined).
    public var exponents: (alpha: Double?, beta: Double, z: Double?) {
        switch self {
        case .randomDeposition: (nil, 0.5, nil)
        case .edwardsWilkinson, .family: (0.5, 0.25, 2)
        case .singleStep, .rsos: (0.5, 1.0 / 3, 1.5)
        }
    }

    /// A human name ("single-step (KPZ)").
    public var displayName: String {
        switch self {
        case .randomDeposition: "random deposition"
        case .edwardsWilkinson: "Edwards–Wilkinson lattice"
        case .family: "Family (EW)"
        case .singleStep: "single-step (KPZ)"
        case .rsos: "RSOS (KPZ)"
        }
    }

    /// Coupling κ of the discretised Edwards–Wilkinson equation.
    public static let edwardsWilkinsonCoupling = 0.25

    /// Grows `realisations` independent interfaces of `length` sites and records them at `times`.
    ///
    /// - Parameters:
    ///   - times: recording times, positive integers (sweeps or steps), strictly increasing.
    ///   - rng: realisation r draws from `rng.stream(r)`, so results do not depend on threads.
    /// - Complexity: O(R · L · max t).
    public func simulate(length: Int, times: [Double], realisations: Int, rng: SeededRNG) -> [HeightField] {
        precondition(length >= 4, "GrowthModel.simulate: length must be ≥ 4, got \(length)")
        precondition(self != .singleStep || length % 2 == 0, "GrowthModel.simulate: the single-step model needs an even length, got \(length)")
        precondition(realisations >= 1, "GrowthModel.simulate: needs at least one realisation")
        precondition(
            !times.isEmpty && times.allSatisfy { $0 >= 1 && $0 == $0.rounded() },
            "GrowthModel.simulate: times must be positive integers")
        precondition(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "GrowthModel.simulate: times must increase strictly")
        let model = self
        return Parallel.map(realisations) { r in
            var stream = rng.stream(UInt64(r))
            return model.grow(length: length, times: times.map { Int($0) }, rng: &stream)
        }
    }

    /// Log-spaced integer recording times from 1 to `last`: about `perDecade` per decade, plus
    /// every integer where that spacing would repeat one.
    public static func recordingTimes(upTo last: Int, perDecade: Int = 12) -> [Double] {
        precondition(last >= 1 && perDecade >= 1, "recordingTimes: needs last ≥ 1 and perDecade ≥ 1")
        var out: [Int] = [1]
        let steps = Int((Foundation.log10(Double(last)) * Double(perDecade)).rounded(.up))
        if steps > 0 {
            for k in 1...steps {
                let t = min(last, Int(Foundation.pow(10, Double(k) / Double(perDecade)).rounded()))
                if t > out.last! { out.append(t) }
            }
        }
        if out.last! < last { out.append(last) }
        return out.map(Double.init)
    }

    // MARK: Kernels

    private func grow(length n: Int, times: [Int], rng: inout SeededRNG) -> HeightField {
        var record = [Double](repeating: 0, count: times.count * n)
        var h = [Double](repeating: 0, count: n)
        var scratch = [Double](repeating: 0, count: n)
        if self == .singleStep { for x in 0..<n { h[x] = Double(x % 2) } }
        var now = 0
        for (k, target) in times.enumerated() {
            let steps = target - now
            h.withUnsafeMutableBufferPointer { hp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    switch self {
                    case .randomDeposition: Self.randomDeposition(hp, sweeps: steps, rng: &rng)
                    case .edwardsWilkinson: Self.edwardsWilkinson(hp, sp, steps: steps, rng: &rng)
                    case .family: Self.family(hp, sweeps: steps, rng: &rng)
                    case .singleStep: Self.singleStep(hp, sweeps: steps, rng: &rng)
                    case .rsos: Self.rsos(hp, sweeps: steps, rng: &rng)
                    }
                }
            }
            now = target
            record.withUnsafeMutableBufferPointer { rp in
                for x in 0..<n { rp[k * n + x] = h[x] }
            }
        }
        return HeightField(times: times.map(Double.init), length: n, heights: record)
    }

    private static func randomDeposition(_ h: UnsafeMutableBufferPointer<Double>, sweeps: Int, rng: inout SeededRNG) {
        let n = h.count
        for _ in 0..<(sweeps * n) { h[rng.int(below: n)] += 1 }
    }

    private static func edwardsWilkinson(
        _ h: UnsafeMutableBufferPointer<Double>, _ next: UnsafeMutableBufferPointer<Double>,
        steps: Int, rng: inout SeededRNG
    ) {
        let n = h.count, kappa = edwardsWilkinsonCoupling
        for _ in 0..<steps {
            for x in 0..<n {
                let left = h[x == 0 ? n - 1 : x - 1], right = h[x == n - 1 ? 0 : x + 1]
                next[x] = h[x] + kappa * (left - 2 * h[x] + right) + rng.normal()
            }
            for x in 0..<n { h[x] = next[x] }
        }
    }

    private static func family(_ h: UnsafeMutableBufferPointer<Double>, sweeps: Int, rng: inout SeededRNG) {
        let n = h.count
        for _ in 0..<(sweeps * n) {
            let x = rng.int(below: n)
            let l = x == 0 ? n - 1 : x - 1, r = x == n - 1 ? 0 : x + 1
            let hx = h[x], hl = h[l], hr = h[r]
            var site = x
            if hl < hx || hr < hx {
                if hl < hr { site = l } else if hr < hl { site = r } else { site = rng.int(below: 2) == 0 ? l : r }
            }
            h[site] += 1
        }
    }

    private static func singleStep(_ h: UnsafeMutableBufferPointer<Double>, sweeps: Int, rng: inout SeededRNG) {
        let n = h.count
        for _ in 0..<(sweeps * n) {
            let x = rng.int(below: n)
            let l = x == 0 ? n - 1 : x - 1, r = x == n - 1 ? 0 : x + 1
            if h[l] > h[x] && h[r] > h[x] { h[x] += 2 }
        }
    }

    private static func rsos(_ h: UnsafeMutableBufferPointer<Double>, sweeps: Int, rng: inout SeededRNG) {
        let n = h.count
        for _ in 0..<(sweeps * n) {
            let x = rng.int(below: n)
            let l = x == 0 ? n - 1 : x - 1, r = x == n - 1 ? 0 : x + 1
            let raised = h[x] + 1
            if raised - h[l] <= 1 && raised - h[r] <= 1 { h[x] = raised }
        }
    }
}

/// Exact moments of the discretised Edwards–Wilkinson equation (`GrowthModel.edwardsWilkinson`).
///
/// With unitary Fourier modes ĥ_k, k = 2πm/L, each mode is an AR(1) process
/// ĥ_k(t+1) = λ_k ĥ_k(t) + η̂_k, λ_k = 1 − 4κ sin²(k/2), E|η̂_k|² = 1. From a flat start
/// E|ĥ_k(t)|² = (1 − λ_k^{2t})/(1 − λ_k²), and W² = (1/L) Σ_{k≠0} |ĥ_k|², so
///
///   E W²(L, t) = (1/L) Σ_{m=1}^{L−1} (1 − λ_m^{2t}) / (1 − λ_m²).
///
/// For 1 ≪ t ≪ L² this grows as √t (β = 1/4) and saturates at E W²_sat = (1/L) Σ 1/(1 − λ_m²) ∝ L
/// (α = 1/2); the crossover time is set by λ₁^{2t}, t× ≈ L²/(8π²κ) (z = 2).
public enum EdwardsWilkinsonLattice {
    /// E W²(L, t) for coupling κ.
    public static func expectedSquaredWidth(
        length: Int, time: Double,
        coupling kappa: Double = GrowthModel.edwardsWilkinsonCoupling
    ) -> Double {
        precondition(length >= 2 && time >= 0, "expectedSquaredWidth: needs length ≥ 2 and time ≥ 0")
        precondition(kappa > 0 && kappa <= 0.5, "expectedSquaredWidth: κ must lie in (0, 1/2] for stability")
        var sum = 0.0
        for m in 1..<length {
            let s = Foundation.sin(Double.pi * Double(m) / Double(length))
            let lambda = 1 - 4 * kappa * s * s
            let l2 = lambda * lambda
            sum += time.isInfinite ? 1 / (1 - l2) : (1 - Foundation.pow(l2, time)) / (1 - l2)
        }
        return sum / Double(length)
    }

    /// E C²(r, t) = E⟨(h(x + r) − h(x))²⟩ = (2/L) Σ_{m=1}^{L−1} (1 − cos(k_m r)) (1 − λ_m^{2t})/(1 − λ_m²):
    /// the exact mean squared height difference at separation r (time ∞ for the stationary state).
    public static func expectedSquaredHeightDifference(
        length: Int, separation r: Int, time: Double,
        coupling kappa: Double = GrowthModel.edwardsWilkinsonCoupling
    ) -> Double {
        precondition(length >= 2 && r >= 0 && time >= 0, "expectedSquaredHeightDifference: needs length ≥ 2, r ≥ 0, time ≥ 0")
        var sum = 0.0
        for m in 1..<length {
            let k = 2 * Double.pi * Double(m) / Double(length)
            let s = Foundation.sin(k / 2)
            let lambda = 1 - 4 * kappa * s * s
            let l2 = lambda * lambda
            let occupation = time.isInfinite ? 1 / (1 - l2) : (1 - Foundation.pow(l2, time)) / (1 - l2)
            sum += (1 - Foundation.cos(k * Double(r))) * occupation
        }
        return 2 * sum / Double(length)
    }
}
