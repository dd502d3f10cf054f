import Foundation
import Testing

@testable import Lab

/// `claims check` over Open MPI on the real executable, two ranks on loopback: the ranks share
/// the run's tasks and rank 0 writes a run directory with the same files and the same numbers as
/// one process; a SIGKILLed rank ends the job with a message naming it, and `--resume` finishes
/// the run onto the same results.
@Suite(.serialized) struct DistributedClaimsTests {
    /// A dependency chain (corpus → qsf.pipeline → qsf.spectrum), replicated simulations and a
    /// replicated training beside it: 12 tasks at smoke scale, a few seconds.
    static let claims = ["qsf.spectrum-annulus", "softmax.gibbs-identity", "kpz.exponents"]
    /// Measurements that are wall-clock timings (the pipeline's tokens/s and throughput ratios):
    /// they differ between any two runs, distributed or not.
    static let timed = ["tokensPerSecond.", "stepTokensPerSecond.", "stepThroughputRatio."]

    static func check(_ binary: URL, ranks: Int, _ arguments: [String]) throws -> (Int32, String, String) {
        let command = ["claims", "check"] + arguments + ["--jobs", ranks == 1 ? "2" : "1"]
        return ranks == 1
            ? try DistributedTrainingTests.single(binary, command)
            : try runProcess(DistributedTrainingTests.mpirun, DistributedTrainingTests.mpiArguments(ranks, binary, command))
    }

    /// Every measurement of every experiment and replicate that is not a timing, and every
    /// claim's verdicts, as text, keyed by where they stand in results.json.
    static func numbers(_ run: URL) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("results.json"))) as? [String: Any]
        var out: [String: String] = [:]
        func text(_ value: Any) -> String {
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else { return "\(value)" }
            return String(decoding: data, as: UTF8.self)
        }
        func add(_ measurements: Any?, _ prefix: String) {
            for (key, value) in (measurements as? [String: Any]) ?? [:] where !timed.contains(where: { key.hasPrefix($0) }) {
                out[prefix + key] = text(value)
            }
        }
        for case let experiment as [String: Any] in (object?["experiments"] as? [Any]) ?? [] {
            let id = experiment["id"] as? String ?? "?"
            add(experiment["measurements"], "\(id) ")
            for case let replicate as [String: Any] in (experiment["replicates"] as? [Any]) ?? [] {
                add(replicate["measurements"], "\(id) r\(replicate["index"] ?? "?") ")
            }
        }
        for case let claim as [String: Any] in (object?["claims"] as? [Any]) ?? [] {
            out["claim \(claim["id"] ?? "?")"] = text([claim["verdict"] ?? "?", claim["seedVerdicts"] ?? []])
        }
        return out
    }

    /// The entries that differ, as "key: expected ≠ actual" (the first few).
    static func differences(_ expected: [String: String], _ actual: [String: String]) -> String {
        Set(expected.keys).union(actual.keys).sorted().filter { expected[$0] != actual[$0] }.prefix(6)
            .map { "\($0): \(expected[$0] ?? "absent") ≠ \(actual[$0] ?? "absent")" }.joined(separator: "; ")
    }

    /// The run directory's files, relative to it.
    static func files(_ run: URL) -> [String] {
        let root = run.standardizedFileURL.path
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    @Test(.tags(.slow), .skippedInFastRuns) func twoRanksWriteWhatOneProcessWritesAndAKilledRankResumes() throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: DistributedTrainingTests.mpirun.path),
            "mpirun is missing: scripts/ensure-deps.sh test installs openmpi-bin")
        let (folder, _, binary) = try ReliabilityProcessTests.workspace("mpi-claims")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = Self.claims + ["--scale", "smoke", "--seed", "4"]

        let one = folder.appendingPathComponent("one"), two = folder.appendingPathComponent("two")
        var (status, _, err) = try Self.check(binary, ranks: 1, common + ["--out", one.path])
        #expect(status == 0, "one-process run failed: \(err)")
        (status, _, err) = try Self.check(binary, ranks: 2, common + ["--out", two.path])
        #expect(status == 0, "two-rank run failed: \(err)")
        #expect(err.contains("rank 1:"), "rank 1 ran no task: \(err)")
        let expected = try Self.numbers(one)
        #expect(expected.count > 50 && expected.keys.contains { $0.hasPrefix("claim ") })
        let actual = try Self.numbers(two)
        #expect(actual == expected, "two ranks measured other numbers than one process: \(Self.differences(expected, actual))")
        #expect(Self.files(two) == Self.files(one))

        // Rank 1 killed as soon as it has finished a task: the job ends naming it, what was
        // written stays, and --resume (here on two ranks again) completes the same run.
        let killed = folder.appendingPathComponent("killed")
        let arguments = DistributedTrainingTests.mpiArguments(2, binary, ["claims", "check"] + common + ["--jobs", "1", "--out", killed.path])
        let launcher = try ReliabilityProcessTests.launch(DistributedTrainingTests.mpirun, arguments, logs: folder.appendingPathComponent("killed-log"))
        let deadline = Date(timeIntervalSinceNow: 60)
        var victim: pid_t?
        while launcher.isRunning && Date() < deadline {
            let outcomes = Self.files(killed).filter { $0.hasSuffix(TaskBoard.outcomeFile) }
            if outcomes.contains(where: { ReliabilityProcessTests.text(killed.path + "/" + $0).contains("\"rank\" : 1") }) {
                victim = DistributedTrainingTests.rankProcess(1, of: launcher)
                break
            }
            usleep(10_000)
        }
        let pid = try #require(victim, "rank 1 finished no task before the job ended")
        DistributedTrainingTests.killRank(1, pid: pid, of: launcher, logs: folder.appendingPathComponent("killed-log"))
        #expect(
            !FileManager.default.fileExists(atPath: killed.appendingPathComponent("results.json").path),
            "the run finished before rank 1 was killed")
        (status, _, err) = try runProcess(
            DistributedTrainingTests.mpirun,
            DistributedTrainingTests.mpiArguments(2, binary, ["claims", "check", "--resume", killed.path, "--jobs", "1"]))
        #expect(status == 0, "resuming after the kill failed: \(err)")
        #expect(err.contains("resuming"))
        let resumed = try Self.numbers(killed)
        #expect(resumed == expected, "the resumed run measured other numbers than the uninterrupted one: \(Self.differences(expected, resumed))")
        #expect(Self.files(killed) == Self.files(one))
    }
}
