import ArgumentParser
import Foundation
import Models

extension AttnLab {
    struct TokenizerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tokenizer",
            abstract: "Byte-level BPE as GPT-2: train, encode, decode.",
            subcommands: [Train.self, Encode.self, Decode.self]
        )
    }
}

/// Which tokenizer to use: 'bytes' or a folder with vocab.json + merges.txt.
struct TokenizerChoice: ParsableArguments {
    @Option(help: "'bytes' (vocabulary 256) or a folder with vocab.json + merges.txt (e.g. GPT-2's).")
    var tokenizer: String

    func load() throws -> BPETokenizer {
        tokenizer == "bytes" ? .byteLevel() : try BPETokenizer.load(directory: URL(fileURLWithPath: tokenizer))
    }
}

extension AttnLab.TokenizerCommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train byte-level BPE on a corpus and write vocab.json + merges.txt.")

        @OptionGroup var corpus: CorpusOptions

        @Option(help: "Vocabulary size, <|endoftext|> included.")
        var vocab = 4096

        @Option(help: "Output folder.")
        var output: String

        func validate() throws {
            if vocab < 257 { throw ValidationError("--vocab must be at least 257 (256 bytes + <|endoftext|>), got \(vocab)") }
        }

        func run() throws {
            let start = Date()
            let documents = try corpus.load().documents
            printError("training on \(documents.count) documents")
            let tokenizer = BPETrainer(vocabularySize: vocab).train(documents) { done, wanted in
                printError("  merges \(done)/\(wanted)")
            }
            try tokenizer.save(directory: URL(fileURLWithPath: output))
            print(
                String(
                    format: "vocabulary %d (%d merges) written to %@ in %.2f s", tokenizer.vocabularySize,
                    tokenizer.merges.count, output, Date().timeIntervalSince(start)))
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the token ids of a text (space-separated).")

        @OptionGroup var choice: TokenizerChoice

        @Option(help: "The text to encode.")
        var text: String?

        @Option(help: "A UTF-8 file to encode (instead of --text).")
        var file: String?

        @Flag(help: "Encode the literal text of special tokens such as <|endoftext|> as their ids.")
        var allowSpecial = false

        func validate() throws {
            if (text == nil) == (file == nil) { throw ValidationError("give exactly one of --text and --file") }
        }

        func run() throws {
            let tokenizer = try choice.load()
            let input = try text ?? Corpus.readText(path: file!, dropByteOrderMark: false)
            let ids = tokenizer.encode(input, allowingSpecialTokens: allowSpecial)
            print(ids.map(String.init).joined(separator: " "))
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the text of token ids (arguments, or an llm.c .bin file).")

        @OptionGroup var choice: TokenizerChoice

        @Argument(help: "Token ids.")
        var ids: [Int] = []

        @Option(help: "An llm.c .bin token file to decode (instead of ids).")
        var bin: String?

        func validate() throws {
            if ids.isEmpty == (bin == nil) { throw ValidationError("give token ids or --bin, not both") }
        }

        func run() throws {
            let tokenizer = try choice.load()
            let tokens = try bin.map { try TokenFile.read(URL(fileURLWithPath: $0)).tokens.map(Int.init) } ?? ids
            if let position = tokens.firstIndex(where: { !(0..<tokenizer.vocabularySize).contains($0) }) {
                let source = bin.map { "\($0): token \(tokens[position]) at position \(position)" } ?? "token id \(tokens[position]) (argument \(position + 1))"
                throw CommandError("\(source) is outside the vocabulary 0..<\(tokenizer.vocabularySize) of \(choice.tokenizer)")
            }
            print(tokenizer.decode(tokens), terminator: bin == nil ? "\n" : "")
        }
    }
}

/// A failure of a command's input found while running (printed without the usage text).
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
