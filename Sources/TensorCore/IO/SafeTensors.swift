import Foundation

/// The safetensors file format (Hugging Face): an 8-byte little-endian header length N, an
/// N-byte JSON header mapping tensor names to {dtype, shape, data_offsets} (plus an optional
/// "__metadata__" map of strings), then the raw little-endian tensor bytes.
///
/// Reading validates the whole header before touching data: the length fits the file, the
/// header is a JSON object, every dtype is known, shapes are non-negative, every byte range
/// lies inside the data section, matches its dtype × shape, and ranges neither overlap nor
/// leave gaps (as the reference implementation requires), and no name appears twice (JSON
/// decoders keep one of two equal keys silently; the other entry would go unchecked). Files
/// written here load in Python's `safetensors` and numpy. A file read with `read` remembers its
/// path, so an accessor's error (a missing tensor, a wrong dtype) names the file.
public struct SafeTensors: Sendable {
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f64 = "F64", i32 = "I32", i64 = "I64", u16 = "U16", u8 = "U8"

        public var size: Int {
            switch self {
            case .f64, .i64: 8
            case .f32, .i32: 4
            case .u16: 2
            case .u8: 1
            }
        }
    }

    public struct Entry: Sendable {
        public var dtype: DType
        public var shape: [Int]
        /// Raw little-endian bytes.
        public var bytes: Data
    }

    public var entries: [String: Entry] = [:]
    public var metadata: [String: String] = [:]
    /// The file these entries were read from (`read`), named by the accessors' errors.
    public var path: String?

    public init() {}

    /// Names in sorted order.
    public var names: [String] { entries.keys.sorted() }

    // MARK: Setting

    public mutating func set<S: TensorScalar>(_ name: String, _ tensor: Tensor<S>) {
        let dtype: DType = S.self == Double.self ? .f64 : .f32
        let bytes = tensor.withUnsafeBufferPointer { Data(buffer: $0) }
        entries[name] = Entry(dtype: dtype, shape: tensor.shape, bytes: bytes)
    }

    public mutating func set(_ name: String, int32 values: [Int32], shape: [Int]? = nil) {
        entries[name] = Entry(dtype: .i32, shape: shape ?? [values.count], bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    public mutating func set(_ name: String, int64 values: [Int64], shape: [Int]? = nil) {
        entries[name] = Entry(dtype: .i64, shape: shape ?? [values.count], bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    // MARK: Getting

    /// A floating-point tensor, converted to `S` from F32 or F64 storage.
    public func tensor<S: TensorScalar>(_ name: String, as _: S.Type = Float.self) throws -> Tensor<S> {
        guard let entry = entries[name] else { throw named(.missingTensor(name)) }
        guard entry.dtype == .f32 || entry.dtype == .f64 else {
            throw named(.wrongDType(name: name, expected: "F32 or F64", found: entry.dtype.rawValue))
        }
        let n = Tensor<S>.elementCount(entry.shape)
        var out = Tensor<S>(uninitializedShape: entry.shape)
        out.withUnsafeMutableBufferPointer { dst in
            entry.bytes.withUnsafeBytes { raw in
                switch entry.dtype {
                case .f32: for i in 0..<n { dst[i] = S(raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)) }
                case .f64: for i in 0..<n { dst[i] = S(raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
                default: break
                }
            }
        }
        return out
    }

    /// An integer tensor as Int (from I32, I64, U16 or U8 storage).
    public func integers(_ name: String) throws -> [Int] {
        guard let entry = entries[name] else { throw named(.missingTensor(name)) }
        let n = entry.shape.reduce(1, *)
        let values = entry.bytes.withUnsafeBytes { raw -> [Int]? in
            switch entry.dtype {
            case .i32: (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            case .i64: (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
            case .u16: (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
            case .u8: (0..<n).map { Int(raw[$0]) }
            default: nil
            }
        }
        guard let values else {
            throw named(.wrongDType(name: name, expected: "an integer type", found: entry.dtype.rawValue))
        }
        return values
    }

    /// `error` with the file named, when these entries came from one.
    private func named(_ error: SafeTensorsError) -> SafeTensorsError { path.map { .file($0, error) } ?? error }

    // MARK: Encoding

    /// The file's bytes: header padded with spaces to a multiple of 8, tensors in name order.
    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for name in names {
            let e = entries[name]!
            let expected = e.shape.reduce(1, *) * e.dtype.size
            guard e.bytes.count == expected else {
                throw SafeTensorsError.invalid("tensor '\(name)' holds \(e.bytes.count) bytes, \(e.dtype.rawValue) \(e.shape) needs \(expected)")
            }
            header[name] = ["dtype": e.dtype.rawValue, "shape": e.shape, "data_offsets": [offset, offset + e.bytes.count]]
            offset += e.bytes.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data()
        var length = UInt64(json.count).littleEndian
        data.append(Data(bytes: &length, count: 8))
        data.append(json)
        for name in names { data.append(entries[name]!.bytes) }
        return data
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws { try AtomicFile.write(try encoded(), to: url) }

    // MARK: Decoding

    /// Reads and validates a file; errors name the file.
    public static func read(_ url: URL) throws -> SafeTensors {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SafeTensorsError.file(url.path, .invalid("cannot read: \(FileErrorText.reason(error))"))
        }
        do {
            var result = try decode(data)
            result.path = url.path
            return result
        } catch let error as SafeTensorsError {
            throw SafeTensorsError.file(url.path, error)
        }
    }

    /// Decodes and validates bytes in safetensors layout.
    public static func decode(_ data: Data) throws -> SafeTensors {
        guard data.count >= 8 else { throw SafeTensorsError.invalid("file is \(data.count) bytes, shorter than the 8-byte header length") }
        let n = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard n <= UInt64(data.count - 8) else {
            throw SafeTensorsError.invalid("header length \(n) exceeds the \(data.count - 8) bytes after it")
        }
        let headerBytes = data.subdata(in: 8..<(8 + Int(n)))
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes), object is [String: Any] else {
            throw SafeTensorsError.invalid("header is not a JSON object")
        }
        switch StrictJSON.check(headerBytes) {
        case .duplicateKey(let path, let key)?:
            throw SafeTensorsError.invalid(
                path.isEmpty
                    ? "header names the tensor '\(key)' twice"
                    : "header entry '\(path)' has the key '\(key)' twice")
        case .tooDeep(let path)?: throw SafeTensorsError.invalid("header nests too deeply at '\(path)'")
        case nil: break
        }
        let header: [String: HeaderValue]
        do { header = try JSONDecoder().decode([String: HeaderValue].self, from: headerBytes) } catch let error as SafeTensorsError {
            throw error
        } catch {
            throw SafeTensorsError.invalid("header does not describe tensors: \(error)")
        }
        let body = data.subdata(in: (8 + Int(n))..<data.count)
        var result = SafeTensors()
        var ranges: [(Int, Int, String)] = []
        for (name, value) in header {
            let info: HeaderEntry
            switch value {
            case .metadata(let meta):
                guard name == "__metadata__" else { throw SafeTensorsError.invalid("entry '\(name)' is not a tensor description") }
                result.metadata = meta
                continue
            case .entry(let e):
                guard name != "__metadata__" else { throw SafeTensorsError.invalid("__metadata__ is not a map of strings") }
                info = e
            case .invalid(let why):
                throw SafeTensorsError.invalid(name == "__metadata__" ? "__metadata__ is not a map of strings" : "entry '\(name)' \(why)")
            }
            guard let dtype = DType(rawValue: info.dtype) else {
                throw SafeTensorsError.invalid(
                    "entry '\(name)' has unsupported dtype '\(info.dtype)' (supported: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let dtypeName = info.dtype
            guard let shape = info.shape, shape.allSatisfy({ $0 >= 0 }) else {
                throw SafeTensorsError.invalid("entry '\(name)' has a shape that is not a list of non-negative integers")
            }
            guard let offsets = info.offsets, offsets.count == 2 else {
                throw SafeTensorsError.invalid("entry '\(name)' needs data_offsets [begin, end] of integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= body.count else {
                throw SafeTensorsError.invalid("entry '\(name)' data_offsets [\(begin), \(end)] outside the \(body.count)-byte data section")
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, s in
                let (p, o) = acc.0.multipliedReportingOverflow(by: s)
                return (p, acc.1 || o)
            }
            guard !overflow, elements.multipliedReportingOverflow(by: dtype.size).overflow == false,
                elements * dtype.size == end - begin
            else {
                throw SafeTensorsError.invalid(
                    "entry '\(name)': \(dtypeName) \(shape) needs \(overflow ? "too many" : String(elements * dtype.size)) bytes, data_offsets span \(end - begin)"
                )
            }
            ranges.append((begin, end, name))
            result.entries[name] = Entry(dtype: dtype, shape: shape, bytes: body.subdata(in: begin..<end))
        }
        ranges.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var expected = 0
        for (begin, end, name) in ranges {
            if begin < expected {
                throw SafeTensorsError.invalid("entry '\(name)' overlaps the previous tensor (begins at \(begin), previous ends at \(expected))")
            }
            if begin > expected { throw SafeTensorsError.invalid("gap in the data section before entry '\(name)' (bytes \(expected)..<\(begin) unused)") }
            expected = end
        }
        if expected != body.count {
            throw SafeTensorsError.invalid("data section is \(body.count) bytes but tensors cover \(expected)")
        }
        return result
    }
}

public indirect enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case missingTensor(String)
    case wrongDType(name: String, expected: String, found: String)
    case file(String, SafeTensorsError)

    public var description: String {
        switch self {
        case .invalid(let why): "invalid safetensors: \(why)"
        case .missingTensor(let name): "safetensors: no tensor named '\(name)'"
        case .wrongDType(let name, let expected, let found): "safetensors: tensor '\(name)' is \(found), expected \(expected)"
        case .file(let path, let inner): "\(path): \(inner)"
        }
    }
}

/// One value of the header: a tensor description, the metadata map, or something else.
private enum HeaderValue: Decodable {
    case entry(HeaderEntry)
    case metadata([String: String])
    case invalid(String)

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let meta = try? container.decode([String: String].self) { self = .metadata(meta); return }
        if let entry = try? container.decode(HeaderEntry.self) { self = .entry(entry); return }
        self = .invalid("is not an object with dtype, shape and data_offsets")
    }
}

private struct HeaderEntry: Decodable {
    var dtype: String
    var shape: [Int]?
    var offsets: [Int]?

    enum CodingKeys: String, CodingKey { case dtype, shape, offsets = "data_offsets" }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dtype = try c.decode(String.self, forKey: .dtype)
        shape = try? c.decode([Int].self, forKey: .shape)
        offsets = try? c.decode([Int].self, forKey: .offsets)
    }
}
