import CLinearAlgebra

/// AdamW with decoupled weight decay, following PyTorch's `torch.optim.AdamW` step exactly:
///
///     p ← p·(1 − lr·λ)                       (only for parameters with `decays`)
///     m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
///     p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// β₁ may change per step (OneCycle cycles it, as PyTorch does for Adam's first beta).
public struct AdamW<Scalar: TensorScalar> {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var eps: Double = 1e-8
    public var weightDecay: Double = 0.1
    /// Steps taken so far.
    public private(set) var step = 0
    /// First moments, one per parameter (in the order of `parameters`).
    public private(set) var firstMoments: [Tensor<Scalar>] = []
    /// Second moments, one per parameter.
    public private(set) var secondMoments: [Tensor<Scalar>] = []

    public init(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.1) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }

    /// One update of every parameter from its `grad`.
    public mutating func update(_ parameters: [Parameter<Scalar>], learningRate lr: Double, beta1 b1: Double? = nil) {
        if firstMoments.isEmpty {
            firstMoments = parameters.map { Tensor.zeros($0.shape) }
            secondMoments = parameters.map { Tensor.zeros($0.shape) }
        }
        precondition(
            firstMoments.count == parameters.count,
            "AdamW: \(parameters.count) parameters, state for \(firstMoments.count)")
        let beta1 = b1 ?? self.beta1
        step += 1
        let bc1 = 1 - _pow(beta1, step), bc2 = 1 - _pow(beta2, step)
        let stepSize = Scalar(lr / bc1), rootBC2 = Scalar(bc2.squareRoot())
        let b1s = Scalar(beta1), b2s = Scalar(beta2), epsS = Scalar(eps)
        for (k, p) in parameters.enumerated() {
            precondition(firstMoments[k].shape == p.shape, "AdamW: state shape \(firstMoments[k].shape) for \(p.name) \(p.shape)")
            let decay = p.decays ? Scalar(1 - lr * weightDecay) : 1
            p.grad.withUnsafeBufferPointer { g in
                firstMoments[k].withUnsafeMutableBufferPointer { m in
                    secondMoments[k].withUnsafeMutableBufferPointer { v in
                        p.value.withUnsafeMutableBufferPointer { w in
                            adamwKernel(
                                w.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, w.count,
                                decay: decay, beta1: b1s, beta2: b2s, stepSize: stepSize, rootBC2: rootBC2, eps: epsS)
                        }
                    }
                }
            }
        }
    }

    /// Restores the state saved by a checkpoint.
    public mutating func restore(step: Int, firstMoments: [Tensor<Scalar>], secondMoments: [Tensor<Scalar>]) {
        precondition(firstMoments.count == secondMoments.count, "AdamW.restore: moment counts differ")
        self.step = step
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }
}

/// One AdamW step over n elements (Float: the C kernel alab_adamw_f32, same order of operations).
@_specialize(where S == Float)
@_specialize(where S == Double)
func adamwKernel<S: TensorScalar>(
    _ w: UnsafeMutablePointer<S>, _ g: UnsafePointer<S>, _ m: UnsafeMutablePointer<S>,
    _ v: UnsafeMutablePointer<S>, _ n: Int, decay: S, beta1: S, beta2: S,
    stepSize: S, rootBC2: S, eps: S
) {
    guard S.self == Float.self else {
        return adamwKernelReference(
            w, g, m, v, n, decay: decay, beta1: beta1, beta2: beta2,
            stepSize: stepSize, rootBC2: rootBC2, eps: eps)
    }
    let (pw, pg, pm, pv) = (
        UnsafeSendablePointer(asFloat(w)), UnsafeSendablePointer(UnsafeMutablePointer(mutating: asFloat(g))),
        UnsafeSendablePointer(asFloat(m)), UnsafeSendablePointer(asFloat(v))
    )
    let (d, b1, b2, s, r, e): (Float, Float, Float, Float, Float, Float) =
        (floatValue(decay), floatValue(beta1), floatValue(beta2), floatValue(stepSize), floatValue(rootBC2), floatValue(eps))
    chunked(n) { range in  // element-wise: the same result on any thread count
        let o = range.lowerBound
        alab_adamw_f32(pw.pointer + o, pg.pointer + o, pm.pointer + o, pv.pointer + o, range.count, d, b1, b2, s, r, e)
    }
}

/// adamwKernel in Swift (Double's kernel; the reference for the Float C kernel).
@_specialize(where S == Float)
@_specialize(where S == Double)
func adamwKernelReference<S: TensorScalar>(
    _ w: UnsafeMutablePointer<S>, _ g: UnsafePointer<S>, _ m: UnsafeMutablePointer<S>,
    _ v: UnsafeMutablePointer<S>, _ n: Int, decay: S, beta1: S, beta2: S,
    stepSize: S, rootBC2: S, eps: S
) {
    let (pw, pg, pm, pv) = (
        UnsafeSendablePointer(w), UnsafeSendablePointer(UnsafeMutablePointer(mutating: g)),
        UnsafeSendablePointer(m), UnsafeSendablePointer(v)
    )
    chunked(n) { range in  // element-wise: the same result on any thread count
        for i in range {
            let gi = pg[i]
            let mi = beta1 * pm[i] + (1 - beta1) * gi
            let vi = beta2 * pv[i] + (1 - beta2) * gi * gi
            pm[i] = mi
            pv[i] = vi
            pw[i] = pw[i] * decay - stepSize * mi / (vi.squareRoot() / rootBC2 + eps)
        }
    }
}

private func _pow(_ x: Double, _ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= x }
    return r
}
