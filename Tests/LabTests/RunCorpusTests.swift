import Foundation
import Models
import TensorCore
import Testing

@testable import Lab

/// A named corpus end to end through the built executable at smoke scale: `--corpus FILE`
/// prepared into the run and recorded in config.json with its SHA-256, the QSF pipeline trained
/// on it, `--config` repeating it on the same bytes and refusing changed ones; `--data DIR` from
/// `attnlab data prepare`; bad corpora refused by name before any training.
@Suite struct RunCorpusTests {
    /// A TinyStories-format file of plain English sentences (not the built-in generator's).
    static func writeStories(to url: URL, count: Int = 120) throws {
        let subjects = ["The old sailor", "A small girl", "My neighbour", "The tired baker", "A curious fox", "The teacher"]
        let verbs = ["walked to", "looked at", "painted", "cleaned", "remembered", "found"]
        let objects = ["the quiet harbour", "a red umbrella", "the garden wall", "an empty basket", "the long road", "a broken clock"]
        var stories: [String] = []
        for i in 0..<count {
            let s = subjects[i % subjects.count], v = verbs[(i / 6) % verbs.count], o = objects[(i * 7) % objects.count]
            stories.append("\(s) \(v) \(o). It was a grey morning in spring.\nLater \(s.lowercased()) smiled, because \(o) was still there.")
        }
        try Data(stories.joined(separator: "\n<|endoftext|>\n").utf8).write(to: url)
    }

    @Test(.tags(.slow), .skippedInFastRuns) func aNamedCorpusIsTrainedOnRecordedAndRepeated() throws {
        let executable = try #require(builtExecutable())
        let temp = TemporaryDirectory()
        let file = temp.url.appendingPathComponent("stories.txt")
        try Self.writeStories(to: file)
        let first = temp.url.appendingPathComponent("first")
        let (status, _, stderr) = try runProcess(
            executable,
            [
                "reproduce", "qsf", "--scale", "smoke", "--seeds", "1", "--corpus", file.path,
                "--format", "tinystories", "--out", first.path,
            ])
        #expect(status == 0, "\(stderr)")
        let results = try RunResults.load(first.appendingPathComponent("results.json"))
        let corpus = try #require(results.config.corpus)
        #expect(corpus.origin == .file && corpus.format == "tinystories" && corpus.path.hasSuffix("stories.txt"))
        #expect(corpus.sourceSHA256 == (try SHA256.hex(file: file)))
        #expect(corpus.sha256.keys.sorted() == PreparedData.fileNames.sorted())
        #expect(corpus.documents == 120)
        let pipeline = try #require(results.experiment("qsf.pipeline"))
        #expect(pipeline.trainedScale?.corpus.contains("stories.txt") == true, "\(String(describing: pipeline.trainedScale))")
        let report = try String(contentsOf: first.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("stories.txt"))

        // --config repeats it on the same bytes…
        let second = temp.url.appendingPathComponent("second")
        let (rerun, _, rerunErr) = try runProcess(
            executable,
            [
                "claims", "check", "--config", first.appendingPathComponent("config.json").path,
                "--out", second.path,
            ])
        #expect(rerun == 0, "\(rerunErr)")
        let repeated = try RunResults.load(second.appendingPathComponent("results.json"))
        #expect(repeated.config.corpus?.sha256 == corpus.sha256)
        for (key, value) in pipeline.measurements where key.hasPrefix("loss.") {
            #expect(repeated.experiment("qsf.pipeline")?.measurements[key] == value, "\(key)")
        }

        // …and refuses a corpus that changed since, naming it, before training.
        try Self.writeStories(to: file, count: 130)
        let third = temp.url.appendingPathComponent("third")
        let (changed, _, changedErr) = try runProcess(
            executable,
            [
                "claims", "check", "--config", first.appendingPathComponent("config.json").path,
                "--out", third.path,
            ])
        #expect(changed != 0 && changedErr.contains(file.path) && changedErr.contains("SHA-256"), "\(changedErr)")
        #expect(!FileManager.default.fileExists(atPath: third.appendingPathComponent("results.json").path))
    }

    @Test(.tags(.slow), .skippedInFastRuns) func aPreparedFolderIsLinkedIntoTheRun() throws {
        let executable = try #require(builtExecutable())
        let temp = TemporaryDirectory()
        let file = temp.url.appendingPathComponent("stories.txt"), data = temp.url.appendingPathComponent("data")
        try Self.writeStories(to: file)
        let (prepared, _, preparedErr) = try runProcess(
            executable,
            [
                "data", "prepare", "--corpus", file.path, "--format", "tinystories",
                "--vocab", "300", "--output", data.path,
            ])
        #expect(prepared == 0, "\(preparedErr)")
        let run = temp.url.appendingPathComponent("run")
        let (status, _, stderr) = try runProcess(
            executable,
            [
                "claims", "check", "qsf.loss-ordering", "--scale", "smoke", "--seeds", "1",
                "--data", data.path, "--out", run.path,
            ])
        #expect(status == 0, "\(stderr)")
        let corpus = try #require(try RunResults.load(run.appendingPathComponent("results.json")).config.corpus)
        #expect(corpus.origin == .prepared && corpus.vocabulary == 300)
        #expect(corpus.sha256[PreparedData.trainFileName] == (try SHA256.hex(file: data.appendingPathComponent(PreparedData.trainFileName))))
    }

    @Test(arguments: [
        (["--corpus", "/nonexistent/corpus.txt"], "/nonexistent/corpus.txt"),
        (["--data", "/nonexistent/prepared"], "/nonexistent/prepared"),
        (["--format", "tinystories"], "--format"),
        (["--corpus", "/etc/hostname", "--format", "novels"], "novels"),
    ])
    func badCorpusOptionsAreRefusedByName(_ arguments: [String], _ named: String) throws {
        let executable = try #require(builtExecutable())
        let temp = TemporaryDirectory()
        let (status, _, stderr) = try runProcess(
            executable,
            [
                "claims", "check", "qsf.loss-ordering", "--scale", "smoke",
                "--out", temp.url.appendingPathComponent("run").path,
            ] + arguments)
        #expect(status != 0 && stderr.contains(named), "\(stderr)")
    }

    @Test(.tags(.slow), .skippedInFastRuns) func aCorpusThatIsNotUTF8IsRefusedBeforeTraining() throws {
        let executable = try #require(builtExecutable())
        let temp = TemporaryDirectory()
        let file = temp.url.appendingPathComponent("latin1.txt")
        try Data([0x48, 0x69, 0xE9, 0x0A] + Array("<|endoftext|>\nmore text\n".utf8)).write(to: file)
        let run = temp.url.appendingPathComponent("run")
        let (status, _, stderr) = try runProcess(
            executable,
            [
                "claims", "check", "qsf.loss-ordering", "--scale", "smoke",
                "--corpus", file.path, "--format", "tinystories", "--out", run.path,
            ])
        #expect(status != 0 && stderr.contains(file.path) && stderr.contains("UTF-8"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("config.json").path))
    }
}
