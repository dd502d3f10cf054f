import Foundation

/// Which tokens count as "paragraph boundaries, sentence endings, and discourse markers" (seed 001
/// §IV.2) for `qsf.semantic-sparsity`. The list is fixed, not fitted to any outcome.
enum BoundaryTokens {
    /// Discourse markers of the built-in stories and of TinyStories-like text.
    static let discourseMarkers: Set<String> = [
        "then", "but", "so", "because", "however", "finally", "suddenly", "after", "when", "once", "one", "day",
        "and", "later", "meanwhile", "therefore", "also",
    ]

    /// Whether a decoded token is a sentence/paragraph boundary or a discourse marker: it ends a
    /// sentence (. ! ?), contains a line break or the end-of-text marker, or is a marker word.
    static func isBoundaryOrMarker(_ token: String) -> Bool {
        if token.contains("\n") || token.contains("<|endoftext|>") { return true }
        let trimmed = token.trimmingCharacters(in: .whitespaces)
        if let last = trimmed.last, ".!?".contains(last) { return true }
        return discourseMarkers.contains(trimmed.lowercased().trimmingCharacters(in: .punctuationCharacters))
    }
}
