import Foundation

/// How an axis maps data to position.
public enum AxisScale: String, Sendable, Codable {
    /// Equal steps in x are equal distances.
    case linear
    /// Equal factors in x are equal distances (base-10 decades); non-positive values are skipped.
    case log

    /// Whether a data value can be placed on this axis.
    func accepts(_ x: Double) -> Bool { x.isFinite && (self == .linear || x > 0) }

    /// The coordinate the axis is linear in: x, or log10 x.
    func transform(_ x: Double) -> Double { self == .linear ? x : Foundation.log10(x) }

    func inverse(_ u: Double) -> Double { self == .linear ? u : Foundation.pow(10, u) }
}

/// A tick mark with its label; `exponent` is drawn as a superscript after `mantissa`
/// ("10" + "⁻³", or "2×10" + "⁵").
package struct Tick: Sendable, Equatable {
    package var value: Double
    package var mantissa: String
    package var exponent: String?
    /// Minor ticks are drawn shorter and without a label.
    package var isMajor: Bool

    /// The label as plain text ("10^-3"), for tests and width estimates.
    package var plainLabel: String { exponent.map { "\(mantissa)^\($0)" } ?? mantissa }
}

/// A laid-out axis: domain (in data units), ticks, and the map to pixels.
package struct AxisLayout: Sendable {
    package var scale: AxisScale
    /// Domain in data units; for a log axis both ends are positive.
    package var lower: Double
    package var upper: Double
    package var ticks: [Tick]
    /// Pixel positions of `lower` and `upper` (for y, lower is at the bottom: start > end).
    package var start: Double
    package var end: Double

    /// Pixel position of data value x (may fall outside the plot).
    package func pixel(_ x: Double) -> Double {
        let a = scale.transform(lower), b = scale.transform(upper)
        return start + (scale.transform(x) - a) / (b - a) * (end - start)
    }
}

/// Chooses domains and "nice" tick values.
enum TickGenerator {
    /// The smallest of 1, 2, 2.5, 5, 10 × 10^k that is ≥ `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// A domain covering [min, max] whose ends are tick multiples (linear) or decades (log).
    /// Degenerate input (no data, one value) gets a sensible window around it.
    static func niceDomain(_ scale: AxisScale, min lo: Double?, max hi: Double?, targetTicks: Int) -> (Double, Double) {
        switch scale {
        case .linear:
            guard var a = lo, var b = hi else { return (0, 1) }
            if a == b {
                let pad = a == 0 ? 1 : abs(a) * 0.1
                a -= pad; b += pad
            }
            let step = niceStep((b - a) / Double(max(1, targetTicks)))
            let niceLow = Foundation.floor(a / step + 1e-9) * step
            let niceHigh = Foundation.ceil(b / step - 1e-9) * step
            return (niceLow, niceHigh > niceLow ? niceHigh : niceLow + step)
        case .log:
            guard let a = lo, let b = hi, a > 0, b > 0 else { return (1, 10) }
            var low = Foundation.floor(Foundation.log10(a) + 1e-12)
            var high = Foundation.ceil(Foundation.log10(b) - 1e-12)
            if high <= low { low -= 1; high += 1 }
            return (Foundation.pow(10, low), Foundation.pow(10, high))
        }
    }

    /// Ticks inside [lower, upper]: multiples of a nice step (linear) or decades with minor
    /// ticks at 2…9 (log, when few decades are shown).
    static func ticks(_ scale: AxisScale, lower: Double, upper: Double, targetTicks: Int) -> [Tick] {
        switch scale {
        case .linear: return linearTicks(lower: lower, upper: upper, targetTicks: targetTicks)
        case .log: return logTicks(lower: lower, upper: upper, targetTicks: targetTicks)
        }
    }

    static func linearTicks(lower: Double, upper: Double, targetTicks: Int) -> [Tick] {
        let step = niceStep((upper - lower) / Double(max(1, targetTicks)))
        let first = Int((lower / step - 1e-9).rounded(.up)), last = Int((upper / step + 1e-9).rounded(.down))
        guard last >= first, last - first < 1000 else { return [] }
        let values = (first...last).map { Double($0) * step }
        let largest = values.map(abs).max() ?? 0
        let scientific = largest >= 1e5 || (step < 1e-3 && largest < 1e-2) || step < 1e-4
        let stepExponent = Foundation.floor(Foundation.log10(step) + 1e-9)
        let isQuarter = abs(step / Foundation.pow(10, stepExponent) - 2.5) < 1e-6
        let decimals = max(0, -Int(stepExponent) + (isQuarter ? 1 : 0))
        return values.map { v in
            let value = abs(v) < step * 1e-9 ? 0 : v
            if scientific && value != 0 {
                let e = Int(Foundation.floor(Foundation.log10(abs(value)) + 1e-9))
                let m = value / Foundation.pow(10, Double(e))
                let ms = trimmed(String(format: "%.3f", m))
                let mantissa = ms == "1" ? "10" : ms == "-1" ? "-10" : "\(ms)×10"
                return Tick(value: value, mantissa: minus(mantissa), exponent: minus(String(e)), isMajor: true)
            }
            return Tick(value: value, mantissa: minus(String(format: "%.\(decimals)f", value)), exponent: nil, isMajor: true)
        }
    }

    static func logTicks(lower: Double, upper: Double, targetTicks: Int) -> [Tick] {
        let a = Foundation.log10(lower), b = Foundation.log10(upper)
        let firstDecade = Int(Foundation.ceil(a - 1e-9)), lastDecade = Int(Foundation.floor(b + 1e-9))
        let decades = b - a
        let every = max(1, Int(Foundation.ceil(decades / Double(max(2, targetTicks)))))
        var ticks: [Tick] = []
        if firstDecade <= lastDecade {
            for k in firstDecade...lastDecade where k % every == 0 || every == 1 {
                ticks.append(Tick(value: Foundation.pow(10, Double(k)), mantissa: "10", exponent: minus(String(k)), isMajor: true))
            }
        }
        if decades <= 6 {
            for k in (firstDecade - 1)...lastDecade {
                for m in 2...9 {
                    let v = Double(m) * Foundation.pow(10, Double(k))
                    if v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) {
                        ticks.append(Tick(value: v, mantissa: "", exponent: nil, isMajor: false))
                    }
                }
            }
        }
        if ticks.filter(\.isMajor).count < 2 {
            // Less than a decade in view: label 1-2-5 multiples instead.
            let labelled = ticks.filter { !$0.isMajor }.map { t -> Tick in
                let lead = Int((t.value / Foundation.pow(10, Foundation.floor(Foundation.log10(t.value) + 1e-9))).rounded())
                var u = t
                if lead == 2 || lead == 5 {
                    u.isMajor = true
                    u.mantissa = minus(trimmed(String(format: "%g", t.value)))
                }
                return u
            }
            ticks = ticks.filter(\.isMajor) + labelled
        }
        return ticks.sorted { $0.value < $1.value }
    }

    /// Replaces ASCII hyphen-minus by the typographic minus sign.
    static func minus(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "−") }

    static func trimmed(_ s: String) -> String {
        guard s.contains(".") && !s.contains("e") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
