import Foundation
import Testing

@testable import TensorCore

/// `DenormalMode`: FTZ/DAZ on the calling thread and, through `Parallel`, on its workers;
/// restored afterwards; IEEE gradual underflow everywhere else.
@Suite struct DenormalModeTests {
    /// Half the smallest normal Float, computed from memory so the compiler cannot fold it.
    static func halfOfSmallestNormal(_ values: [Float]) -> Float { values[0] * values[1] }
    static let operands: [Float] = [.leastNormalMagnitude, 0.5]
    static let subnormal = Float.leastNormalMagnitude / 2

    @Test func flushingChangesOnlyTheBlockAndReachesEveryWorker() {
        #expect(!DenormalMode.isFlushing, "threads start with IEEE gradual underflow")
        #expect(Self.halfOfSmallestNormal(Self.operands) == Self.subnormal)
        let results = DenormalMode.with(flushing: true) { () -> [Float] in
            #expect(DenormalMode.isFlushing)
            let out = SendableBox([Float](repeating: -1, count: 64))
            let lock = NSLock()
            Parallel.forEach(64) { i in
                let y = Self.halfOfSmallestNormal(Self.operands) + (Self.operands[0] * 0.25) * Float(i % 2)  // FTZ: 0
                lock.withLock { out.value[i] = y }
            }
            return out.value
        }
        #expect(results.allSatisfy { $0 == 0 }, "every worker flushed: \(Set(results))")
        #expect(!DenormalMode.isFlushing, "the caller's setting is restored")
        // Workers are restored too: a parallel loop outside the block underflows gradually again.
        let after = SendableBox([Float](repeating: -1, count: 64))
        let lock = NSLock()
        Parallel.forEach(64) { i in
            let y = Self.halfOfSmallestNormal(Self.operands)
            lock.withLock { after.value[i] = y }
        }
        #expect(after.value.allSatisfy { $0 == Self.subnormal }, "workers keep IEEE outside the block: \(Set(after.value))")
    }

    @Test func dazReadsSubnormalOperandsAsZero() {
        let tiny: [Float] = [Self.subnormal, 1e30]
        let ieee = tiny[0] * tiny[1]
        let flushed = DenormalMode.with(flushing: true) { tiny[0] * tiny[1] }
        #expect(ieee > 0 && flushed == 0, "IEEE \(ieee), flushed \(flushed)")
    }
}
