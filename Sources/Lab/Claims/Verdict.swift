/// The outcome of confronting a claim with a measurement.
///
/// Verdicts are always computed from measurements by the claim's rule (`Claim.rule`), never
/// stored as results: re-rendering a report recomputes them.
public enum Verdict: Sendable, Equatable, Codable {
    /// The measurement agrees with the claim within its uncertainty.
    case reproduced(String)
    /// The measurement disagrees with the claim beyond its uncertainty.
    case contradicted(String)
    /// The measurement cannot decide (too few samples, scale too small, errors too large …).
    case inconclusive(String)
    /// The claim cannot be tested as stated.
    case untestable(String)
    /// No experiment measures this claim yet.
    case notImplemented
    /// The experiment crashed; the error is in the report.
    case failed(String)

    /// One word for tables: reproduced, contradicted, inconclusive, untestable, not yet implemented, failed.
    public var label: String {
        switch self {
        case .reproduced: "reproduced"
        case .contradicted: "contradicted"
        case .inconclusive: "inconclusive"
        case .untestable: "untestable"
        case .notImplemented: "not yet implemented"
        case .failed: "failed"
        }
    }

    /// Why the verdict is what it is.
    public var reason: String {
        switch self {
        case .reproduced(let r), .contradicted(let r), .inconclusive(let r), .untestable(let r), .failed(let r): r
        case .notImplemented: "no experiment measures this claim yet"
        }
    }
}
