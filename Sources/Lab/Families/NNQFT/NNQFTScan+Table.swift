import Foundation
import Physics

extension NNQFTScan {
    /// The report as a plain-text table with the fits below it.
    public static func table(_ report: Report) -> String {
        let o = report.options
        var text =
            "NN-QFT of random attention heads: \(o.points) points on a ring of radius \(NumberText.of(o.radius)) in R^\(o.dimension), "
            + "m = \(o.features) RFF, ℓ = \(NumberText.of(o.lengthScale)), β = \(NumberText.of(o.logitScale)), σ_V = \(NumberText.of(o.valueScale))\n"
        text +=
            "embedding \(o.embedding.rawValue), sampler \(o.sampler.rawValue), d_v = \(o.valueWidth.description), \(o.draws) draws in \(o.blocks) blocks, seed \(o.seed)\n"
        text += "G2 and G4c at x₀; G4c is the mean of G4c(i,i,i,i) over the points; floor = Monte-Carlo noise floor of the direct G4c\n\n"
        let header = ["d_k", "d_v", "N_h", "G2 direct", "G2 attention", "max|z|", "G4c direct", "floor", "G4c mixture", "κ = G4c/G2²", "draws/s"]
        let rows = report.rows.map { r in
            [
                widthText(r.keyWidth), widthText(r.valueWidth), "\(r.heads)", r.g2.formatted, r.g2Attention.formatted,
                NumberText.fixed(r.g2RepresentationMaxZ, 1), r.g4c.formatted, r.floor > 0 ? NumberText.of(r.floor, digits: 2) : "—",
                r.g4cMixture.formatted, r.kurtosis.formatted, NumberText.fixed(r.drawsPerSecond, 0),
            ]
        }
        text += TextTable.render(header: header, rows: rows)
        if !report.fits.isEmpty {
            text += "\npower-law fits |G4c| ∝ x^slope (points below 3× the noise floor or 3σ excluded):\n"
            for f in report.fits {
                text += "  vs \(f.variable) at \(f.at): direct \(fitText(f.direct)); mixture \(fitText(f.mixture))\n"
                for p in f.direct.excluded { text += "    excluded \(f.variable) = \(NumberText.of(p.x)): \(p.reason)\n" }
            }
        }
        return text + "\n\(NumberText.fixed(report.seconds, 1)) s"
    }

    static func fitText(_ a: ScalingAnalysis) -> String {
        guard let fit = a.fit else { return "no fit (\(a.included.count) point(s) above the floor)" }
        return "slope \(Measurement(fit.slope, error: fit.slopeError).formatted) over \(a.included.count) points, "
            + "χ²/dof \(NumberText.fixed(fit.chiSquared / Double(max(1, fit.degreesOfFreedom)), 2))"
    }
}
