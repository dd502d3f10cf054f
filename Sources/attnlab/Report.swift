import ArgumentParser
import Foundation
import Lab
import TensorCore

extension AttnLab {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-render a run's report, or put several runs' verdicts side by side.",
            discussion: """
                With one run directory: rewrites its report.md and report.html from results.json. With several: writes \
                one page (--out, default runs/compare-<time>.html) with a column of verdicts per run, each run's scale, \
                corpus and seeds in the header, and every claim whose verdict differs between the runs marked. Verdicts \
                are always recomputed from the stored measurements with the current claim rules.
                """
        )

        @Argument(help: "Run directories written by `attnlab claims check` (one to re-render, several to compare).")
        var runDirectories: [String] = []

        @Option(help: "The comparison page to write (several runs only). (default: runs/compare-<time>.html)")
        var out: String?

        func validate() throws {
            if runDirectories.isEmpty { throw ValidationError("name at least one run directory") }
            if runDirectories.count == 1 && out != nil {
                throw ValidationError("--out is for comparing several runs; one run's report is written into its own folder")
            }
        }

        func run() throws {
            if runDirectories.count > 1 { return try compare() }
            let url = URL(fileURLWithPath: runDirectories[0], isDirectory: true)
            let (outcomes, dropped) = try ReportWriter.rerender(url)
            print(ClaimsCatalog.verdictTable(outcomes))
            if !dropped.isEmpty {
                printError("attnlab: claims no longer registered, left out: \(dropped.joined(separator: ", "))")
            }
            print("Report: \(url.appendingPathComponent("report.html").path)")
        }

        private func compare() throws {
            let comparison = try RunComparison(runs: runDirectories.map { URL(fileURLWithPath: $0, isDirectory: true) })
            let page: URL
            if let out {
                page = URL(fileURLWithPath: out)
            } else {
                page = URL(fileURLWithPath: "runs/compare-\(RunDirectory.timestamp(Date())).html")
            }
            do {
                try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(Data(comparison.html().utf8), to: page)
            } catch {
                throw LabError.writeFailed(page.path, "\(error)")
            }
            print(comparison.text(), terminator: "")
            print("Comparison: \(page.path)")
        }
    }
}
