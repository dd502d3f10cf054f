import Foundation
import TensorCore

/// A prepared data set: tokenizer, the two streams and the summary.
///
/// On disk it is a folder of five files written as one set: `train.bin`, `val.bin` (llm.c
/// layout), `vocab.json`, `merges.txt` and `data.json`, the summary, which records the size and
/// hash of the other four (`DataSummary.files`). `write` builds the set in a new folder and
/// swaps it in (`AtomicFolder`), so a failure midway (a full disk at `val.bin`) leaves the old
/// set whole; `load` refuses a folder whose files do not belong together — a file of another
/// preparation, or counts that disagree with data.json.
public struct PreparedData: Sendable {
    public var tokenizer: BPETokenizer
    public var train: TokenDataset
    public var validation: TokenDataset
    public var summary: DataSummary

    public init(tokenizer: BPETokenizer, train: TokenDataset, validation: TokenDataset, summary: DataSummary) {
        (self.tokenizer, self.train, self.validation, self.summary) = (tokenizer, train, validation, summary)
    }

    public static let trainFileName = "train.bin"
    public static let validationFileName = "val.bin"
    public static let summaryFileName = "data.json"
    /// Every file of a set; data.json (the marker of a complete set) is written last.
    public static let fileNames = [
        trainFileName, validationFileName, BPETokenizer.vocabularyFileName,
        BPETokenizer.mergesFileName, summaryFileName,
    ]

    /// Writes the set into `directory`, replacing a previous set there as a whole. `directory`
    /// must be new, empty, or hold a data set (nothing else: a folder of other files is refused,
    /// not replaced).
    public func write(to directory: URL) throws {
        try Self.requireDataFolder(directory)
        try AtomicFile.createFolder(directory)  // a path that cannot be a folder fails here, by its own name
        let v = tokenizer.vocabularySize
        let tokenizerFiles = tokenizer.encodedFiles()
        let files = [
            (Self.trainFileName, TokenFile.encode(train.tokens, vocabularySize: v)),
            (Self.validationFileName, TokenFile.encode(validation.tokens, vocabularySize: v)),
            (BPETokenizer.vocabularyFileName, tokenizerFiles.vocabulary),
            (BPETokenizer.mergesFileName, tokenizerFiles.merges),
        ]
        var summary = self.summary
        summary.files = Dictionary(uniqueKeysWithValues: files.map { ($0.0, FileDigest($0.1)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let summaryData = try encoder.encode(summary)
        try AtomicFolder.replace(directory, marker: Self.summaryFileName) { folder in
            for (name, data) in files { try AtomicFile.write(data, to: folder.appendingPathComponent(name)) }
            try AtomicFile.write(summaryData, to: folder.appendingPathComponent(Self.summaryFileName))
        }
    }

    /// Reads what `write` wrote, checking that the files belong together: each matches the size
    /// and hash data.json records for it (when it records them), and the token counts,
    /// vocabulary size and merge count agree with data.json.
    public static func load(from directory: URL) throws -> PreparedData {
        try AtomicFolder.recover(directory, marker: summaryFileName)
        let summaryURL = directory.appendingPathComponent(summaryFileName)
        let summary: DataSummary
        do {
            let data = try Data(contentsOf: summaryURL)
            if let finding = StrictJSON.check(data) { throw TokenFileError(path: summaryURL.path, reason: "\(finding)") }
            summary = try JSONDecoder().decode(DataSummary.self, from: data)
        } catch let error as TokenFileError {
            throw error
        } catch {
            throw TokenFileError(path: summaryURL.path, reason: "cannot read the data summary (\(FileErrorText.reason(error)))")
        }
        // The token files are hashed in pieces and mapped, never read whole; the tokenizer files are small.
        // A token file's own structure (header, size) is checked before it is compared with data.json,
        // so a truncated file is reported as truncated.
        var contents: [String: Data] = [:], mapped: [String: MappedTokenFile] = [:]
        for name in fileNames where name != summaryFileName {
            let url = directory.appendingPathComponent(name)
            let isTokens = name == trainFileName || name == validationFileName
            let digest: FileDigest
            if isTokens {
                mapped[name] = try MappedTokenFile(url: url)
                digest = try FileDigest(contentsOf: url)
            } else {
                let data = try TokenFile.bytes(of: url)
                (contents[name], digest) = (data, FileDigest(data))
            }
            if let expected = summary.files?[name], expected != digest {
                throw TokenFileError(
                    path: url.path,
                    reason: "does not belong to this data set: \(summaryURL.lastPathComponent) records "
                        + "\(expected.bytes) bytes with hash \(expected.hash), the file has \(digest.bytes) bytes with hash \(digest.hash) "
                        + "(the folder mixes files of two preparations; run `attnlab data prepare` again)")
            }
        }
        let tokenizer = try BPETokenizer.decode(
            vocabulary: contents[BPETokenizer.vocabularyFileName]!,
            merges: contents[BPETokenizer.mergesFileName]!,
            vocabularyURL: directory.appendingPathComponent(BPETokenizer.vocabularyFileName),
            mergesURL: directory.appendingPathComponent(BPETokenizer.mergesFileName))
        let v = tokenizer.vocabularySize
        let trainURL = directory.appendingPathComponent(trainFileName), validationURL = directory.appendingPathComponent(validationFileName)
        var prepared = PreparedData(
            tokenizer: tokenizer,
            train: try TokenDataset(file: mapped[trainFileName]!, vocabularySize: v, byteCount: summary.bytes.train),
            validation: try TokenDataset(file: mapped[validationFileName]!, vocabularySize: v, byteCount: summary.bytes.validation),
            summary: summary)
        let checks: [(String, Int, Int)] = [
            (trainURL.lastPathComponent + " token count", prepared.train.tokens.count, summary.tokens.train),
            (validationURL.lastPathComponent + " token count", prepared.validation.tokens.count, summary.tokens.validation),
            (BPETokenizer.vocabularyFileName + " vocabulary size", v, summary.vocabularySize),
            (BPETokenizer.mergesFileName + " merge count", tokenizer.merges.count, summary.merges),
        ]
        for (what, actual, recorded) in checks where actual != recorded {
            throw TokenFileError(
                path: directory.path,
                reason: "the \(what) is \(actual) but \(summaryFileName) records \(recorded): "
                    + "the folder mixes files of two preparations; run `attnlab data prepare` again")
        }
        // The digests describe this folder's files, not the data: what was loaded equals what was written.
        prepared.summary.files = nil
        return prepared
    }

    /// Refuses a folder that holds anything but a data set (so `write` never deletes other files).
    static func requireDataFolder(_ directory: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw TokenFileError(path: directory.path, reason: "is a file; a data set is written into a folder")
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        let foreign = names.filter { name in
            !fileNames.contains(name) && !fileNames.contains { name.hasPrefix(".\($0).tmp-") }
        }.sorted()
        if !foreign.isEmpty {
            throw TokenFileError(
                path: directory.path,
                reason: "holds files that are not part of an attnlab data set ("
                    + foreign.prefix(5).joined(separator: ", ") + (foreign.count > 5 ? ", …" : "")
                    + "); choose a new or empty folder (attnlab replaces a data folder as a whole and never deletes other files)")
        }
    }
}

/// The size and a 64-bit hash of a file's bytes (FNV-1a over 8-byte little-endian words, then
/// the tail bytes). Not cryptographic: it tells files of different preparations apart, it does
/// not resist forgery.
public struct FileDigest: Codable, Sendable, Equatable {
    public var bytes: Int
    /// 16 hex digits.
    public var hash: String

    public init(bytes: Int, hash: String) { (self.bytes, self.hash) = (bytes, hash) }

    /// The digest of a file, read in pieces (equal to `init(_:)` of its bytes).
    public init(contentsOf url: URL) throws {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw TokenFileError(path: url.path, reason: "cannot read the file (\(FileErrorText.reason(error)))")
        }
        defer { try? handle.close() }
        var h = Self.offsetBasis, bytes = 0, pending = Data()
        while true {
            let data: Data
            do { data = try handle.read(upToCount: 1 << 23) ?? Data() } catch {
                throw TokenFileError(path: url.path, reason: "cannot read the file (\(FileErrorText.reason(error)))")
            }
            bytes += data.count
            pending.append(data)
            if data.isEmpty { break }
            // Fold whole 8-byte words only, so the words fall where they fall in the whole file.
            let whole = pending.count / 8 * 8
            h = Self.fold(h, pending.prefix(whole))
            pending = Data(pending.dropFirst(whole))
        }
        h = Self.fold(h, pending)
        self.init(bytes: bytes, hash: Self.hex(h))
    }

    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325

    static func fold(_ start: UInt64, _ data: Data) -> UInt64 {
        var h = start
        let prime: UInt64 = 0x0000_0100_0000_01B3
        data.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                h = (h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) &* prime
            }
            for i in (8 * words)..<raw.count { h = (h ^ UInt64(raw[i])) &* prime }
        }
        return h
    }

    static func hex(_ h: UInt64) -> String {
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public init(_ data: Data) {
        self.init(bytes: data.count, hash: Self.hex(Self.fold(Self.offsetBasis, data)))
    }
}
