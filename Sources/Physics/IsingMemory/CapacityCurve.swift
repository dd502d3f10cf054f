// Storage capacity of an Ising memory under a learning rule: fraction of patterns retrieved
// versus load α = P/N, and the critical load where it crosses ½ (Amit, Gutfreund & Sompolinsky
// 1985/1987: α_c ≈ 0.138 for Hebbian storage at N → ∞).
//
// Size letters: N spins, P patterns, A loads, S seeds, F cue-noise levels.

import TensorCore

/// Measures retrieval versus load for one rule at one N.
///
/// For each seed, P_max = max load · N random patterns are drawn once and the first P = round(αN)
/// of them are stored at each load (nested pattern sets make each seed's curve smooth). Every
/// stored pattern is cued with a fraction f of its spins flipped, zero-temperature asynchronous
/// dynamics runs to a fixed point, and the pattern counts as *retrieved* when the final overlap
/// m = ξ·s/N is at least `overlapThreshold` (default 0.95: the retrieval state of Hebbian storage
/// has m ≥ 0.967 up to α_c, AGS 1987). The critical load α_c is where the mean fraction retrieved
/// first falls below ½ (linear interpolation between loads); its error is the standard deviation
/// of α_c over bootstrap resamples of the seeds.
public struct CapacityMeasurement: Sendable {
    public var training: RuleTraining
    /// N.
    public var size: Int
    /// Loads α = P/N, ascending.
    public var loads: [Double]
    /// Number of independent pattern sets (seeds).
    public var seeds: Int
    /// Cue noise levels f (fraction of flipped spins), (F).
    public var flipFractions: [Double]
    public var overlapThreshold: Double
    public var dynamics: RecallDynamics
    public var bootstrapResamples = 400

    public init(
        training: RuleTraining, size: Int, loads: [Double], seeds: Int, flipFractions: [Double] = [0],
        overlapThreshold: Double = 0.95, dynamics: RecallDynamics = RecallDynamics(maxSweeps: 100)
    ) {
        precondition(size > 1, "CapacityMeasurement: N must exceed 1, got \(size)")
        precondition(
            !loads.isEmpty && loads.allSatisfy { $0 > 0 } && zip(loads, loads.dropFirst()).allSatisfy { $0 < $1 },
            "CapacityMeasurement: loads must be positive and ascending, got \(loads)")
        precondition(seeds > 0, "CapacityMeasurement: seeds must be positive")
        precondition(
            !flipFractions.isEmpty && flipFractions.allSatisfy { $0 >= 0 && $0 < 0.5 },
            "CapacityMeasurement: flip fractions must lie in [0, 0.5), got \(flipFractions)")
        precondition(overlapThreshold > 0 && overlapThreshold <= 1, "CapacityMeasurement: threshold \(overlapThreshold) outside (0, 1]")
        self.training = training
        self.size = size
        self.loads = loads
        self.seeds = seeds
        self.flipFractions = flipFractions
        self.overlapThreshold = overlapThreshold
        self.dynamics = dynamics
    }

    /// Number of stored patterns at load α.
    public func patternCount(_ load: Double) -> Int { max(1, Int((load * Double(size)).rounded())) }

    /// Runs every (load, seed) in parallel (BLAS single-threaded meanwhile, `withSerialBLAS`);
    /// seed s draws its patterns from stream s of a root generator seeded from `rng`'s full state.
    public func run(rng: SeededRNG) -> CapacityCurve { withSerialBLAS { runCells(rng: rng) } }

    private func runCells(rng: SeededRNG) -> CapacityCurve {
        var source = rng
        let rng = SeededRNG(seed: source.next())
        let maxPatterns = patternCount(loads.last!)
        let cells = loads.count * seeds
        // (A·S) cells, each (F) fractions retrieved and (F) mean overlaps.
        let results: [([Double], [Double])] = Parallel.map(cells) { cell in
            let a = cell / seeds, s = cell % seeds
            var patternRNG = rng.stream(UInt64(s))
            let all = PatternSet.random(count: maxPatterns, size: size, rng: &patternRNG)
            let stored = all.prefix(patternCount(loads[a]))
            let memory = training.train(stored).memory
            var recallRNG = rng.stream(UInt64(1_000_000 + cell))
            var fractions: [Double] = [], overlaps: [Double] = []
            let n = size
            for f in flipFractions {
                var hits = 0, overlapSum = 0.0
                var cueValues: [Double] = []
                cueValues.reserveCapacity(stored.count * n)
                for mu in 0..<stored.count {
                    cueValues += corruptedCue(stored.pattern(mu), flipFraction: f, rng: &recallRNG)
                }
                let cues = PatternSet(count: stored.count, size: n, values: cueValues)
                let fields = memory.localFields(cues)  // (P, N), one dgemm
                for mu in 0..<stored.count {
                    let target = stored.pattern(mu)
                    let final = dynamics.run(
                        memory, from: cues.pattern(mu),
                        localFields: Array(fields[(mu * n)..<((mu + 1) * n)]), rng: &recallRNG
                    ).state
                    let m = spinOverlap(final, target)
                    overlapSum += m
                    if m >= overlapThreshold { hits += 1 }
                }
                fractions.append(Double(hits) / Double(stored.count))
                overlaps.append(overlapSum / Double(stored.count))
            }
            return (fractions, overlaps)
        }
        var retrieved = [[[Double]]](
            repeating: [[Double]](repeating: [Double](repeating: 0, count: seeds), count: loads.count),
            count: flipFractions.count)
        var overlaps = retrieved
        for cell in 0..<cells {
            let a = cell / seeds, s = cell % seeds
            for f in 0..<flipFractions.count {
                retrieved[f][a][s] = results[cell].0[f]
                overlaps[f][a][s] = results[cell].1[f]
            }
        }
        var capacities: [CapacityCurve.Capacity] = []
        var bootRNG = rng.stream(2_000_000)
        for f in 0..<flipFractions.count {
            let point = CapacityCurve.crossing(loads: loads, fractions: retrieved[f].map { $0.reduce(0, +) / Double(seeds) })
            var replicas: [Double] = []
            var censored = 0
            for _ in 0..<(seeds > 1 ? bootstrapResamples : 0) {
                let pick = (0..<seeds).map { _ in bootRNG.int(below: seeds) }
                let mean = retrieved[f].map { row in pick.reduce(0) { $0 + row[$1] } / Double(seeds) }
                let c = CapacityCurve.crossing(loads: loads, fractions: mean)
                if let value = c.value { replicas.append(value) } else { censored += 1 }
            }
            let error = replicas.count > 1 ? SampleSummary(replicas).standardDeviation : nil
            capacities.append(
                CapacityCurve.Capacity(
                    flipFraction: flipFractions[f], load: point.value,
                    error: error, bound: point.bound, censoredResamples: censored))
        }
        return CapacityCurve(
            rule: training.rule, size: size, loads: loads, seeds: seeds, flipFractions: flipFractions,
            overlapThreshold: overlapThreshold, retrieved: retrieved, overlaps: overlaps,
            capacities: capacities)
    }
}

/// Fraction retrieved versus load, per seed, and the critical loads.
public struct CapacityCurve: Sendable, Codable {
    public var ruleName: String
    public var ruleDescription: String
    public var size: Int
    public var loads: [Double]
    public var seeds: Int
    public var flipFractions: [Double]
    public var overlapThreshold: Double
    /// [f][load][seed] fraction of stored patterns retrieved, (F, A, S).
    public var retrieved: [[[Double]]]
    /// [f][load][seed] mean final overlap, (F, A, S).
    public var overlaps: [[[Double]]]
    /// α_c per cue-noise level.
    public var capacities: [Capacity]

    init(
        rule: LearningRule, size: Int, loads: [Double], seeds: Int, flipFractions: [Double], overlapThreshold: Double,
        retrieved: [[[Double]]], overlaps: [[[Double]]], capacities: [Capacity]
    ) {
        ruleName = rule.name
        ruleDescription = rule.description
        self.size = size
        self.loads = loads
        self.seeds = seeds
        self.flipFractions = flipFractions
        self.overlapThreshold = overlapThreshold
        self.retrieved = retrieved
        self.overlaps = overlaps
        self.capacities = capacities
    }

    /// The critical load at one cue-noise level.
    public struct Capacity: Sendable, Codable {
        public var flipFraction: Double
        /// α_c, or nil when the curve never crosses ½ inside the load range (see `bound`).
        public var load: Double?
        /// Bootstrap standard deviation over seeds (nil with one seed or too few crossings).
        public var error: Double?
        /// When `load` is nil: "above" (retrieval ≥ ½ at every load) or "below" (< ½ at the first).
        public var bound: String?
        /// Bootstrap resamples whose curve did not cross ½ in range.
        public var censoredResamples: Int
    }

    /// Mean and standard error over seeds of the fraction retrieved, per load, at cue level f.
    public func meanRetrieved(flipIndex f: Int) -> [(mean: Double, error: Double)] {
        retrieved[f].map { row in
            let s = SampleSummary(row)
            return (s.mean, seeds > 1 ? s.standardError : 0)
        }
    }

    /// Where `fractions` (one per load) first falls below ½, by linear interpolation.
    static func crossing(loads: [Double], fractions: [Double]) -> (value: Double?, bound: String?) {
        if fractions[0] < 0.5 { return (nil, "below") }
        for a in 1..<max(1, loads.count) where fractions[a] < 0.5 {
            let (x0, x1, y0, y1) = (loads[a - 1], loads[a], fractions[a - 1], fractions[a])
            return (x0 + (y0 - 0.5) / (y0 - y1) * (x1 - x0), nil)
        }
        return (nil, "above")
    }
}
