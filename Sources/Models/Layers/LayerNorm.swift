import TensorCore

/// Layer normalisation over the last axis, with the annealing to linear scaling of seed 001
/// §XI.4: during annealing the output is (1 − α)·LN(x) + α·lin(x), where
/// lin(x) = (x − m(x))/σ̄ ⊙ w + b divides by the per-token standard deviation σ̄ measured when
/// annealing starts (`beginMeasurement` … `freeze`; without a measurement, the running
/// averages), then frozen. The centring m(x) is, by default, each token's own feature mean —
/// a linear projection, so lin stays affine in x and only LayerNorm's one non-linear step (the
/// division by the token's own σ) is frozen; `.frozenMean` instead subtracts the frozen average
/// mean μ̄ as well. At α = 1 the map is affine in x.
public final class LayerNorm<Scalar: TensorScalar> {
    public let weight: Parameter<Scalar>  // (C)
    public let bias: Parameter<Scalar>  // (C)
    /// Running averages of the per-token mean and standard deviation (exponential, momentum 0.9).
    public private(set) var runningMean: Double = 0
    public private(set) var runningStd: Double = 1
    private var seenStatistics = false
    /// Sums of per-token means and standard deviations since `beginMeasurement` (nil: not measuring).
    private var measurement: (rows: Int, mean: Double, std: Double)?
    /// Frozen (μ̄, σ̄) once annealing has started.
    public private(set) var frozen: (mean: Double, std: Double)?
    /// α ∈ [0, 1]: 0 is LayerNorm, 1 is the frozen linear map.
    public var annealing: Double = 0
    /// How the linear map centres its input.
    public var centring: AnnealedNormCentring = .perToken
    /// Whether training steps update the running statistics (only annealing needs them).
    public var tracksStatistics = false
    public let eps: Scalar = 1e-5

    public init(_ name: String, width: Int) {
        weight = Parameter("\(name).weight", Tensor(shape: [width], repeating: 1), decays: false)
        bias = Parameter("\(name).bias", Tensor.zeros([width]), decays: false)
    }

    public var parameters: [Parameter<Scalar>] { [weight, bias] }

    /// Starts averaging the per-token statistics of the following tracked forward passes.
    public func beginMeasurement() { measurement = (0, 0, 0) }

    /// Freezes the measured statistics (or the running averages when nothing was measured).
    public func freeze() {
        if let m = measurement, m.rows > 0 {
            frozen = (m.mean / Double(m.rows), Swift.max(m.std / Double(m.rows), 1e-6))
        } else {
            frozen = (runningMean, Swift.max(runningStd, 1e-6))
        }
        measurement = nil
    }

    /// Restores frozen statistics from a checkpoint.
    public func restore(runningMean: Double, runningStd: Double, frozen: (Double, Double)?, annealing: Double) {
        self.runningMean = runningMean
        self.runningStd = runningStd
        self.frozen = frozen.map { (mean: $0.0, std: $0.1) }
        self.annealing = annealing
        seenStatistics = true
    }

    /// x (…, C) → (…, C). `track` updates the running statistics (training steps only).
    public func callAsFunction(_ x: Variable<Scalar>, track: Bool = false) -> Variable<Scalar> {
        let tape = x.tape
        if track && frozen == nil && (tracksStatistics || measurement != nil) { updateStatistics(x.value) }
        let w = tape.parameter(weight), b = tape.parameter(bias)
        guard let frozen, annealing > 0 else { return x.layerNorm(weight: w, bias: b, eps: eps) }
        let centred = centring == .perToken ? x - x.mean(axis: -1, keepDims: true) : x - Scalar(frozen.mean)
        let linear = centred * Scalar(1 / frozen.std) * w + b
        if annealing >= 1 { return linear }
        let alpha = Scalar(annealing)
        return x.layerNorm(weight: w, bias: b, eps: eps) * (1 - alpha) + linear * alpha
    }

    private func updateStatistics(_ x: Tensor<Scalar>) {
        let c = x.shape.last ?? 1
        let rows = x.count / Swift.max(c, 1)
        guard rows > 0 else { return }
        var meanSum = 0.0, stdSum = 0.0
        x.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                var m = 0.0, v = 0.0
                for i in 0..<c { m += Double(p[r * c + i]) }
                m /= Double(c)
                for i in 0..<c { let d = Double(p[r * c + i]) - m; v += d * d }
                meanSum += m
                stdSum += (v / Double(c) + Double(eps)).squareRoot()
            }
        }
        if let m = measurement { measurement = (m.rows + rows, m.mean + meanSum, m.std + stdSum) }
        let (m, s) = (meanSum / Double(rows), stdSum / Double(rows))
        if seenStatistics {
            runningMean = 0.9 * runningMean + 0.1 * m
            runningStd = 0.9 * runningStd + 0.1 * s
        } else {
            (runningMean, runningStd, seenStatistics) = (m, s, true)
        }
    }
}

/// The centring of LayerNorm's annealed linear map.
public enum AnnealedNormCentring: String, Codable, Sendable, CaseIterable {
    /// x − mean over the token's features (linear; LayerNorm's own centring).
    case perToken
    /// x − μ̄, the mean measured when annealing started.
    case frozenMean
}
