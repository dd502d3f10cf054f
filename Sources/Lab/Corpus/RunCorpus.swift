import Foundation
import Models
import TensorCore

/// A corpus the user names for a claims run (`--data DIR` or `--corpus FILE --format F`), in
/// place of the built-in generated stories. It is prepared (or, for `--data`, linked) into the
/// run directory's `corpus/` folder before any experiment starts, so every trained-model
/// experiment of every replicate reads the same token files, and it is recorded in config.json —
/// where it came from, its size and the SHA-256 of every file — so `--config` repeats the run on
/// the same bytes (and refuses when they changed) and `attnlab report` shows what was trained on.
public struct RunCorpus: Codable, Sendable, Equatable {
    /// What the user named.
    public enum Request: Sendable, Equatable {
        /// A folder written by `attnlab data prepare`.
        case prepared(URL)
        /// A text corpus, prepared with a BPE tokenizer trained to the scale's vocabulary.
        case file(URL, Corpus.Format)
    }

    public enum Origin: String, Codable, Sendable { case prepared, file }

    /// The run directory's folder holding the prepared corpus.
    public static let folderName = "corpus"

    public var origin: Origin
    /// The user's folder or file, absolute.
    public var path: String
    /// The corpus file's format (`file` only).
    public var format: String?
    /// SHA-256 of the corpus file (`file` only).
    public var sourceSHA256: String?
    /// Size of the corpus file, or of the prepared folder's files.
    public var bytes: Int
    public var documents: Int
    public var trainTokens: Int
    public var validationTokens: Int
    public var vocabulary: Int
    /// SHA-256 of each file of the prepared folder (train.bin, val.bin, vocab.json, merges.txt, data.json).
    public var sha256: [String: String]

    /// One line for reports: "TinyStories-train.txt (tinystories, 1.9 GB, 470 M training tokens)".
    public var label: String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let kind = format.map { "\($0), " } ?? "prepared, "
        return "\(name) (\(kind)\(NumberText.bytes(bytes)), \(NumberText.count(trainTokens)) training tokens, vocabulary \(vocabulary))"
    }

    /// The request this record repeats (for `--config`).
    public var request: Request {
        switch origin {
        case .prepared: .prepared(URL(fileURLWithPath: path, isDirectory: true))
        case .file: .file(URL(fileURLWithPath: path), Corpus.Format(rawValue: format ?? "") ?? .tinystories)
        }
    }

    /// Prepares `request` into `runDirectory/corpus/` and describes it. A `--data` folder is
    /// validated (`PreparedData.load`) and its files hard-linked (or, across file systems,
    /// symbolically linked) so a 2 GB token file is not copied; a corpus file is prepared with
    /// the BPE vocabulary of `scale`. When `expected` is given (a repeated run), the bytes must be
    /// the ones it recorded. Errors name the file and what was expected, before any training.
    public static func prepare(
        _ request: Request, scale: Scale, into runDirectory: URL, expected: RunCorpus? = nil,
        log: (String) -> Void = { _ in }
    ) throws -> RunCorpus {
        let folder = runDirectory.appendingPathComponent(folderName, isDirectory: true)
        var record: RunCorpus
        switch request {
        case .prepared(let source):
            let data = try PreparedData.load(from: source)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in PreparedData.fileNames {
                let from = source.appendingPathComponent(name), to = folder.appendingPathComponent(name)
                do { try FileManager.default.linkItem(at: from, to: to) } catch {
                    try FileManager.default.createSymbolicLink(at: to, withDestinationURL: from.standardizedFileURL)
                }
            }
            record = RunCorpus(
                origin: .prepared, path: source.standardizedFileURL.path, format: nil, sourceSHA256: nil,
                bytes: 0, documents: data.summary.documents.train + data.summary.documents.validation,
                trainTokens: data.train.tokens.count, validationTokens: data.validation.tokens.count,
                vocabulary: data.tokenizer.vocabularySize, sha256: [:])
        case .file(let source, let format):
            guard FileManager.default.isReadableFile(atPath: source.path) else {
                throw LabError.badFile(source.path, "is not a readable corpus file (--corpus expects a UTF-8 text file)")
            }
            let sourceHash = try SHA256.hex(file: source)
            if let expected, let recorded = expected.sourceSHA256, recorded != sourceHash {
                throw LabError.badFile(
                    source.path,
                    "has SHA-256 \(sourceHash), but the run being repeated trained on \(recorded) "
                        + "(the corpus changed since; name it with --corpus to run on the new text)")
            }
            let vocabulary = CorpusScale.at(scale).vocabulary
            log("preparing corpus \(source.path) (\(format.rawValue)): BPE tokenizer to \(vocabulary) tokens")
            // Streamed: bounded memory for any corpus size, the same files as the in-memory path.
            _ = try DataPreparation(
                corpus: .file(path: source.path, format: format, invalidUTF8: .error),
                tokenizer: .train(vocabularySize: vocabulary)
            ).prepare(into: folder, log: log)
            let data = try PreparedData.load(from: folder)
            record = RunCorpus(
                origin: .file, path: source.standardizedFileURL.path, format: format.rawValue, sourceSHA256: sourceHash,
                bytes: Self.size(of: source), documents: data.summary.documents.train + data.summary.documents.validation,
                trainTokens: data.train.tokens.count, validationTokens: data.validation.tokens.count,
                vocabulary: data.tokenizer.vocabularySize, sha256: [:])
        }
        for name in PreparedData.fileNames {
            let url = folder.appendingPathComponent(name)
            record.sha256[name] = try SHA256.hex(file: url)
            if case .prepared = request { record.bytes += Self.size(of: url) }
        }
        if let expected, case .prepared = request, expected.sha256 != record.sha256 {
            let changed = expected.sha256.keys.filter { expected.sha256[$0] != record.sha256[$0] }.sorted()
            throw LabError.badFile(
                record.path,
                "holds different bytes than the run being repeated trained on "
                    + "(\(changed.joined(separator: ", ")) changed); name it with --data to run on it as it is now")
        }
        return record
    }

    private static func size(of url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
