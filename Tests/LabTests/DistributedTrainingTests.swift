import Foundation
import TensorCore
import Testing

@testable import Models

/// Data-parallel training over Open MPI on the real executable, two ranks on loopback
/// (`mpirun --oversubscribe`): two ranks with micro-batch B train exactly as one process with
/// accumulation 2; a SIGKILLed rank ends the job with a message naming it and leaves the last
/// checkpoint intact, from which `--resume` lands on the uninterrupted run; resuming with
/// another rank count is refused by name.
@Suite(.serialized) struct DistributedTrainingTests {
    static let mpirun = URL(fileURLWithPath: "/usr/bin/mpirun")
    /// 2 ranks against 1 process after 30 steps: relative gap of every logged loss, and of every
    /// weight tensor (max |Δ| / max |w|). Measured: losses 4e-8, weights 9e-5 (a bias whose
    /// gradient is tiny, where AdamW's g/√v magnifies last-bit differences). Ranks that trained
    /// on other micro-batches move the losses by ~1e-2.
    static let lossTolerance = 1e-6
    static let weightTolerance: Float = 1e-3

    /// `mpirun -np N` of attnlab with one BLAS thread per rank (so both runs use the same kernels).
    static func mpiArguments(_ ranks: Int, _ binary: URL, _ arguments: [String]) -> [String] {
        [
            "--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", "--mca", "btl", "self,vader",
            "-x", "ATTNLAB_THREADS=1", binary.path,
        ] + arguments
    }

    /// One process with one thread: the reference.
    static func single(_ binary: URL, _ arguments: [String]) throws -> (Int32, String, String) {
        try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["ATTNLAB_THREADS=1", binary.path] + arguments)
    }

    static func weights(_ run: URL) throws -> [String: [Float]] {
        let st = try SafeTensors.read(run.appendingPathComponent("checkpoint/\(Checkpoint.modelFile)"))
        var out: [String: [Float]] = [:]
        for name in st.names where !name.hasPrefix("norm_state") { out[name] = try (st.tensor(name) as Tensor<Float>).scalars }
        return out
    }

    /// The pid of rank `rank` among mpirun's children (Open MPI starts local ranks as its children).
    static func rankProcess(_ rank: Int, of launcher: Process) -> pid_t? {
        guard
            let children = try? String(
                contentsOfFile: "/proc/\(launcher.processIdentifier)/task/\(launcher.processIdentifier)/children",
                encoding: .utf8)
        else { return nil }
        for child in children.split(separator: " ").compactMap({ pid_t($0) }) {
            guard let environ = FileManager.default.contents(atPath: "/proc/\(child)/environ") else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return child }
        }
        return nil
    }

    /// SIGKILLs rank `rank` (process `pid`) of the job `launcher` started with `logs`, and
    /// expects the job to end non-zero with a message naming that rank.
    static func killRank(_ rank: Int, pid: pid_t, of launcher: Process, logs: URL) {
        kill(pid, SIGKILL)
        launcher.waitUntilExit()
        let log = ReliabilityProcessTests.text(logs.path + ".err") + ReliabilityProcessTests.text(logs.path + ".out")
        #expect(launcher.terminationStatus != 0)
        #expect(log.contains("rank \(rank)"), "the job's message does not name the dead rank: \(log)")
    }

    @Test(.tags(.slow), .skippedInFastRuns) func twoRanksMatchOneProcessSurviveAKilledRankAndRefuseAnotherRankCount() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.mpirun.path), "mpirun is missing: scripts/ensure-deps.sh test installs openmpi-bin")
        let (folder, data, binary) = try ReliabilityProcessTests.workspace("mpi")
        defer { try? FileManager.default.removeItem(at: folder) }
        let steps = 30
        let common = ReliabilityProcessTests.tiny + ["--data", data.path, "--steps", "\(steps)", "--checkpoint-interval", "1"]

        // The equal-numbers property: 2 ranks × accumulation 1 against 1 process × accumulation 2.
        let one = folder.appendingPathComponent("one")
        var (status, _, err) = try Self.single(binary, ["train"] + common + ["--accumulation", "2", "--out", one.path])
        #expect(status == 0, "one-process run failed: \(err)")
        let two = folder.appendingPathComponent("two")
        (status, _, err) = try runProcess(Self.mpirun, Self.mpiArguments(2, binary, ["train"] + common + ["--out", two.path]))
        #expect(status == 0, "two-rank run failed: \(err)")
        // Not bitwise: one process accumulates micro-batch 2's gradient into micro-batch 1's inside
        // the backward pass (GEMMs with β = 1, row sums), two ranks add the two afterwards, so
        // the sums round differently (measured: a few float32 ulps per step).
        let expected = try ReliabilityProcessTests.trainingLosses(one), actual = try ReliabilityProcessTests.trainingLosses(two)
        #expect(expected.count == steps && actual.keys.sorted() == expected.keys.sorted())
        let lossGap = expected.map { step, loss in abs((actual[step] ?? .nan) - loss) / abs(loss) }.max() ?? .nan
        #expect(lossGap <= Self.lossTolerance, "two-rank losses differ from one process with accumulation 2 by \(lossGap) (relative)")
        let w1 = try Self.weights(one), w2 = try Self.weights(two)
        #expect(w1.keys.sorted() == w2.keys.sorted())
        var worst: Float = 0
        for (name, a) in w1 {
            let b = try #require(w2[name])
            let gap = zip(a, b).map { abs($0 - $1) }.max() ?? 0, scale = a.map { abs($0) }.max() ?? 0
            #expect(gap <= Self.weightTolerance * scale, "final \(name) differs between 1 and 2 ranks by \(gap) (its largest weight \(scale))")
            worst = max(worst, gap / max(scale, .leastNormalMagnitude))
        }
        print("2 ranks vs 1 process with accumulation 2 after \(steps) steps: losses within \(lossGap), weights within \(worst) (relative)")
        #expect(try Checkpoint.manifest(in: two.appendingPathComponent("checkpoint")).training.ranks == 2)

        // A rank killed mid-run ends the job, named; the checkpoint survives and --resume finishes the run.
        let killed = folder.appendingPathComponent("killed")
        let launcher = try ReliabilityProcessTests.launch(
            Self.mpirun, Self.mpiArguments(2, binary, ["train"] + common + ["--out", killed.path]),
            logs: folder.appendingPathComponent("killed-log"))
        #expect(ReliabilityProcessTests.wait(for: 8, in: killed, process: launcher, seconds: 60))
        let victim = try #require(Self.rankProcess(1, of: launcher), "rank 1 of the job was not found among mpirun's children")
        Self.killRank(1, pid: victim, of: launcher, logs: folder.appendingPathComponent("killed-log"))
        let survivor = try Checkpoint.manifest(in: killed.appendingPathComponent("checkpoint"))
        #expect(survivor.step >= 8 && survivor.step < steps)
        (status, _, err) = try runProcess(Self.mpirun, Self.mpiArguments(2, binary, ["train"] + common + ["--out", killed.path, "--resume"]))
        #expect(status == 0, "resuming after the kill failed: \(err)")
        #expect(try ReliabilityProcessTests.trainingLosses(killed) == actual, "the resumed trajectory differs from the uninterrupted one")
        #expect(try Self.weights(killed) == w2, "the resumed run's final weights differ from the uninterrupted run's")

        // Another rank count would change every step's batch: refused, naming the job that wrote it.
        (status, _, err) = try Self.single(binary, ["train"] + common + ["--out", killed.path, "--resume"])
        #expect(status != 0)
        #expect(err.contains("2 ranks") && err.contains("mpirun -np 2"), "\(err)")
    }
}
