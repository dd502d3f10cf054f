/// Checks JSON that Foundation's decoders accept too leniently: an object that names the same
/// key twice. `JSONSerialization` and `JSONDecoder` keep one of the two values without a word,
/// so a file with `"step": 3, …, "step": -5` (or a safetensors header describing one tensor
/// twice) would be read as something its writer never meant. Readers of attnlab's files call
/// `duplicateKey` before decoding and refuse the file when it finds one.
///
/// Only well-formedness as far as needed to find keys is checked here; malformed text returns
/// nil and is left to the decoder, which names the problem. Keys are compared as Swift strings
/// after unescaping (so `"a"` and `"\u0061"` are the same key, as they are to the decoder).
/// Nesting deeper than `maximumDepth` is reported as `.tooDeep` instead of recursing further.
public enum StrictJSON {
    public static let maximumDepth = 512

    public enum Finding: Equatable, Sendable, CustomStringConvertible {
        /// `key` appears twice in the object at `path` (dot-separated keys and indices, "" for the top level).
        case duplicateKey(path: String, key: String)
        case tooDeep(path: String)

        public var description: String {
            switch self {
            case .duplicateKey(let path, let key):
                "the key \"\(key)\" appears twice in \(path.isEmpty ? "the top-level object" : "the object at '\(path)'")"
            case .tooDeep(let path): "nesting deeper than \(StrictJSON.maximumDepth) levels at '\(path)'"
            }
        }
    }

    /// The first duplicate key (or excessive nesting) in `bytes`, or nil.
    public static func check<Bytes: Collection>(_ bytes: Bytes) -> Finding? where Bytes.Element == UInt8 {
        var scanner = Scanner(bytes: Array(bytes))
        scanner.skipSpace()
        return scanner.value(path: [], depth: 0)
    }

    /// The byte a one-character JSON escape `\<e>` stands for (`\"`, `\\`, `\/`, `\b`, `\f`,
    /// `\n`, `\r`, `\t`), or nil (`\u` and invalid escapes).
    public static func unescaped(_ e: UInt8) -> UInt8? {
        switch e {
        case 0x22, 0x5C, 0x2F: e
        case 0x62: 0x08
        case 0x66: 0x0C
        case 0x6E: 0x0A
        case 0x72: 0x0D
        case 0x74: 0x09
        default: nil
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }

        /// Scans one value; a finding stops the scan. Malformed input ends it with nil (`i` past the end).
        mutating func value(path: [String], depth: Int) -> Finding? {
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case 0x7B: return object(path: path, depth: depth + 1)
            case 0x5B: return array(path: path, depth: depth + 1)
            case 0x22: _ = string(); return nil
            default:
                // A number or literal: everything up to the next delimiter.
                while i < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
                return nil
            }
        }

        mutating func object(path: [String], depth: Int) -> Finding? {
            if depth > StrictJSON.maximumDepth { return .tooDeep(path: path.joined(separator: ".")) }
            i += 1
            var seen = Set<String>()
            skipSpace()
            if i < bytes.count, bytes[i] == 0x7D { i += 1; return nil }
            while i < bytes.count {
                skipSpace()
                guard i < bytes.count, bytes[i] == 0x22, let key = string() else { return fail() }
                if !seen.insert(key).inserted { return .duplicateKey(path: path.joined(separator: "."), key: key) }
                skipSpace()
                guard i < bytes.count, bytes[i] == 0x3A else { return fail() }
                i += 1
                skipSpace()
                if let finding = value(path: path + [key], depth: depth) { return finding }
                skipSpace()
                guard i < bytes.count else { return nil }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; return nil }
                return fail()
            }
            return nil
        }

        mutating func array(path: [String], depth: Int) -> Finding? {
            if depth > StrictJSON.maximumDepth { return .tooDeep(path: path.joined(separator: ".")) }
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == 0x5D { i += 1; return nil }
            var index = 0
            while i < bytes.count {
                skipSpace()
                if let finding = value(path: path + [String(index)], depth: depth) { return finding }
                skipSpace()
                guard i < bytes.count else { return nil }
                if bytes[i] == 0x2C { i += 1; index += 1; continue }
                if bytes[i] == 0x5D { i += 1; return nil }
                return fail()
            }
            return nil
        }

        /// Stops the scan: malformed text is the decoder's to report.
        mutating func fail() -> Finding? {
            i = bytes.count
            return nil
        }

        /// An unescaped string starting at the opening quote, or nil when malformed.
        mutating func string() -> String? {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == 0x22 { return String(decoding: out, as: UTF8.self) }
                if b != 0x5C { out.append(b); continue }
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                if let simple = StrictJSON.unescaped(e) { out.append(simple); continue }
                switch e {
                case 0x75:
                    guard var code = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                        let save = i
                        i += 2
                        if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                        }
                    }
                    out += Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
                default: out.append(e)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for b in bytes[i..<i + 4] {
                let digit: UInt8
                switch b {
                case 0x30...0x39: digit = b - 0x30
                case 0x41...0x46: digit = b - 0x41 + 10
                case 0x61...0x66: digit = b - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt32(digit)
            }
            i += 4
            return v
        }
    }
}
