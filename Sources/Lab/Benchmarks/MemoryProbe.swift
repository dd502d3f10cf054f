import Foundation

/// The process's memory at one moment: resident set and data segment (/proc/self/status) and
/// the bytes glibc's malloc has handed out and not had back (`mallinfo2`: uordblks + hblkhd).
///
/// A training loop that allocates nothing per step after its first keeps `heapInUse` flat; a
/// leak of b bytes per step shows as a slope of b in `heapInUse` between two samples.
public struct MemorySample: Codable, Sendable {
    public var step: Int
    public var residentBytes: Int
    public var dataSegmentBytes: Int
    /// nil where mallinfo2 is unavailable.
    public var heapInUseBytes: Int?

    public static func now(step: Int) -> MemorySample {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func kilobytes(_ field: String) -> Int {
            for line in status.split(separator: "\n") where line.hasPrefix(field) {
                let number = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
                return (number.flatMap { Int($0) } ?? 0) * 1024
            }
            return 0
        }
        return MemorySample(
            step: step, residentBytes: kilobytes("VmRSS:"), dataSegmentBytes: kilobytes("VmData:"),
            heapInUseBytes: MallocStatistics.bytesInUse())
    }
}

/// glibc's `mallinfo2` (not exported by Swift's Glibc module), looked up at run time.
enum MallocStatistics {
    /// struct mallinfo2: ten size_t fields; arena, ordblks, smblks, hblks, hblkhd, usmblks,
    /// fsmblks, uordblks, fordblks, keepcost.
    private struct MallInfo2 {
        var fields: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// uordblks + hblkhd: bytes in chunks handed out from the arenas plus mmap'ed chunks.
    static func bytesInUse() -> Int? {
        #if os(Linux) && arch(x86_64)
            // An 80-byte struct is returned through a hidden pointer in the first argument register
            // (System V x86-64 ABI), so the function is callable as `void f(struct mallinfo2 *)`.
            guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "mallinfo2") else { return nil }
            typealias Function = @convention(c) (UnsafeMutableRawPointer) -> Void
            let function = unsafeBitCast(symbol, to: Function.self)
            var info = MallInfo2()
            withUnsafeMutableBytes(of: &info) { function($0.baseAddress!) }
            return info.fields.7 + info.fields.4
        #else
            return nil
        #endif
    }
}

/// Memory over a long training run: samples every `interval` steps and the growth per step
/// between `reference` and the last step.
public struct MemoryReport: Codable, Sendable {
    public var architecture: String
    public var config: String
    public var steps: Int
    public var reference: Int
    public var samples: [MemorySample]

    /// Bytes per step of heap-in-use growth between the reference step and the end (nil without mallinfo2).
    public var heapGrowthPerStep: Double? {
        guard let first = samples.first(where: { $0.step == reference })?.heapInUseBytes,
            let last = samples.last?.heapInUseBytes, let end = samples.last?.step, end > reference
        else { return nil }
        return Double(last - first) / Double(end - reference)
    }

    /// Bytes per step of resident-set growth between the reference step and the end.
    public var residentGrowthPerStep: Double {
        guard let first = samples.first(where: { $0.step == reference }), let last = samples.last, last.step > reference else { return 0 }
        return Double(last.residentBytes - first.residentBytes) / Double(last.step - reference)
    }

    public var summary: String {
        func mb(_ b: Int) -> String { String(format: "%.1f MB", Double(b) / 1_048_576) }
        var lines = ["memory, \(architecture) config \(config), \(steps) steps (samples after the step):"]
        lines.append("   step   resident   data segment   malloc in use")
        for s in samples {
            lines.append(
                TrainingComparison.pad("\(s.step)", 7) + TrainingComparison.pad(mb(s.residentBytes), 11)
                    + TrainingComparison.pad(mb(s.dataSegmentBytes), 15) + TrainingComparison.pad(s.heapInUseBytes.map(mb) ?? "—", 16))
        }
        let heap = heapGrowthPerStep.map { String(format: "%.1f bytes/step", $0) } ?? "unavailable"
        lines.append(
            String(
                format: "growth from step %d to %d: malloc in use %@, resident %.1f bytes/step",
                reference, samples.last?.step ?? 0, heap, residentGrowthPerStep))
        return lines.joined(separator: "\n")
    }
}
