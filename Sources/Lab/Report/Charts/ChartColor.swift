import Foundation

/// A colour for a chart series, as an sRGB hex string ("#0072B2").
public struct ChartColor: Sendable, Equatable, Hashable {
    public var hex: String

    public init(hex: String) { self.hex = hex }

    init(red: Double, green: Double, blue: Double) {
        func byte(_ v: Double) -> Int { Int((min(1, max(0, v)) * 255).rounded()) }
        hex = String(format: "#%02X%02X%02X", byte(red), byte(green), byte(blue))
    }

    // The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"): distinguishable under
    // the common forms of colour blindness. Yellow is last because it is faint on white.
    public static let blue = ChartColor(hex: "#0072B2")
    public static let vermillion = ChartColor(hex: "#D55E00")
    public static let bluishGreen = ChartColor(hex: "#009E73")
    public static let reddishPurple = ChartColor(hex: "#CC79A7")
    public static let orange = ChartColor(hex: "#E69F00")
    public static let skyBlue = ChartColor(hex: "#56B4E9")
    public static let yellow = ChartColor(hex: "#F0E442")
    public static let black = ChartColor(hex: "#000000")
    /// Neutral grey for reference lines and guides.
    public static let grey = ChartColor(hex: "#666666")

    /// Series colours in the order they are assigned.
    public static let palette: [ChartColor] = [.blue, .vermillion, .bluishGreen, .reddishPurple, .orange, .skyBlue, .black, .yellow]

    /// The `i`-th palette colour, cycling.
    public static func palette(_ i: Int) -> ChartColor { palette[((i % palette.count) + palette.count) % palette.count] }
}

/// The viridis colour map (perceptually uniform, colour-blind safe; van der Walt & Smith 2015),
/// as 9 anchors interpolated linearly in sRGB.
enum Viridis {
    private static let anchors: [(Double, Double, Double)] = [
        (0.267004, 0.004874, 0.329415), (0.282623, 0.140926, 0.457517), (0.253935, 0.265254, 0.529983),
        (0.206756, 0.371758, 0.553117), (0.163625, 0.471133, 0.558148), (0.127568, 0.566949, 0.550556),
        (0.134692, 0.658636, 0.517649), (0.266941, 0.748751, 0.440573), (0.477504, 0.821444, 0.318195),
        (0.741388, 0.873449, 0.149561), (0.993248, 0.906157, 0.143936),
    ]

    /// The colour at t ∈ [0, 1] (clamped).
    static func color(_ t: Double) -> ChartColor {
        let u = t.isFinite ? min(1, max(0, t)) : 0
        let position = u * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(position))
        let f = position - Double(i)
        let a = anchors[i], b = anchors[i + 1]
        return ChartColor(red: a.0 + f * (b.0 - a.0), green: a.1 + f * (b.1 - a.1), blue: a.2 + f * (b.2 - a.2))
    }
}
