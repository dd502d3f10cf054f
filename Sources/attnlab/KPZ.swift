import ArgumentParser
import Foundation
import Lab
import Physics
import TensorCore

extension AttnLab {
    struct KPZ: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpz",
            abstract: "Surface growth: simulate reference growth models and estimate α, β, z of any height field h(x, t), including recorded attention logits.",
            subcommands: [Simulate.self, Analyze.self, Validate.self, Attention.self]
        )
    }
}

extension AttnLab.KPZ {
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grow a reference interface and write h(x, t) (rows = times, columns = positions).",
            discussion: """
                Models: rd (random deposition, β = 1/2), ew (discretised Edwards–Wilkinson, α = 1/2, β = 1/4), \
                family (Family model, EW class), kpz (single-step model, α = 1/2, β = 1/3, z = 3/2), \
                rsos (restricted solid-on-solid, KPZ class). Time is in sweeps (L deposition attempts) or, for ew, \
                update steps; rows are recorded at log-spaced integer times. A .npy output holds (T, L) for one \
                sample or (R, T, L); the times go to <name>.times.csv beside it. A .csv output holds one sample \
                with a leading t column.
                """
        )

        @OptionGroup var growth: GrowthModelOption

        @Option(help: "System size L (sites, periodic).")
        var length: Int = 256

        @Option(help: "Last recording time (sweeps or steps).")
        var time: Int = 1000

        @Option(help: "Independent realisations.")
        var samples: Int = 16

        @Option(help: "Recording times per decade (log-spaced).")
        var perDecade: Int = 12

        @OptionGroup var random: RandomSeed

        @Option(help: "Output file (.npy or .csv).")
        var out: String

        @Flag(help: "Write float32 instead of float64 (.npy only).")
        var float32 = false

        func validate() throws {
            guard length >= 4 else { throw ValidationError("--length must be at least 4, got \(length)") }
            guard GrowthModel(rawValue: growth.name) != .singleStep || length % 2 == 0 else {
                throw ValidationError("--length must be even for the single-step model, got \(length)")
            }
            guard time >= 1 else { throw ValidationError("--time must be positive, got \(time)") }
            guard samples >= 1 else { throw ValidationError("--samples must be positive, got \(samples)") }
            guard perDecade >= 1 else { throw ValidationError("--per-decade must be positive, got \(perDecade)") }
            let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
            guard ext == "npy" || ext == "csv" else { throw ValidationError("--out must end in .npy or .csv, got '\(out)'") }
            guard ext == "npy" || samples == 1 else { throw ValidationError("a .csv file holds one sample; use .npy for --samples \(samples)") }
        }

        func run() throws {
            let times = GrowthModel.recordingTimes(upTo: time, perDecade: perDecade)
            let start = Date()
            let fields = growth.model.simulate(length: length, times: times, realisations: samples, rng: SeededRNG(seed: random.seed))
            let url = URL(fileURLWithPath: out)
            try HeightFieldFile.write(fields, to: url, float32: float32)
            let seconds = Date().timeIntervalSince(start)
            print(
                "\(growth.model.displayName): L = \(length), \(times.count) times up to \(time), \(samples) sample(s) → \(url.path) (\(String(format: "%.2f", seconds)) s)"
            )
            if url.pathExtension.lowercased() == "npy" { print("times → \(HeightFieldFile.timesURL(for: url).path)") }
        }
    }

    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Estimate α, β, z with confidence intervals from height fields.",
            discussion: """
                Each FILE is .npy ((T, L) or (R, T, L), float32/float64, C order) or .csv (one realisation, rows = \
                times). Files of the same length L are pooled as realisations of one system size; several sizes \
                give α from W_sat ∝ L^α and a Family–Vicsek collapse. Errors come from a jackknife over \
                realisations, so each size needs at least 2.
                """
        )

        @Argument(help: "Height-field files.")
        var files: [String]

        @Option(help: "A file of recording times (one per line) for every input, overriding time columns and side files.")
        var times: String?

        @Option(help: "First recording time when no times are given.")
        var t0: Double?

        @Option(help: "Time step between rows when no times are given.")
        var dt: Double?

        @Option(help: "β fit window 'a:b' in time units (default: automatic, see docs/CRITICALITY.md).")
        var growthWindow: String?

        @Option(help: "α fit window 'a:b' in separations r (default: automatic).")
        var correlationWindow: String?

        @Option(help: "Earliest time used in fits and the collapse.")
        var earliestTime: Double?

        @Option(help: "Jackknife groups.")
        var groups: Int = 32

        @OptionGroup var output: ScalingDetail

        func validate() throws {
            guard groups >= 2 else { throw ValidationError("--groups expects an integer ≥ 2 (jackknife groups), got \(groups)") }
            if let w = growthWindow { _ = try parseRange(w, option: "--growth-window", unit: "times") }
            if let w = correlationWindow { _ = try parseRange(w, option: "--correlation-window", unit: "separations r") }
            if let e = earliestTime { try checkEarliestTime(e) }
            if let t0, !(t0.isFinite && t0 > 0) { throw ValidationError("--t0 expects a finite time > 0, got \(t0)") }
            if let dt, !(dt.isFinite && dt > 0) { throw ValidationError("--dt expects a finite time step > 0, got \(dt)") }
        }

        func run() throws {
            var options = SurfaceScalingOptions()
            options.jackknifeGroups = groups
            if let w = growthWindow { options.growthWindow = try parseRange(w, option: "--growth-window", unit: "times") }
            if let w = correlationWindow { options.correlationWindow = try parseRange(w, option: "--correlation-window", unit: "separations r") }
            if let e = earliestTime { options.earliestTime = e }
            var timeSpec = HeightFieldFile.Times.automatic
            if let times {
                let url = URL(fileURLWithPath: times)
                let text: String
                do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                    throw ValidationError("--times \(times): cannot be read")
                }
                let values = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard let parsed = Optional(values.compactMap(Double.init)), parsed.count == values.count else {
                    throw ValidationError("--times \(times): expected one number per line")
                }
                timeSpec = .explicit(parsed)
            } else if t0 != nil || dt != nil {
                timeSpec = .uniform(start: t0 ?? 1, step: dt ?? 1)
            }
            var bySize: [Int: [HeightField]] = [:]
            for file in files {
                let (fields, source) = try HeightFieldFile.read(URL(fileURLWithPath: file), times: timeSpec)
                print("\(file): \(fields.count) realisation(s), L = \(fields[0].length), \(fields[0].timeCount) times (\(source))")
                bySize[fields[0].length, default: []].append(contentsOf: fields)
            }
            let result = try SurfaceScaling.analyze(bySize.keys.sorted().map { bySize[$0]! }, options: options)
            print("")
            print(SurfaceScalingSummary.text(result, detail: output.detail))
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the estimator on a reference model with the experiment's protocol and compare with the exact exponents."
        )

        @OptionGroup var growth: GrowthModelOption

        @Option(help: "Scale: smoke, quick, small or paper.")
        var scale: String = "quick"

        @OptionGroup var random: RandomSeed

        @OptionGroup var output: ScalingDetail

        func validate() throws {
            _ = try parseScale(scale)
        }

        func run() throws {
            let protocolRun = SurfaceGrowthProtocol(model: growth.model, scale: Scale(rawValue: scale)!)
            let start = Date()
            let result = try protocolRun.run(rng: SurfaceGrowthProtocol.generator(for: growth.model, seed: random.seed))
            print("\(growth.model.displayName) — \(protocolRun.description)")
            print(SurfaceScalingSummary.text(result, expected: growth.model.exponents, detail: output.detail))
            print(String(format: "(%.1f s)", Date().timeIntervalSince(start)))
        }
    }
}

/// `--model` of `kpz simulate` and `kpz validate`.
struct GrowthModelOption: ParsableArguments {
    @Option(name: .customLong("model"), help: "Growth model: \(choices(GrowthModel.self)).")
    var name: String = "kpz"

    /// The model `--model` names (checked by `validate`).
    var model: GrowthModel { GrowthModel(rawValue: name)! }

    func validate() throws {
        let _: GrowthModel = try parseChoice(name, option: "--model")
    }
}

/// `--detail` of `kpz analyze`, `kpz validate` and `kpz attention`.
struct ScalingDetail: ParsableArguments {
    @Flag(help: "Also print W(t), local slopes and C(r) of the largest size.")
    var detail = false
}

/// "a:b" → a...b for a window option: both finite, 0 < a < b (fits are on log axes).
func parseRange(_ text: String, option: String, unit: String) throws -> ClosedRange<Double> {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let a = parts[0], let b = parts[1], a.isFinite, b.isFinite, a > 0, a < b else {
        throw ValidationError("\(option) expects 'a:b' in \(unit) with 0 < a < b, both finite, got '\(text)'")
    }
    return a...b
}

/// `--earliest-time` must be a finite time ≥ 0.
func checkEarliestTime(_ value: Double) throws {
    guard value.isFinite && value >= 0 else { throw ValidationError("--earliest-time expects a finite time ≥ 0, got \(value)") }
}
