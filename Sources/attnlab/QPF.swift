import ArgumentParser
import Foundation
import Lab
import Physics

extension AttnLab {
    struct QPF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qpf",
            abstract: "Quantum probability flow (seed 004): Ising memory capacity, real-time leakage, annealer forward maps.",
            subcommands: [Memory.self, Leakage.self, ForwardMap.self]
        )
    }
}

/// The last two options of every `qpf` subcommand (its `--json` has its own help text, so it is not
/// `JSONOutput`'s).
struct SeedAndFormat: ParsableArguments, ReportFormat {
    @OptionGroup var random: RandomSeed
    @Flag(help: "Print JSON instead of a table.")
    var json = false

    var seed: UInt64 { random.seed }
}

extension AttnLab.QPF {
    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capacity curves: fraction of stored patterns retrieved vs load P/N, per learning rule.",
            discussion: "A pattern is retrieved when zero-temperature asynchronous recall from its cue (a fraction f of spins "
                + "flipped) ends with overlap ≥ the threshold; α_c is where half the patterns are retrieved."
        )

        @Option(help: "Comma-separated rules: hebbian, softmax, lorentzian, lorentzian-hebbian, mpf.")
        var rules = "hebbian,softmax,lorentzian,mpf"
        @Option(help: "Comma-separated numbers of spins N.")
        var sizes = "64"
        @Option(help: "Comma-separated loads α = P/N, ascending.")
        var loads = "0.05,0.1,0.14,0.2,0.3,0.5,0.8,1.2"
        @Option(help: "Independent pattern sets per load.")
        var seeds = 4
        @Option(help: "Comma-separated cue noise levels f (fraction of flipped spins) in [0, 0.5).")
        var flip = "0,0.1"
        @Option(help: "Overlap a recalled state needs to count as retrieved.")
        var threshold = 0.95
        @Option(help: "Softmax rule inverse temperature β.")
        var beta = 1.0
        @Option(help: "Lorentzian rules' transverse field Γ.")
        var gamma = 1.0
        @Option(help: "L2 penalty λ of the iterative rules.")
        var lambda = 0.01
        @OptionGroup var output: SeedAndFormat

        func run() throws {
            var o = QPFTools.MemoryOptions()
            o.rules = try parseNames(rules, option: "--rules", kind: "rule", known: "hebbian, softmax, lorentzian, lorentzian-hebbian, mpf") {
                LearningRule.parse($0, beta: beta, gamma: gamma)
            }
            o.sizes = try parseDoubles(sizes, option: "--sizes", positive: true).map { Int($0) }
            o.loads = try parseDoubles(loads, option: "--loads", positive: true)
            guard zip(o.loads, o.loads.dropFirst()).allSatisfy({ $0 < $1 }) else { throw ValidationError("--loads must be ascending") }
            o.flipFractions = try parseDoubles(flip, option: "--flip")
            guard o.flipFractions.allSatisfy({ $0 >= 0 && $0 < 0.5 }) else { throw ValidationError("--flip values must lie in [0, 0.5)") }
            guard seeds > 0 else { throw ValidationError("--seeds must be positive") }
            guard threshold > 0 && threshold <= 1 else { throw ValidationError("--threshold must lie in (0, 1]") }
            guard beta > 0, gamma > 0, lambda >= 0 else { throw ValidationError("--beta and --gamma must be positive, --lambda ≥ 0") }
            (o.seeds, o.overlapThreshold, o.regularization, o.seed) = (seeds, threshold, lambda, output.seed)
            let report = QPFTools.memory(o, progress: output.progress)
            try output.print(report, table: QPFTools.table)
        }
    }

    struct Leakage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Real-time leakage from a data state under H = E(σᶻ) − Γ Σσˣ: exact channel weights vs first order, softmax and Lorentzian fits."
        )

        @Option(help: "Number of spins N (≤ 12 for exact diagonalisation, ≤ 20 with --duration).")
        var spins = 8
        @Option(help: "Comma-separated transverse fields Γ.")
        var fields = "0.01,0.03,0.1,0.3,1"
        @Option(help: "Coupling strength σ: J_ij ~ N(0, σ²/N).")
        var coupling = 0.3
        @Option(help: "Smallest single-flip gap.")
        var gapMin = 0.5
        @Option(help: "Largest single-flip gap.")
        var gapMax = 4.0
        @Option(help: "Average over a window [0, T] by Krylov evolution instead of the infinite-time average by exact diagonalisation.")
        var duration: Double?
        @OptionGroup var output: SeedAndFormat

        func validate() throws {
            guard spins >= 2 else { throw ValidationError("--spins must be at least 2") }
            if duration == nil && spins > 12 { throw ValidationError("--spins \(spins) needs --duration (exact diagonalisation stops at 12)") }
            if spins > 20 { throw ValidationError("--spins \(spins): a state vector of 2^\(spins) amplitudes is too large (≤ 20)") }
            if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
            guard gapMin > 0 && gapMax > gapMin else { throw ValidationError("need 0 < --gap-min < --gap-max") }
        }

        func run() throws {
            var o = QPFTools.LeakageOptions()
            o.fields = try parseDoubles(fields, option: "--fields", positive: true)
            (o.spins, o.couplingStrength, o.gapRange, o.duration, o.seed) = (spins, coupling, gapMin...gapMax, duration, output.seed)
            let report = try QPFTools.leakage(o)
            try output.print(report, table: QPFTools.table)
        }
    }

    struct ForwardMap: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forward-map",
            abstract: "Sample a one-hot forward map with Gibbs chains and classical, quantum and coherent annealing; fit softmax and Lorentzian."
        )

        @Option(help: "Comma-separated samplers: gibbs, sa, sqa, coherent.")
        var samplers = "gibbs,sa,sqa,coherent"
        @Option(help: "Comma-separated anneal lengths: sweeps for sa and sqa, anneal time for coherent.")
        var lengths = "4,16,64,256"
        @Option(help: "Number of channels K (2…16).")
        var channels = 8
        @Option(help: "Gaps are evenly spaced over [0, max-gap].")
        var maxGap = 1.0
        @Option(help: "One-hot penalty A.")
        var penalty = 2.0
        @Option(help: "Inverse temperature β (Gibbs, end of the classical anneal, bath of the quantum anneal).")
        var beta = 4.0
        @Option(help: "Initial transverse field Γ₀ of the quantum anneals.")
        var field = 2.0
        @Option(help: "Trotter slices of simulated quantum annealing.")
        var slices = 8
        @Option(help: "Read-outs per point.")
        var samples = 4000
        @Option(help: "Bootstrap resamples for the KL errors.")
        var bootstrap = 100
        @OptionGroup var output: SeedAndFormat

        func validate() throws {
            guard (2...16).contains(channels) else { throw ValidationError("--channels must lie in 2…16") }
            guard maxGap > 0, penalty > 0, beta > 0, field > 0 else { throw ValidationError("--max-gap, --penalty, --beta and --field must be positive") }
            guard slices >= 2, samples > 0, bootstrap >= 2 else { throw ValidationError("need --slices ≥ 2, --samples > 0, --bootstrap ≥ 2") }
        }

        func run() throws {
            var o = QPFTools.ForwardMapOptions()
            o.samplers = try parseNames(samplers, option: "--samplers", kind: "sampler", known: "gibbs, sa, sqa, coherent") {
                QPFTools.SamplerKind(rawValue: $0)
            }
            o.lengths = try parseDoubles(lengths, option: "--lengths", positive: true)
            (o.channels, o.maxGap, o.penalty, o.beta, o.initialField) = (channels, maxGap, penalty, beta, field)
            (o.slices, o.samples, o.bootstrap, o.seed) = (slices, samples, bootstrap, output.seed)
            let report = QPFTools.forwardMap(o, progress: output.progress)
            try output.print(report, table: QPFTools.table)
        }
    }
}
