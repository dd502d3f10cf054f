import CMPI
import Foundation

/// The ranks of a data-parallel job: MPI_COMM_WORLD when the process was started by `mpirun`
/// (or `srun --mpi=pmix`), else a group of one that never touches MPI. The whole MPI surface of
/// attnlab: rank, size, an in-place sum of a flat buffer over ranks, a broadcast from rank 0,
/// a barrier and an abort that ends every rank.
///
/// Every collective is a no-op in a group of one, so single-process code paths call them
/// unconditionally. MPI's default error handler (errors are fatal) stays in force: a failed
/// collective ends the job, and when any rank dies `mpirun` ends the others and names it.
public final class ProcessGroup: Sendable {
    public let rank: Int
    public let size: Int

    private init(rank: Int, size: Int) { (self.rank, self.size) = (rank, size) }

    /// A group of one: what a plain `attnlab …` runs as.
    public static let single = ProcessGroup(rank: 0, size: 1)

    /// This process's job. MPI is initialised (on first use) only when a launcher set its
    /// variables; otherwise this is `single` and MPI is never initialised.
    public static let world: ProcessGroup = {
        guard launchedByMPI(ProcessInfo.processInfo.environment) else { return single }
        let status = alab_mpi_init()
        guard status == 0 else {
            FileHandle.standardError.write(Data("attnlab: MPI_Init_thread failed (MPI error \(status))\n".utf8))
            exit(1)
        }
        return ProcessGroup(rank: Int(alab_mpi_rank()), size: Int(alab_mpi_size()))
    }()

    /// Whether a launcher started this process as a rank of an MPI job: Open MPI's `mpirun`
    /// sets OMPI_COMM_WORLD_SIZE, a PMIx launcher (`srun --mpi=pmix`) PMIX_RANK.
    public static func launchedByMPI(_ environment: [String: String]) -> Bool {
        environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// The number of ranks the launcher started (OMPI_COMM_WORLD_SIZE; 1 outside mpirun), read
    /// without initialising MPI.
    public static func launchedRanks(_ environment: [String: String]) -> Int {
        environment["OMPI_COMM_WORLD_SIZE"].flatMap { Int($0) } ?? 1
    }

    public var isDistributed: Bool { size > 1 }

    /// Replaces every rank's buffer with the element-wise sum over ranks (MPI_Allreduce).
    /// With two ranks each element is a + b on both, so the result is identical on every rank.
    public func sum(_ buffer: UnsafeMutableBufferPointer<Float>) {
        guard isDistributed, let base = buffer.baseAddress else { return }
        check(alab_mpi_allreduce_sum_float(base, buffer.count), "MPI_Allreduce")
    }

    public func sum(_ values: inout [Double]) {
        guard isDistributed else { return }
        values.withUnsafeMutableBufferPointer { v in check(alab_mpi_allreduce_sum_double(v.baseAddress!, v.count), "MPI_Allreduce") }
    }

    /// Rank 0's bytes, on every rank (MPI_Bcast).
    public func broadcast(_ bytes: inout [UInt8]) {
        guard isDistributed, !bytes.isEmpty else { return }
        bytes.withUnsafeMutableBytes { b in check(alab_mpi_broadcast(b.baseAddress!, b.count, 0), "MPI_Bcast") }
    }

    /// Rank 0's value, on every rank.
    public func broadcast(_ value: UInt64) -> UInt64 {
        guard isDistributed else { return value }
        var bytes = withUnsafeBytes(of: value.littleEndian) { Array($0) }
        broadcast(&bytes)
        return UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }

    /// Rank 0's text, on every rank (its length first, then its UTF-8 bytes).
    public func broadcast(_ text: String) -> String {
        guard isDistributed else { return text }
        var bytes = Array(text.utf8)
        let count = Int(broadcast(UInt64(bytes.count)))
        if bytes.count != count { bytes = Array(repeating: 0, count: count) }
        broadcast(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public func barrier() {
        guard isDistributed else { return }
        check(alab_mpi_barrier(), "MPI_Barrier")
    }

    /// Ends every rank of the job with a message naming this rank; a group of one just exits.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        let prefix = isDistributed ? "attnlab: rank \(rank) of \(size): " : "attnlab: "
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
        if isDistributed { alab_mpi_abort(code) }
        exit(code)
    }

    /// Ends the job unless every rank holds rank 0's `value` (e.g. a hash of the weights);
    /// the message names the first rank that differs and `what` the value was.
    public func requireAgreement(_ value: UInt64, on what: @autoclosure () -> String) {
        guard isDistributed else { return }
        let reference = broadcast(value)
        if reference != value {
            abort("\(what()) is \(String(value, radix: 16)), rank 0's is \(String(reference, radix: 16)); the ranks have diverged")
        }
    }

    public var seconds: Double { isDistributed ? alab_mpi_wtime() : Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private func check(_ status: Int32, _ call: String) {
        if status != 0 { abort("\(call) failed (MPI error \(status))") }
    }
}

/// FNV-1a over 32-bit words: a cheap fingerprint of weights for comparing ranks (not a
/// cryptographic hash).
public struct WordHash {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ words: UnsafeBufferPointer<Float>) {
        var h = value
        for x in words {
            h ^= UInt64(x.bitPattern)
            h &*= 0x0000_0100_0000_01b3
        }
        value = h
    }

    public mutating func combine(_ word: UInt64) {
        value ^= word
        value &*= 0x0000_0100_0000_01b3
    }
}
