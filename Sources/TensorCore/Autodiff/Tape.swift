/// Reverse-mode automatic differentiation on a tape (a Wengert list).
///
/// Every op appends one node holding its output value and, when any input needs a gradient,
/// a backward function that reads the node's output gradient and accumulates into its inputs'
/// gradients. `backward(from:)` walks the tape once in reverse. Leaves are constants,
/// variables (gradients kept on the tape, for tests) or `Parameter`s (gradients accumulated
/// into `Parameter.grad`).
///
/// Memory: op outputs, gradients and ops' workspaces (`scratch`) come from a pool owned by the
/// tape; `reset()` returns every buffer nobody else holds to the pool, so a training loop that
/// resets the tape each step stops allocating tensor storage after its first step.
///
/// A tape is not thread-safe: one tape per thread. Tapes on different threads may share
/// parameters when each owns its parameter gradients (`ownsParameterGradients`).
public final class Tape<Scalar: TensorScalar> {
    /// Gradient function of one node: reads the node's output gradient, accumulates into inputs.
    public typealias Backward = (_ tape: Tape<Scalar>, _ outputGradient: Tensor<Scalar>) -> Void

    struct Node {
        var value: Tensor<Scalar>
        var grad: Tensor<Scalar>?
        var backward: Backward?
        var parameter: Parameter<Scalar>?
        var requiresGrad: Bool
    }

    private(set) var nodes: [Node] = []
    /// Incremented by `reset()`; variables from an earlier epoch are stale.
    private(set) var epoch = 0
    private var pool: [Int: [TensorBuffer<Scalar>]] = [:]
    /// Buffers handed out by `makeTensor` since the last reset; only these return to the pool
    /// (tensors the caller created stay the caller's).
    private var issued = Set<ObjectIdentifier>()
    /// Storage lent to ops as `Scratch` since the last reset.
    private var lent: [TensorBuffer<Scalar>] = []

    /// Gradient contributions whose computation waits for a parallel batch (`deferGradient`).
    private var deferred: [(target: Int, epoch: Int, compute: @Sendable () -> [Scalar])] = []

    /// When false, ops record values only (evaluation without gradients).
    public var recordsGradients = true

    /// Where parameter gradients accumulate: into `Parameter.grad` (false, the default), or into
    /// gradients this tape owns (true), so that several tapes can run backward passes over the
    /// same parameters at once (data-parallel replicas, `Trainer`); read them with
    /// `parameterGradient(_:)`. They survive `reset()` (they sum over backward passes, like
    /// `Parameter.grad`) until `zeroParameterGradients()`.
    public var ownsParameterGradients = false
    private var ownedParameterGradients: [ObjectIdentifier: Tensor<Scalar>] = [:]

    public init() {}

    /// Number of nodes recorded since the last reset.
    public var count: Int { nodes.count }

    // MARK: Leaves

    /// A leaf that never receives a gradient.
    public func constant(_ value: Tensor<Scalar>) -> Variable<Scalar> {
        append(Node(value: value, grad: nil, backward: nil, parameter: nil, requiresGrad: false))
    }

    /// A leaf whose gradient is kept on the tape (read it with `gradient(of:)`).
    public func variable(_ value: Tensor<Scalar>) -> Variable<Scalar> {
        append(Node(value: value, grad: nil, backward: nil, parameter: nil, requiresGrad: recordsGradients))
    }

    /// A leaf bound to a parameter: its gradient accumulates into `parameter.grad`.
    public func parameter(_ parameter: Parameter<Scalar>) -> Variable<Scalar> {
        append(
            Node(
                value: parameter.value, grad: nil, backward: nil, parameter: parameter,
                requiresGrad: recordsGradients))
    }

    // MARK: Recording ops

    /// Records an op's output. `backward` is kept only when some input needs a gradient.
    public func record(_ value: Tensor<Scalar>, inputs: [Variable<Scalar>], backward: @escaping Backward) -> Variable<Scalar> {
        let needs = recordsGradients && inputs.contains { requiresGradient($0) }
        return append(Node(value: value, grad: nil, backward: needs ? backward : nil, parameter: nil, requiresGrad: needs))
    }

    private func append(_ node: Node) -> Variable<Scalar> {
        nodes.append(node)
        return Variable(tape: self, id: nodes.count - 1, epoch: epoch)
    }

    /// The value of a variable.
    @inline(__always)
    public func value(_ v: Variable<Scalar>) -> Tensor<Scalar> {
        check(v)
        return nodes[v.id].value
    }

    @inline(__always)
    private func check(_ v: Variable<Scalar>) {
        precondition(v.tape === self, "Tape: variable belongs to another tape")
        precondition(v.epoch == epoch, "Tape: variable \(v.id) was recorded before the last reset()")
    }

    /// Whether gradients flow into this variable.
    @inline(__always)
    public func requiresGradient(_ v: Variable<Scalar>) -> Bool {
        check(v)
        return nodes[v.id].requiresGrad
    }

    /// The gradient accumulated into a non-parameter node (nil if none flowed).
    public func gradient(of v: Variable<Scalar>) -> Tensor<Scalar>? {
        check(v)
        if let p = nodes[v.id].parameter { return ownsParameterGradients ? parameterGradient(p) : p.grad }
        return nodes[v.id].grad
    }

    /// The gradient this tape holds for `p` (`ownsParameterGradients`), nil when none has ever
    /// flowed into it (after `zeroParameterGradients()` it is zeros).
    public func parameterGradient(_ p: Parameter<Scalar>) -> Tensor<Scalar>? {
        ownedParameterGradients[ObjectIdentifier(p)]
    }

    /// Zeroes every gradient this tape owns (their storage is kept for the next step).
    public func zeroParameterGradients() {
        for key in Array(ownedParameterGradients.keys) {
            // Taken out of the dictionary, the storage is referenced once and zeroing does not copy it.
            guard var grad = ownedParameterGradients.removeValue(forKey: key) else { continue }
            grad.withUnsafeMutableBufferPointer { $0.baseAddress!.zero(count: $0.count) }
            ownedParameterGradients[key] = grad
        }
    }

    /// Adds into the gradient of `v` through `body(pointer to the gradient storage)`.
    /// Does nothing when `v` needs no gradient. The storage starts at zero.
    public func accumulateGradient(_ v: Variable<Scalar>, _ body: (UnsafeMutablePointer<Scalar>) -> Void) {
        check(v)
        let id = v.id
        guard nodes[id].requiresGrad else { return }
        if let p = nodes[id].parameter {
            guard ownsParameterGradients else {
                p.grad.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
                return
            }
            let key = ObjectIdentifier(p)
            var grad = ownedParameterGradients.removeValue(forKey: key) ?? Tensor(shape: p.value.shape, repeating: 0)
            grad.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
            ownedParameterGradients[key] = grad
            return
        }
        // Take the gradient out of the node while `body` runs, so that `body` may read the tape.
        var grad = nodes[id].grad.take() ?? zeros(nodes[id].value.shape)
        grad.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        nodes[id].grad = grad
    }

    /// Runs `body(storage, accumulate)` on the gradient of `v`, for a backward that writes every
    /// element: when no gradient has reached `v` yet, `storage` is uninitialised and `accumulate`
    /// false, and `body` must write (a GEMM with β = 0) rather than add, which saves zeroing a
    /// fresh buffer and reading it back; otherwise `storage` holds the gradient so far and
    /// `accumulate` is true. Parameters always accumulate. Does nothing when `v` needs no gradient.
    public func updateGradient(_ v: Variable<Scalar>, _ body: (UnsafeMutablePointer<Scalar>, _ accumulate: Bool) -> Void) {
        check(v)
        let id = v.id
        guard nodes[id].requiresGrad else { return }
        guard nodes[id].parameter == nil, nodes[id].grad == nil else { return accumulateGradient(v) { body($0, true) } }
        var grad = makeTensor(nodes[id].value.shape)
        grad.withUnsafeMutableBufferPointer { body($0.baseAddress!, false) }
        nodes[id].grad = grad
    }

    /// The gradient storage of `v` (allocated and zeroed on first use), or nil when `v` needs
    /// no gradient. For fused backward kernels that write several gradients in one pass; the
    /// pointer stays valid until `reset()`.
    public func gradientPointer(_ v: Variable<Scalar>) -> UnsafeMutablePointer<Scalar>? {
        var result: UnsafeMutablePointer<Scalar>?
        accumulateGradient(v) { result = $0 }
        return result
    }

    /// Adds a whole tensor into the gradient of `v` (same element count). When `v` has no
    /// gradient yet, it takes `g`'s storage instead of a zeroed copy plus an add: gradients that
    /// pass through unchanged (additions, reshapes) cost no memory pass. A later accumulation into
    /// either holder copies first (copy-on-write), so sharing is safe.
    public func accumulateGradient(_ v: Variable<Scalar>, adding g: Tensor<Scalar>) {
        check(v)
        let id = v.id
        guard nodes[id].requiresGrad else { return }
        precondition(g.count == nodes[id].value.count, "Tape: gradient of \(g.shape) for value \(nodes[id].value.shape)")
        if nodes[id].parameter == nil, nodes[id].grad == nil {
            nodes[id].grad = g.reshaped(nodes[id].value.shape)
            return
        }
        accumulateGradient(v) { dst in scaledAccumulate(g.ptr, dst, g.count, 1) }
    }

    // MARK: Backward

    /// Back-propagates from `loss` (seeded with `seed` in every element, 1 by default).
    public func backward(from loss: Variable<Scalar>, seed: Scalar = 1) {
        check(loss)
        guard nodes[loss.id].requiresGrad else { return }
        accumulateGradient(loss) { g in
            for i in 0..<nodes[loss.id].value.count { g[i] += seed }
        }
        var id = loss.id
        while id >= 0 {
            // A deferred contribution to this node must land before its own backward reads it.
            if nodes[id].backward != nil, deferred.contains(where: { $0.target == id }) { runDeferred() }
            if let backward = nodes[id].backward, let g = nodes[id].grad {
                backward(self, g)
            }
            id -= 1
        }
        runDeferred()
    }

    /// Adds `compute()` (row-major) to the gradient of `v` later: all
    /// contributions deferred during one backward pass are computed side by side on the worker
    /// threads, before the sweep reaches a node that reads them (parameters and other leaves:
    /// at the end of the pass) and in the order they were deferred when they are added.
    /// For expensive gradients independent of each other, such as the matrix exponentials'
    /// Fréchet derivatives of several layers; `compute` must not touch the tape.
    public func deferGradient(_ v: Variable<Scalar>, _ compute: @escaping @Sendable () -> [Scalar]) {
        check(v)
        guard nodes[v.id].requiresGrad else { return }
        deferred.append((v.id, epoch, compute))
    }

    /// Computes the pending deferred gradients in parallel and accumulates them.
    private func runDeferred() {
        guard !deferred.isEmpty else { return }
        let jobs = deferred
        deferred.removeAll()
        let results = Parallel.map(jobs.count, threads: min(jobs.count, Parallel.defaultThreads)) { jobs[$0].compute() }
        for (job, values) in zip(jobs, results) {
            let v = Variable(tape: self, id: job.target, epoch: job.epoch)
            precondition(
                values.count == nodes[job.target].value.count,
                "Tape: deferred gradient of \(values.count) values for shape \(nodes[job.target].value.shape)")
            accumulateGradient(v) { dst in scaledAccumulate(values, dst, values.count, 1) }
        }
    }

    // MARK: Storage

    /// An uninitialised tensor from the pool (the caller writes every element).
    public func makeTensor(_ shape: [Int]) -> Tensor<Scalar> {
        let n = Tensor<Scalar>.elementCount(shape)
        if var free = pool[n], let buffer = free.popLast() {
            pool[n] = free
            issued.insert(ObjectIdentifier(buffer))
            return Tensor(shape: shape, buffer: buffer)
        }
        let tensor = Tensor<Scalar>(uninitializedShape: shape)
        issued.insert(ObjectIdentifier(tensor.buffer))
        return tensor
    }

    /// Workspace for one op, from the pool: uninitialised, or zero when `zeroed`. The op writes
    /// it through `Scratch.mptr`; the tape keeps the storage out of the pool until `reset()`,
    /// never touches it, and then takes it back like any output, so that steady training loops
    /// stop allocating after their first step (see `Scratch` for the contract).
    public func scratch(_ shape: [Int], zeroed: Bool = false) -> Scratch<Scalar> {
        let tensor = zeroed ? zeros(shape) : makeTensor(shape)
        lent.append(tensor.buffer)
        return Scratch(shape: shape, buffer: tensor.buffer)
    }

    /// A zero tensor from the pool.
    public func zeros(_ shape: [Int]) -> Tensor<Scalar> {
        let t = makeTensor(shape)
        t.mptr.zero(count: t.count)
        return t
    }

    /// Forgets every node and returns storage nobody else holds to the pool.
    public func reset() {
        var buffers = lent
        var seen = Set(lent.map(ObjectIdentifier.init))
        for node in nodes {
            for t in [node.value, node.grad].compactMap({ $0 }) where seen.insert(ObjectIdentifier(t.buffer)).inserted {
                buffers.append(t.buffer)
            }
        }
        nodes.removeAll(keepingCapacity: true)  // releases the backward closures and the scratch they hold
        lent.removeAll(keepingCapacity: true)
        deferred.removeAll()
        epoch += 1
        for i in buffers.indices where issued.contains(ObjectIdentifier(buffers[i])) {
            if isKnownUniquelyReferenced(&buffers[i]) { pool[buffers[i].count, default: []].append(buffers[i]) }
        }
        issued.removeAll(keepingCapacity: true)
    }

    /// Empties the pool (for long-lived tapes whose shapes change).
    public func releasePool() { pool.removeAll() }

    /// Bytes held in the pool.
    public var pooledBytes: Int {
        pool.reduce(0) { $0 + $1.key * $1.value.count * MemoryLayout<Scalar>.stride }
    }
}

/// A value on a tape. Ops on variables (Ops/*.swift) record new nodes on the same tape.
///
/// A variable refers to its tape without owning it (backward functions capture variables, so
/// owning references would make every tape a cycle): keep the tape alive while using them.
public struct Variable<Scalar: TensorScalar> {
    public unowned let tape: Tape<Scalar>
    public let id: Int
    let epoch: Int

    @inline(__always) public var value: Tensor<Scalar> { tape.value(self) }
    @inline(__always) public var shape: [Int] { tape.value(self).shape }
    public var rank: Int { shape.count }
    public var count: Int { tape.value(self).count }
    /// The gradient that reached this variable in the last backward pass.
    public var gradient: Tensor<Scalar>? { tape.gradient(of: self) }
}
