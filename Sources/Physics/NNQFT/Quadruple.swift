/// Four point indices (i ≤ j ≤ k ≤ l) at which a 4-point function is evaluated.
public struct Quadruple: Hashable, Codable, Sendable, CustomStringConvertible {
    public let i: Int, j: Int, k: Int, l: Int

    /// The quadruple with its indices sorted (correlators are symmetric).
    public init(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        let s = [a, b, c, d].sorted()
        i = s[0]; j = s[1]; k = s[2]; l = s[3]
    }

    public var indices: [Int] { [i, j, k, l] }
    public var isDiagonal: Bool { i == l }
    public var description: String { "(\(i),\(j),\(k),\(l))" }

    /// (i,i,i,i) for every point.
    public static func diagonal(_ n: Int) -> [Quadruple] { (0..<n).map { Quadruple($0, $0, $0, $0) } }

    /// Every distinct quadruple i ≤ j ≤ k ≤ l of n points (C(n+3, 4) of them).
    public static func all(_ n: Int) -> [Quadruple] {
        var out: [Quadruple] = []
        for i in 0..<n { for j in i..<n { for k in j..<n { for l in k..<n { out.append(Quadruple(i, j, k, l)) } } } }
        return out
    }

    /// The default set: every diagonal (i,i,i,i), every (i,i,j,j) with i < j, and the
    /// consecutive (i, i+1, i+2, i+3) for i + 3 < n — 4-point functions at coincident, paired and
    /// distinct points. For n ≤ 6 it is simply every quadruple.
    public static func standard(_ n: Int) -> [Quadruple] {
        if n <= 6 { return all(n) }
        var out = diagonal(n)
        for i in 0..<n { for j in (i + 1)..<n { out.append(Quadruple(i, i, j, j)) } }
        for i in 0..<(n - 3) { out.append(Quadruple(i, i + 1, i + 2, i + 3)) }
        return out
    }
}

/// Index of the pair (i, j), i ≤ j, in the upper triangle of an n×n symmetric matrix stored row
/// by row: (0,0), (0,1), …, (0,n−1), (1,1), … — n(n+1)/2 entries.
@inline(__always)
func pairIndex(_ a: Int, _ b: Int, _ n: Int) -> Int {
    let i = min(a, b), j = max(a, b)
    return i * n - i * (i - 1) / 2 + (j - i)
}
