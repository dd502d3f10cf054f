import ArgumentParser
import Foundation
import Models

extension AttnLab {
    struct DataCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "data",
            abstract: "Corpora and token files.",
            subcommands: [Prepare.self]
        )
    }
}

/// Where the text comes from: the built-in stories or a file.
struct CorpusOptions: ParsableArguments {
    @Option(help: "'stories' (the built-in generator) or the path of a UTF-8 text file.")
    var corpus = "stories"

    @Option(help: "How a file is cut into documents: text (one document), paragraphs (blank lines), tinystories (<|endoftext|>).")
    var format: Corpus.Format = .paragraphs

    @Option(help: "Invalid UTF-8 in a file: error (name the byte offset) or replace (with U+FFFD).")
    var invalidUTF8: Corpus.InvalidUTF8 = .error

    @Option(help: "Number of stories to generate when --corpus is stories.")
    var documents = 10_000

    @Option(help: "Seed of the story generator.")
    var storySeed: UInt64 = 0

    func validate() throws {
        if corpus == "stories" && documents < 2 { throw ValidationError("--documents must be at least 2, got \(documents)") }
        if corpus == "stories" { try Self.checkStoryMemory(documents) }
    }

    /// Refuses a story count whose preparation needs more memory than the machine has.
    static func checkStoryMemory(_ documents: Int) throws {
        let bytes = DataPreparation.estimatedBytes(stories: documents)
        guard bytes <= MemoryBudget.physicalBytes else {
            throw ValidationError(
                "--documents \(documents): preparing that many stories needs about \(MemoryBudget.gigabytes(bytes)) "
                    + "of memory, more than the \(MemoryBudget.gigabytes(MemoryBudget.physicalBytes)) this machine has")
        }
    }

    var source: DataPreparation.CorpusSource {
        corpus == "stories"
            ? .stories(documents: documents, seed: storySeed)
            : .file(path: corpus, format: format, invalidUTF8: invalidUTF8)
    }

    func load() throws -> Corpus {
        corpus == "stories"
            ? StoryGenerator(seed: storySeed).corpus(documents: documents)
            : try Corpus.load(path: corpus, format: format, invalidUTF8: invalidUTF8)
    }
}

extension Corpus.Format: ExpressibleByArgument {}
extension Corpus.InvalidUTF8: ExpressibleByArgument {}

extension AttnLab.DataCommand {
    struct Prepare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Corpus → tokenizer → train/validation token files (llm.c .bin) and tokenizer files in a folder.",
            discussion: """
                Writes train.bin and val.bin (llm.c layout: 256 int32 header, magic 20240520, uint16 tokens, \
                or uint32 above 65535 tokens), vocab.json + merges.txt (Hugging Face format) and data.json \
                (counts and entropy baselines), then prints a summary line. Each document is preceded by \
                <|endoftext|>. See docs/DATA.md.
                """
        )

        @OptionGroup var corpus: CorpusOptions

        @Option(help: "'train' (byte-level BPE trained on the training split), 'bytes' (vocabulary 256), or a folder with vocab.json + merges.txt.")
        var tokenizer = "train"

        @Option(help: "Vocabulary size to train to (with --tokenizer train), <|endoftext|> included.")
        var vocab = 4096

        @Option(help: "Fraction of documents held out for validation.")
        var valFraction = 0.1

        @Option(help: "Seed of the train/validation split.")
        var seed: UInt64 = 0

        @Option(name: [.customLong("output"), .customLong("out")], help: "Output folder.")
        var output = "data/stories"

        @Option(
            help: ArgumentHelp(
                "UTF-8 bytes of training documents, from the start of the file, that the BPE tokenizer is trained on: a number with an optional K, M or G suffix, or 'all'.",
                valueName: "bytes"))
        var tokenizerSample = "256M"

        /// `--tokenizer-sample` in bytes, nil for all.
        static func sampleBytes(_ text: String) -> Int?? {
            if text == "all" { return .some(nil) }
            let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
            var digits = Substring(text), scale = 1
            if let last = text.last?.uppercased().first, let unit = units[last] { digits = text.dropLast(); scale = unit }
            guard let n = Int(digits), n > 0, n <= Int.max / scale else { return nil }
            return .some(n * scale)
        }

        func validate() throws {
            guard valFraction > 0 && valFraction < 1 else { throw ValidationError("--val-fraction must be in (0, 1), got \(valFraction)") }
            if tokenizer == "train" && vocab < 257 {
                throw ValidationError("--vocab must be at least 257 (256 bytes + <|endoftext|>), got \(vocab); use --tokenizer bytes for 256")
            }
            if vocab > Int(Int32.max) {
                throw ValidationError("--vocab must be at most \(Int32.max): llm.c token files store ids as 32-bit integers, got \(vocab)")
            }
            if Self.sampleBytes(tokenizerSample) == nil {
                throw ValidationError("--tokenizer-sample must be a positive number of bytes (e.g. 268435456, 256M, 1G) or 'all', got '\(tokenizerSample)'")
            }
        }

        func run() throws {
            // A size limit (ulimit -f) then fails a write with EFBIG, reported like a full disk.
            signal(SIGXFSZ, SIG_IGN)
            let source: DataPreparation.TokenizerSource
            switch tokenizer {
            case "train": source = .train(vocabularySize: vocab)
            case "bytes": source = .bytes
            default: source = .load(directory: URL(fileURLWithPath: tokenizer))
            }
            let preparation = DataPreparation(
                corpus: corpus.source, tokenizer: source,
                validationFraction: valFraction, splitSeed: seed)
            let start = Date()
            let directory = URL(fileURLWithPath: output)
            var streaming = DataPreparation.Streaming()
            streaming.tokenizerSampleBytes = Self.sampleBytes(tokenizerSample)!
            var display = ProgressDisplay()
            let summary = try preparation.prepare(
                into: directory, streaming: streaming,
                progress: { display.show($0) },
                log: {
                    display.clear(); printError($0)
                })
            printError(String(format: "wrote %@ in %.1f s", directory.path, Date().timeIntervalSince(start)))
            print(summary.line)
        }
    }
}

/// Progress of a long pass on standard error: one line rewritten in place on a terminal (at most
/// 5 times a second), else a line every 10 seconds and one at the end of each pass.
struct ProgressDisplay {
    let terminal = isatty(STDERR_FILENO) != 0
    var lastShown = Date.distantPast
    var showing = false

    mutating func show(_ progress: PreparationProgress) {
        let now = Date()
        if terminal {
            guard progress.done || now.timeIntervalSince(lastShown) >= 0.2 else { return }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + progress.line + (progress.done ? "\n" : "")).utf8))
            showing = !progress.done
        } else {
            guard progress.done || now.timeIntervalSince(lastShown) >= 10 else { return }
            printError(progress.line)
        }
        lastShown = now
    }

    /// Ends an in-place line before another message.
    mutating func clear() {
        if showing { FileHandle.standardError.write(Data("\n".utf8)); showing = false }
    }
}
