import Foundation
import TensorCore

/// Corpus → tokenizer → train/validation token streams, in memory or as files.
///
/// The corpus is split by document (`Corpus.split`), the tokenizer is trained on the training
/// part only (or loaded, or byte-level), and each part becomes one token stream in which every
/// document is preceded by `<|endoftext|>`, as llm.c's data scripts lay out TinyStories. A
/// tokenizer without that token (the 256-byte mode) separates documents by the tokens of a
/// blank line ("\n\n") instead.
public struct DataPreparation: Sendable {
    /// Where the text comes from.
    public enum CorpusSource: Sendable {
        /// The built-in `stories` generator.
        case stories(documents: Int, seed: UInt64)
        /// A UTF-8 file.
        case file(path: String, format: Corpus.Format, invalidUTF8: Corpus.InvalidUTF8)
    }

    /// Where the tokenizer comes from.
    public enum TokenizerSource: Sendable {
        /// Byte-level BPE trained on the training documents to this vocabulary size.
        case train(vocabularySize: Int)
        /// Bytes only: vocabulary 256, no end-of-text token.
        case bytes
        /// `vocab.json` + `merges.txt` from a folder.
        case load(directory: URL)

        /// The tokenizer this source names: byte-level, loaded from its folder, or for `.train` the
        /// one `train` trains to the vocabulary size (each preparation trains on what it holds).
        func resolve(training train: (Int) throws -> BPETokenizer) throws -> BPETokenizer {
            switch self {
            case .bytes: return .byteLevel()
            case .load(let directory): return try BPETokenizer.load(directory: directory)
            case .train(let size): return try train(size)
            }
        }
    }

    public var corpus: CorpusSource
    public var tokenizer: TokenizerSource
    /// Fraction of documents held out for validation.
    public var validationFraction = 0.1
    /// Seed of the document split.
    public var splitSeed: UInt64 = 0

    public init(corpus: CorpusSource, tokenizer: TokenizerSource, validationFraction: Double = 0.1, splitSeed: UInt64 = 0) {
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.validationFraction = validationFraction
        self.splitSeed = splitSeed
    }

    /// Bytes a preparation of `count` generated stories holds at once, estimated generously:
    /// a story is about 1 KB of text, held as the corpus, split into documents, counted as words
    /// by the tokenizer trainer and encoded as tokens — 8 KB per story in all.
    public static func estimatedBytes(stories count: Int) -> Double { Double(count) * 8192 }

    /// Runs the preparation; `log` receives progress lines.
    public func run(log: (String) -> Void = { _ in }) throws -> PreparedData {
        let full: Corpus
        switch corpus {
        case .stories(let count, let seed):
            precondition(count >= 2, "DataPreparation: stories needs at least 2 documents, got \(count)")
            full = StoryGenerator(seed: seed).corpus(documents: count)
        case .file(let path, let format, let invalidUTF8):
            full = try Corpus.load(path: path, format: format, invalidUTF8: invalidUTF8)
        }
        log("corpus \(full.name): \(full.documents.count) documents, \(full.byteCount) bytes")
        let (train, validation) = try full.split(validationFraction: validationFraction, seed: splitSeed)

        let bpe = try tokenizer.resolve { size in
            log("training BPE to \(size) tokens on \(train.documents.count) documents")
            return BPETrainer(vocabularySize: size).train(train.documents) { done, wanted in
                log("  merges \(done)/\(wanted)")
            }
        }
        log("encoding")
        let trainTokens = Self.encode(train, with: bpe), validationTokens = Self.encode(validation, with: bpe)
        let summary = DataSummary(
            corpus: full.name,
            documents: .init(train: train.documents.count, validation: validation.documents.count),
            tokens: .init(train: trainTokens.count, validation: validationTokens.count),
            bytes: .init(train: train.byteCount, validation: validation.byteCount),
            vocabularySize: bpe.vocabularySize,
            merges: bpe.merges.count,
            endOfTextToken: bpe.endOfTextToken,
            tokenFileVersion: Int(TokenFile.version(vocabularySize: bpe.vocabularySize)),
            unigramEntropy: TokenStatistics.unigramEntropy(trainTokens),
            bigramConditionalEntropy: TokenStatistics.bigramConditionalEntropy(trainTokens),
            validationUnigramCrossEntropy: TokenStatistics.heldOutCrossEntropy(
                order: 1, train: trainTokens, validation: validationTokens, vocabularySize: bpe.vocabularySize),
            validationBigramCrossEntropy: TokenStatistics.heldOutCrossEntropy(
                order: 2, train: trainTokens, validation: validationTokens, vocabularySize: bpe.vocabularySize),
            validationFraction: validationFraction,
            splitSeed: splitSeed)
        return PreparedData(
            tokenizer: bpe,
            train: TokenDataset(tokens: trainTokens, vocabularySize: bpe.vocabularySize, byteCount: train.byteCount),
            validation: TokenDataset(tokens: validationTokens, vocabularySize: bpe.vocabularySize, byteCount: validation.byteCount),
            summary: summary)
    }

    /// One stream: each document preceded by `<|endoftext|>` (or, without it, documents
    /// separated by the tokens of "\n\n").
    public static func encode(_ corpus: Corpus, with tokenizer: BPETokenizer) -> [Int32] {
        let encoded = tokenizer.encodeBatch(corpus.documents)
        let separator: [Int32] = tokenizer.endOfTextToken.map { [Int32($0)] } ?? tokenizer.encode("\n\n").map(Int32.init)
        var stream: [Int32] = []
        stream.reserveCapacity(encoded.reduce(0) { $0 + $1.count + separator.count })
        for (i, document) in encoded.enumerated() {
            if tokenizer.endOfTextToken != nil || i > 0 { stream += separator }
            stream += document
        }
        return stream
    }
}

/// What `data prepare` made: counts and the entropy baselines (nats/token).
public struct DataSummary: Sendable, Codable, Equatable {
    public struct Split: Sendable, Codable, Equatable {
        public var train: Int
        public var validation: Int
    }
    public var corpus: String
    public var documents: Split
    public var tokens: Split
    /// UTF-8 bytes of the documents (separators excluded): tokens/bytes gives bits per byte.
    public var bytes: Split
    public var vocabularySize: Int
    public var merges: Int
    public var endOfTextToken: Int?
    /// llm.c `.bin` version of the token files: 1 (uint16) or 2 (uint32).
    public var tokenFileVersion: Int
    /// Plug-in unigram entropy of the training stream.
    public var unigramEntropy: Double
    /// Plug-in bigram conditional entropy H(X_t | X_{t−1}) of the training stream.
    public var bigramConditionalEntropy: Double
    /// Validation cross-entropy of add-0.1 unigram / bigram tables fitted on the training stream.
    public var validationUnigramCrossEntropy: Double
    public var validationBigramCrossEntropy: Double
    public var validationFraction: Double
    public var splitSeed: UInt64
    /// Size and hash of every file of the set (train.bin, val.bin, vocab.json, merges.txt), by
    /// name: `PreparedData.load` refuses a folder whose files are not the ones this summary was
    /// written with. Absent in folders written before it existed.
    public var files: [String: FileDigest]?

    /// The one-line summary `data prepare` prints.
    public var line: String {
        "documents \(documents.train + documents.validation) (train \(documents.train), val \(documents.validation)), "
            + "tokens \(tokens.train + tokens.validation) (train \(tokens.train), val \(tokens.validation)), "
            + "vocabulary \(vocabularySize), unigram entropy \(String(format: "%.4f", unigramEntropy)) nats/token, "
            + "bigram conditional entropy \(String(format: "%.4f", bigramConditionalEntropy)) nats/token, "
            + "bytes/token \(String(format: "%.3f", Double(bytes.train) / Double(max(1, tokens.train))))"
    }
}
