import Foundation

/// The one way Lab writes a bare number into a reason, a note or a table cell (a number with an
/// error is `Measurement.formatted`).
public enum NumberText {
    /// Up to `digits` significant digits with trailing zeros dropped; scientific notation below
    /// 1e-3 and from 1e5 ("1e-12", "2.5e+06"); whole numbers from 1,000 to 1e15 in full ("137024").
    public static func of(_ x: Double, digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "−∞") }
        let text = Measurement.format(x, digits: digits)
        let parts = text.split(separator: "e", maxSplits: 1).map(String.init)
        var mantissa = parts[0]
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        return parts.count == 2 ? "\(mantissa)e\(parts[1])" : mantissa
    }

    /// A fraction as a percentage with `digits` significant digits: 0.1234 → "12.3%".
    public static func percent(_ fraction: Double, digits: Int = 3) -> String { of(100 * fraction, digits: digits) + "%" }

    /// A count with a metric suffix, 3 significant digits: 470_123_456 → "470 M", 812 → "812".
    public static func count(_ n: Int) -> String {
        let x = Double(n)
        for (limit, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where abs(x) >= limit {
            return of(x / limit) + " " + suffix
        }
        return String(n)
    }

    /// A size in bytes with a decimal unit: 1_900_000_000 → "1.9 GB".
    public static func bytes(_ n: Int) -> String { n < 1000 ? "\(n) B" : count(n) + "B" }

    /// A fixed number of decimals: fixed(0.5, 2) → "0.50".
    public static func fixed(_ x: Double, _ decimals: Int) -> String { Measurement.fixed(x, decimals) }
}

/// Rule descriptions and reasons write numbers with `NumberText.of`.
func formatRuleNumber(_ x: Double) -> String { NumberText.of(x) }
