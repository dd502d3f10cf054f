import Foundation
import Testing

@testable import Lab

/// `bench compare`'s bookkeeping: the fastest of several rounds per row, and the targets.
@Suite struct TrainingComparisonTests {
    static func row(_ framework: String, _ model: String, _ config: String, _ tps: Double?) -> TrainingComparison.Row {
        var row = TrainingComparison.Row(framework: framework, model: model, config: config, loadBefore: 1)
        row.tokensPerSecond = tps
        if tps == nil { row.failure = "did not run" }
        return row
    }

    @Test func eachRowKeepsItsFastestRoundAndEveryRoundsFigure() {
        let rounds = [
            [Self.row("attnlab", "transformer", "A", 100), Self.row("attnlab", "qsf", "A", 70)],
            [Self.row("attnlab", "transformer", "A", 90), Self.row("attnlab", "qsf", "A", 85)],
        ]
        let rows = TrainingComparison.fastestRounds(rounds)
        #expect(rows.map(\.tokensPerSecond) == [100, 85])
        #expect(rows.map(\.roundTokensPerSecond) == [[100, 90], [70, 85]])
        // One round: rows unchanged, no per-round list.
        #expect(TrainingComparison.fastestRounds([rounds[0]]).map(\.roundTokensPerSecond) == [nil, nil])
        // A failed round loses to one that ran.
        let mixed = TrainingComparison.fastestRounds([[Self.row("attnlab", "qsf", "A", nil)], [Self.row("attnlab", "qsf", "A", 60)]])
        #expect(mixed[0].tokensPerSecond == 60 && mixed[0].failure == nil)
    }

    @Test func targetsReportRatiosAndWhetherTheyAreMet() {
        let rows = [
            Self.row("attnlab", "transformer", "A", 110), Self.row("pytorch 2.13.0", "sdpa", "A", 100),
            Self.row("attnlab", "qsf", "A", 80), Self.row("attnlab", "koopman", "A", 99),
            Self.row("attnlab", "linear", "A", 100),
        ]
        let report = TrainingComparison.Report(
            threads: 2, cpu: CPUInfo.current(), rows: rows, referenceNote: nil, loadAfter: 1,
            shapes: [.a], referenceWaitPolicies: nil, rounds: nil)
        let lines = TrainingComparison.targets(report)
        #expect(lines.contains { $0.contains("transformer vs PyTorch SDPA: 1.10× (goal ≥ 1.3×)") && $0.hasSuffix("NOT met") })
        #expect(lines.contains { $0.contains("qsf vs PyTorch SDPA: 0.80×") && $0.hasSuffix("NOT met") })
        #expect(lines.contains { $0.contains("koopman vs attnlab transformer: 0.90×") && $0.hasSuffix(" met") })
        #expect(lines.contains { $0.contains("linear attention vs attnlab transformer: 0.91×") && $0.hasSuffix("NOT met") })
        var faster = report
        faster.rows[0].tokensPerSecond = 131
        #expect(TrainingComparison.targets(faster).contains { $0.contains("transformer vs PyTorch SDPA: 1.31×") && $0.hasSuffix(" met") })
        // A ratio just under its goal is not printed as the goal.
        faster.rows[2].tokensPerSecond = 99.95
        #expect(TrainingComparison.targets(faster).contains { $0.contains("qsf vs PyTorch SDPA: 0.9995×") && $0.hasSuffix("NOT met") })
        faster.rows[2].tokensPerSecond = 99.9996
        #expect(TrainingComparison.targets(faster).contains { $0.contains("qsf vs PyTorch SDPA: 0.9999×") && $0.hasSuffix("NOT met") })
    }

    /// With data-parallel rows beside the threaded ones, each side is compared at its fastest.
    @Test func targetsCompareEachSideAtItsFastestLayout() {
        var replicas = Self.row("attnlab", "transformer", "A", 140)
        replicas.replicas = 2
        var ddp = Self.row("pytorch 2.13.0", "sdpa", "A", 112)
        ddp.ranks = 2
        let rows = [Self.row("attnlab", "transformer", "A", 110), replicas, Self.row("pytorch 2.13.0", "sdpa", "A", 100), ddp]
        let report = TrainingComparison.Report(
            threads: 2, cpu: CPUInfo.current(), rows: rows, referenceNote: nil, loadAfter: 1,
            shapes: [.a], referenceWaitPolicies: nil, rounds: nil)
        #expect(TrainingComparison.targets(report).contains { $0.contains("transformer vs PyTorch SDPA: 1.25×") && $0.hasSuffix("NOT met") })
        let table = TrainingComparison.table(report)
        #expect(table.contains("attnlab transformer ×2 replicas") && table.contains("SDPA DDP ×2"))
    }

    /// Every table names the CPU with its vector features, and how each side treated subnormals.
    @Test func tablesNameTheCPUFeaturesAndTheSubnormalSettings() {
        var attnlab = Self.row("attnlab", "transformer", "A", 110)
        attnlab.flushesDenormals = true
        var torch = Self.row("pytorch 2.13.0", "sdpa", "A", 100)
        torch.flushesDenormals = true
        torch.initialisation = "gpt2"
        var cpu = CPUInfo.current()
        cpu.model = "Test CPU"
        cpu.features = ["avx2", "fma", "avx512f", "avx512_bf16"]
        let report = TrainingComparison.Report(
            threads: 2, cpu: cpu, rows: [attnlab, torch], referenceNote: nil, loadAfter: 1,
            shapes: [.a, .b], referenceWaitPolicies: nil, rounds: nil)
        let lines = TrainingComparison.table(report).split(separator: "\n").map(String.init)
        let cpuLines = lines.filter { $0.hasPrefix("CPU: Test CPU") }
        #expect(cpuLines.count == 2, "one CPU line beside each config's table")
        #expect(cpuLines.allSatisfy { $0.contains("avx512f avx512_bf16") && $0.contains("(no ") && $0.contains("amx_tile") })
        #expect(
            lines.contains(
                "Subnormals: attnlab flushed (FTZ/DAZ in the training threads); PyTorch flushed (torch.set_flush_denormal), initialisation attnlab's (gpt2)"))
        torch.flushesDenormals = nil
        let old = TrainingComparison.denormalLine([attnlab, torch])
        #expect(old.contains("PyTorch not reported"))
    }
}
