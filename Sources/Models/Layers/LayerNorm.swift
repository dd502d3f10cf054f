import TensorCore

/// Layer normalisation over the last axis, with the annealing to linear scaling of seed 001
/// §XI.4: during annealing the output is (1 − α)·LN(x) + α·lin(x), where
/// lin(x) = (x − μ̄)/σ̄ ⊙ w + b uses the running mean μ̄ and standard deviation σ̄ of the
/// per-token statistics, frozen when annealing starts. At α = 1 the map is affine in x.
public final class LayerNorm<Scalar: TensorScalar> {
    public let weight: Parameter<Scalar>   // (C)
    public let bias: Parameter<Scalar>     // (C)
    /// Running averages of the per-token mean and standard deviation (exponential, 0.99).
    public private(set) var runningMean: Double = 0
    public private(set) var runningStd: Double = 1
    private var seenStatistics = false
    /// Frozen (μ̄, σ̄) once annealing has started.
    public private(set) var frozen: (mean: Double, std: Double)?
    /// α ∈ [0, 1]: 0 is LayerNorm, 1 is the frozen linear map.
    public var annealing: Double = 0
    public let eps: Scalar = 1e-5

    public init(_ name: String, width: Int) {
        weight = Parameter("\(name).weight", Tensor(shape: [width], repeating: 1), decays: false)
        bias = Parameter("\(name).bias", Tensor.zeros([width]), decays: false)
    }

    public var parameters: [Parameter<Scalar>] { [weight, bias] }

    /// Freezes the running statistics (call when annealing starts).
    public func freeze() { frozen = (runningMean, Swift.max(runningStd, 1e-6)) }

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
        if track && frozen == nil { updateStatistics(x.value) }
        let w = tape.parameter(weight), b = tape.parameter(bias)
        guard let frozen, annealing > 0 else { return x.layerNorm(weight: w, bias: b, eps: eps) }
        let linear = (x - Scalar(frozen.mean)) * Scalar(1 / frozen.std) * w + b
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
        let (m, s) = (meanSum / Double(rows), stdSum / Double(rows))
        if seenStatistics {
            runningMean = 0.99 * runningMean + 0.01 * m
            runningStd = 0.99 * runningStd + 0.01 * s
        } else {
            (runningMean, runningStd, seenStatistics) = (m, s, true)
        }
    }
}
