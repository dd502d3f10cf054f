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

    public init(_ value: Double, error: Double? = nil, samples: Int? = nil, unit: String = "", label: String = "") {
        self.value = value
        self.error = error
        self.samples = samples
        self.unit = unit
        self.label = label
    }

    /// "0.334 ± 0.012" with significant digits chosen from the error.
    public var formatted: String {
        guard value.isFinite else { return "\(value)" }
        guard let error, error.isFinite, error > 0 else { return Measurement.format(value, digits: 4) }
        let decimals = max(0, min(8, 1 - Int((error.magnitude).log10Floor)))
        return "\(Measurement.fixed(value, decimals)) ± \(Measurement.fixed(error, decimals))"
    }

    static func format(_ x: Double, digits: Int) -> String {
        if x == 0 { return "0" }
        let magnitude = x.magnitude
        if magnitude >= 1e5 || magnitude < 1e-3 {
            return String(format: "%.\(max(0, digits - 1))e", x)
        }
        let decimals = max(0, digits - 1 - magnitude.log10Floor)
        return fixed(x, decimals)
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }
}

import Foundation

extension Double {
    var log10Floor: Int { self > 0 ? Int(Foundation.floor(Foundation.log10(self))) : 0 }
}
