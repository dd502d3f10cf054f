/// The name of a measurement, declared once and shared by the experiment that produces it and
/// the rule that reads it, so that grep leads from one to the other.
///
/// ```swift
/// enum SpectrumKey {
///     static let growthModes = MeasurementKey("spectrum.model.growthModes")
/// }
/// output.measurements[SpectrumKey.growthModes] = Measurement(3)      // the experiment
/// guard let growth = evidence[SpectrumKey.growthModes] else { … }      // the rule
/// ```
/// results.json keeps the plain strings, so old runs still read.
public struct MeasurementKey: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    /// A key built from parts, for families of measurements indexed by a model, a sampler, a
    /// layer …: `MeasurementKey("forward", sampler, "kl-difference")` → "forward.sa.kl-difference".
    public init(_ parts: String...) { name = parts.joined(separator: ".") }
}

extension Dictionary where Key == String, Value == Measurement {
    /// The measurement under `key`.
    public subscript(_ key: MeasurementKey) -> Measurement? {
        get { self[key.name] }
        set { self[key.name] = newValue }
    }
}

extension Evidence {
    public subscript(_ key: MeasurementKey) -> Measurement? { measurements[key.name] }
}

extension VerdictRule {
    /// A rule that names the measurements it reads by their keys.
    public init(_ description: String, measuring keys: [MeasurementKey], judge: @escaping @Sendable (Evidence) -> Verdict) {
        self.init(description, measuring: keys.map(\.name), judge: judge)
    }
}
