import TensorCore

/// How far Euler–Maruyama solutions of a `NormalisedSSE` leave the unit sphere, as a function of
/// time and step size.
///
/// Size letters: N = trajectories, L = step-size levels, n₀ = steps of the coarsest level,
/// T = end time, d = state dimension.
///
/// Level ℓ uses n₀·2^ℓ steps of h_ℓ = T/(n₀·2^ℓ). All levels of one trajectory are driven by the
/// same Brownian path (the finest increments summed in blocks), so differences between levels are
/// discretisation error, not sampling noise. Three integrations per level:
/// - the seed's equation (`NormalisedSSE.Form.seed`),
/// - the tangent (norm-preserving) equation,
/// - the seed's equation renormalised to ‖ψ‖ = 1 after every step (the explicit reference).
/// Recorded on the coarse grid t_k = k·T/n₀: the mean and mean square of ‖ψ‖ − 1 over
/// trajectories, and at T the distance between the seed's direction ψ/‖ψ‖ and the renormalised
/// reference. Chunk j of trajectories draws from `rng.stream(j)`: thread-count independent.
///
/// The continuum limit: per trajectory, the deviation δ_ℓ = ‖ψ_ℓ(T)‖ − 1 and δ_ℓ² are fitted
/// linearly in h_ℓ by least squares and read at h = 0 (Euler–Maruyama's weak error is O(h), and
/// for a norm-preserving equation its strong norm error is O(√h), so δ² = O(h)). Averaging the
/// per-trajectory intercepts gives the limit with an honest standard error even though all levels
/// share one Brownian path. A norm-preserving equation has both limits 0.
public struct SSENormDrift: Sendable {
    /// One integration's statistics on the coarse grid.
    public struct Series: Sendable, Codable {
        /// Mean of ‖ψ(t_k)‖ − 1 over trajectories, k = 0…n₀.
        public var meanDeviation: [Double]
        /// Standard error of that mean.
        public var meanDeviationError: [Double]
        /// Root mean square of ‖ψ(t_k)‖ − 1.
        public var rmsDeviation: [Double]
    }

    /// Step size of each level, coarsest first.
    public let stepSizes: [Double]
    /// The coarse time grid t_k.
    public let times: [Double]
    /// The seed equation per level.
    public let seed: [Series]
    /// The tangent (norm-preserving) equation per level.
    public let tangent: [Series]
    /// Mean over trajectories of ‖ψ_seed(T)/‖ψ_seed(T)‖ − ψ_renormalised(T)‖ per level.
    public let directionGap: [Double]
    /// Continuum limit (h → 0) of E[‖ψ(T)‖ − 1] for the seed equation, with its standard error.
    public let seedLimitMean: (value: Double, error: Double)
    /// Continuum limit of E[(‖ψ(T)‖ − 1)²] for the seed equation, with its standard error.
    public let seedLimitMeanSquare: (value: Double, error: Double)
    /// Continuum limit of E[‖ψ(T)‖ − 1] for the tangent equation.
    public let tangentLimitMean: (value: Double, error: Double)
    /// Continuum limit of E[(‖ψ(T)‖ − 1)²] for the tangent equation.
    public let tangentLimitMeanSquare: (value: Double, error: Double)
    /// Number of trajectories.
    public let trajectories: Int

    public init(
        _ sse: NormalisedSSE, start: [Double], time: Double, coarseSteps: Int, levels: Int,
        trajectories: Int, chunkSize: Int = 50, rng: SeededRNG
    ) {
        precondition(coarseSteps > 0 && levels > 0 && trajectories > 1, "SSENormDrift: needs positive steps and levels, ≥ 2 trajectories")
        let d = sse.dimension
        precondition(start.count == d, "SSENormDrift: start has \(start.count) entries for d = \(d)")
        let fine = coarseSteps << (levels - 1)
        let hFine = time / Double(fine)
        let points = coarseSteps + 1
        // Accumulators per chunk: [variant (seed, tangent)][level][point] of Σ dev, Σ dev²; gap per level.
        let chunks = (trajectories + chunkSize - 1) / chunkSize
        let gapSlot = 2 * levels * points * 2, limitSlot = gapSlot + levels
        let stride = limitSlot + 8
        // Least-squares intercept weights over the step sizes: value(h→0) = Σ_ℓ w_ℓ value_ℓ.
        let hs = (0..<levels).map { time / Double(coarseSteps << $0) }
        let weights: [Double] = {
            guard levels > 1 else { return [1] }
            let mean = hs.reduce(0, +) / Double(levels)
            let sxx = hs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            return hs.map { 1 / Double(levels) - mean * ($0 - mean) / sxx }
        }()
        var partial = [Double](repeating: 0, count: chunks * stride)
        let norm0 = start.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let psi0 = start.map { $0 / norm0 }
        partial.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendablePointer(buffer.baseAddress!)
            Parallel.forEach(chunks) { chunk in
                var generator = rng.stream(UInt64(chunk))
                let first = chunk * chunkSize, count = min(chunkSize, trajectories - first)
                var kernel = SSEStepKernel(sse)
                var increments = [Double](repeating: 0, count: fine)
                var seedPsi = psi0, tangentPsi = psi0, referencePsi = psi0
                let base = chunk * stride
                var finalDeviation = [Double](repeating: 0, count: 2 * levels)  // [variant][level]
                for _ in 0..<count {
                    for i in 0..<fine { increments[i] = hFine.squareRoot() * generator.normal() }
                    for level in 0..<levels {
                        let block = 1 << (levels - 1 - level)
                        let h = hFine * Double(block)
                        let stepsPerPoint = 1 << level
                        seedPsi = psi0; tangentPsi = psi0; referencePsi = psi0
                        func accumulate(_ point: Int) {
                            for (variant, psi) in [seedPsi, tangentPsi].enumerated() {
                                let deviation = psi.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1
                                let slot = base + ((variant * levels + level) * points + point) * 2
                                out[slot] += deviation
                                out[slot + 1] += deviation * deviation
                                if point == coarseSteps { finalDeviation[variant * levels + level] = deviation }
                            }
                        }
                        accumulate(0)
                        for step in 0..<(coarseSteps << level) {
                            var db = 0.0
                            for j in 0..<block { db += increments[step * block + j] }
                            kernel.step(&seedPsi, form: .seed, h: h, db: db)
                            kernel.step(&tangentPsi, form: .tangent, h: h, db: db)
                            kernel.step(&referencePsi, form: .seed, h: h, db: db)
                            let r = referencePsi.reduce(0) { $0 + $1 * $1 }.squareRoot()
                            for i in 0..<d { referencePsi[i] /= r }
                            if (step + 1) % stepsPerPoint == 0 { accumulate((step + 1) / stepsPerPoint) }
                        }
                        let n = seedPsi.reduce(0) { $0 + $1 * $1 }.squareRoot()
                        var gap = 0.0
                        for i in 0..<d { gap += (seedPsi[i] / n - referencePsi[i]) * (seedPsi[i] / n - referencePsi[i]) }
                        out[base + gapSlot + level] += gap.squareRoot()
                    }
                    for variant in 0..<2 {
                        var mean = 0.0, square = 0.0
                        for level in 0..<levels {
                            let delta = finalDeviation[variant * levels + level]
                            mean += weights[level] * delta
                            square += weights[level] * delta * delta
                        }
                        let slot = base + limitSlot + variant * 4
                        out[slot] += mean
                        out[slot + 1] += mean * mean
                        out[slot + 2] += square
                        out[slot + 3] += square * square
                    }
                }
            }
        }
        // Combine chunks in index order.
        var total = [Double](repeating: 0, count: stride)
        for chunk in 0..<chunks { for i in 0..<stride { total[i] += partial[chunk * stride + i] } }
        let n = Double(trajectories)
        func series(_ variant: Int, _ level: Int) -> Series {
            var mean: [Double] = [], error: [Double] = [], rms: [Double] = []
            for point in 0..<points {
                let slot = ((variant * levels + level) * points + point) * 2
                let m = total[slot] / n, m2 = total[slot + 1] / n
                mean.append(m)
                error.append((max(0, m2 - m * m) * n / (n - 1) / n).squareRoot())
                rms.append(m2.squareRoot())
            }
            return Series(meanDeviation: mean, meanDeviationError: error, rmsDeviation: rms)
        }
        stepSizes = (0..<levels).map { time / Double(coarseSteps << $0) }
        times = (0..<points).map { time * Double($0) / Double(coarseSteps) }
        seed = (0..<levels).map { series(0, $0) }
        tangent = (0..<levels).map { series(1, $0) }
        directionGap = (0..<levels).map { total[gapSlot + $0] / n }
        func limit(_ slot: Int) -> (value: Double, error: Double) {
            let m = total[limitSlot + slot] / n, m2 = total[limitSlot + slot + 1] / n
            return (m, (max(0, m2 - m * m) / (n - 1)).squareRoot())
        }
        seedLimitMean = limit(0)
        seedLimitMeanSquare = limit(2)
        tangentLimitMean = limit(4)
        tangentLimitMeanSquare = limit(6)
        self.trajectories = trajectories
    }
}

/// Allocation-free Euler–Maruyama step of a `NormalisedSSE`: ψ ← ψ + a(ψ) h + g(ψ) ΔB.
struct SSEStepKernel {
    let d: Int
    let a: [Double], w: [Double], b: [Double], y: [Double]
    let coupling: Double
    var koopman: [Double], deviation: [Double]

    init(_ sse: NormalisedSSE) {
        d = sse.dimension
        a = sse.generator.elements
        w = sse.valueProjection.elements
        b = sse.bias
        y = sse.target
        coupling = sse.coupling
        koopman = [Double](repeating: 0, count: d)
        deviation = [Double](repeating: 0, count: d)
    }

    mutating func step(_ psi: inout [Double], form: NormalisedSSE.Form, h: Double, db: Double) {
        let d = self.d, coupling = self.coupling, root = coupling.squareRoot()
        var nn = 0.0, pk = 0.0, pe = 0.0, ee = 0.0
        for r in 0..<d {
            var k = b[r], e = -y[r]
            for c in 0..<d {
                k += a[r * d + c] * psi[c]
                e += w[r * d + c] * psi[c]
            }
            koopman[r] = k
            deviation[r] = e
            nn += psi[r] * psi[r]
            pk += psi[r] * k
            pe += psi[r] * e
            ee += e * e
        }
        switch form {
        case .seed:
            let shrink = 0.5 * coupling * ee
            for r in 0..<d { psi[r] += (koopman[r] - shrink * psi[r]) * h + root * deviation[r] * db }
        case .tangent:
            let kp = pk / nn, ep = pe / nn
            // ‖e⊥‖² = ‖e‖² − (ψᵀe)²/N.
            let shrink = 0.5 * coupling * (ee - pe * ep) / nn
            for r in 0..<d {
                let drift = koopman[r] - (kp + shrink) * psi[r]
                psi[r] += drift * h + root * (deviation[r] - ep * psi[r]) * db
            }
        }
    }
}
