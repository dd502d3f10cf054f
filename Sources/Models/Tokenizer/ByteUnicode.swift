/// GPT-2's reversible map between the 256 byte values and 256 printable Unicode characters.
///
/// Byte-level BPE stores tokens as strings, and whitespace and control bytes would be awkward
/// in `vocab.json` and `merges.txt`. GPT-2 (`encoder.py`, `bytes_to_unicode`) therefore maps the
/// 188 printable Latin-1 bytes `!`…`~`, `¡`…`¬`, `®`…`ÿ` to themselves and the other 68 bytes,
/// in increasing order, to U+0100, U+0101, …: the space byte 0x20 becomes `Ġ` (U+0120) and the
/// newline 0x0A becomes `Ċ` (U+010A).
public enum ByteUnicode {
    /// `scalar[b]`: the character that stands for byte `b`.
    public static let scalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var extra: UInt32 = 0
        for b in 0..<256 {
            if isPrintable(UInt8(b)) {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(256 + extra)!
                extra += 1
            }
        }
        return table
    }()

    /// The bytes in GPT-2's order: the printable bytes first, then the others (the order of
    /// `bytes_to_unicode`'s `bs` list and of ids 0–255 in GPT-2's `vocab.json`).
    public static let gpt2Order: [UInt8] =
        (0..<256).map(UInt8.init).filter(isPrintable)
        + (0..<256).map(UInt8.init).filter { !isPrintable($0) }

    /// The byte a character stands for, or nil if it is not one of the 256.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v < 256 { return isPrintable(UInt8(v)) ? UInt8(v) : nil }
        if v < 256 + 68 { return nonPrintable[Int(v - 256)] }
        return nil
    }

    /// The string that stands for a byte sequence (a token as written in `vocab.json`).
    public static func string(for bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(scalar[Int(b)]) }
        return String(s)
    }

    /// The bytes a `vocab.json` token string stands for, or nil if a character is not one of the 256.
    public static func bytes(for string: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(string.unicodeScalars.count)
        for u in string.unicodeScalars {
            guard let b = byte(for: u) else { return nil }
            result.append(b)
        }
        return result
    }

    private static func isPrintable(_ b: UInt8) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    private static let nonPrintable: [UInt8] = (0..<256).map(UInt8.init).filter { !isPrintable($0) }
}
