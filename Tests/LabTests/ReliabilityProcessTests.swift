import Foundation
import TensorCore
import Testing

@testable import Models

/// The guarantees of docs/RELIABILITY.md tested on the real `attnlab` executable: a training
/// run killed with SIGKILL at random steps resumes onto the uninterrupted trajectory exactly;
/// SIGINT stops after the current step with a checkpoint and says where; a write that exceeds
/// the file-size limit (a full disk) fails with a clear error and leaves the previous
/// checkpoint intact; bad options and run folders of another configuration are refused.
@Suite(.serialized, .tags(.slow), .skippedInFastRuns) struct ReliabilityProcessTests {
    /// A model and run small enough that a step takes a few milliseconds.
    static let tiny = [
        "--arch", "transformer", "--width", "16", "--layers", "1", "--heads", "2", "--batch", "2",
        "--seq-len", "16", "--eval-interval", "10", "--log-interval", "1", "--seed", "3",
    ]

    /// A scratch folder holding a small prepared data set (200 stories, vocabulary 300).
    static func workspace(_ name: String) throws -> (folder: URL, data: URL, binary: URL) {
        let binary = try #require(builtExecutable(), "the attnlab executable is not built next to the tests")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-reliability-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data")
        let (status, _, err) = try runProcess(binary, ["data", "prepare", "--documents", "200", "--vocab", "300", "--output", data.path])
        #expect(status == 0, "data prepare failed: \(err)")
        return (folder, data, binary)
    }

    /// A started process whose output goes to files (so it never blocks on a full pipe).
    static func launch(_ executable: URL, _ arguments: [String], logs: URL) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: logs.path + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: logs.path + ".err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: logs.path + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logs.path + ".err"))
        try process.run()
        return process
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// The step of the checkpoint in a run folder (nil: none yet).
    static func checkpointStep(_ run: URL) -> Int? {
        let url = run.appendingPathComponent("checkpoint/config.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["step"] as? Int
    }

    /// Waits until the run's checkpoint reaches `step` or the process ends; false on timeout.
    static func wait(for step: Int, in run: URL, process: Process, seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let s = checkpointStep(run), s >= step { return true }
            if !process.isRunning { return true }
            usleep(1000)
        }
        return false
    }

    /// step → training loss, from metrics.jsonl (every line must parse).
    static func trainingLosses(_ run: URL) throws -> [Int: Double] {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        var losses: [Int: Double] = [:]
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "bad line \(line)")
            if object["kind"] as? String == "train", let step = object["step"] as? Int {
                #expect(losses[step] == nil, "step \(step) recorded twice")
                losses[step] = object["loss"] as? Double
            }
        }
        return losses
    }

    @Test func sigkillAtRandomStepsResumesOntoTheSameTrajectory() throws {
        let (folder, data, binary) = try Self.workspace("kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let steps = 60
        let common = Self.tiny + ["--data", data.path, "--steps", "\(steps)", "--checkpoint-interval", "1"]
        let reference = folder.appendingPathComponent("reference")
        let (status, _, err) = try runProcess(binary, ["train"] + common + ["--out", reference.path])
        #expect(status == 0, "uninterrupted run failed: \(err)")

        let run = folder.appendingPathComponent("killed")
        var rng = SeededRNG(seed: 20261123)
        var target = 0, kills = 0, launches = 0
        while launches < 12 {
            launches += 1
            let resume =
                FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint/config.json").path)
                || FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint.previous/config.json").path)
            let process = try Self.launch(
                binary, ["train"] + common + ["--out", run.path] + (resume ? ["--resume"] : []),
                logs: folder.appendingPathComponent("log\(launches)"))
            if kills < 4 {
                target += 3 + Int(rng.uniform() * 12)
                #expect(Self.wait(for: target, in: run, process: process))
                usleep(UInt32(rng.uniform() * 20_000))  // land anywhere in the step, checkpoint writes included
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
                    kills += 1
                    continue
                }
            }
            process.waitUntilExit()
            let log = folder.appendingPathComponent("log\(launches)").path
            #expect(process.terminationStatus == 0, "resumed run failed: \(Self.text(log + ".err"))")
            if resume { #expect(Self.text(log + ".err").contains("resuming at step")) }
            break
        }
        #expect(kills >= 3, "only \(kills) kills landed before the run finished")
        let expected = try Self.trainingLosses(reference), actual = try Self.trainingLosses(run)
        #expect(expected.count == steps)
        #expect(actual == expected, "the loss trajectory after \(kills) kills differs from the uninterrupted run")
        for file in [Checkpoint.modelFile, Checkpoint.optimizerFile] {
            let a = try Data(contentsOf: reference.appendingPathComponent("checkpoint/\(file)"))
            let b = try Data(contentsOf: run.appendingPathComponent("checkpoint/\(file)"))
            #expect(a == b, "final \(file) differs from the uninterrupted run's")
        }
    }

    @Test func sigintStopsAfterTheStepWithACheckpointAndSaysWhere() throws {
        let (folder, data, binary) = try Self.workspace("sigint")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = folder.appendingPathComponent("run")
        let arguments = ["train"] + Self.tiny + ["--data", data.path, "--steps", "100000", "--checkpoint-interval", "2", "--out", run.path]
        let logs = folder.appendingPathComponent("log")
        let process = try Self.launch(binary, arguments, logs: logs)
        #expect(Self.wait(for: 4, in: run, process: process))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let out = Self.text(logs.path + ".out"), err = Self.text(logs.path + ".err")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(err)")
        #expect(err.contains("interrupted: stopping after the current step"))
        let checkpoint = run.appendingPathComponent("checkpoint").path
        let step = try #require(Self.checkpointStep(run))
        #expect(step >= 4 && step < 100000)
        #expect(out.contains("stopped at step \(step); checkpoint in \(checkpoint) (continue with --resume)"), "stdout: \(out)")
        let manifest = try Checkpoint.manifest(in: URL(fileURLWithPath: checkpoint))
        #expect(manifest.step == step)
        _ = try SafeTensors.read(URL(fileURLWithPath: checkpoint).appendingPathComponent(Checkpoint.modelFile))
    }

    @Test func aFullDiskFailsClearlyAndKeepsThePreviousCheckpoint() throws {
        let (folder, data, binary) = try Self.workspace("full")
        defer { try? FileManager.default.removeItem(at: folder) }
        let prlimit = URL(fileURLWithPath: "/usr/bin/prlimit")
        try #require(
            FileManager.default.isExecutableFile(atPath: prlimit.path),
            "skipped: /usr/bin/prlimit (util-linux) is needed to run a child with a file-size limit")
        let run = folder.appendingPathComponent("run")
        let common = ["train"] + Self.tiny + ["--data", data.path, "--steps", "40", "--checkpoint-interval", "5", "--out", run.path]
        // A first process writes checkpoints and is killed after the one at step 10.
        let first = try Self.launch(binary, common, logs: folder.appendingPathComponent("first"))
        #expect(Self.wait(for: 10, in: run, process: first))
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let checkpoint = run.appendingPathComponent("checkpoint")
        let before = try [Checkpoint.configFile, Checkpoint.modelFile, Checkpoint.optimizerFile].map {
            try Data(contentsOf: checkpoint.appendingPathComponent($0))
        }
        let stepBefore = try #require(Self.checkpointStep(run))
        // The resumed process may write no file larger than half the model file: its next
        // checkpoint fails as on a full disk (EFBIG instead of ENOSPC).
        let limit = before[1].count / 2
        let (status, out, err) = try runProcess(prlimit, ["--fsize=\(limit)", binary.path] + common + ["--resume"])
        #expect(status != 0, "the run should fail; stdout: \(out)")
        #expect(err.contains("cannot write \(checkpoint.path).partial/\(Checkpoint.modelFile)") || err.contains("cannot write"), "stderr: \(err)")
        #expect(err.contains("File too large") && err.contains("previous file, if any, is unchanged"), "stderr: \(err)")
        let after = try [Checkpoint.configFile, Checkpoint.modelFile, Checkpoint.optimizerFile].map {
            try Data(contentsOf: checkpoint.appendingPathComponent($0))
        }
        #expect(after == before, "the previous checkpoint changed")
        #expect(Self.checkpointStep(run) == stepBefore)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix("checkpoint.") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
        // Without the limit the run resumes from that checkpoint and finishes.
        let (again, _, againErr) = try runProcess(binary, common + ["--resume"])
        #expect(again == 0, "\(againErr)")
        #expect(againErr.contains("resuming at step \(stepBefore) of 40"))
    }

    /// The same on a real full disk (ENOSPC): the run folder is copied onto a tmpfs with room
    /// for less than one more checkpoint. Needs root (mount); otherwise the file-size-limit test
    /// above stands for it.
    @Test func aFullTmpfsFailsClearlyAndKeepsThePreviousCheckpoint() throws {
        let (folder, data, binary) = try Self.workspace("tmpfs")
        defer { try? FileManager.default.removeItem(at: folder) }
        let mountPoint = folder.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let source = folder.appendingPathComponent("source")
        let common = Self.tiny + ["--data", data.path, "--steps", "40", "--checkpoint-interval", "5"]
        let first = try Self.launch(binary, ["train"] + common + ["--out", source.path], logs: folder.appendingPathComponent("first"))
        #expect(Self.wait(for: 10, in: source, process: first))
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        try Checkpoint.recover(source.appendingPathComponent("checkpoint"))
        let files = try FileManager.default.subpathsOfDirectory(atPath: source.path)
        let used = try files.reduce(0) { total, path in
            let attributes = try FileManager.default.attributesOfItem(atPath: source.appendingPathComponent(path).path)
            return total + ((attributes[.size] as? Int).map { ($0 + 4095) / 4096 * 4096 } ?? 4096)
        }
        let model = try Data(contentsOf: source.appendingPathComponent("checkpoint/\(Checkpoint.modelFile)")).count
        let size = used + 64 * 1024 + model / 2
        let (mounted, _, mountError) = try runProcess(
            URL(fileURLWithPath: "/bin/mount"),
            ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mountPoint.path])
        try #require(
            mounted == 0,
            "skipped: mounting a tmpfs needs root (\(mountError.trimmingCharacters(in: .whitespacesAndNewlines))); the file-size-limit test covers a full disk")
        defer { _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), [mountPoint.path]) }
        let run = mountPoint.appendingPathComponent("run")
        try FileManager.default.copyItem(at: source, to: run)
        let checkpoint = run.appendingPathComponent("checkpoint")
        let names = [Checkpoint.configFile, Checkpoint.modelFile, Checkpoint.optimizerFile]
        let before = try names.map { try Data(contentsOf: checkpoint.appendingPathComponent($0)) }
        let (status, out, err) = try runProcess(binary, ["train"] + common + ["--out", run.path, "--resume"])
        #expect(status != 0, "the run should fail; stdout: \(out)")
        #expect(err.contains("No space left on device") && err.contains(checkpoint.path + ".partial/"), "stderr: \(err)")
        let after = try names.map { try Data(contentsOf: checkpoint.appendingPathComponent($0)) }
        #expect(after == before, "the previous checkpoint changed")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter {
            ($0.hasPrefix("checkpoint.") || $0.hasPrefix(".")) && $0 != TrainingRunFolder.lockFileName
        }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
    }

    /// One bad command line: the arguments, and words the error must contain.
    struct BadCommand: Sendable, CustomStringConvertible {
        var arguments: [String]
        var expected: [String]
        var description: String { arguments.joined(separator: " ") }
    }

    /// Where the refused trainings of the table point: created for the run and removed again,
    /// as a refused run leaves nothing behind.
    static let refusedRun = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-refused-run-\(getpid())").path

    static let badCommands: [BadCommand] = [
        .init(arguments: ["train", "--width=-4"], expected: ["--width must be positive, got -4"]),
        .init(arguments: ["train", "--context", "0"], expected: ["--context must be positive, got 0"]),
        .init(arguments: ["train", "--steps", "0"], expected: ["--steps must be positive, got 0"]),
        .init(arguments: ["train", "--batch=-1"], expected: ["--batch must be positive, got -1"]),
        .init(arguments: ["train", "--arch", "gpt"], expected: ["--arch expects one of", "got 'gpt'"]),
        .init(arguments: ["train", "--lr=-0.1"], expected: ["--lr must be positive"]),
        .init(arguments: ["train", "--anneal", "1.5"], expected: ["--anneal must be in [0, 1), got 1.5"]),
        .init(arguments: ["train", "--checkpoint-interval=-1"], expected: ["--checkpoint-interval must be ≥ 0"]),
        .init(arguments: ["train", "--vocab", "100"], expected: ["--vocab must be in 257...2147483647", "got 100"]),
        .init(arguments: ["train", "--vocab", "5000000000"], expected: ["--vocab must be in 257...2147483647"]),
        .init(arguments: ["train", "--documents=-3"], expected: ["--documents must be at least 2, got -3"]),
        .init(arguments: ["train", "--steps", "many"], expected: ["--steps", "many"]),
        .init(arguments: ["train", "--bogus"], expected: ["Unknown option '--bogus'"]),
        .init(arguments: ["data", "prepare", "--vocab", "5000000000"], expected: ["--vocab must be at most 2147483647"]),
        .init(arguments: ["data", "prepare", "--vocab", "12"], expected: ["--vocab must be at least 257", "got 12"]),
        .init(arguments: ["data", "prepare", "--val-fraction", "1"], expected: ["--val-fraction must be in (0, 1), got 1.0"]),
        .init(arguments: ["generate", "/nonexistent-run", "--tokens", "0"], expected: ["--tokens must be positive, got 0"]),
        // Second round: sizes bounded against memory before anything is allocated, floats finite.
        .init(
            arguments: ["train", "--context", "1000000000", "--documents", "20", "--vocab", "300", "--out", refusedRun],
            expected: ["--context 1000000000", "needs at least", "of memory"]),
        .init(
            arguments: ["train", "--width", "1000000", "--heads", "1", "--documents", "20", "--vocab", "300", "--out", refusedRun],
            expected: ["--width 1000000", "needs at least"]),
        .init(
            arguments: ["train", "--batch", "1000000000", "--documents", "20", "--vocab", "300", "--out", refusedRun],
            expected: ["--batch 1000000000", "needs at least"]),
        .init(
            arguments: ["train", "--layers", "100000000", "--documents", "20", "--vocab", "300", "--out", refusedRun],
            expected: ["--layers 100000000", "needs at least"]),
        .init(
            arguments: ["train", "--match-params", "9000000000000000000", "--documents", "20", "--vocab", "300", "--out", refusedRun],
            expected: ["--match-params", "needs at least"]),
        .init(arguments: ["train", "--documents", "1000000000000"], expected: ["--documents 1000000000000", "of memory"]),
        .init(arguments: ["data", "prepare", "--documents", "1000000000000"], expected: ["--documents 1000000000000", "of memory"]),
        .init(arguments: ["train", "--lr", "inf"], expected: ["--lr must be positive and finite, got inf"]),
        .init(arguments: ["train", "--lr", "nan"], expected: ["--lr must be positive and finite, got nan"]),
        .init(arguments: ["train", "--weight-decay", "nan"], expected: ["--weight-decay must be a finite number ≥ 0, got nan"]),
        .init(arguments: ["train", "--clip=-1"], expected: ["--clip must be a finite number ≥ 0"]),
        .init(arguments: ["generate", "/nonexistent-run", "--temperature", "inf"], expected: ["--temperature must be a finite number ≥ 0", "got inf"]),
        .init(arguments: ["generate", "/nonexistent-run", "--temperature", "nan"], expected: ["--temperature must be a finite number ≥ 0", "got nan"]),
        .init(arguments: ["generate", "/nonexistent-run", "--temperature=-1"], expected: ["--temperature must be a finite number ≥ 0", "got -1.0"]),
        .init(
            arguments: ["generate", "/nonexistent-run", "--tokens", "9000000000000000000"],
            expected: ["--tokens 9000000000000000000", "more than this machine's"]),
    ]

    @Test(arguments: badCommands) func badOptionsAreRefusedByName(_ bad: BadCommand) throws {
        let binary = try #require(builtExecutable())
        let (status, out, err) = try runProcess(binary, bad.arguments)
        #expect(!FileManager.default.fileExists(atPath: Self.refusedRun), "a refused run left \(Self.refusedRun) behind")
        #expect(status != 0, "accepted: \(out)")
        for word in bad.expected { #expect(err.contains(word), "stderr: \(err)") }
        #expect(!err.contains("Fatal error") && !err.contains("Stack dump"))
    }

    /// Bad files and folders given to commands: each fails with the file and the problem named.
    @Test func badFilesAndRunFoldersAreRefusedByName() throws {
        let (folder, data, binary) = try Self.workspace("files")
        defer { try? FileManager.default.removeItem(at: folder) }
        func expectFailure(_ arguments: [String], _ words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let (status, out, err) = try runProcess(binary, arguments)
            #expect(status != 0, "accepted: \(out)", sourceLocation: sourceLocation)
            for word in words { #expect(err.contains(word), "stderr: \(err)", sourceLocation: sourceLocation) }
            #expect(!err.contains("Fatal error"), sourceLocation: sourceLocation)
        }
        // An empty corpus, a blank one, and invalid UTF-8 (with its byte offset and line).
        let empty = folder.appendingPathComponent("empty.txt"), blank = folder.appendingPathComponent("blank.txt")
        let invalid = folder.appendingPathComponent("invalid.txt")
        try Data().write(to: empty)
        try Data(" \n\n\t\n".utf8).write(to: blank)
        try Data([0x61, 0x62, 0x0A, 0x63, 0xC3, 0x28, 0x64]).write(to: invalid)
        try expectFailure(["data", "prepare", "--corpus", empty.path, "--output", folder.appendingPathComponent("o1").path], [empty.path])
        try expectFailure(["data", "prepare", "--corpus", blank.path, "--output", folder.appendingPathComponent("o2").path], [blank.path])
        try expectFailure(
            ["data", "prepare", "--corpus", invalid.path, "--output", folder.appendingPathComponent("o3").path],
            [invalid.path, "4", "line 2"])
        // A run folder of another configuration: the differing field is named.
        let run = folder.appendingPathComponent("run")
        let common = ["train"] + Self.tiny + ["--data", data.path, "--steps", "3", "--checkpoint-interval", "1", "--out", run.path]
        let (status, _, err) = try runProcess(binary, common)
        #expect(status == 0, "\(err)")
        try expectFailure(
            common + ["--resume", "--width", "24"], ["checkpoint/config.json", "different model configuration", "width: checkpoint has 16, this run has 24"])
        try expectFailure(common + ["--resume", "--lr", "0.01"], ["different training configuration", "maxLearningRate"])
        try expectFailure(common, ["already holds a checkpoint", "--resume"])
        try expectFailure(
            ["train"] + Self.tiny + ["--data", data.path, "--resume", "--out", folder.appendingPathComponent("none").path],
            ["holds no checkpoint"])
        // A checkpoint whose tensors do not fit the configuration.
        let model = run.appendingPathComponent("checkpoint/\(Checkpoint.modelFile)")
        var st = try SafeTensors.read(model)
        let name = try #require(st.names.first { $0.contains("embed") } ?? st.names.first)
        st.set(name, Tensor<Float>(shape: [3, 5], repeating: 0))
        try st.write(to: model)
        try expectFailure(["generate", run.path], [model.path, "tensor '\(name)' is [3, 5], the model needs"])
        try expectFailure(["eval", run.path], [model.path, "the model needs"])
        // A truncated checkpoint file and a malformed claims config.
        try Data([1, 2, 3]).write(to: model)
        try expectFailure(["generate", run.path], [model.path, "shorter than the 8-byte header length"])
        let config = folder.appendingPathComponent("config.json")
        try Data("{\"scale\": 7".utf8).write(to: config)
        try expectFailure(["claims", "check", "--config", config.path], [config.path, "is not an attnlab config.json"])
    }
}
