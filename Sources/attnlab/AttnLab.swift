import ArgumentParser

@main
struct AttnLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attnlab",
        abstract: "A laboratory for the physics of attention: builds the systems the papers describe, measures, and reports whether each claim holds.",
        subcommands: [Bench.self, DataCommand.self, TokenizerCommand.self, Propagator.self, Spectrum.self]
    )
}
