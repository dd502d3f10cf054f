import Foundation
import TensorCore

/// Height fields h(x, t) on disk: NumPy `.npy` or CSV, rows = times, columns = positions.
///
/// - `.npy`: float32 or float64, C order, shape (T, L) for one realisation or (R, T, L) for R
///   realisations of the same process.
/// - `.csv`: one realisation, one row per time, values separated by commas (semicolons or tabs
///   also accepted); lines starting with `#` and blank lines are skipped. An optional first line
///   of column names is allowed; if its first name is `t` or `time` the first column holds the
///   recording times instead of a height.
///
/// Recording times, in order of precedence: an explicit list; the CSV time column; a side file
/// `<name>.times.csv` next to the data (one time per line, as `attnlab kpz simulate` writes);
/// otherwise t = 1, 2, …, T.
public enum HeightFieldFile {
    /// Where the recording times come from.
    public enum Times: Sendable, Equatable {
        /// CSV time column, then the side file, then 1, 2, …, T.
        case automatic
        /// These times (T, increasing, positive).
        case explicit([Double])
        /// t_k = start + k·step.
        case uniform(start: Double, step: Double)
    }

    /// The side file holding the recording times of `url`: `<name without extension>.times.csv`.
    public static func timesURL(for url: URL) -> URL {
        url.deletingPathExtension().appendingPathExtension("times.csv")
    }

    /// Reads the realisations stored in `url` (see the type's documentation for the formats).
    /// - Returns: the realisations and a note on where the times came from.
    public static func read(_ url: URL, times: Times = .automatic) throws -> (fields: [HeightField], timeSource: String) {
        let ext = url.pathExtension.lowercased()
        var matrices: [[Double]]
        var rows: Int, cols: Int
        var csvTimes: [Double]? = nil
        switch ext {
        case "npy":
            let array = try NPY.read(url)
            switch array.shape.count {
            case 2:
                (rows, cols) = (array.shape[0], array.shape[1])
                matrices = [array.values]
            case 3:
                (rows, cols) = (array.shape[1], array.shape[2])
                let block = rows * cols
                matrices = (0..<array.shape[0]).map { Array(array.values[($0 * block)..<(($0 + 1) * block)]) }
            default:
                throw DataFileError(
                    path: url.path, reason: "array has shape \(array.shape); expected 2-D (times, positions) or 3-D (realisations, times, positions)")
            }
        case "csv", "txt":
            let table = try readCSV(url)
            (rows, cols) = (table.rows, table.cols)
            matrices = [table.values]
            csvTimes = table.times
        default:
            throw DataFileError(path: url.path, reason: "unknown extension '.\(url.pathExtension)'; expected .npy or .csv")
        }
        guard !matrices.isEmpty, rows >= 1 else {
            throw DataFileError(path: url.path, reason: "holds no rows; expected at least one time")
        }
        guard cols >= 2 else {
            throw DataFileError(path: url.path, reason: "has \(cols) position column(s); expected at least 2")
        }
        for (r, m) in matrices.enumerated() {
            if let bad = m.firstIndex(where: { !$0.isFinite }) {
                throw DataFileError(path: url.path, reason: "realisation \(r), time row \(bad / cols), position \(bad % cols) is NaN or infinite")
            }
        }
        let (t, source) = try resolveTimes(times, count: rows, csvTimes: csvTimes, url: url)
        return (matrices.map { HeightField(times: t, length: cols, heights: $0) }, source)
    }

    /// Writes realisations sharing their times: `.npy` as (T, L) for one realisation or (R, T, L),
    /// plus the side file of times; `.csv` (one realisation only) with a `t` column.
    public static func write(_ fields: [HeightField], to url: URL, float32: Bool = false) throws {
        let (length, times) = try fields.validatedShape()
        switch url.pathExtension.lowercased() {
        case "npy":
            let shape = fields.count == 1 ? [times.count, length] : [fields.count, times.count, length]
            try NPY.write(NPYArray(shape: shape, values: fields.flatMap(\.heights)), to: url, float32: float32)
            let text = times.map { formatNumber($0) }.joined(separator: "\n") + "\n"
            try writeText(text, to: timesURL(for: url))
        case "csv":
            guard fields.count == 1 else {
                throw DataFileError(path: url.path, reason: "a CSV file holds one realisation, got \(fields.count); write .npy for several")
            }
            var text = "t," + (0..<length).map { "x\($0)" }.joined(separator: ",") + "\n"
            let f = fields[0]
            for (k, t) in times.enumerated() {
                text += formatNumber(t) + "," + f.row(k).map { formatNumber($0) }.joined(separator: ",") + "\n"
            }
            try writeText(text, to: url)
        default:
            throw DataFileError(path: url.path, reason: "unknown extension '.\(url.pathExtension)'; expected .npy or .csv")
        }
    }

    // MARK: Helpers

    private static func resolveTimes(_ times: Times, count: Int, csvTimes: [Double]?, url: URL) throws -> ([Double], String) {
        func check(_ t: [Double], _ origin: String) throws -> [Double] {
            guard t.count == count else {
                throw DataFileError(path: url.path, reason: "\(origin) gives \(t.count) times for \(count) rows")
            }
            guard t.allSatisfy({ $0 > 0 && $0.isFinite }), zip(t, t.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw DataFileError(path: url.path, reason: "\(origin): times must be positive and strictly increasing")
            }
            return t
        }
        switch times {
        case .explicit(let t):
            return (try check(t, "the given time list"), "given list")
        case .uniform(let start, let step):
            return (try check((0..<count).map { start + Double($0) * step }, "t0 + k·dt"), "t = \(formatNumber(start)) + k·\(formatNumber(step))")
        case .automatic:
            if let csvTimes { return (try check(csvTimes, "the CSV time column"), "CSV time column") }
            let side = timesURL(for: url)
            if FileManager.default.fileExists(atPath: side.path) {
                let table = try readCSV(side, allowSingleColumn: true)
                return (try check(table.values, side.lastPathComponent), side.lastPathComponent)
            }
            return ((1...count).map(Double.init), "t = 1, 2, …, T (no time column or side file)")
        }
    }

    private struct Table { var rows: Int; var cols: Int; var values: [Double]; var times: [Double]? }

    private static func readCSV(_ url: URL, allowSingleColumn: Bool = false) throws -> Table {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DataFileError(path: url.path, reason: "cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        var values: [Double] = [], times: [Double] = []
        var cols = -1, rows = 0, hasTimeColumn = false, sawHeader = false
        for (lineIndex, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = fields.map { Double($0) }
            if rows == 0 && !sawHeader && numbers.contains(where: { $0 == nil }) {
                sawHeader = true
                let first = fields.first?.lowercased() ?? ""
                hasTimeColumn = first == "t" || first == "time"
                continue
            }
            if let bad = numbers.firstIndex(where: { $0 == nil }) {
                throw DataFileError(path: url.path, reason: "line \(lineIndex + 1), column \(bad + 1): '\(fields[bad])' is not a number")
            }
            var row = numbers.map { $0! }
            if hasTimeColumn { times.append(row.removeFirst()) }
            if cols < 0 { cols = row.count }
            guard row.count == cols else {
                throw DataFileError(path: url.path, reason: "line \(lineIndex + 1) has \(row.count) values; the first data line has \(cols)")
            }
            values.append(contentsOf: row)
            rows += 1
        }
        guard rows > 0 else {
            throw DataFileError(
                path: url.path,
                reason: sawHeader
                    ? "holds no numeric rows (its first line was taken as column names because it is not all numbers)"
                    : "holds no numeric rows")
        }
        if allowSingleColumn && cols == 1 { return Table(rows: rows, cols: 1, values: values, times: nil) }
        return Table(rows: rows, cols: cols, values: values, times: hasTimeColumn ? times : nil)
    }

    private static func writeText(_ text: String, to url: URL) throws {
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw DataFileError(path: url.path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }

    /// Shortest round-trip text of a Double ("12" for 12.0).
    static func formatNumber(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}
