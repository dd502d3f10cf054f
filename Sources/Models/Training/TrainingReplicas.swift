import TensorCore

/// Data-parallel replicas inside one process (`TrainingConfig.replicas`, docs/ARCHITECTURE.md).
///
/// Each micro-batch is split into R shards of B / R sequences whose forward and backward passes
/// run side by side on R threads (each shard's kernels single-threaded: a nested parallel loop
/// runs serially). Replica 0 trains on the trainer's tape, straight into `Parameter.grad`; the
/// tapes of replicas 1 ..< R own their parameter gradients, which `sumGradients` adds in replica
/// order, so the arithmetic depends on R and never on the thread count.
final class TrainingReplicas {
    let count: Int
    /// The tapes of replicas 1 ..< R.
    let tapes: [Tape<Float>]
    /// exp(A) of the Koopman mixers, computed once per step for all replicas (nil without them).
    let propagators: SharedPropagators?

    init(count: Int, model: LanguageModel<Float>) {
        self.count = count
        tapes = (1..<count).map { _ in
            let tape = Tape<Float>()
            tape.ownsParameterGradients = true
            return tape
        }
        propagators = SharedPropagators(model)
    }

    /// Starts a step: zeroes the gradients replicas 1 ..< R hold (so none survives a step that
    /// failed part-way) and computes the step's shared propagators, returned for
    /// `LanguageModel.loss`.
    func beginStep() -> [KoopmanMixer<Float>.Propagator]? {
        tapes.forEach { $0.zeroParameterGradients() }
        return propagators?.refresh()
    }

    /// The mean loss of `batch`'s R shards, `pass(tape, inputs, targets)` run for each on its
    /// replica's tape (`first` for replica 0), side by side.
    func forwardBackward(
        _ batch: TokenBatch, first: Tape<Float>, pass: @escaping @Sendable (Tape<Float>, [Int32], [Int32]) -> Double
    ) -> Double {
        let shard = batch.inputs.count / count
        let work = SendableBox((batch, [first] + tapes))
        let losses = Parallel.map(count) { r in
            let (batch, tapes) = work.value
            let range = r * shard..<(r + 1) * shard
            return pass(tapes[r], Array(batch.inputs[range]), Array(batch.targets[range]))
        }
        return losses.reduce(0, +) / Double(count)
    }

    /// Adds replicas 1 ..< R's gradients of `parameters` and of the shared propagators, in
    /// replica order, into `Parameter.grad`, which holds replica 0's (so the sum does not depend
    /// on which thread finished first); then forms the Koopman generators' gradients from the
    /// propagators' (`SharedPropagators.backpropagate`).
    func sumGradients(_ parameters: [Parameter<Float>]) {
        for p in parameters + (propagators?.leaves ?? []) {
            p.grad.withUnsafeMutableBufferPointer { g in
                for tape in tapes {
                    guard let replica = tape.parameterGradient(p) else { continue }
                    replica.withUnsafeBufferPointer { scaledAccumulate($0.baseAddress!, g.baseAddress!, g.count, 1) }
                }
            }
        }
        propagators?.backpropagate()
    }
}
