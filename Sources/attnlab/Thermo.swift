import ArgumentParser
import Foundation
import Lab
import Models

extension AttnLab {
    struct Thermo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Temperature sweep of a transformer's attention: entropy, participation ratio, max weight and heat capacity versus a β multiplier, and the heat-capacity peak against the number of keys.",
            discussion: """
                RUN_DIR is a run directory of `attnlab claims check` whose qsf.pipeline trained a transformer \
                (e.g. `attnlab claims check attn.heat-capacity-peak --scale smoke --out runs/thermo`), or the output folder \
                of `attnlab train --arch transformer`. With --random-init the \
                same architecture is swept at initialisation instead; without RUN_DIR, --random-init sweeps a fresh model \
                of --width/--layers/--heads/--context on generated stories.
                """
        )

        @Argument(help: "Run directory whose qsf.pipeline trained a transformer, or an `attnlab train` folder.") var runDirectory: String?
        @Flag(help: "Sweep a randomly initialised model instead of the trained one.") var randomInit = false
        @Option(help: "Validation sequences to sweep.") var sequences = 32
        @Option(help: "Bootstrap replicates over sequences.") var bootstrap = 200
        @Option(help: "Smallest β multiplier.") var betaMin = 0.01
        @Option(help: "Largest β multiplier.") var betaMax = 1000.0
        @Option(help: "Grid points per decade of β.") var perDecade = 8
        @Option(help: "Seed of the initialisation and the bootstrap.") var seed: UInt64 = 1
        @Option(help: "Width of the random model (no RUN_DIR).") var width = 64
        @Option(help: "Layers of the random model (no RUN_DIR).") var layers = 3
        @Option(help: "Heads of the random model (no RUN_DIR).") var heads = 4
        @Option(help: "Context of the random model (no RUN_DIR).") var context = 64
        @Option(help: "Write the figures (SVG) into this folder.") var figures: String?

        func validate() throws {
            if runDirectory == nil && !randomInit {
                throw ValidationError("give a RUN_DIR whose qsf.pipeline trained a transformer, or --random-init")
            }
            guard betaMin > 0, betaMax > betaMin else { throw ValidationError("--beta-min and --beta-max need 0 < min < max, got \(betaMin), \(betaMax)") }
            try requirePositive([
                "--sequences": sequences, "--per-decade": perDecade, "--width": width, "--layers": layers,
                "--heads": heads, "--context": context,
            ])
            guard bootstrap >= 2 else { throw ValidationError("--bootstrap must be at least 2, got \(bootstrap)") }
            guard width % heads == 0 else { throw ValidationError("--heads must divide --width, got \(heads) and \(width)") }
        }

        func run() throws {
            var options = ThermoTool.Options()
            options.sequences = sequences
            options.replicates = bootstrap
            options.betaLow = betaMin
            options.betaHigh = betaMax
            options.perDecade = perDecade
            options.seed = seed
            let output: ExperimentOutput
            if let runDirectory {
                let models = try RunModels(runDirectory: URL(fileURLWithPath: runDirectory))
                output = try ThermoTool.sweep(run: models, randomInit: randomInit, options: options, log: printError)
            } else {
                let data = try DataPreparation(corpus: .stories(documents: 600, seed: seed), tokenizer: .train(vocabularySize: 320)).run()
                let config = ModelConfig(
                    architecture: .transformer, vocabularySize: data.tokenizer.vocabularySize, contextLength: context,
                    width: width, layers: layers, heads: heads, feedForward: 4 * width)
                output = try ThermoTool.sweep(fresh: config, data: data, options: options, log: printError)
            }
            for table in output.tables { printTable(table) }
            for note in output.notes { print(note + "\n") }
            if let figures {
                let folder = URL(fileURLWithPath: figures)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for f in output.figures { try Data(f.svg.utf8).write(to: folder.appendingPathComponent("\(f.name).svg"), options: .atomic) }
                print("figures in \(folder.path)")
            }
        }
    }
}
