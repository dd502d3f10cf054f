import Foundation
import Physics

extension NNQFTScan {
    /// The report as a plain-text table with the fits below it.
    public static func table(_ report: Report) -> String {
        let o = report.options
        var lines: [String] = []
        lines.append(String(format: "NN-QFT of random attention heads: %d points on a ring of radius %.3g in R^%d, m = %d RFF, ℓ = %.3g, β = %.3g, σ_V = %.3g",
                            o.points, o.radius, o.dimension, o.features, o.lengthScale, o.logitScale, o.valueScale))
        lines.append("embedding \(o.embedding.rawValue), sampler \(o.sampler.rawValue), d_v = \(o.valueWidth.description), \(o.draws) draws in \(o.blocks) blocks, seed \(o.seed)")
        lines.append("G2 and G4c at x₀; G4c is the mean of G4c(i,i,i,i) over the points; floor = Monte-Carlo noise floor of the direct G4c")
        lines.append("")
        let header = ["d_k", "d_v", "N_h", "G2 direct", "G2 attention", "max|z|", "G4c direct", "floor", "G4c mixture", "κ = G4c/G2²", "draws/s"]
        var rows: [[String]] = []
        for r in report.rows {
            rows.append([widthText(r.keyWidth), widthText(r.valueWidth), "\(r.heads)", r.g2.formatted, r.g2Attention.formatted,
                         String(format: "%.1f", r.g2RepresentationMaxZ), r.g4c.formatted,
                         r.floor > 0 ? String(format: "%.2g", r.floor) : "—", r.g4cMixture.formatted, r.kurtosis.formatted,
                         String(format: "%.0f", r.drawsPerSecond)])
        }
        lines.append(contentsOf: aligned(header, rows))
        if !report.fits.isEmpty {
            lines.append("")
            lines.append("power-law fits |G4c| ∝ x^slope (points below 3× the noise floor or 3σ excluded):")
            for f in report.fits {
                lines.append("  vs \(f.variable) at \(f.at): direct \(fitText(f.direct)); mixture \(fitText(f.mixture))")
                for p in f.direct.excluded { lines.append(String(format: "    excluded %@ = %g: %@", f.variable, p.x, p.reason)) }
            }
        }
        lines.append("")
        lines.append(String(format: "%.1f s", report.seconds))
        return lines.joined(separator: "\n")
    }

    static func fitText(_ a: ScalingAnalysis) -> String {
        guard let fit = a.fit else { return "no fit (\(a.included.count) point(s) above the floor)" }
        return "slope \(Measurement(fit.slope, error: fit.slopeError).formatted) over \(a.included.count) points, χ²/dof \(String(format: "%.2f", fit.chiSquared / Double(max(1, fit.degreesOfFreedom))))"
    }

    /// Columns padded to their widest cell.
    static func aligned(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
    }
}
