import Foundation
import TensorCore

// Size letters: B batch size, T context length (tokens per row), N tokens in the stream.

/// A batch of next-token prediction rows: `targets[b, t] = inputs[b, t + 1]` within the stream.
public struct TokenBatch: Sendable, Equatable {
    public var batchSize: Int
    public var contextLength: Int
    /// (B, T) row-major token ids.
    public var inputs: [Int32]
    /// (B, T) row-major: the token after each input.
    public var targets: [Int32]
}

/// A token stream to train or evaluate on, with what is needed to report bits per byte.
///
/// Rows are windows of T + 1 consecutive tokens: the first T are the inputs and the last T
/// the targets. `randomBatch` draws B window starts uniformly from 0…N − T − 1 with the
/// generator passed in (deterministic for a seed); `evaluationBatches` covers the stream with
/// non-overlapping windows in order.
public struct TokenDataset: Sendable {
    /// (N) token ids, in memory or mapped from a token file.
    public let tokens: TokenStream
    public let vocabularySize: Int
    /// UTF-8 bytes of text the stream stands for (document separators excluded), if known.
    public let byteCount: Int?

    public init(tokens: [Int32], vocabularySize: Int, byteCount: Int? = nil) {
        precondition(vocabularySize > 0, "TokenDataset: vocabulary size must be positive")
        precondition(
            tokens.allSatisfy { $0 >= 0 && Int($0) < vocabularySize },
            "TokenDataset: every token must be in 0..<\(vocabularySize)")
        self.tokens = TokenStream(tokens)
        self.vocabularySize = vocabularySize
        self.byteCount = byteCount
    }

    /// Maps an llm.c `.bin` token file (`MappedTokenFile`): the ids stay on disk and in the page
    /// cache, read in place.
    /// - Throws: `TokenFileError`, or if a token is outside the vocabulary (naming its position).
    public init(contentsOf url: URL, vocabularySize: Int, byteCount: Int? = nil) throws {
        try self.init(file: try MappedTokenFile(url: url), vocabularySize: vocabularySize, byteCount: byteCount)
    }

    /// The ids of a mapped token file, checked against the vocabulary.
    /// - Throws: `TokenFileError` if a token is outside the vocabulary (naming its position).
    public init(file: MappedTokenFile, vocabularySize: Int, byteCount: Int? = nil) throws {
        precondition(vocabularySize > 0, "TokenDataset: vocabulary size must be positive")
        if let position = file.firstIndex(where: { Int($0) >= vocabularySize }) {
            throw TokenFileError(
                path: file.path,
                reason: "token \(file[position]) at position \(position) is outside the vocabulary 0..<\(vocabularySize)"
                    + " (the file was written with another tokenizer than this data set's)")
        }
        self.tokens = TokenStream(file)
        self.vocabularySize = vocabularySize
        self.byteCount = byteCount
    }

    /// Decodes the bytes of an llm.c `.bin` token file; `path` names it in errors.
    /// - Throws: `TokenFileError`, or if a token is outside the vocabulary (naming its position).
    public init(decoding data: Data, path: String, vocabularySize: Int, byteCount: Int? = nil) throws {
        let (tokens, _) = try TokenFile.decode(data, path: path)
        if let position = tokens.firstIndex(where: { Int($0) >= vocabularySize }) {
            throw TokenFileError(
                path: path,
                reason: "token \(tokens[position]) at position \(position) is outside the vocabulary 0..<\(vocabularySize)"
                    + " (the file was written with another tokenizer than this data set's)")
        }
        self.init(tokens: tokens, vocabularySize: vocabularySize, byteCount: byteCount)
    }

    /// Bytes of text per token (for bits per byte = nats per token / (ln 2 · bytes per token)).
    public var bytesPerToken: Double? {
        guard let byteCount, !tokens.isEmpty else { return nil }
        return Double(byteCount) / Double(tokens.count)
    }

    /// Bits per byte of a loss given in nats per token over this stream, if the byte count is known.
    public func bitsPerByte(nats loss: Double) -> Double? {
        bytesPerToken.map { loss / (log(2.0) * $0) }
    }

    /// B rows starting at uniform random positions.
    public func randomBatch(batchSize: Int, contextLength: Int, rng: inout SeededRNG) -> TokenBatch {
        precondition(batchSize > 0 && contextLength > 0, "randomBatch: batch size and context length must be positive")
        precondition(
            tokens.count > contextLength,
            "randomBatch: a context of \(contextLength) needs at least \(contextLength + 1) tokens, the stream has \(tokens.count)")
        let starts = (0..<batchSize).map { _ in rng.int(below: tokens.count - contextLength) }
        return batch(starts: starts, contextLength: contextLength)
    }

    /// Non-overlapping windows in stream order, grouped B at a time (the last batch may be
    /// smaller); at most `maxBatches` batches if given.
    public func evaluationBatches(batchSize: Int, contextLength: Int, maxBatches: Int? = nil) -> [TokenBatch] {
        precondition(batchSize > 0 && contextLength > 0, "evaluationBatches: batch size and context length must be positive")
        let windows = (tokens.count - 1) / contextLength
        var batches: [TokenBatch] = []
        var w = 0
        while w < windows, batches.count < (maxBatches ?? Int.max) {
            let rows = min(batchSize, windows - w)
            batches.append(batch(starts: (w..<w + rows).map { $0 * contextLength }, contextLength: contextLength))
            w += rows
        }
        return batches
    }

    private func batch(starts: [Int], contextLength t: Int) -> TokenBatch {
        var inputs = [Int32](repeating: 0, count: starts.count * t)
        var targets = inputs
        for (row, start) in starts.enumerated() {
            for k in 0..<t {
                inputs[row * t + k] = tokens[start + k]
                targets[row * t + k] = tokens[start + k + 1]
            }
        }
        return TokenBatch(batchSize: starts.count, contextLength: t, inputs: inputs, targets: targets)
    }
}
