import Foundation
import TensorCore

/// Reading a dense real matrix from a NumPy `.npy` file (float64 or float32, little-endian, C or
/// Fortran order, 2-D) or a text file of comma- or whitespace-separated rows (`#` comments).
public enum MatrixFile {
    /// Bad input, with the file and what was expected.
    public struct Error: Swift.Error, CustomStringConvertible {
        public let description: String
        init(_ path: String, _ message: String) { description = "\(path): \(message)" }
    }

    /// Loads the matrix at `path`; `.npy` by extension or magic bytes, text otherwise.
    public static func load(_ path: String) throws -> Matrix {
        let url = URL(fileURLWithPath: path)
        guard let data = try? Data(contentsOf: url) else { throw Error(path, "cannot read the file") }
        if data.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return try npy(data, path: path) }
        if url.pathExtension.lowercased() == "npy" { throw Error(path, "not a NumPy .npy file (bad magic bytes)") }
        guard let text = String(data: data, encoding: .utf8) else { throw Error(path, "not UTF-8 text (expected .npy or CSV)") }
        return try csv(text, path: path)
    }

    static func csv(_ text: String, path: String) throws -> Matrix {
        var rows: [[Double]] = []
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == ";" })
            var row: [Double] = []
            for field in fields {
                guard let value = Double(field), value.isFinite else {
                    throw Error(path, "line \(number + 1): '\(field)' is not a finite number")
                }
                row.append(value)
            }
            if let first = rows.first, first.count != row.count {
                throw Error(path, "line \(number + 1) has \(row.count) values, earlier rows have \(first.count)")
            }
            rows.append(row)
        }
        guard !rows.isEmpty, !rows[0].isEmpty else { throw Error(path, "no numbers found") }
        return Matrix(rows)
    }

    static func npy(_ data: Data, path: String) throws -> Matrix {
        let bytes = [UInt8](data)
        guard bytes.count >= 10 else { throw Error(path, "truncated .npy header") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw Error(path, "truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24; headerStart = 12
        default: throw Error(path, ".npy format version \(major) is not supported (expected 1–3)")
        }
        guard bytes.count >= headerStart + headerLength,
            let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .ascii)
        else {
            throw Error(path, "truncated or non-ASCII .npy header")
        }
        func field(_ key: String) -> String? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            return String(header[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr") else { throw Error(path, ".npy header has no 'descr'") }
        let width: Int
        if descr.hasPrefix("'<f8'") || descr.hasPrefix("'float64'") {
            width = 8
        } else if descr.hasPrefix("'<f4'") {
            width = 4
        } else {
            throw Error(path, "dtype \(descr.prefix(8)) is not supported (expected little-endian float64 '<f8' or float32 '<f4')")
        }
        let fortran = field("fortran_order")?.hasPrefix("True") ?? false
        guard let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw Error(path, ".npy header has no 'shape'")
        }
        let dims = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard dims.count == 2, dims[0] > 0, dims[1] > 0 else {
            throw Error(path, "shape \(shapeText[open...close]) is not a non-empty 2-D matrix")
        }
        let (r, c) = (dims[0], dims[1]), start = headerStart + headerLength
        let (cells, cellsOverflow) = r.multipliedReportingOverflow(by: c)
        let (needed, neededOverflow) = cells.multipliedReportingOverflow(by: width)
        guard !cellsOverflow, !neededOverflow else { throw Error(path, "shape (\(r), \(c)) is too large to address") }
        guard bytes.count - start >= needed else {
            throw Error(path, "data holds \(bytes.count - start) bytes, shape (\(r), \(c)) needs \(needed)")
        }
        var values = [Double](repeating: 0, count: r * c)
        for i in 0..<(r * c) {
            var raw: UInt64 = 0
            for b in 0..<width { raw |= UInt64(bytes[start + i * width + b]) << (8 * UInt64(b)) }
            values[i] = width == 8 ? Double(bitPattern: raw) : Double(Float(bitPattern: UInt32(raw)))
        }
        guard values.allSatisfy(\.isFinite) else { throw Error(path, "the matrix contains NaN or infinity") }
        if fortran {
            let t = Matrix(rows: c, cols: r, elements: values)
            return t.transposed
        }
        return Matrix(rows: r, cols: c, elements: values)
    }
}
