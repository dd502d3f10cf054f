/// Mean, standard deviation and standard error of a sample.
public struct SampleSummary: Sendable, Codable, Equatable {
    public var count: Int
    public var mean: Double
    /// Sample standard deviation (n − 1 in the denominator).
    public var standardDeviation: Double
    public var minimum: Double
    public var maximum: Double

    /// Standard error of the mean, σ/√n.
    public var standardError: Double { count > 1 ? standardDeviation / Double(count).squareRoot() : .infinity }

    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        let m = mean
        standardDeviation =
            values.count > 1
            ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot() : .nan
        minimum = values.min() ?? .nan
        maximum = values.max() ?? .nan
    }
}
