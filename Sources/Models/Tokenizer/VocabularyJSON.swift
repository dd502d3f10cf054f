import Foundation
import TensorCore

/// The JSON of `vocab.json`: one object whose values are integers.
///
/// Parsed by hand so that keys stay exact byte strings in file order (a `String`-keyed
/// dictionary would merge canonically equivalent keys) and errors give the byte offset.
enum VocabularyJSON {
    /// The (key, value) entries of the object in `data`, in file order.
    static func parse(_ data: Data, path: String) throws -> [(String, Int)] {
        let bytes = [UInt8](data)
        var i = 0
        func fail(_ what: String) -> TokenizerError {
            .invalidFile(path: path, reason: "not a JSON object of token → id at byte \(i): \(what)")
        }
        func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }
        func expect(_ b: UInt8) throws {
            skipSpace()
            guard i < bytes.count, bytes[i] == b else { throw fail("expected '\(Character(Unicode.Scalar(b)))'") }
            i += 1
        }
        func parseString() throws -> String {
            try expect(0x22)
            var out: [UInt8] = []
            while true {
                guard i < bytes.count else { throw fail("unterminated string") }
                let b = bytes[i]; i += 1
                if b == 0x22 { break }
                if b != 0x5C { out.append(b); continue }
                guard i < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[i]; i += 1
                if let simple = StrictJSON.unescaped(e) { out.append(simple); continue }
                switch e {
                case 0x75:
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else { throw fail("lone surrogate") }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("bad surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                    out += Array(String(u).utf8)
                default: throw fail("invalid escape")
                }
            }
            guard let s = String(bytes: out, encoding: .utf8) else { throw fail("string is not valid UTF-8") }
            return s
        }
        func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
                throw fail("invalid \\u escape")
            }
            i += 4
            return v
        }
        func parseInt() throws -> Int {
            skipSpace()
            let start = i
            if i < bytes.count, bytes[i] == 0x2D { i += 1 }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            guard let v = Int(String(decoding: bytes[start..<i], as: UTF8.self)) else { throw fail("expected an integer id") }
            return v
        }
        var entries: [(String, Int)] = []
        try expect(0x7B)
        skipSpace()
        if i < bytes.count, bytes[i] == 0x7D {
            i += 1
        } else {
            while true {
                let key = try parseString()
                try expect(0x3A)
                entries.append((key, try parseInt()))
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        skipSpace()
        guard i == bytes.count else { throw fail("trailing characters after the object") }
        return entries
    }

    /// `s` as a JSON string literal (non-ASCII written as UTF-8, control characters escaped).
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
