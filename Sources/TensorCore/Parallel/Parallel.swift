import Dispatch
import Foundation

/// Work split across the machine's cores.
///
/// Results must not depend on the number of threads: callers give each index its own output
/// slot and its own random stream (`SeededRNG.stream(_:)`), and combine slots in index order.
public enum Parallel {
    /// Number of worker threads: `ATTNLAB_THREADS` if set, else the active processor count.
    public static let defaultThreads: Int = {
        if let text = ProcessInfo.processInfo.environment["ATTNLAB_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body(i)` for i in 0..<count on at most `threads` threads at once (fewer when the
    /// machine has fewer cores); returns when all are done. `body` must only write to memory
    /// owned by index i, so which thread runs which index changes nothing.
    ///
    /// With more indices than threads, `threads` workers take the next index from a shared
    /// counter until none is left (a worker that is slowed down takes fewer). Nested calls (from
    /// inside another parallel loop, or from a GEMM split inside one) run serially on the calling
    /// thread: the outer loop already occupies its threads.
    public static func forEach(
        _ count: Int, threads: Int = Parallel.defaultThreads,
        _ body: @Sendable (Int) -> Void
    ) {
        if count <= 0 { return }
        let workers = min(threads, count)
        if workers <= 1 || isInsideParallelRegion {
            for i in 0..<count { body(i) }
            return
        }
        // concurrentPerform runs at most `iterations` bodies at once (and at most the core count).
        let denormals = DenormalMode.current  // workers compute as the caller does (DenormalMode)
        if workers == count {
            DispatchQueue.concurrentPerform(iterations: count) { i in insideParallelRegion(denormals) { body(i) } }
            return
        }
        let next = IndexCounter(end: count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            insideParallelRegion(denormals) {
                while let i = next.take() { body(i) }
            }
        }
    }

    /// Runs `body` marked as inside a parallel region with the caller's FTZ/DAZ bits, restoring
    /// the worker's mark and bits afterwards.
    private static func insideParallelRegion(_ denormals: UInt32, _ body: () -> Void) {
        let outer = isInsideParallelRegion, workerDenormals = DenormalMode.set(denormals)
        setInsideParallelRegion(true)
        body()
        setInsideParallelRegion(outer)
        DenormalMode.set(workerDenormals)
    }

    /// Hands out 0, 1, … end − 1 once each, to whichever thread asks first.
    private final class IndexCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private let end: Int
        init(end: Int) { self.end = end }
        func take() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < end else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Whether the current thread is running the body of a parallel loop.
    public static var isInsideParallelRegion: Bool { pthread_getspecific(regionKey) != nil }

    private static func setInsideParallelRegion(_ inside: Bool) {
        pthread_setspecific(regionKey, inside ? UnsafeRawPointer(bitPattern: 1) : nil)
    }

    private static let regionKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body(range)` over `chunks` contiguous ranges covering 0..<count, on up to `chunks`
    /// threads. Inside a parallel body the whole range is one chunk: the pieces would only run one
    /// after another on the calling thread (a data-parallel replica's Koopman scan then read all
    /// of K once per piece at every time step). Callers give every index its own result, so the
    /// number of pieces changes no result.
    public static func forEachChunk(
        _ count: Int, chunks: Int = Parallel.defaultThreads,
        _ body: @Sendable (Range<Int>) -> Void
    ) {
        let pieces = isInsideParallelRegion ? 1 : max(1, min(chunks, count))
        forEach(pieces, threads: pieces) { piece in
            let start = count * piece / pieces, end = count * (piece + 1) / pieces
            if start < end { body(start..<end) }
        }
    }

    /// Maps 0..<count to results in index order, computed on up to `threads` threads.
    public static func map<T: Sendable>(
        _ count: Int, threads: Int = Parallel.defaultThreads,
        _ body: @Sendable (Int) -> T
    ) -> [T] {
        let slots = SendableBox([T?](repeating: nil, count: count))
        let lock = NSLock()
        forEach(count, threads: threads) { i in
            let value = body(i)
            lock.lock()
            slots.value[i] = value
            lock.unlock()
        }
        return slots.value.map { $0! }
    }
}

/// A mutable box that may cross threads; the user guarantees exclusive access per element or
/// takes a lock.
public final class SendableBox<T>: @unchecked Sendable {
    public var value: T
    public init(_ value: T) { self.value = value }
}

/// A pointer that may cross threads; the user guarantees disjoint writes.
public struct UnsafeSendablePointer<T>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<T>
    public init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
    @inline(__always) public subscript(_ i: Int) -> T {
        get { pointer[i] }
        nonmutating set { pointer[i] = newValue }
    }
}

/// A closure that may cross threads; the user guarantees it is safe to call concurrently.
public struct UnsafeSendableClosure<A, B, C, D, E>: @unchecked Sendable {
    public let body: (A, B, C, D, E) -> Void
    public init(_ body: @escaping (A, B, C, D, E) -> Void) { self.body = body }
}
