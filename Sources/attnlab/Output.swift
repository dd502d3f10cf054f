import ArgumentParser
import Foundation
import Lab

// What every subcommand prints: results on standard output (a table or JSON), progress lines on
// standard error.

/// Progress lines go to standard error, results to standard output.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// `printError`, or nothing when `quiet` (a command printing JSON keeps standard error for errors).
func progressLines(quiet: Bool) -> @Sendable (String) -> Void {
    if quiet { return { _ in } }
    return { printError($0) }
}

/// `value` as pretty-printed JSON with sorted keys; ±∞ and NaN as the strings "inf", "-inf", "nan".
func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(value)
}

/// Prints `report` as JSON when `json`, else as `table(report)`.
func printReport<T: Encodable>(_ report: T, json: Bool, table: (T) -> String) throws {
    print(json ? String(decoding: try encodeJSON(report), as: UTF8.self) : table(report))
}

/// A command that prints its result as a table, or as JSON when asked (`json`); with JSON, standard
/// error keeps only errors.
protocol ReportFormat {
    var json: Bool { get }
}

extension ReportFormat {
    /// Progress lines on standard error, none when printing JSON.
    var progress: @Sendable (String) -> Void { progressLines(quiet: json) }

    /// Prints `report` as JSON when `json`, else as `table(report)`.
    func print<T: Encodable>(_ report: T, table: (T) -> String) throws {
        try printReport(report, json: json, table: table)
    }
}

/// `--json` of the commands that print their results as a table or as JSON (`bench gemm`,
/// `bench nnqft`, `bench allreduce`, `nnqft`).
struct JSONOutput: ParsableArguments, ReportFormat {
    @Flag(help: "Print the results as JSON.")
    var json = false
}

/// A report table as plain text: its title, then the aligned columns.
func printTable(_ table: ReportTable) {
    print(table.title + "\n" + TextTable.render(header: table.header, rows: table.rows))
}
