/// Stochastic gradient descent with momentum, as PyTorch's `torch.optim.SGD`
/// (dampening 0, L2 weight decay added to the gradient):
///
///     g ← g + λp;   b ← μb + g;   p ← p − lr·b
public struct SGD<Scalar: TensorScalar> {
    public var momentum: Double
    public var weightDecay: Double
    public private(set) var buffers: [Tensor<Scalar>] = []

    public init(momentum: Double = 0, weightDecay: Double = 0) {
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: [Parameter<Scalar>], learningRate lr: Double) {
        if buffers.isEmpty { buffers = parameters.map { Tensor.zeros($0.shape) } }
        let mu = Scalar(momentum), wd = Scalar(weightDecay), rate = Scalar(lr)
        for (k, p) in parameters.enumerated() {
            let decay: Scalar = p.decays ? wd : 0
            p.grad.withUnsafeBufferPointer { g in
                buffers[k].withUnsafeMutableBufferPointer { b in
                    p.value.withUnsafeMutableBufferPointer { w in
                        for i in 0..<w.count {
                            let gi = g[i] + decay * w[i]
                            b[i] = mu * b[i] + gi
                            w[i] -= rate * (mu == 0 ? gi : b[i])
                        }
                    }
                }
            }
        }
    }
}
