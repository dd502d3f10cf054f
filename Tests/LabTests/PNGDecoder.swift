import Foundation

/// A minimal PNG reader for the screenshot test: 8-bit greyscale, RGB or RGBA, non-interlaced,
/// with its own DEFLATE decoder (RFC 1951) — enough to count the non-background pixels of a
/// browser screenshot without an image library.
struct PNGImage {
    var width: Int
    var height: Int
    /// Channels per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
    var channels: Int
    /// Row-major, `channels` bytes per pixel.
    var pixels: [UInt8]

    enum DecodeError: Error { case notPNG, unsupported(String), corrupt(String) }

    init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw DecodeError.notPNG }
        var offset = 8
        var idat: [UInt8] = []
        var (w, h, depth, colorType, interlace) = (0, 0, 0, 0, 0)
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        while offset + 8 <= bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = offset + 8
            guard body + length <= bytes.count else { throw DecodeError.corrupt("chunk \(type) overruns the file") }
            switch type {
            case "IHDR":
                (w, h, depth, colorType, interlace) = (u32(body), u32(body + 4), Int(bytes[body + 8]), Int(bytes[body + 9]), Int(bytes[body + 12]))
            case "IDAT": idat.append(contentsOf: bytes[body..<(body + length)])
            default: break
            }
            offset = body + length + 4
            if type == "IEND" { break }
        }
        guard depth == 8, interlace == 0 else { throw DecodeError.unsupported("bit depth \(depth), interlace \(interlace)") }
        let channelsByType = [0: 1, 2: 3, 4: 2, 6: 4]
        guard let c = channelsByType[colorType] else { throw DecodeError.unsupported("colour type \(colorType)") }
        guard idat.count > 2 else { throw DecodeError.corrupt("no image data") }
        let raw = try Inflate.decompress(Array(idat[2...]))  // skip the 2-byte zlib header
        let stride = w * c
        guard raw.count >= h * (stride + 1) else { throw DecodeError.corrupt("image data too short") }
        var out = [UInt8](repeating: 0, count: h * stride)
        for y in 0..<h {
            let filter = raw[y * (stride + 1)]
            let src = y * (stride + 1) + 1
            for x in 0..<stride {
                let a = x >= c ? Int(out[y * stride + x - c]) : 0
                let b = y > 0 ? Int(out[(y - 1) * stride + x]) : 0
                let cc = (x >= c && y > 0) ? Int(out[(y - 1) * stride + x - c]) : 0
                let v = Int(raw[src + x])
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let p = a + b - cc, pa = abs(p - a), pb = abs(p - b), pc = abs(p - cc)
                    predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : cc
                default: throw DecodeError.corrupt("filter \(filter)")
                }
                out[y * stride + x] = UInt8((v + predicted) & 0xFF)
            }
        }
        width = w; height = h; channels = c; pixels = out
    }

    /// RGB of pixel (x, y) (grey is replicated).
    func rgb(_ x: Int, _ y: Int) -> (Int, Int, Int) {
        let i = (y * width + x) * channels
        if channels < 3 { return (Int(pixels[i]), Int(pixels[i]), Int(pixels[i])) }
        return (Int(pixels[i]), Int(pixels[i + 1]), Int(pixels[i + 2]))
    }
}

/// DEFLATE decompression (stored, fixed and dynamic Huffman blocks).
enum Inflate {
    struct BitReader {
        let bytes: [UInt8]
        var position = 0, bit = 0
        mutating func read(_ n: Int) throws -> Int {
            var value = 0
            for i in 0..<n {
                guard position < bytes.count else { throw PNGImage.DecodeError.corrupt("deflate stream ends early") }
                value |= Int((bytes[position] >> UInt8(bit)) & 1) << i
                bit += 1
                if bit == 8 { bit = 0; position += 1 }
            }
            return value
        }
        mutating func alignToByte() { if bit != 0 { bit = 0; position += 1 } }
    }

    /// Canonical Huffman decoding table: counts per length and symbols in code order.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []
        init(lengths: [Int]) {
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for i in 1..<16 { offsets[i] = offsets[i - 1] + counts[i - 1] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (s, l) in lengths.enumerated() where l > 0 { symbols[offsets[l]] = s; offsets[l] += 1 }
        }
        func decode(_ r: inout BitReader) throws -> Int {
            var code = 0, first = 0, index = 0
            for len in 1..<16 {
                code |= try r.read(1)
                let count = counts[len]
                if code - count < first { return symbols[index + (code - first)] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw PNGImage.DecodeError.corrupt("bad Huffman code")
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var r = BitReader(bytes: input)
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4)
        var last = 0
        repeat {
            last = try r.read(1)
            let type = try r.read(2)
            switch type {
            case 0:
                r.alignToByte()
                guard r.position + 4 <= input.count else { throw PNGImage.DecodeError.corrupt("stored block header") }
                let len = Int(input[r.position]) | Int(input[r.position + 1]) << 8
                r.position += 4
                guard r.position + len <= input.count else { throw PNGImage.DecodeError.corrupt("stored block") }
                out.append(contentsOf: input[r.position..<(r.position + len)])
                r.position += len
            case 1:
                var lengths = [Int](repeating: 8, count: 288)
                for i in 144..<256 { lengths[i] = 9 }
                for i in 256..<280 { lengths[i] = 7 }
                try inflateBlock(&r, &out, Huffman(lengths: lengths), Huffman(lengths: [Int](repeating: 5, count: 30)))
            case 2:
                let hlit = try r.read(5) + 257, hdist = try r.read(5) + 1, hclen = try r.read(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var codeLengths = [Int](repeating: 0, count: 19)
                for i in 0..<hclen { codeLengths[order[i]] = try r.read(3) }
                let codeHuffman = Huffman(lengths: codeLengths)
                var lengths: [Int] = []
                while lengths.count < hlit + hdist {
                    let sym = try codeHuffman.decode(&r)
                    switch sym {
                    case 0..<16: lengths.append(sym)
                    case 16:
                        guard let previous = lengths.last else { throw PNGImage.DecodeError.corrupt("repeat with no length") }
                        lengths += [Int](repeating: previous, count: 3 + (try r.read(2)))
                    case 17: lengths += [Int](repeating: 0, count: 3 + (try r.read(3)))
                    default: lengths += [Int](repeating: 0, count: 11 + (try r.read(7)))
                    }
                }
                try inflateBlock(&r, &out, Huffman(lengths: Array(lengths[0..<hlit])), Huffman(lengths: Array(lengths[hlit..<(hlit + hdist)])))
            default:
                throw PNGImage.DecodeError.corrupt("block type 3")
            }
        } while last == 0
        return out
    }

    static func inflateBlock(_ r: inout BitReader, _ out: inout [UInt8], _ literals: Huffman, _ distances: Huffman) throws {
        while true {
            let sym = try literals.decode(&r)
            if sym < 256 { out.append(UInt8(sym)); continue }
            if sym == 256 { return }
            let li = sym - 257
            guard li < lengthBase.count else { throw PNGImage.DecodeError.corrupt("length symbol") }
            let length = lengthBase[li] + (try r.read(lengthExtra[li]))
            let di = try distances.decode(&r)
            guard di < distanceBase.count else { throw PNGImage.DecodeError.corrupt("distance symbol") }
            let distance = distanceBase[di] + (try r.read(distanceExtra[di]))
            guard distance <= out.count else { throw PNGImage.DecodeError.corrupt("distance beyond output") }
            let start = out.count - distance
            for k in 0..<length { out.append(out[start + k]) }
        }
    }
}
