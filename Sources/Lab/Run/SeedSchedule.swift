import TensorCore

/// The seeds of a run's replicates: K seeds derived from the master seed.
///
/// Replicate k (1…K) runs at `SeededRNG(seed: master, stream: 0x5EED + k).next()`, so two
/// master seeds share no replicate seed (barring a 64-bit collision) and adding replicates keeps
/// the earlier ones. An experiment that runs once (`Replication.once`) gets the master seed.
public struct SeedSchedule: Sendable, Equatable {
    public var master: UInt64
    public var count: Int

    public init(master: UInt64, count: Int) {
        precondition(count >= 1, "a run has at least one seed")
        self.master = master
        self.count = count
    }

    /// The seed of replicate `k` (1-based).
    public func seed(replicate k: Int) -> UInt64 {
        precondition(k >= 1 && k <= count, "replicate \(k) outside 1…\(count)")
        var rng = SeededRNG(seed: master, stream: 0x5EED &+ UInt64(k))
        return rng.next()
    }

    /// Every replicate's seed, in order.
    public var seeds: [UInt64] { (1...count).map { seed(replicate: $0) } }

    /// Seeds per replicate at each scale when `--seeds` is not given: enough that a verdict is
    /// judged at several seeds, few enough that `make run` (quick) stays within minutes.
    public static func defaultCount(at scale: Scale) -> Int {
        switch scale {
        case .smoke: 2
        case .quick: 4
        case .small: 3
        case .paper: 3
        }
    }
}
