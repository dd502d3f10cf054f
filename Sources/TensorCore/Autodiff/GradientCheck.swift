/// Finite-difference checks of tape gradients, in Double.
public enum GradientCheck {
    /// The largest deviation between tape and central-difference gradients, relative to the
    /// largest gradient magnitude: ‖g_tape − g_fd‖∞ / max(‖g_fd‖∞, 10⁻¹²), over all inputs.
    ///
    /// `f` builds any output from the inputs; the check differentiates ⟨f(x), R⟩ for a fixed
    /// random R so that every output element carries a distinct weight.
    public static func maxRelativeError(
        _ inputs: [Tensor<Double>], step: Double = 1e-6, seed: UInt64 = 7,
        _ f: (Tape<Double>, [Variable<Double>]) -> Variable<Double>
    ) -> Double {
        func loss(_ xs: [Tensor<Double>], gradients: Bool) -> (Double, [Tensor<Double>]) {
            let tape = Tape<Double>()
            let vars = xs.map { tape.variable($0) }
            let out = f(tape, vars)
            var rng = SeededRNG(seed: seed)
            let weights = tape.constant(Tensor.randomNormal(out.shape, rng: &rng))
            let l = (out * weights).sum()
            guard gradients else { return (l.value.scalar, []) }
            tape.backward(from: l)
            return (l.value.scalar, vars.map { $0.gradient ?? Tensor.zeros($0.shape) })
        }
        let (_, analytic) = loss(inputs, gradients: true)
        var worst = 0.0, scale = 0.0
        var xs = inputs
        for (k, x) in inputs.enumerated() {
            for i in 0..<x.count {
                let original = x.scalars[i]
                let h = step * Swift.max(1, abs(original))
                xs[k].withUnsafeMutableBufferPointer { $0[i] = original + h }
                let plus = loss(xs, gradients: false).0
                xs[k].withUnsafeMutableBufferPointer { $0[i] = original - h }
                let minus = loss(xs, gradients: false).0
                xs[k].withUnsafeMutableBufferPointer { $0[i] = original }
                let numeric = (plus - minus) / (2 * h)
                worst = Swift.max(worst, abs(numeric - analytic[k].scalars[i]))
                scale = Swift.max(scale, abs(numeric))
            }
        }
        return worst / Swift.max(scale, 1e-12)
    }
}
