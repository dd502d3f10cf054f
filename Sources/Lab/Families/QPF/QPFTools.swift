import Foundation
import Physics
import TensorCore

/// The computations behind `attnlab qpf memory|leakage|forward-map`: each takes plain options,
/// runs the Physics systems and returns a Codable report with a text table.
public enum QPFTools {
    // MARK: memory

    public struct MemoryOptions: Sendable {
        public var rules: [LearningRule] = [.hebbian]
        public var sizes: [Int] = [64]
        public var loads: [Double] = [0.05, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.25, 0.3]
        public var seeds = 4
        public var flipFractions: [Double] = [0, 0.1]
        public var overlapThreshold = 0.95
        public var regularization = 0.01
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct MemoryReport: Sendable, Codable {
        public var curves: [CapacityCurve]
    }

    public static func memory(_ o: MemoryOptions, progress: (String) -> Void = { _ in }) -> MemoryReport {
        var curves: [CapacityCurve] = []
        for n in o.sizes {
            for rule in o.rules {
                let start = Date()
                let m = CapacityMeasurement(
                    training: RuleTraining(rule: rule, regularization: o.regularization), size: n,
                    loads: o.loads, seeds: o.seeds, flipFractions: o.flipFractions,
                    overlapThreshold: o.overlapThreshold)
                curves.append(m.run(rng: SeededRNG(seed: o.seed ^ 0x7170_665F_6361_7000 &+ UInt64(n))))
                progress("\(rule) N = \(n) done in \(NumberText.fixed(Date().timeIntervalSince(start), 1)) s")
            }
        }
        return MemoryReport(curves: curves)
    }

    public static func table(_ r: MemoryReport) -> String {
        var text = ""
        for c in r.curves {
            text += "\(c.ruleDescription)  N = \(c.size)  seeds = \(c.seeds)  retrieved: overlap ≥ \(NumberText.of(c.overlapThreshold))\n"
            let columns = c.flipFractions.indices.map { c.meanRetrieved(flipIndex: $0) }
            let rows = c.loads.enumerated().map { a, load in
                [NumberText.fixed(load, 3)] + columns.map { Measurement($0[a].mean, error: $0[a].error).formatted }
            }
            text += TextTable.render(header: ["load"] + c.flipFractions.map { "f = \(NumberText.of($0))" }, rows: rows)
            let caps = c.capacities.map { cap -> String in
                if let v = cap.load { return "f = \(NumberText.of(cap.flipFraction)): α_c = \(Measurement(v, error: cap.error).formatted)" }
                return "f = \(NumberText.of(cap.flipFraction)): α_c \(cap.bound == "above" ? ">" : "<") range"
            }
            text += "  " + caps.joined(separator: "   ") + "\n\n"
        }
        return text
    }

    // MARK: leakage

    public struct LeakageOptions: Sendable {
        public var spins = 8
        public var fields: [Double] = [0.01, 0.03, 0.1, 0.3, 1]
        public var couplingStrength = 0.3
        public var gapRange: ClosedRange<Double> = 0.5...4
        /// nil: infinite-time average by exact diagonalisation (N ≤ 12); a number: Krylov window average.
        public var duration: Double?
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct LeakageRow: Sendable, Codable {
        public var field: Double
        public var profile: LeakageProfile
        public var firstOrder: [Double]
        public var softmax: ChannelFamilyFit
        public var lorentzian: ChannelFamilyFit
    }

    public struct LeakageReport: Sendable, Codable {
        public var spins: Int
        public var gaps: [Double]
        public var method: String
        public var rows: [LeakageRow]
    }

    public static func leakage(_ o: LeakageOptions) throws -> LeakageReport {
        var rng = SeededRNG(seed: o.seed)
        let system = LeakageSystem.designed(spins: o.spins, gapRange: o.gapRange, couplingStrength: o.couplingStrength, rng: &rng)
        let rows = try o.fields.map { field -> LeakageRow in
            let profile =
                try o.duration.map { RealTimeLeakage.evolve(system, field: field, duration: $0, sampleStep: 0.02) }
                ?? RealTimeLeakage.exactDiagonalization(system, field: field)
            return LeakageRow(
                field: field, profile: profile,
                firstOrder: system.gaps.map { RealTimeLeakage.firstOrder(gap: $0, field: field, duration: o.duration ?? .infinity) },
                softmax: ChannelFamilyFit(family: .softmax, gaps: system.gaps, counts: profile.channels),
                lorentzian: ChannelFamilyFit(family: .lorentzian, gaps: system.gaps, counts: profile.channels))
        }
        return LeakageReport(
            spins: o.spins, gaps: system.gaps,
            method: o.duration.map { "Krylov, window T = \($0)" } ?? "exact diagonalisation, T = ∞", rows: rows)
    }

    public static func table(_ r: LeakageReport) -> String {
        let rows = r.rows.map { row -> [String] in
            let dev = zip(row.profile.channels, row.firstOrder).map { abs($0 / $1 - 1) }.sorted()
            return [
                NumberText.of(row.field), NumberText.fixed(row.profile.survival, 4), NumberText.fixed(row.profile.multiFlip, 4),
                NumberText.of(dev[dev.count / 2]), NumberText.of(row.lorentzian.kl), NumberText.of(row.softmax.kl),
                NumberText.fixed(row.lorentzian.parameter, 3), NumberText.fixed(row.softmax.parameter, 3),
                NumberText.of(row.profile.normDrift, digits: 2),
            ]
        }
        return "N = \(r.spins), \(r.method); gaps " + r.gaps.map { NumberText.fixed($0, 2) }.joined(separator: " ") + "\n"
            + TextTable.render(
                header: ["Γ", "survival", "multi-flip", "med|P/P1−1|", "KL Lor.", "KL soft.", "ĉ", "â", "norm drift"],
                rows: rows)
    }

    // MARK: forward-map

    public enum SamplerKind: String, Sendable, Codable, CaseIterable { case gibbs, sa, sqa, coherent }

    public struct ForwardMapOptions: Sendable {
        public var samplers: [SamplerKind] = SamplerKind.allCases
        /// Sweeps for sa/sqa, anneal times for coherent; ignored by gibbs.
        public var lengths: [Double] = [4, 16, 64, 256]
        public var channels = 8
        public var maxGap = 1.0
        public var penalty = 2.0
        public var beta = 4.0
        public var initialField = 2.0
        public var slices = 8
        public var samples = 4000
        public var bootstrap = 100
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct ForwardMapRow: Sendable, Codable {
        public var sampler: SamplerKind
        public var length: Double
        public var validFraction: Double
        public var channelCounts: [Int]
        public var comparison: FamilyComparison?
    }

    public struct ForwardMapReport: Sendable, Codable {
        public var gaps: [Double]
        public var beta: Double
        public var rows: [ForwardMapRow]
    }

    public static func forwardMap(_ o: ForwardMapOptions, progress: (String) -> Void = { _ in }) -> ForwardMapReport {
        let map = OneHotForwardMap.evenlySpaced(channels: o.channels, maxGap: o.maxGap, penalty: o.penalty)
        let schedule = AnnealSchedule(initialField: o.initialField)
        var rows: [ForwardMapRow] = []
        var index: UInt64 = 0
        for kind in o.samplers {
            for length in kind == .gibbs ? [0] : o.lengths {
                index += 1
                let rng = SeededRNG(seed: o.seed &* 0x9E37_79B9_7F4A_7C15 &+ index &* 7919)
                let (sample, comparison) = forwardMapPoint(
                    kind, length: length, map: map, schedule: schedule, beta: o.beta, slices: o.slices, samples: o.samples,
                    bootstrap: o.bootstrap, rng: rng)
                rows.append(
                    ForwardMapRow(
                        sampler: kind, length: length, validFraction: sample.validFraction,
                        channelCounts: sample.channelCounts, comparison: comparison))
                progress("\(kind.rawValue) \(kind == .gibbs ? "" : "length \(length)") done")
            }
        }
        return ForwardMapReport(gaps: map.gaps, beta: o.beta, rows: rows)
    }

    /// `samples` read-outs of sampler `kind` on `map` at anneal `length` (sweeps for sa and sqa,
    /// anneal time for coherent, ignored by gibbs), and their softmax-vs-Lorentzian comparison
    /// with `bootstrap` resamples drawn from a generator seeded by `rng`'s seed (nil with fewer
    /// than 2 valid read-outs). One point of `forwardMap` and of `ForwardMapExperiment`.
    static func forwardMapPoint(
        _ kind: SamplerKind, length: Double, map: OneHotForwardMap, schedule: AnnealSchedule, beta: Double, slices: Int,
        samples: Int, bootstrap: Int, rng: SeededRNG
    ) -> (sample: ForwardMapSample, comparison: FamilyComparison?) {
        let sample: ForwardMapSample
        switch kind {
        case .gibbs: sample = GibbsSampler(beta: beta).sample(map, samples: samples, rng: rng)
        case .sa: sample = SimulatedAnnealing(betaEnd: beta, sweeps: max(1, Int(length))).sample(map, samples: samples, rng: rng)
        case .sqa:
            sample = SimulatedQuantumAnnealing(beta: beta, schedule: schedule, slices: slices, sweeps: max(1, Int(length)))
                .sample(map, samples: samples, rng: rng)
        case .coherent:
            sample = CoherentAnnealing(schedule: schedule, annealTime: length, steps: max(50, Int(8 * length)))
                .sample(map, samples: samples, rng: rng)
        }
        var boot = SeededRNG(seed: rng.seed ^ 0x626F_6F74)
        let comparison =
            sample.valid >= 2 ? FamilyComparison(gaps: map.gaps, counts: sample.channelCounts, resamples: bootstrap, rng: &boot) : nil
        return (sample, comparison)
    }

    public static func table(_ r: ForwardMapReport) -> String {
        let rows = r.rows.map { row -> [String] in
            let length = row.sampler == .gibbs ? "—" : NumberText.of(row.length)
            guard let c = row.comparison else { return [row.sampler.rawValue, length, "too few valid read-outs"] }
            return [
                row.sampler.rawValue, length, NumberText.fixed(row.validFraction, 3),
                Measurement(c.softmax.parameter, error: c.slopeError).formatted, NumberText.fixed(c.lorentzian.parameter, 3),
                Measurement(c.softmax.kl, error: c.softmaxKLError).formatted,
                Measurement(c.lorentzian.kl, error: c.lorentzianKLError).formatted,
                Measurement(c.klDifference, error: c.differenceError).formatted,
            ]
        }
        return "gaps " + r.gaps.map { NumberText.fixed($0, 3) }.joined(separator: " ") + "; thermal slope β = \(NumberText.of(r.beta))\n"
            + TextTable.render(
                header: ["sampler", "length", "valid", "softmax â", "Lor. ĉ", "KL softmax", "KL Lorentzian", "KL(L) − KL(S)"],
                rows: rows)
    }
}
