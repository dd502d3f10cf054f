import Foundation
import Physics

/// One measured quantity with its uncertainty, as an experiment reports it.
public struct Measurement: Sendable, Codable, Equatable {
    /// The measured value.
    public var value: Double
    /// One standard error (nil when the quantity is exact, e.g. a count or a deterministic value).
    public var error: Double?
    /// Number of independent samples behind `value` (draws, seeds, sequences …), when meaningful.
    public var samples: Int?
    /// Unit or kind ("nats/token", "bits", "" …).
    public var unit: String
    /// A short human description ("KPZ growth exponent β, pooled over heads").
    public var label: String
    /// How replicates at several seeds combine into one value (nil: `.mean`).
    public var pooling: Pooling?
    /// The value at each seed, when this measurement pools several replicates.
    public var perSeed: [Double]?

    public init(
        _ value: Double, error: Double? = nil, samples: Int? = nil, unit: String = "", label: String = "",
        pooling: Pooling? = nil
    ) {
        self.value = value
        self.error = error
        self.samples = samples
        self.unit = unit
        self.label = label
        self.pooling = pooling
    }

    /// A jackknife estimate as a measurement: its full-sample value and standard error (the bias
    /// estimate is not applied).
    public init(_ estimate: JackknifeValue, samples: Int? = nil, label: String = "") {
        self.init(estimate.value, error: estimate.error, samples: samples, label: label)
    }

    /// "0.334 ± 0.012" with significant digits chosen from the error by the Particle Data
    /// Group's rule: the error's three leading digits 100–354 keep two significant digits,
    /// 355–949 one, 950–999 round up to two (1000 → "10"). Values far from 1 use scientific
    /// notation with a shared exponent: "(1.23 ± 0.05)e-07".
    public var formatted: String {
        guard value.isFinite else { return "\(value)" }
        guard let error, error.isFinite, error > 0 else { return Measurement.format(value, digits: 4) }
        let exponent = Int((error.magnitude).log10Floor)
        let leading = Int(error / Foundation.pow(10, Double(exponent - 2)))
        let significant = leading < 355 ? 2 : leading < 950 ? 1 : 2
        var decimals = significant - 1 - exponent
        if leading >= 950 { decimals -= 1 }
        let magnitude = max(value.magnitude, error)
        if magnitude >= 1e5 || magnitude < 1e-3 || decimals > 8 {
            let shared = Int(magnitude.log10Floor)
            let scale = Foundation.pow(10, Double(shared))
            let d = max(0, decimals + shared)
            return "(\(Measurement.fixed(value / scale, d)) ± \(Measurement.fixed(error / scale, d)))e\(shared)"
        }
        if decimals < 0 {
            // Round to tens, hundreds …: "12300 ± 400".
            let unit = Foundation.pow(10, Double(-decimals))
            return "\(Measurement.fixed((value / unit).rounded() * unit, 0)) ± \(Measurement.fixed((error / unit).rounded() * unit, 0))"
        }
        return "\(Measurement.fixed(value, decimals)) ± \(Measurement.fixed(error, decimals))"
    }

    static func format(_ x: Double, digits: Int) -> String {
        if x == 0 { return "0" }
        // Counts and other exact integers print as integers ("137024", not "1.370e+05").
        if x == x.rounded() && x.magnitude < 1e15 && x.magnitude >= 1e3 { return String(Int64(x)) }
        let magnitude = x.magnitude
        if magnitude >= 1e5 || magnitude < 1e-3 {
            return String(format: "%.\(max(0, digits - 1))e", x)
        }
        let decimals = max(0, digits - 1 - magnitude.log10Floor)
        return fixed(x, decimals)
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }
}

extension Double {
    var log10Floor: Int { self > 0 ? Int(Foundation.floor(Foundation.log10(self))) : 0 }
}
