import Foundation

/// How one measurement of K replicates (the same experiment at K derived seeds) becomes the
/// pooled measurement a verdict rule reads. The producer chooses it (`Measurement.pooling`);
/// the default is `.mean`.
public enum Pooling: String, Sendable, Codable {
    /// Across-seed mean. Its standard error holds the seed-to-seed spread and the within-seed
    /// errors: SE² = max(c²·s², mean σ_k²) / K, with s² the sample variance of the K values and
    /// c = t_{0.975, K−1} / 1.96, so that a 2σ band keeps its 95% meaning with few seeds.
    case mean
    /// The largest value over seeds (worst deviations, max |z|); its error is that seed's.
    case maximum
    /// The smallest value over seeds; its error is that seed's.
    case minimum
    /// Sum over seeds (counts); errors add in quadrature.
    case sum
    /// A p-value: Bonferroni over seeds, min(1, K · min p).
    case pValue
}

/// Pooling of replicate measurements (SPEC §8: a verdict must not depend on the master seed).
public enum SeedPooling {
    /// The pooled measurements of replicates, key by key; a key missing from some replicates is
    /// pooled over those that have it (its `samples` says how many seeds that is for `.mean`).
    public static func pool(_ replicates: [[String: Measurement]]) -> [String: Measurement] {
        guard replicates.count > 1 else { return replicates.first ?? [:] }
        var keys = Set<String>()
        for r in replicates { keys.formUnion(r.keys) }
        var pooled: [String: Measurement] = [:]
        for key in keys {
            let ms = replicates.compactMap { $0[key] }
            pooled[key] = pool(ms)
        }
        return pooled
    }

    /// One pooled measurement; unit, label and pooling of the first replicate.
    public static func pool(_ ms: [Measurement]) -> Measurement {
        precondition(!ms.isEmpty, "SeedPooling.pool: nothing to pool")
        let first = ms[0]
        guard ms.count > 1 else { return first }
        let values = ms.map(\.value)
        var out: Measurement
        switch first.pooling ?? .mean {
        case .mean:
            out = Measurement(
                mean(values), error: meanError(ms), samples: sumOfSamples(ms) ?? ms.count, unit: first.unit,
                label: first.label)
        case .maximum, .minimum:
            // A NaN at any seed stays visible: the rule then says which measurement is NaN.
            let pick =
                values.firstIndex { $0.isNaN }
                ?? (first.pooling == .maximum ? values.indices.max { values[$0] < values[$1] } : values.indices.min { values[$0] < values[$1] })
            out = ms[pick ?? 0]
        case .sum:
            let errors = ms.compactMap(\.error)
            out = Measurement(
                values.reduce(0, +), error: errors.count == ms.count ? errors.map { $0 * $0 }.reduce(0, +).squareRoot() : nil,
                samples: sumOfSamples(ms), unit: first.unit, label: first.label)
        case .pValue:
            let smallest = values.contains { $0.isNaN } ? Double.nan : (values.min() ?? .nan)
            out = Measurement(min(1, Double(ms.count) * smallest), samples: sumOfSamples(ms), unit: first.unit, label: first.label)
        }
        out.pooling = first.pooling
        out.perSeed = values
        return out
    }

    /// Standard error of the across-seed mean (see `Pooling.mean`); nil when no seed reports an
    /// error and the values do not vary.
    static func meanError(_ ms: [Measurement]) -> Double? {
        let k = Double(ms.count)
        let values = ms.map(\.value)
        guard values.allSatisfy(\.isFinite) else { return nil }
        let m = mean(values)
        let s2 = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / (k - 1)
        let c = studentT975(degreesOfFreedom: ms.count - 1) / 1.959963984540054
        let within = ms.compactMap(\.error)
        let withinMeanSquare = within.isEmpty ? 0 : within.map { $0 * $0 }.reduce(0, +) / Double(within.count)
        let variance = max(c * c * s2, withinMeanSquare) / k
        if variance == 0 && within.isEmpty { return nil }
        return variance.squareRoot()
    }

    /// t_{0.975, ν}: the two-sided 95% quantile of Student's t (exact table to ν = 30, then the
    /// Cornish–Fisher expansion, within 1e-4).
    public static func studentT975(degreesOfFreedom nu: Int) -> Double {
        let table: [Double] = [
            12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
            2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
            2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
        ]
        precondition(nu >= 1, "Student's t needs at least one degree of freedom")
        if nu <= table.count { return table[nu - 1] }
        let z = 1.959963984540054, n = Double(nu)
        let g1 = (z * z * z + z) / 4
        let g2 = (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / 96
        let g3 = (3 * pow(z, 7) + 19 * pow(z, 5) + 17 * z * z * z - 15 * z) / 384
        return z + g1 / n + g2 / (n * n) + g3 / (n * n * n)
    }

    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    static func sumOfSamples(_ ms: [Measurement]) -> Int? {
        let s = ms.compactMap(\.samples)
        return s.count == ms.count ? s.reduce(0, +) : nil
    }
}
