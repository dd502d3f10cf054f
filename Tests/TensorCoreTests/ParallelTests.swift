import Foundation
import Testing

@testable import TensorCore

/// `Parallel.forEach` runs at most `threads` bodies at once, runs every index exactly once, and
/// gives results that do not depend on the thread count when each index has its own stream.
@Suite struct ParallelTests {
    /// Counts bodies running at the same moment and keeps the largest count seen.
    final class HighWaterMark: @unchecked Sendable {
        private let lock = NSLock()
        private var running = 0
        private(set) var highest = 0
        private(set) var visits: [Int]
        init(count: Int) { visits = [Int](repeating: 0, count: count) }
        func enter(_ i: Int) {
            lock.lock(); running += 1; highest = max(highest, running); visits[i] += 1; lock.unlock()
        }
        func leave() { lock.lock(); running -= 1; lock.unlock() }
    }

    /// Bodies that sleep keep their thread busy long enough for every worker to overlap, so the
    /// high-water mark reaches whatever width the loop really uses. (On a machine with fewer
    /// cores than `threads` the width is the core count, still within the bound.)
    @Test(arguments: [(1, 12), (2, 12), (3, 12), (3, 3), (4, 40), (2, 1)])
    func concurrentBodiesNeverExceedThreads(threads: Int, count: Int) {
        let mark = HighWaterMark(count: count)
        Parallel.forEach(count, threads: threads) { i in
            mark.enter(i)
            usleep(2_000)
            mark.leave()
        }
        #expect(mark.highest >= 1 && mark.highest <= threads, "\(mark.highest) bodies ran at once with threads: \(threads)")
        #expect(mark.visits == [Int](repeating: 1, count: count))
    }

    @Test func chunksAndMapAreBoundedToo() {
        let chunkMark = HighWaterMark(count: 3)
        Parallel.forEachChunk(100, chunks: 3) { range in
            chunkMark.enter([0: 0, 33: 1, 66: 2][range.lowerBound]!)  // ranges 0..<33, 33..<66, 66..<100
            usleep(2_000)
            chunkMark.leave()
        }
        #expect(chunkMark.highest <= 3 && chunkMark.visits == [1, 1, 1])
        let mapMark = HighWaterMark(count: 20)
        let squares = Parallel.map(20, threads: 2) { i -> Int in
            mapMark.enter(i)
            usleep(1_000)
            mapMark.leave()
            return i * i
        }
        #expect(mapMark.highest <= 2 && squares == (0..<20).map { $0 * $0 })
    }

    /// Per-index random streams give the same numbers whatever the thread count.
    @Test func resultsDoNotDependOnThreads() {
        let base = SeededRNG(seed: 42)
        func draws(threads: Int) -> [Double] {
            Parallel.map(37, threads: threads) { i in
                var rng = base.stream(UInt64(i))
                return (0..<100).reduce(0) { sum, _ in sum + rng.normal() }
            }
        }
        let serial = draws(threads: 1)
        for threads in [2, 3, 8] { #expect(draws(threads: threads) == serial) }
    }

    /// A loop inside a parallel body runs serially on that body's thread.
    @Test func nestedLoopsRunSerially() {
        let mark = HighWaterMark(count: 16)
        Parallel.forEach(2, threads: 2) { outer in
            #expect(Parallel.isInsideParallelRegion)
            Parallel.forEach(8, threads: 8) { inner in
                mark.enter(outer * 8 + inner)
                usleep(500)
                mark.leave()
            }
        }
        #expect(mark.highest <= 2 && mark.visits == [Int](repeating: 1, count: 16))
        #expect(!Parallel.isInsideParallelRegion)
    }

    /// A GEMM inside a parallel body runs whole: split, its parts would only run one after
    /// another on that body's thread. Outside, a large GEMM is still split across the threads.
    @Test func gemmsInsideParallelBodiesAreNotSplit() {
        BLASRuntime.ensureConfigured()
        #expect(BLASRuntime.gemmParts(m: 256, n: 256, k: 256, threads: 2) == 2)
        let parts = Parallel.map(2, threads: 2) { _ in BLASRuntime.gemmParts(m: 256, n: 256, k: 256, threads: 2) }
        #expect(parts == [1, 1])
    }
}
