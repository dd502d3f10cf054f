/// The token ids of a `TokenDataset`: an array built in memory, or an llm.c token file mapped
/// from disk (`MappedTokenFile`), read in place. Either way a random-access collection of ids.
public struct TokenStream: RandomAccessCollection, Sendable, Equatable {
    enum Storage: Sendable {
        case array([Int32])
        case mapped(MappedTokenFile)
    }
    let storage: Storage

    public init(_ tokens: [Int32]) { storage = .array(tokens) }
    public init(_ file: MappedTokenFile) { storage = .mapped(file) }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .array(let a): a.count
        case .mapped(let m): m.count
        }
    }

    @inline(__always) public subscript(i: Int) -> Int32 {
        switch storage {
        case .array(let a): a[i]
        case .mapped(let m): m[i]
        }
    }

    /// Whether the ids come from a mapped file.
    public var isMapped: Bool { if case .mapped = storage { true } else { false } }

    public static func == (a: TokenStream, b: TokenStream) -> Bool { a.count == b.count && a.elementsEqual(b) }
}
