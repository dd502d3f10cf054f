import ArgumentParser
import Foundation
import Lab

extension AttnLab {
    struct Propagator: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Closed-form Gaussian propagator of a random measured SDE vs an Euler–Maruyama ensemble, and the norm drift of the seed's SSE (seed 001 §VII, §IX)."
        )

        @Option(name: [.customShort("d"), .long], help: "State dimension d.")
        var dimension = 6

        @Option(help: "Value dimension m of W (default: d).")
        var valueDimension: Int?

        @Option(help: "Time τ within the token interval.")
        var tau = 1.0

        @Option(help: "Measurement strength γ.")
        var gamma = 1.2

        @Option(name: .customLong("sigma-m"), help: "Measurement noise σ_m.")
        var sigmaM = 1.0

        @Option(name: .customLong("sigma-k"), help: "Koopman noise σ_K.")
        var sigmaK = 1.0

        @Option(help: "Euler–Maruyama trajectories.")
        var trajectories = 20_000

        @Option(help: "Euler–Maruyama steps (default: chosen so the scheme's bias is below 0.2 standard errors).")
        var steps: Int?

        @OptionGroup var random: RandomSeed

        @Option(help: "SSE trajectories (0 skips the SSE).")
        var sseTrajectories = 2_000

        @Option(help: "Use a trained layer instead of a random system: a qsf/hamiltonian checkpoint folder (config.json + model.safetensors).")
        var checkpoint: String?

        @Option(help: "Layer of --checkpoint whose A, W_V and γ to use.")
        var layer = 0

        func validate() throws {
            guard dimension >= 1 && dimension <= 256 else { throw ValidationError("--dimension must be in 1…256, got \(dimension)") }
            if let m = valueDimension, m < 1 { throw ValidationError("--value-dimension must be positive, got \(m)") }
            guard tau > 0 && tau.isFinite else { throw ValidationError("--tau must be positive, got \(tau)") }
            guard gamma >= 0 && gamma.isFinite else { throw ValidationError("--gamma must be ≥ 0, got \(gamma)") }
            guard sigmaM > 0 && sigmaK >= 0 else { throw ValidationError("--sigma-m must be > 0 and --sigma-k ≥ 0") }
            guard trajectories >= 100 else { throw ValidationError("--trajectories must be at least 100, got \(trajectories)") }
            if let s = steps, s < 1 { throw ValidationError("--steps must be positive, got \(s)") }
            guard sseTrajectories == 0 || sseTrajectories >= 2 else { throw ValidationError("--sse-trajectories must be 0 or at least 2") }
            guard layer >= 0 else { throw ValidationError("--layer must be ≥ 0, got \(layer)") }
        }

        func run() throws {
            var report = PropagatorReport()
            report.dimension = dimension
            report.valueDimension = valueDimension
            report.tau = tau
            report.gamma = gamma
            report.measurementNoise = sigmaM
            report.koopmanNoise = sigmaK
            report.trajectories = trajectories
            report.steps = steps
            report.seed = random.seed
            report.sseTrajectories = sseTrajectories
            if let checkpoint {
                let layers = try KoopmanLayer.layers(of: try RunModels.loadModel(checkpoint: URL(fileURLWithPath: checkpoint)))
                guard layers.indices.contains(layer) else {
                    throw ValidationError("--layer \(layer): the checkpoint has layers 0..<\(layers.count)")
                }
                report.layer = layers[layer]
            }
            print(try report.run(progress: printError), terminator: "")
        }
    }
}
