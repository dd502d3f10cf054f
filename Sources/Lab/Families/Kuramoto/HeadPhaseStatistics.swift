import Foundation
import Physics
import TensorCore

// Size letters: B validation sequences, M heads (all layers), S logged steps.

/// The heads' phases over a training run set against their baselines (docs/CLAIMS.md,
/// "kuramoto.heads-locked"): independent uniform phases, the final profiles with their distance
/// order shuffled, and the heads shuffled in time, with errors from one joint bootstrap over the
/// validation sequences.
extension HeadPhaseTraining {
    /// Everything the report and the rule read about one run.
    struct Analysis: Sendable {
        var statistics: RunStatistics
        /// r of M independent uniform phases.
        var null: PhaseSynchrony.UniformNull
        /// Mean r of the final profiles with each head's Δ order randomly permuted.
        var distanceShuffled: Double
        /// Phase of uniform causal attention's profile.
        var uniformCausalPhase: Double

        /// `draws` Monte Carlo draws for the null and the time shuffle; `replicates` bootstrap replicates.
        init(_ snapshots: [Snapshot], length: Int, replicates: Int, draws: Int, rng: inout SeededRNG) {
            null = PhaseSynchrony.uniformNull(heads: snapshots[0].phases.count, draws: draws, rng: &rng)
            distanceShuffled = HeadPhaseTraining.distanceShuffled(snapshots.last!.profiles, draws: 200, rng: &rng)
            uniformCausalPhase = PhaseSynchrony.firstMode(PhaseSynchrony.uniformCausalProfile(length: length)).phase
            statistics = HeadPhaseTraining.statistics(snapshots, replicates: replicates, shuffles: draws, rng: &rng)
        }
    }

    /// Statistics over the whole training run, bootstrapped jointly: each replicate resamples the
    /// validation sequences once and recomputes every head's phase at every snapshot, so the error
    /// of a minimum over snapshots includes the selection of the minimum, and the errors of r̄, of
    /// its time-shuffled baseline and of their difference share one resampling.
    struct RunStatistics: Sendable {
        /// min over snapshots of r, with the bootstrap standard deviation of that minimum.
        var minimum: Estimate
        var minimumStep: Int
        /// Mean r over the second half of the snapshots.
        var late: Estimate
        var lateSnapshots: Int
        /// Over the trained snapshots (all after step 0): the mean r̄, the time-shuffled baseline
        /// r_ts (each head's phase from an independent trained snapshot), the excess r̄ − r_ts and
        /// the locking margin D = r̄ − (1 + r_ts)/2, each with its bootstrap standard deviation.
        var mean: Estimate
        var timeShuffled: Estimate
        var excess: Estimate
        var margin: Estimate
        var trainedSnapshots: Int
    }

    /// A value and its bootstrap standard deviation.
    struct Estimate: Sendable {
        var value: Double
        var error: Double

        /// "value ± error" with the measurement's rounding.
        var formatted: String { Measurement(value, error: error).formatted }
    }

    /// `shuffles` draws of the time-shuffled baseline, the same draws for every replicate.
    static func statistics(_ snapshots: [Snapshot], replicates: Int, shuffles: Int, rng: inout SeededRNG) -> RunStatistics {
        precondition(snapshots.count >= 2, "HeadPhaseTraining.statistics: needs step 0 and at least one trained snapshot")
        let batch = snapshots[0].sequenceProfiles.count
        let lateStart = snapshots.count / 2
        let times = PhaseSynchrony.shuffledTimes(steps: snapshots.count - 1, heads: snapshots[0].phases.count, draws: shuffles, rng: &rng)
        /// (min r, late mean r, r̄ over trained steps, r_ts) from every snapshot's phases.
        func summary(_ phases: [[Double]]) -> [Double] {
            let rs = phases.map { PhaseSynchrony.orderParameter($0).r }
            let late = rs[lateStart...], trained = rs.dropFirst()
            return [
                rs.min()!, late.reduce(0, +) / Double(late.count), trained.reduce(0, +) / Double(trained.count),
                PhaseSynchrony.timeShuffledOrderParameter(Array(phases.dropFirst()), times: times),
            ]
        }
        let point = summary(snapshots.map(\.phases))
        var draws: [[Double]] = []
        for _ in 0..<replicates {
            let draw = (0..<batch).map { _ in rng.int(below: batch) }
            draws.append(summary(snapshots.map { s in meanProfiles(s.sequenceProfiles, draw: draw).map { PhaseSynchrony.firstMode($0).phase } }))
        }
        func estimate(_ f: ([Double]) -> Double) -> Estimate {
            Estimate(value: f(point), error: SampleSummary(draws.map(f)).standardDeviation)
        }
        let worst = snapshots.min { $0.r < $1.r }!
        return RunStatistics(
            minimum: estimate { $0[0] }, minimumStep: worst.step,
            late: estimate { $0[1] }, lateSnapshots: snapshots.count - lateStart,
            mean: estimate { $0[2] }, timeShuffled: estimate { $0[3] }, excess: estimate { $0[2] - $0[3] },
            margin: estimate { $0[2] - (1 + $0[3]) / 2 }, trainedSnapshots: snapshots.count - 1)
    }

    /// Mean r across heads when each head's profile (M) × (T) has its Δ order randomly permuted.
    static func distanceShuffled(_ profiles: [[Double]], draws: Int, rng: inout SeededRNG) -> Double {
        var total = 0.0
        for _ in 0..<draws {
            let phases = profiles.map { p -> Double in
                let order = rng.permutation(p.count)
                return PhaseSynchrony.firstMode(order.map { p[$0] }).phase
            }
            total += PhaseSynchrony.orderParameter(phases).r
        }
        return total / Double(draws)
    }
}
