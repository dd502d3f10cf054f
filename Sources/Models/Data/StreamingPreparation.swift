import Foundation
import TensorCore

/// `DataPreparation` for a corpus of any size: the file is read in chunks and the token files
/// are written as the documents are encoded, so memory stays bounded by a chunk, the longest
/// document, the tokenizer's word table and the bigram table of the statistics, not by the corpus.
///
/// Three passes over the file (`CorpusReader`):
/// 1. count the documents and check the file (UTF-8, separators, not empty) — every error about
///    the corpus comes here, before a tokenizer is trained or a file written;
/// 2. count the GPT-2 pieces of the training documents, in file order, until their text
///    reaches `tokenizerSampleBytes` (all of them when the corpus is smaller), and train BPE;
/// 3. encode on every core, batch by batch, appending each document to train.bin or val.bin.
/// The entropy baselines are then counted from the written files. The folder is written as one
/// set (`AtomicFolder`), and equals byte for byte what `run` + `PreparedData.write` write when
/// the tokenizer sample covers the training documents.
extension DataPreparation {
    /// How the streaming path reads and samples.
    public struct Streaming: Sendable {
        /// Bytes read per chunk (and documents encoded per batch, about).
        public var chunkBytes = 8 << 20
        /// UTF-8 bytes of training documents the BPE trainer counts, from the start of the file;
        /// nil counts all of them.
        public var tokenizerSampleBytes: Int? = Self.defaultTokenizerSampleBytes
        /// Longest document accepted (a file without separators fails at this size).
        public var maximumDocumentBytes = 256 << 20

        public static let defaultTokenizerSampleBytes = 256 << 20

        public init(
            chunkBytes: Int = 8 << 20, tokenizerSampleBytes: Int? = Self.defaultTokenizerSampleBytes,
            maximumDocumentBytes: Int = 256 << 20
        ) {
            (self.chunkBytes, self.tokenizerSampleBytes, self.maximumDocumentBytes) = (chunkBytes, tokenizerSampleBytes, maximumDocumentBytes)
        }
    }

    /// Prepares the data set into `directory` (replacing a data set there as a whole) and
    /// returns its summary. The built-in stories are prepared in memory (`run`) and written.
    /// - Throws: `CorpusError` for a corpus that cannot be used (before anything is written),
    ///   `TokenFileError`/`AtomicFileError` naming a file that cannot be written.
    public func prepare(
        into directory: URL, streaming: Streaming = .init(),
        progress: (PreparationProgress) -> Void = { _ in },
        log: (String) -> Void = { _ in }
    ) throws -> DataSummary {
        guard case .file(let path, let format, let invalidUTF8) = corpus else {
            let prepared = try run(log: log)
            try prepared.write(to: directory)
            return prepared.summary
        }
        try PreparedData.requireDataFolder(directory)
        var reader = CorpusReader(path: path, format: format, invalidUTF8: invalidUTF8)
        reader.chunkBytes = streaming.chunkBytes
        reader.maximumDocumentBytes = streaming.maximumDocumentBytes
        let fileBytes = try reader.fileSize()

        // 1. Documents, and every complaint about the file.
        var documents = 0, textBytes = 0, blank = true
        var meter = ProgressMeter(stage: .reading, totalBytes: fileBytes)
        let totals = try reader.forEachBatch { batch, read in
            documents += batch.count
            for d in batch {
                textBytes += d.utf8.count
                if blank, !d.allSatisfy(\.isWhitespace) { blank = false }
            }
            progress(meter.update(bytes: read, documents: documents))
            return true
        }
        progress(meter.finish())
        if format == .text {
            guard totals.textDocument, !totals.textBlank else { throw CorpusError.empty(path: path, format: format) }
            throw CorpusError.tooFewDocuments(name: path, count: 1)
        }
        guard documents > 0, !blank else { throw CorpusError.empty(path: path, format: format) }
        guard documents >= 2 else { throw CorpusError.noSeparator(path: path, format: format, bytes: totals.bytesRead) }
        log("corpus \(path): \(documents) documents, \(textBytes) bytes")
        let isValidation = Corpus.validationMask(documents: documents, validationFraction: validationFraction, seed: splitSeed)

        // 2. The tokenizer.
        let bpe = try tokenizer.resolve { size in
            let sample = streaming.tokenizerSampleBytes ?? Int.max
            var words = BPETrainer.WordCounts()
            var index = 0, sampled = 0, sampledDocuments = 0
            var meter = ProgressMeter(stage: .countingWords, totalBytes: min(fileBytes, sample))
            try reader.forEachBatch { batch, read in
                var chosen: [String] = []
                for d in batch {
                    if !isValidation[index] && sampled < sample {
                        chosen.append(d)
                        sampled += d.utf8.count
                    }
                    index += 1
                }
                words.add(chosen)
                sampledDocuments += chosen.count
                progress(meter.update(bytes: read, documents: sampledDocuments))
                return sampled < sample
            }
            progress(meter.finish())
            let trainDocuments = isValidation.reduce(0) { $0 + ($1 ? 0 : 1) }
            log(
                "training BPE to \(size) tokens on \(sampledDocuments) documents"
                    + (sampledDocuments < trainDocuments
                        ? " (the first \(sampled) bytes of the \(trainDocuments) training documents)" : ""))
            return BPETrainer(vocabularySize: size).train(words) { done, wanted in log("  merges \(done)/\(wanted)") }
        }

        // 3. Encoding, straight into the files.
        log("encoding")
        let v = bpe.vocabularySize
        let separator: [Int32] = bpe.endOfTextToken.map { [Int32($0)] } ?? bpe.encode("\n\n").map(Int32.init)
        var summary: DataSummary?
        try AtomicFile.createFolder(directory)
        try AtomicFolder.replace(directory, marker: PreparedData.summaryFileName) { folder in
            let trainURL = folder.appendingPathComponent(PreparedData.trainFileName)
            let validationURL = folder.appendingPathComponent(PreparedData.validationFileName)
            let trainFile = try TokenFileWriter(url: trainURL, vocabularySize: v)
            let validationFile = try TokenFileWriter(url: validationURL, vocabularySize: v)
            var tables = TokenStatistics.Tables()
            var counts = (train: 0, validation: 0), bytes = (train: 0, validation: 0), index = 0
            var meter = ProgressMeter(stage: .encoding, totalBytes: fileBytes)
            try reader.forEachBatch { batch, read in
                let encoded = bpe.encodeBatch(batch)
                for (d, tokens) in zip(batch, encoded) {
                    if isValidation[index] {
                        if bpe.endOfTextToken != nil || counts.validation > 0 { try validationFile.append(separator) }
                        try validationFile.append(tokens)
                        counts.validation += 1
                        bytes.validation += d.utf8.count
                    } else {
                        if bpe.endOfTextToken != nil || counts.train > 0 {
                            try trainFile.append(separator)
                            tables.add(separator)
                        }
                        try trainFile.append(tokens)
                        tables.add(tokens)
                        counts.train += 1
                        bytes.train += d.utf8.count
                    }
                    index += 1
                }
                progress(meter.update(bytes: read, documents: index))
                return true
            }
            try trainFile.finish()
            try validationFile.finish()
            progress(meter.finish())

            log("counting the entropy baselines")
            guard tables.count >= 2 else {
                throw TokenFileError(path: trainURL.path, reason: "the training stream has \(tables.count) token(s); the statistics need at least 2")
            }
            let validationTokens = try MappedTokenFile(url: validationURL)
            var unigram = TokenStatistics.HeldOut(order: 1, train: tables, vocabularySize: v)
            var bigram = TokenStatistics.HeldOut(order: 2, train: tables, vocabularySize: v)
            validationTokens.forEachChunk { chunk in
                unigram.add(chunk)
                bigram.add(chunk)
            }
            guard bigram.count >= 2 else {
                throw TokenFileError(path: validationURL.path, reason: "the validation stream has \(bigram.count) token(s); the statistics need at least 2")
            }
            let tokenizerFiles = bpe.encodedFiles()
            var s = DataSummary(
                corpus: path,
                documents: .init(train: counts.train, validation: counts.validation),
                tokens: .init(train: trainFile.count, validation: validationFile.count),
                bytes: .init(train: bytes.train, validation: bytes.validation),
                vocabularySize: v,
                merges: bpe.merges.count,
                endOfTextToken: bpe.endOfTextToken,
                tokenFileVersion: Int(TokenFile.version(vocabularySize: v)),
                unigramEntropy: tables.unigramEntropy,
                bigramConditionalEntropy: tables.bigramConditionalEntropy,
                validationUnigramCrossEntropy: unigram.crossEntropy,
                validationBigramCrossEntropy: bigram.crossEntropy,
                validationFraction: validationFraction,
                splitSeed: splitSeed)
            s.files = [
                PreparedData.trainFileName: try FileDigest(contentsOf: trainURL),
                PreparedData.validationFileName: try FileDigest(contentsOf: validationURL),
                BPETokenizer.vocabularyFileName: FileDigest(tokenizerFiles.vocabulary),
                BPETokenizer.mergesFileName: FileDigest(tokenizerFiles.merges),
            ]
            try AtomicFile.write(tokenizerFiles.vocabulary, to: folder.appendingPathComponent(BPETokenizer.vocabularyFileName))
            try AtomicFile.write(tokenizerFiles.merges, to: folder.appendingPathComponent(BPETokenizer.mergesFileName))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(s), to: folder.appendingPathComponent(PreparedData.summaryFileName))
            summary = s
        }
        summary!.files = nil
        return summary!
    }
}

/// Where a streaming preparation is: the pass, how far through its bytes, and how fast.
public struct PreparationProgress: Sendable, Equatable {
    public enum Stage: String, Sendable {
        case reading = "checking", countingWords = "counting words", encoding = "encoding"
    }
    public var stage: Stage
    /// Bytes of the file read in this pass, and the pass's total.
    public var bytes: Int
    public var totalBytes: Int
    /// Documents seen in this pass.
    public var documents: Int
    /// Seconds since the pass began.
    public var seconds: Double
    /// Whether the pass has ended.
    public var done: Bool

    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1e6 / seconds : 0 }

    /// Seconds left in this pass at the rate so far.
    public var secondsLeft: Double? {
        guard bytes > 0, seconds > 0, totalBytes >= bytes else { return nil }
        return Double(totalBytes - bytes) / (Double(bytes) / seconds)
    }

    /// "encoding  412.0/1000.0 MB (41%)  1,234,567 documents  12.3 MB/s  47 s left".
    public var line: String {
        let percent = totalBytes > 0 ? 100 * Double(bytes) / Double(totalBytes) : 100
        var text = String(
            format: "%@  %.1f/%.1f MB (%.0f%%)  %d documents  %.1f MB/s", stage.rawValue,
            Double(bytes) / 1e6, Double(totalBytes) / 1e6, percent, documents, megabytesPerSecond)
        if done {
            text += String(format: "  done in %.1f s", seconds)
        } else if let left = secondsLeft {
            text += String(format: "  %.0f s left", left)
        }
        return text
    }
}

/// Times one pass.
struct ProgressMeter {
    let stage: PreparationProgress.Stage
    let totalBytes: Int
    let start = Date()
    var last: PreparationProgress

    init(stage: PreparationProgress.Stage, totalBytes: Int) {
        (self.stage, self.totalBytes) = (stage, totalBytes)
        last = PreparationProgress(stage: stage, bytes: 0, totalBytes: totalBytes, documents: 0, seconds: 0, done: false)
    }

    /// Where the pass is after `bytes` and `documents`.
    mutating func update(bytes: Int, documents: Int) -> PreparationProgress {
        last = PreparationProgress(
            stage: stage, bytes: min(bytes, totalBytes), totalBytes: totalBytes, documents: documents,
            seconds: Date().timeIntervalSince(start), done: false)
        return last
    }

    /// The pass's final report.
    mutating func finish() -> PreparationProgress {
        last.seconds = Date().timeIntervalSince(start)
        last.done = true
        return last
    }
}
