import ArgumentParser
import Foundation
import Lab

extension AttnLab {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-render a run's report.md and report.html from its results.json.",
            discussion: "Verdicts are recomputed from the stored measurements with the current claim rules."
        )

        @Argument(help: "A run directory written by `attnlab claims check`.")
        var runDirectory: String

        func run() throws {
            let url = URL(fileURLWithPath: runDirectory, isDirectory: true)
            let (outcomes, dropped) = try ReportWriter.rerender(url)
            print(ClaimsCatalog.verdictTable(outcomes))
            if !dropped.isEmpty {
                StandardError().line("attnlab: claims no longer registered, left out: \(dropped.joined(separator: ", "))")
            }
            print("Report: \(url.appendingPathComponent("report.html").path)")
        }
    }
}
