import ArgumentParser
import Foundation
import Lab
import Physics

extension AttnLab.KPZ {
    struct Attention: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Estimate α, β, z of the attention-logit surfaces recorded during training.",
            discussion: """
                RUN_DIR is a run directory of `attnlab claims check kpz.exponents` (its \
                experiments/criticality.attention-surface/surfaces/), or a surfaces folder itself: one .npy per layer, \
                head and query position, layer<l>-head<h>-L<L>.npy of shape (probes, steps, L), and surfaces.json. \
                Prints every head's exponents (realisations: probe sequences) and the pooled analysis in training steps \
                and in gradient-flow time Σ lr/lr_max, with the regime checks (β drift, saturation, time to half width).
                """
        )

        @Argument(help: "Run directory or surfaces folder.")
        var runDir: String

        @Option(help: "β fit window 'a:b' in steps (default: automatic).")
        var growthWindow: String?

        @Option(help: "Earliest step used in fits.")
        var earliestTime: Double?

        @OptionGroup var output: ScalingDetail

        func validate() throws {
            if let w = growthWindow { _ = try parseRange(w, option: "--growth-window", unit: "steps") }
            if let e = earliestTime { try checkEarliestTime(e) }
        }

        func run() throws {
            let run = URL(fileURLWithPath: runDir, isDirectory: true)
            var options = AttentionSurfaceCommand.defaultOptions
            if let w = growthWindow { options.growthWindow = try parseRange(w, option: "--growth-window", unit: "steps") }
            if let e = earliestTime { options.earliestTime = e }
            print(try AttentionSurfaceCommand.report(run: run, options: options, detail: output.detail))
        }
    }
}
