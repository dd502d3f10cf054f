import ArgumentParser
import Foundation
import Lab

/// `attnlab reproduce qsf`: the seed's progressive training (Tables 2 and 3) as one command.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce a seed's experiment end to end.",
        subcommands: [QSF.self]
    )

    struct QSF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qsf",
            abstract: "Seed 001's progressive training: FNet → Koopman → Koopman+attention → Hamiltonian, with a matched transformer.",
            discussion: """
                Trains every stage on the same token budget and writes a run directory with the Table 2
                analogue (parameters, validation loss, perplexity, bits/byte, tokens/s beside the seed's
                numbers), the Table 3 analogue (a continuation per model), loss curves, and the verdicts of
                the claims this training decides. With --dynamics the Koopman spectra, energy budget and γ
                of the trained models are measured too. smoke takes seconds, quick a few minutes on 2 cores;
                paper is the seed's configuration (d 320, 32 layers, context 512) and takes days on a CPU.
                """
        )

        @Option(help: "smoke, quick, small or paper.")
        var scale: String = Scale.quick.rawValue

        @OptionGroup var target: SeedAndRunDirectory

        @Flag(help: "Also measure the trained models' Koopman spectra, energy budget and γ (the qsf.* dynamics claims).")
        var dynamics = false

        @OptionGroup var replication: ReplicationOptions

        @OptionGroup var corpus: RunCorpusOptions

        func validate() throws {
            _ = try parseScale(scale)
        }

        func run() throws {
            let pipeline = QSFPipelineExperiment.experimentID
            let experiments = dynamics ? [pipeline, SpectrumExperiment.experimentID] : [pipeline]
            let claimIDs = ClaimRegistry.all.filter { claim in claim.experiment.map(experiments.contains) ?? false }.map(\.id)
            let plan = try RunPlan.resolve(claimIDs: claimIDs, all: false)
            let configuration = replication.configuration(scale: Scale(rawValue: scale)!, seed: target.masterSeed, plan: plan, all: false)
            let summary = try executeRun(
                plan: plan, configuration: configuration, out: target.out, isolation: replication.isolation,
                corpus: corpus.request)
            for table in summary.results.experiment(pipeline)?.tables ?? [] {
                print("\n" + table.title)
                print(TextTable.render(header: table.header, rows: table.rows))
            }
        }
    }
}
