import TensorCore

/// An ensemble of Euler–Maruyama trajectories of a `MeasuredLinearSDE`, for checking its closed
/// form against simulation.
///
/// Size letters: N = trajectories, d = state dimension, S = snapshots.
///
/// Scheme, step h = τ/steps:  x ← x + h (M x + c) + σ_K √h ξ,  ξ ~ N(0, I),
/// starting from x(0) ~ N(m₀, P₀). Trajectories are simulated in fixed chunks of `chunkSize`;
/// chunk j draws from `rng.stream(j)` alone, so the result is identical for any thread count.
/// Cost O(N · steps · d²), spread over the cores.
public struct EulerMaruyamaEnsemble: Sendable {
    /// Step indices at which states were recorded (0 = start, `steps` = end).
    public let snapshotSteps: [Int]
    /// Recorded states, one N×d matrix per snapshot.
    public let states: [Matrix]
    /// Step size h.
    public let stepSize: Double

    /// Simulates `trajectories` paths of `sde` over time `tau` in `steps` steps, recording the
    /// states at `snapshots` (step indices in 0...steps; default: the end only).
    public init(
        _ sde: MeasuredLinearSDE, start: GaussianState, time tau: Double, steps: Int, trajectories: Int,
        snapshots: [Int]? = nil, chunkSize: Int = 250, rng: SeededRNG
    ) throws {
        precondition(steps > 0 && trajectories > 0 && chunkSize > 0, "EulerMaruyamaEnsemble: steps, trajectories and chunk size must be positive")
        let recorded = (snapshots ?? [steps]).sorted()
        precondition(recorded.allSatisfy { $0 >= 0 && $0 <= steps }, "EulerMaruyamaEnsemble: snapshot outside 0...\(steps)")
        precondition(start.dimension == sde.dimension, "EulerMaruyamaEnsemble: start of dimension \(start.dimension) for d = \(sde.dimension)")
        let d = sde.dimension, n = trajectories, s = recorded.count
        let h = tau / Double(steps), noise = sde.koopmanNoise * h.squareRoot()
        let m = sde.driftMatrix.elements, c = sde.driftOffset
        let factor: [Double]? = start.covariance.elements.allSatisfy { $0 == 0 } ? nil : try start.covariance.cholesky().elements
        let mean0 = start.mean
        var output = [Double](repeating: 0, count: s * n * d)
        let chunks = (n + chunkSize - 1) / chunkSize
        output.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendablePointer(buffer.baseAddress!)
            Parallel.forEach(chunks) { chunk in
                var generator = rng.stream(UInt64(chunk))
                let first = chunk * chunkSize, count = min(chunkSize, n - first)
                var x = [Double](repeating: 0, count: count * d)  // (count, d)
                var xi = [Double](repeating: 0, count: d)
                var rate = [Double](repeating: 0, count: d)
                m.withUnsafeBufferPointer { mp in
                    x.withUnsafeMutableBufferPointer { xp in
                        // Initial draws x = m₀ + L ξ.
                        for i in 0..<count {
                            for j in 0..<d { xi[j] = generator.normal() }
                            for r in 0..<d {
                                var v = mean0[r]
                                if let factor { for k in 0...r { v += factor[r * d + k] * xi[k] } }
                                xp[i * d + r] = v
                            }
                        }
                        var next = 0
                        func record(_ step: Int) {
                            while next < s && recorded[next] == step {
                                let base = next * n * d + first * d
                                for e in 0..<(count * d) { out[base + e] = xp[e] }
                                next += 1
                            }
                        }
                        record(0)
                        for step in 1...steps {
                            for i in 0..<count {
                                let row = i * d
                                for r in 0..<d {
                                    var v = c[r]
                                    for k in 0..<d { v += mp[r * d + k] * xp[row + k] }
                                    rate[r] = v
                                }
                                for r in 0..<d { xp[row + r] += h * rate[r] + noise * generator.normal() }
                            }
                            record(step)
                        }
                    }
                }
            }
        }
        snapshotSteps = recorded
        states = (0..<s).map { Matrix(rows: n, cols: d, elements: Array(output[($0 * n * d)..<(($0 + 1) * n * d)])) }
        stepSize = h
    }

    /// Number of trajectories N.
    public var trajectories: Int { states.first?.rows ?? 0 }

    /// The states at the last snapshot.
    public var final: Matrix { states.last! }
}
