/// How the characters' names recur within documents: the long-range structure of `stories`.
public struct NameRecurrence: Sendable, Equatable {
    /// Name mentions in all documents.
    public var mentions: Int
    /// Mentions of a name already mentioned earlier in the same document.
    public var repeats: Int
    /// Mean distance in words from a repeated mention back to the name's first mention.
    public var meanDistanceToFirstMention: Double

    /// Fraction of mentions that repeat an earlier-introduced name.
    public var repeatFraction: Double { mentions == 0 ? 0 : Double(repeats) / Double(mentions) }

    /// Counts mentions of `names` (whole words, letters only) in each document.
    public init(documents: [String], names: [String]) {
        let nameSet = Set(names)
        var mentions = 0, repeats = 0, distance = 0
        for document in documents {
            var first: [Substring: Int] = [:]
            let words = document.split { !$0.isLetter }
            for (position, word) in words.enumerated() where nameSet.contains(String(word)) {
                mentions += 1
                if let start = first[word] { repeats += 1; distance += position - start } else { first[word] = position }
            }
        }
        self.mentions = mentions
        self.repeats = repeats
        self.meanDistanceToFirstMention = repeats == 0 ? 0 : Double(distance) / Double(repeats)
    }
}
