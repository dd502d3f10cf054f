import ArgumentParser

@main
struct AttnLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attnlab",
        abstract: "A laboratory for the physics of attention: builds the systems the papers describe, measures, and reports whether each claim holds.",
        subcommands: [
            Claims.self, Report.self, Train.self, Eval.self, Generate.self, DataCommand.self, TokenizerCommand.self, Bench.self, NNQFT.self, KPZ.self, QPF.self,
            Thermo.self, Kuramoto.self, Propagator.self, Spectrum.self, Reproduce.self,
        ]
    )
}
