import Foundation

@testable import Models

/// A small GPT-2-style vocabulary written as `vocab.json` + `merges.txt`: the 256 bytes in
/// GPT-2's id order (so "t" is 83 and "\n" is 198, as in GPT-2), eight merges and
/// `<|endoftext|>` as the last id.
enum HandBuiltVocabulary {
    static let merges = ["Ġ t", "h e", "Ġt he", "i n", "Ġ c", "a t", "Ġc at", "a a"]
    static let endOfTextID = 264

    static var vocabJSON: String {
        var entries: [String] = []
        for (id, byte) in ByteUnicode.gpt2Order.enumerated() {
            entries.append("\(VocabularyJSON.quote(String(ByteUnicode.scalar[Int(byte)]))): \(id)")
        }
        for (rank, merge) in merges.enumerated() {
            entries.append("\"\(merge.replacingOccurrences(of: " ", with: ""))\": \(256 + rank)")
        }
        entries.append("\"<|endoftext|>\": \(endOfTextID)")
        return "{" + entries.joined(separator: ",\n ") + "}"
    }

    static var mergesText: String { "#version: 0.2\n" + merges.joined(separator: "\n") + "\n" }

    /// Writes the two files into a new temporary folder and returns it.
    static func write() throws -> URL {
        let directory = TemporaryDirectory.make()
        try vocabJSON.write(to: directory.appendingPathComponent("vocab.json"), atomically: true, encoding: .utf8)
        try mergesText.write(to: directory.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        return directory
    }
}

enum TemporaryDirectory {
    static func make() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
