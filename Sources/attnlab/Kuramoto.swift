import ArgumentParser
import Foundation
import Lab
import Models
import Physics

extension AttnLab {
    struct Kuramoto: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kuramoto synchrony: the simulator against theory, and the phases of attention heads during training.",
            subcommands: [Simulate.self, Heads.self]
        )
    }
}

extension AttnLab.Kuramoto {
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stationary order parameter r(K) of N mean-field oscillators (RK4) beside the N → ∞ theory."
        )

        @Option(help: "Frequency distribution: lorentzian, gaussian or uniform.") var distribution = "lorentzian"
        @Option(help: "Its scale: half-width Δ, standard deviation σ or half-width γ.") var scale = 1.0
        @Option(help: "Number of oscillators N.") var oscillators = 1000
        @Option(help: "Comma-separated couplings K (default: 0.25 … 3 K_c).") var couplings: String?
        @Option(help: "Independent realisations per coupling.") var realisations = 3
        @Option(help: "RK4 time step.") var dt = 0.05
        @Option(help: "Transient discarded (time units).") var transient = 100.0
        @Option(help: "Averaging time after the transient.") var duration = 200.0
        @Flag(help: "Use the regular quantiles of the distribution as frequencies instead of random draws.") var regular = false
        @OptionGroup var random: RandomSeed

        func validate() throws {
            guard ["lorentzian", "gaussian", "uniform"].contains(distribution) else {
                throw ValidationError("--distribution must be lorentzian, gaussian or uniform, got '\(distribution)'")
            }
            guard scale > 0 else { throw ValidationError("--scale must be positive, got \(scale)") }
            guard oscillators > 0, realisations > 0 else { throw ValidationError("--oscillators and --realisations must be positive") }
            guard dt > 0, transient >= 0, duration > 0 else { throw ValidationError("--dt and --duration must be positive, --transient ≥ 0") }
            if let couplings { _ = try parseCouplings(couplings) }
        }

        func parseCouplings(_ text: String) throws -> [Double] {
            try parseCommaSeparated(text, option: "--couplings", expects: "non-negative numbers") { Double($0).flatMap { $0 >= 0 ? $0 : nil } }
        }

        func run() throws {
            let g: FrequencyDistribution
            switch distribution {
            case "gaussian": g = .gaussian(std: scale)
            case "uniform": g = .uniform(halfWidth: scale)
            default: g = .lorentzian(halfWidth: scale)
            }
            let ks = try couplings.map(parseCouplings) ?? [0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2, 2.5, 3].map { $0 * g.criticalCoupling }
            let table = KuramotoTools.simulation(
                distribution: g, oscillators: oscillators, couplings: ks, realisations: realisations,
                timeStep: dt, transient: transient, duration: duration, regular: regular, seed: random.seed)
            printTable(table)
        }
    }

    struct Heads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Train a small transformer and log the Kuramoto order parameter r of its heads' phases (first Fourier mode of each head's attention-over-distance profile), with baselines."
        )

        @Option(help: "A folder written by `attnlab data prepare` (default: generate stories).") var data: String?
        @Option(help: "Stories to generate when --data is not given.") var documents = 1500
        @Option(help: "Tokenizer vocabulary when --data is not given.") var vocab = 384
        @Option(help: "Residual width.") var width = 64
        @Option(help: "Layers.") var layers = 2
        @Option(help: "Heads per layer.") var heads = 4
        @Option(help: "Context length.") var context = 64
        @Option(help: "Training steps.") var steps = 300
        @Option(help: "Sequences per step.") var batch = 16
        @Option(help: "Peak learning rate.") var lr = 3e-3
        @Option(help: "Steps between phase measurements.") var every = 10
        @Option(help: "Validation sequences the phases are measured on.") var sequences = 16
        @Option(help: "Seed.") var seed: UInt64 = 1

        func validate() throws {
            try requirePositive([
                "--width": width, "--layers": layers, "--heads": heads, "--context": context, "--steps": steps,
                "--batch": batch, "--every": every, "--sequences": sequences,
            ])
            guard width % heads == 0 else { throw ValidationError("--heads must divide --width, got \(heads) and \(width)") }
            guard lr > 0 else { throw ValidationError("--lr must be positive, got \(lr)") }
        }

        func run() throws {
            let prepared: PreparedData
            if let data {
                prepared = try PreparedData.load(from: URL(fileURLWithPath: data))
            } else {
                prepared = try DataPreparation(corpus: .stories(documents: documents, seed: seed), tokenizer: .train(vocabularySize: vocab)).run()
            }
            var options = KuramotoTools.HeadsOptions()
            options.width = width
            options.layers = layers
            options.heads = heads
            options.context = context
            options.steps = steps
            options.batch = batch
            options.learningRate = lr
            options.every = every
            options.validationSequences = sequences
            options.seed = seed
            let (table, summary) = try KuramotoTools.heads(data: prepared, options: options, log: printError)
            printTable(table)
            for line in summary { print(line) }
        }
    }
}
