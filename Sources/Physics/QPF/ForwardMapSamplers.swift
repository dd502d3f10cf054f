// Classical samplers of the one-hot forward map: Gibbs (heat-bath) chains at fixed temperature
// and simulated annealing (Kirkpatrick, Gelatt & Vecchi 1983).
//
// Size letters: K channels (= binary variables).

import RealModule
import TensorCore

/// Read-outs are drawn in `chunks` independent groups, chunk c from stream c of a root seed taken
/// from `rng`'s full state (so a generator that is itself a stream gives distinct chunks), and
/// results do not depend on the number of threads.
enum ForwardMapSampling {
    static let chunks = 16

    static func draw(
        _ map: OneHotForwardMap, samples: Int, rng: SeededRNG,
        _ one: @escaping @Sendable (inout SeededRNG) -> Int
    ) -> ForwardMapSample {
        precondition(samples > 0, "forward-map sampler: sample count must be positive")
        var source = rng
        let root = SeededRNG(seed: source.next())
        let parts: [[Int]] = Parallel.map(chunks) { c in
            var local = root.stream(UInt64(c))
            let count = samples * (c + 1) / chunks - samples * c / chunks
            return (0..<count).map { _ in one(&local) }
        }
        return ForwardMapSample(map: map, states: parts.flatMap { $0 })
    }

    /// A uniformly random state of K bits.
    static func randomState(_ k: Int, _ rng: inout SeededRNG) -> Int { Int(rng.next() & ((1 << UInt64(k)) - 1)) }
}

/// Independent heat-bath (Gibbs) chains at inverse temperature β on H(x); each read-out is the
/// last state of its own chain after `sweeps` sweeps from a uniformly random start, so read-outs
/// are independent and, once the chains have mixed, distributed as exp(−βH)/Z over all 2^K
/// states. A sweep is K heat-bath updates of single variables (random sites) and K heat-bath
/// exchange moves x_i ↔ x_j (random pairs; only pairs with x_i ≠ x_j change anything). The
/// exchange moves keep Σx and so the penalty, letting a chain hop between one-hot states without
/// climbing the penalty barrier A; single flips alone mix in a time ~exp(β(A − Δ)).
public struct GibbsSampler: Sendable {
    public var beta: Double
    public var sweeps: Int

    public init(beta: Double, sweeps: Int = 200) {
        precondition(beta > 0 && sweeps > 0, "GibbsSampler: β and sweeps must be positive")
        self.beta = beta
        self.sweeps = sweeps
    }

    public func sample(_ map: OneHotForwardMap, samples: Int, rng: SeededRNG) -> ForwardMapSample {
        let (beta, sweeps) = (beta, sweeps)
        return ForwardMapSampling.draw(map, samples: samples, rng: rng) { rng in
            let k = map.channels
            var x = ForwardMapSampling.randomState(k, &rng)
            var ones = x.nonzeroBitCount
            for _ in 0..<sweeps {
                for _ in 0..<k {
                    let i = rng.int(below: k)
                    let isSet = (x >> i) & 1 == 1
                    // Heat bath: P(flip) = 1/(1 + exp(β ΔH)).
                    let cost = map.flipCost(i, isSet: isSet, ones: ones)
                    if rng.uniform() * (1 + Double.exp(beta * cost)) < 1 {
                        x ^= 1 << i
                        ones += isSet ? -1 : 1
                    }
                }
                for _ in 0..<k {
                    let i = rng.int(below: k), j = rng.int(below: k)
                    let (xi, xj) = ((x >> i) & 1, (x >> j) & 1)
                    guard xi != xj else { continue }
                    // Moving the one from i to j (or j to i) changes H by Δ_to − Δ_from.
                    let cost = xi == 1 ? map.gaps[j] - map.gaps[i] : map.gaps[i] - map.gaps[j]
                    if rng.uniform() * (1 + Double.exp(beta * cost)) < 1 { x ^= (1 << i) | (1 << j) }
                }
            }
            return x
        }
    }
}

/// Simulated annealing: Metropolis single-variable updates while β rises linearly from
/// `betaStart` to `betaEnd` over `sweeps` sweeps (sweep t at β_t = β₀ + (β₁ − β₀)(t + 1)/L), from a
/// uniformly random start; the read-out is the final state. Short anneals freeze out at a
/// higher temperature than β₁, so the fitted softmax slope of their read-outs is lower.
public struct SimulatedAnnealing: Sendable {
    public var betaStart: Double
    public var betaEnd: Double
    public var sweeps: Int

    public init(betaStart: Double = 0.05, betaEnd: Double, sweeps: Int) {
        precondition(betaStart > 0 && betaEnd >= betaStart, "SimulatedAnnealing: need 0 < β₀ ≤ β₁")
        precondition(sweeps > 0, "SimulatedAnnealing: sweeps must be positive")
        self.betaStart = betaStart
        self.betaEnd = betaEnd
        self.sweeps = sweeps
    }

    public func sample(_ map: OneHotForwardMap, samples: Int, rng: SeededRNG) -> ForwardMapSample {
        let (b0, b1, sweeps) = (betaStart, betaEnd, sweeps)
        return ForwardMapSampling.draw(map, samples: samples, rng: rng) { rng in
            let k = map.channels
            var x = ForwardMapSampling.randomState(k, &rng)
            var ones = x.nonzeroBitCount
            for t in 0..<sweeps {
                let beta = b0 + (b1 - b0) * Double(t + 1) / Double(sweeps)
                for _ in 0..<k {
                    let i = rng.int(below: k)
                    let isSet = (x >> i) & 1 == 1
                    let cost = map.flipCost(i, isSet: isSet, ones: ones)
                    if cost <= 0 || rng.uniform() < Double.exp(-beta * cost) {
                        x ^= 1 << i
                        ones += isSet ? -1 : 1
                    }
                }
            }
            return x
        }
    }
}
