import Foundation

/// A dense floating-point array read from or written to NumPy's `.npy` format.
///
/// Format (NumPy NEP 1, versions 1.0–3.0): the magic bytes `\x93NUMPY`, a major and minor
/// version byte, the header length (uint16 little-endian for 1.0, uint32 for 2.0/3.0), then an
/// ASCII Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (T, L), }` padded
/// with spaces to a multiple of 64 bytes and ending in a newline, then the raw data. attnlab reads
/// float32 and float64 of either byte order in C (row-major) order, and writes little-endian,
/// C-order, version 1.0.
public struct NPYArray: Sendable, Equatable {
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// Elements in C order, widened to Double.
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        precondition(
            shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
            "NPYArray: shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }
}

/// A malformed or unsupported data file, named with what was expected.
public struct DataFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

public enum NPY {
    /// Reads a `.npy` file; throws `DataFileError` naming the file and what was expected.
    public static func read(_ url: URL) throws -> NPYArray {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataFileError(path: url.path, reason: "cannot be read (\(error.localizedDescription))")
        }
        return try decode(data, path: url.path)
    }

    /// Decodes the bytes of a `.npy` file.
    public static func decode(_ data: Data, path: String = "<npy data>") throws -> NPYArray {
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> DataFileError { DataFileError(path: path, reason: reason) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a .npy file: expected the magic bytes \\x93NUMPY at the start")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail(".npy format version \(major).\(bytes[7]) is not supported (expected 1.x, 2.x or 3.x)")
        }
        guard bytes.count >= headerStart + headerLength else {
            throw fail("truncated .npy header: it declares \(headerLength) bytes, the file has \(bytes.count - headerStart)")
        }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw fail(".npy header is not text")
        }
        let descr = try stringValue("descr", in: header, path: path)
        let fortran = try literalValue("fortran_order", in: header, path: path)
        let shape = try shapeValue(in: header, path: path)
        guard fortran == "False" else {
            throw fail("array is stored in Fortran (column-major) order; expected C order (fortran_order False) — save it with numpy.ascontiguousarray")
        }
        let itemSize: Int, littleEndian: Bool
        switch descr {
        case "<f8": (itemSize, littleEndian) = (8, true)
        case ">f8": (itemSize, littleEndian) = (8, false)
        case "<f4": (itemSize, littleEndian) = (4, true)
        case ">f4": (itemSize, littleEndian) = (4, false)
        default:
            throw fail("dtype '\(descr)' is not supported; expected float32 or float64 ('<f4', '<f8', '>f4', '>f8')")
        }
        var count = 1, overflow = false
        for d in shape + [itemSize] where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: d) }
        guard !overflow else { throw fail("shape \(shape) of '\(descr)' is too large to address") }
        count /= itemSize
        let dataStart = headerStart + headerLength
        let expected = count * itemSize
        guard bytes.count - dataStart == expected else {
            throw fail("holds \(bytes.count - dataStart) data bytes; shape \(shape) of '\(descr)' needs \(expected)")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            let base = raw.baseAddress! + dataStart
            for i in 0..<count {
                let p = base + i * itemSize
                if itemSize == 8 {
                    var bits: UInt64 = 0
                    for b in 0..<8 { bits |= UInt64(p[b]) << (8 * b) }
                    values[i] = Double(bitPattern: littleEndian ? bits : bits.byteSwapped)
                } else {
                    var bits: UInt32 = 0
                    for b in 0..<4 { bits |= UInt32(p[b]) << (8 * b) }
                    values[i] = Double(Float(bitPattern: littleEndian ? bits : bits.byteSwapped))
                }
            }
        }
        return NPYArray(shape: shape, values: values)
    }

    /// The bytes of a little-endian, C-order, version 1.0 `.npy` file of float64 or float32.
    public static func encode(_ array: NPYArray, float32: Bool = false) -> Data {
        let shapeText = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(float32 ? "<f4" : "<f8")', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let n = header.utf8.count
        out.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
        out.append(contentsOf: Array(header.utf8))
        var raw = [UInt8]()
        raw.reserveCapacity(array.values.count * (float32 ? 4 : 8))
        for v in array.values {
            if float32 {
                let bits = Float(v).bitPattern
                for b in 0..<4 { raw.append(UInt8(truncatingIfNeeded: bits >> (8 * b))) }
            } else {
                let bits = v.bitPattern
                for b in 0..<8 { raw.append(UInt8(truncatingIfNeeded: bits >> (8 * b))) }
            }
        }
        out.append(contentsOf: raw)
        return out
    }

    /// Writes `array` to `url` (see `encode`).
    public static func write(_ array: NPYArray, to url: URL, float32: Bool = false) throws {
        do { try encode(array, float32: float32).write(to: url) } catch {
            throw DataFileError(path: url.path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }

    // MARK: Header parsing

    /// The text after `'key':` up to the next ',' or '}' at nesting depth 0.
    private static func rawValue(_ key: String, in header: String, path: String) throws -> Substring {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else {
            throw DataFileError(path: path, reason: ".npy header has no '\(key)' entry: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var rest = header[keyRange.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { throw DataFileError(path: path, reason: ".npy header: expected ':' after '\(key)'") }
        rest = rest.dropFirst().drop { $0 == " " }
        var depth = 0, end = rest.startIndex
        while end < rest.endIndex {
            let c = rest[end]
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 } else if (c == "," || c == "}") && depth == 0 { break }
            end = rest.index(after: end)
        }
        return rest[rest.startIndex..<end]
    }

    private static func stringValue(_ key: String, in header: String, path: String) throws -> String {
        let raw = try rawValue(key, in: header, path: path).trimmingCharacters(in: .whitespaces)
        guard raw.count >= 2, let q = raw.first, q == "'" || q == "\"", raw.last == q else {
            throw DataFileError(path: path, reason: ".npy header: '\(key)' should be a quoted string, got \(raw)")
        }
        return String(raw.dropFirst().dropLast())
    }

    private static func literalValue(_ key: String, in header: String, path: String) throws -> String {
        try rawValue(key, in: header, path: path).trimmingCharacters(in: .whitespaces)
    }

    private static func shapeValue(in header: String, path: String) throws -> [Int] {
        let raw = try rawValue("shape", in: header, path: path).trimmingCharacters(in: .whitespaces)
        guard raw.first == "(", raw.last == ")" else {
            throw DataFileError(path: path, reason: ".npy header: 'shape' should be a tuple, got \(raw)")
        }
        let inner = raw.dropFirst().dropLast()
        let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        for p in parts {
            guard let v = Int(p.hasSuffix("L") ? String(p.dropLast()) : p), v >= 0 else {
                throw DataFileError(path: path, reason: ".npy header: shape entry '\(p)' is not a non-negative integer")
            }
            shape.append(v)
        }
        return shape
    }
}
