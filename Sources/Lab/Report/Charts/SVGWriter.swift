import Foundation

/// A minimal SVG/XML text builder: elements with attributes, escaped text, compact numbers.
///
/// Every string that reaches the document passes through `escape`, so chart titles and labels
/// may contain `<`, `&` or quotes and the result is still well-formed XML.
struct SVGWriter {
    private(set) var text = ""

    /// `<name a="…" …/>`
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        text += "<\(name)\(Self.attributeText(attributes))/>\n"
    }

    /// `<name …>` … `</name>` around `body`.
    mutating func group(_ name: String, _ attributes: [(String, String)] = [], _ body: (inout SVGWriter) -> Void) {
        text += "<\(name)\(Self.attributeText(attributes))>\n"
        body(&self)
        text += "</\(name)>\n"
    }

    /// `<text …>escaped</text>`, with an optional superscript exponent (tick labels like 10⁻³).
    mutating func text(_ content: String, _ attributes: [(String, String)], superscript: String? = nil) {
        text += "<text\(Self.attributeText(attributes))>\(Self.escape(content))"
        if let superscript {
            text += "<tspan dy=\"-0.45em\" font-size=\"0.75em\">\(Self.escape(superscript))</tspan>"
        }
        text += "</text>\n"
    }

    /// Appends raw markup (already escaped).
    mutating func raw(_ markup: String) { text += markup }

    static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// XML-escapes text and attribute values; drops characters XML 1.0 forbids.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || (0xFFFE...0xFFFF).contains(v) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A pixel coordinate with at most two decimals and no trailing zeros ("12.5", "3").
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let rounded = (x * 100).rounded() / 100
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int(rounded)) }
        var s = String(format: "%.2f", rounded)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// A polyline's `points` attribute.
    static func points(_ pts: [(Double, Double)]) -> String {
        pts.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ")
    }
}

/// A 64-bit FNV-1a hash, used for deterministic element ids (clip paths) unique per chart.
func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    return h
}
