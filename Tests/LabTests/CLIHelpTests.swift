import ArgumentParser
import Testing

@testable import attnlab

/// The options of subcommands that take some of them from shared groups (`@OptionGroup`), pinned:
/// declaring an option once must keep its name, help, default and place in every command's help.
@Suite struct CLIHelpTests {
    /// `command`'s help from its OPTIONS section on without the last line break, 80 columns wide (as `attnlab help` prints it
    /// when standard output is not a terminal).
    func options(_ command: any ParsableCommand.Type) -> String {
        let help = AttnLab.helpMessage(for: command, columns: 80)
        var section = help[help.range(of: "OPTIONS:\n")!.lowerBound...]
        while section.last == "\n" { section.removeLast() }
        return String(section)
    }

    /// `--model` and `--seed` from groups, between the command's own options.
    @Test func kpzSimulateOptions() {
        #expect(
            options(AttnLab.KPZ.Simulate.self) == """
                OPTIONS:
                  --model <model>         Growth model: rd, ew, family, kpz, rsos. (default:
                                          kpz)
                  --length <length>       System size L (sites, periodic). (default: 256)
                  --time <time>           Last recording time (sweeps or steps). (default: 1000)
                  --samples <samples>     Independent realisations. (default: 16)
                  --per-decade <per-decade>
                                          Recording times per decade (log-spaced). (default: 12)
                  --seed <seed>           Random seed. (default: 1)
                  --out <out>             Output file (.npy or .csv).
                  --float32               Write float32 instead of float64 (.npy only).
                  -h, --help              Show help information.
                """)
    }

    /// `--detail` from a group, last.
    @Test func kpzAnalyzeOptions() {
        #expect(
            options(AttnLab.KPZ.Analyze.self) == """
                OPTIONS:
                  --times <times>         A file of recording times (one per line) for every
                                          input, overriding time columns and side files.
                  --t0 <t0>               First recording time when no times are given.
                  --dt <dt>               Time step between rows when no times are given.
                  --growth-window <growth-window>
                                          β fit window 'a:b' in time units (default: automatic,
                                          see docs/CRITICALITY.md).
                  --correlation-window <correlation-window>
                                          α fit window 'a:b' in separations r (default:
                                          automatic).
                  --earliest-time <earliest-time>
                                          Earliest time used in fits and the collapse.
                  --groups <groups>       Jackknife groups. (default: 32)
                  --detail                Also print W(t), local slopes and C(r) of the largest
                                          size.
                  -h, --help              Show help information.
                """)
    }

    /// `--json` from a group, first.
    @Test func benchGemmOptions() {
        #expect(
            options(AttnLab.Bench.Gemm.self) == """
                OPTIONS:
                  --json                  Print the results as JSON.
                  --sizes <sizes>         Comma-separated matrix sizes. (default:
                                          256,512,1024,2048)
                  --threads <threads>     Comma-separated BLAS thread counts. (default: 1,2)
                  --generic/--no-generic  Also measure OpenBLAS's generic (Prescott) kernel in
                                          the same run. (default: --generic)
                  -h, --help              Show help information.
                """)
    }

    /// `--seed` from a group inside a group.
    @Test func qpfLeakageOptions() {
        #expect(
            options(AttnLab.QPF.Leakage.self) == """
                OPTIONS:
                  --spins <spins>         Number of spins N (≤ 12 for exact diagonalisation, ≤
                                          20 with --duration). (default: 8)
                  --fields <fields>       Comma-separated transverse fields Γ. (default:
                                          0.01,0.03,0.1,0.3,1)
                  --coupling <coupling>   Coupling strength σ: J_ij ~ N(0, σ²/N). (default: 0.3)
                  --gap-min <gap-min>     Smallest single-flip gap. (default: 0.5)
                  --gap-max <gap-max>     Largest single-flip gap. (default: 4.0)
                  --duration <duration>   Average over a window [0, T] by Krylov evolution
                                          instead of the infinite-time average by exact
                                          diagonalisation.
                  --seed <seed>           Random seed. (default: 1)
                  --json                  Print JSON instead of a table.
                  -h, --help              Show help information.
                """)
    }

    /// `--seed`/`--out` from a group among three groups.
    @Test func reproduceQSFOptions() {
        #expect(
            options(Reproduce.QSF.self) == """
                OPTIONS:
                  --scale <scale>         smoke, quick, small or paper. (default: quick)
                  --seed <seed>           Master random seed. (default: 1)
                  --out <out>             Run directory to create (must not exist or be empty).
                  --dynamics              Also measure the trained models' Koopman spectra,
                                          energy budget and γ (the qsf.* dynamics claims).
                  --seeds <K>             Seeds per experiment that trains or samples: each
                                          runs at this many seeds derived from the master seed,
                                          and every verdict is judged on the pooled
                                          measurements and at each seed. (default: smoke 2,
                                          quick 4, small 3, paper 3)
                  --jobs <N>              Experiments run at once, each in its own process.
                                          (default: processors ÷ threads)
                  --threads <T>           Threads each experiment computes with. Numbers depend
                                          on it, not on --jobs; config.json records it.
                                          (default: 1)
                  --in-process            Run every experiment inside this process, one after
                                          another (a crash ends the run; threads as the process
                                          has them).
                  --data <DIR>            Train every trained-model experiment on this folder
                                          written by `attnlab data prepare` (its files are
                                          linked into the run directory).
                  --corpus <FILE>         Train every trained-model experiment on this text
                                          corpus, prepared into the run directory with a BPE
                                          tokenizer of the scale's vocabulary.
                  --format <FORMAT>       How --corpus separates documents: tinystories
                                          (<|endoftext|> between stories), paragraphs (blank
                                          lines) or text (one document). (default: paragraphs,
                                          as `data prepare`)
                  -h, --help              Show help information.
                """)
    }
}
