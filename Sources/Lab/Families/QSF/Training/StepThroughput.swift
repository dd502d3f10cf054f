import Foundation
import Models
import Physics

/// Training-step throughput of several trained models, timed in one process in interleaved
/// rounds, so that a ratio compares steps taken seconds apart under the same load (the machine's
/// own speed drifts by 10–30% over minutes; docs/CLAIMS.md, qsf.throughput).
///
/// Size letters: R rounds, M models, S timed steps per model and round.
///
/// Round r runs the models in the order rotated by r; each model takes `warmupSteps` untimed
/// steps, then S timed optimizer steps (forward, backward, AdamW, on the same batches for every
/// model), of which the median is its seconds per step in that round.
struct StepThroughput: Sendable {
    var rounds: Int
    var stepsPerRound: Int
    var warmupSteps = 1

    /// Median seconds per step of each model in each round: (R, M).
    func secondsPerStep(_ trainers: [Trainer]) throws -> [[Double]] {
        precondition(rounds >= 2 && stepsPerRound >= 1, "StepThroughput: needs ≥ 2 rounds and ≥ 1 step, got \(rounds), \(stepsPerRound)")
        var seconds = [[Double]](repeating: [Double](repeating: .nan, count: trainers.count), count: rounds)  // (R, M)
        for round in 0..<rounds {
            for offset in 0..<trainers.count {
                let m = (round + offset) % trainers.count
                for _ in 0..<warmupSteps { try trainers[m].trainStep() }
                var steps: [Double] = []  // (S)
                for _ in 0..<stepsPerRound {
                    let start = DispatchTime.now().uptimeNanoseconds
                    try trainers[m].trainStep()
                    steps.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
                steps.sort()
                seconds[round][m] = steps[steps.count / 2]
            }
        }
        return seconds
    }

    /// Tokens/s of model i over model j: the geometric mean over rounds of secondsⱼ/secondsᵢ, with
    /// error exp(m)·c·s/√R (s the spread of the per-round log ratios, c = t₀.₉₇₅,R−1/1.96 so a 2σ
    /// band keeps 95% with few rounds).
    static func ratio(_ seconds: [[Double]], _ i: Int, _ j: Int, label: String) -> Measurement {
        let logs = seconds.map { Foundation.log($0[j] / $0[i]) }  // (R)
        let summary = SampleSummary(logs)
        let c = SeedPooling.studentT975(degreesOfFreedom: max(1, logs.count - 1)) / 1.959963984540054
        let value = Foundation.exp(summary.mean)
        return Measurement(value, error: value * c * summary.standardError, samples: logs.count, label: label)
    }

    /// Mean tokens/s of model m over the rounds, ± its standard error.
    static func tokensPerSecond(_ seconds: [[Double]], _ m: Int, tokensPerStep: Int, label: String) -> Measurement {
        let summary = SampleSummary(seconds.map { Double(tokensPerStep) / $0[m] })
        return Measurement(summary.mean, error: summary.standardError, samples: summary.count, unit: "tokens/s", label: label)
    }
}
