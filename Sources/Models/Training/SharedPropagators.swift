import TensorCore

/// exp(A) of every Koopman mixer, computed once per training step for all data-parallel replicas
/// (`TrainingConfig.replicas`) instead of once per replica.
///
/// Each replica's tape reads K = exp(A) as a leaf (`KoopmanMixer.Propagator.leaf`); the trainer
/// sums the leaves' gradients G over the replicas, in replica order, with the parameters', and
/// `backpropagate()` then forms ∂ℓ/∂A = L(Aᵀ, G) once per mixer. The Fréchet derivative is linear
/// in G, so this is the sum of what each replica would have formed, up to rounding. For the
/// skew-symmetric variant the exponential is of (A − Aᵀ)/2 and the gradient goes through it.
final class SharedPropagators {
    private let mixers: [KoopmanMixer<Float>?]
    private let slots: [Int]
    /// One leaf per slot, holding exp(A) for the current step (zeros before the first); (S, S).
    let leaves: [Parameter<Float>]
    private var exponentials: [PadeExponential<Float>] = []

    /// nil when the model has no Koopman mixer.
    init?(_ model: LanguageModel<Float>) {
        let mixers = model.blocks.map(\.koopman)
        self.mixers = mixers
        slots = mixers.indices.filter { mixers[$0] != nil }
        guard !slots.isEmpty else { return nil }
        leaves = slots.map {
            let generator = mixers[$0]!.generator
            return Parameter("\(generator.name).exp", Tensor(shape: generator.shape, repeating: 0), decays: false)
        }
    }

    /// Computes exp(A) of the current generators into the leaves and zeroes the leaves'
    /// gradients; returns one propagator per block for `LanguageModel.loss`.
    func refresh() -> [KoopmanMixer<Float>.Propagator] {
        exponentials = KoopmanMixer.exponentials(mixers).compactMap { $0 }
        var propagators = [KoopmanMixer<Float>.Propagator](repeating: .onTape, count: mixers.count)
        for ((slot, leaf), e) in zip(zip(slots, leaves), exponentials) {
            leaf.value = Tensor(shape: leaf.shape, scalars: e.exponential)
            leaf.zeroGrad()
            propagators[slot] = .leaf(leaf)
        }
        return propagators
    }

    /// Adds L(Aᵀ, G) to each generator's gradient, G its leaf's gradient summed over the
    /// replicas; the mixers side by side on the worker threads. A non-finite G gives a NaN
    /// gradient, which the trainer reports by the generator's name.
    func backpropagate() {
        precondition(exponentials.count == slots.count, "SharedPropagators: backpropagate before refresh")
        let (exponentials, leaves) = (exponentials, leaves)
        let derivatives = Parallel.map(slots.count, threads: min(slots.count, Parallel.defaultThreads)) { i in
            leaves[i].grad.withUnsafeBufferPointer { exponentials[i].adjointDerivativeOrNaN($0.baseAddress!) }
        }
        for (slot, d) in zip(slots, derivatives) { mixers[slot]!.accumulateGeneratorGradient(d) }
    }
}
