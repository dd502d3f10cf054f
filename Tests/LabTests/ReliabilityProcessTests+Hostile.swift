import Foundation
import TensorCore
import Testing

@testable import Models

/// The second reliability round on the real executable (docs/RELIABILITY.md): run folders
/// owned by one writer and never reused, data sets written and read as one set, and
/// checkpoints, weights and data that used to trap or print a wrong answer refused by name.
extension ReliabilityProcessTests {
    /// Runs `arguments` and checks it fails with every phrase, no trap and no raw Foundation error.
    static func expectRefusal(_ binary: URL, _ arguments: [String], _ words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (status, out, err) = try runProcess(binary, arguments)
        #expect(status != 0, "accepted: \(out)", sourceLocation: sourceLocation)
        for word in words { #expect(err.contains(word), "stderr: \(err)", sourceLocation: sourceLocation) }
        for raw in ["Fatal error", "NSCocoaErrorDomain", "Error Domain="] { #expect(!err.contains(raw), "stderr: \(err)", sourceLocation: sourceLocation) }
    }

    /// Every file under `folder` with its bytes (symbolic links as their destination).
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            let url = folder.appendingPathComponent(path)
            if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) { files[path] = Data(link.utf8); continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue { files[path] = try Data(contentsOf: url) }
        }
        return files
    }

    /// `train --out` never writes into a folder that is not its own run, never outside its folder,
    /// and one writer at a time; paths that cannot be a run folder fail in plain words.
    @Test func runFoldersAreOwnedByOneWriterAndNeverReused() throws {
        let (folder, data, binary) = try Self.workspace("owners")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["train"] + Self.tiny + ["--data", data.path, "--steps", "3"]
        // A claims run folder: metrics.jsonl of 686 lines was replaced before; now refused, untouched.
        let claims = folder.appendingPathComponent("claims")
        try FileManager.default.createDirectory(at: claims.appendingPathComponent("checkpoint"), withIntermediateDirectories: true)
        try Data(String(repeating: "{\"step\": 1}\n", count: 686).utf8).write(to: claims.appendingPathComponent("metrics.jsonl"))
        try Data("{}".utf8).write(to: claims.appendingPathComponent("results.json"))
        try Data("mine".utf8).write(to: claims.appendingPathComponent("checkpoint/notes.txt"))
        let before = try Self.snapshot(claims)
        try Self.expectRefusal(binary, common + ["--out", claims.path], [claims.path, "not an attnlab training run", "results.json"])
        try Self.expectRefusal(binary, common + ["--out", claims.path, "--resume"], [claims.path, "not an attnlab training run"])
        #expect(try Self.snapshot(claims) == before, "the foreign folder changed")
        // OUT/data -> elsewhere: refused, nothing written elsewhere.
        let linked = folder.appendingPathComponent("linked"), elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: linked, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: linked.appendingPathComponent("data"), withDestinationURL: elsewhere)
        try Self.expectRefusal(binary, common + ["--out", linked.path], [linked.appendingPathComponent("data").path, "symbolic link"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        // Paths that cannot be a run folder.
        let file = folder.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        try Self.expectRefusal(binary, common + ["--out", file.path], [file.path, "a file of that name is in the way"])
        try Self.expectRefusal(binary, common + ["--out", "/proc/attnlab-run"], ["/proc/attnlab-run", "No such file or directory"])
        try Self.expectRefusal(binary, ["data", "prepare", "--documents", "20", "--vocab", "300", "--output", file.path], [file.path])
        try Self.expectRefusal(
            binary, ["data", "prepare", "--documents", "20", "--vocab", "300", "--output", claims.path],
            [claims.path, "not part of an attnlab data set"])
        #expect(try Self.snapshot(claims) == before, "the foreign folder changed")
        // A read-only folder: a read-only tmpfs as root (root writes through permissions), else chmod.
        let readOnly = folder.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        let (mounted, _, _) = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly.path])
        defer { if mounted == 0 { _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), [readOnly.path]) } }
        if mounted != 0 { try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path) }
        if mounted == 0 || getuid() != 0 {
            let reason = mounted == 0 ? "Read-only file system" : "Permission denied"
            try Self.expectRefusal(binary, common + ["--out", readOnly.path], [readOnly.path, reason])
            try Self.expectRefusal(binary, common + ["--out", readOnly.appendingPathComponent("sub").path], [readOnly.path, reason])
            try Self.expectRefusal(
                binary, ["data", "prepare", "--documents", "20", "--vocab", "300", "--output", readOnly.appendingPathComponent("d").path],
                [readOnly.path, reason])
        }
        // Two writers of one folder: the second is refused naming the first's pid.
        let run = folder.appendingPathComponent("run")
        let first = try Self.launch(
            binary,
            ["train"] + Self.tiny + [
                "--data", data.path, "--steps", "100000", "--checkpoint-interval", "5",
                "--out", run.path,
            ], logs: folder.appendingPathComponent("first"))
        #expect(Self.wait(for: 5, in: run, process: first))
        try Self.expectRefusal(
            binary, ["train"] + Self.tiny + ["--data", data.path, "--steps", "100000", "--out", run.path, "--resume"],
            [run.path, "in use by another attnlab train (pid \(first.processIdentifier))"])
        kill(first.processIdentifier, SIGINT)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0, "\(Self.text(folder.appendingPathComponent("first").path + ".err"))")
    }

    /// Manifests, weights and data that would have trapped or printed a wrong answer are
    /// refused with the file named; a finished run is not resumed twice.
    @Test func hostileCheckpointsAndDataAreRefusedByName() throws {
        let (folder, data, binary) = try Self.workspace("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = folder.appendingPathComponent("run")
        let common = ["train"] + Self.tiny + ["--data", data.path, "--steps", "6", "--checkpoint-interval", "2", "--out", run.path]
        let (status, _, err) = try runProcess(binary, common)
        #expect(status == 0, "\(err)")
        let metrics = run.appendingPathComponent("metrics.jsonl"), manifest = run.appendingPathComponent("checkpoint/config.json")
        let linesBefore = try Data(contentsOf: metrics)

        // A finished run resumed: nothing appended, no "0 tokens/s".
        let (again, out, againErr) = try runProcess(binary, common + ["--resume"])
        #expect(again == 0 && out.contains("finished at step 6 of 6; nothing to resume") && !out.contains("tokens/s"), "\(out) \(againErr)")
        #expect(try Data(contentsOf: metrics) == linesBefore)

        // "step": -5 trapped after truncating metrics.jsonl to nothing.
        let original = try Data(contentsOf: manifest)
        func editManifest(_ edit: (inout [String: Any]) -> Void) throws {
            var object = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
            edit(&object)
            try JSONSerialization.data(withJSONObject: object).write(to: manifest)
        }
        try editManifest { $0["step"] = -5 }
        try Self.expectRefusal(binary, common + ["--resume"], [manifest.path, "step is -5"])
        #expect(try Data(contentsOf: metrics) == linesBefore, "metrics.jsonl changed before the manifest was checked")
        // Absurd sizes in config.json: refused by eval and generate before allocating.
        try editManifest { object in
            var model = object["model"] as! [String: Any]
            model["layers"] = 1_000_000_000
            object["model"] = model
        }
        try Self.expectRefusal(binary, ["generate", run.path], [manifest.path, "needs at least", "of memory"])
        try Self.expectRefusal(binary, ["eval", run.path], [manifest.path, "needs at least"])
        try original.write(to: manifest)

        // Non-finite and huge weights: refused with the file and tensor (eval printed nan, generate trapped).
        let model = run.appendingPathComponent("checkpoint/model.safetensors")
        let weights = try Data(contentsOf: model)
        for value in [Float.nan, .infinity, 1e30] {
            var st = try SafeTensors.read(model)
            var t: Tensor<Float> = try st.tensor("norm.weight")
            t.withUnsafeMutableBufferPointer { $0[1] = value }
            st.set("norm.weight", t)
            try st.write(to: model)
            for command in ["generate", "eval"] {
                try Self.expectRefusal(binary, [command, run.path], [model.path, "tensor 'norm.weight' element 1 is"])
            }
            try weights.write(to: model)
        }
        // A wrong dtype names the file.
        var st = try SafeTensors.read(model)
        st.set("norm.bias", int32: [Int32](repeating: 0, count: 16))
        try st.write(to: model)
        try Self.expectRefusal(binary, ["eval", run.path], [model.path + ": safetensors: tensor 'norm.bias' is I32"])
        try weights.write(to: model)

        // eval --data with 0, 1 or 10 validation tokens printed "loss nan over 0 tokens".
        let prepared = try PreparedData.load(from: data)
        for count in [0, 1, 10] {
            let small = folder.appendingPathComponent("small-\(count)")
            var set = prepared
            set.validation = TokenDataset(tokens: Array(prepared.validation.tokens.prefix(count)), vocabularySize: prepared.tokenizer.vocabularySize)
            set.summary.tokens.validation = count
            try set.write(to: small)
            try Self.expectRefusal(
                binary, ["eval", run.path, "--data", small.path],
                [small.appendingPathComponent("val.bin").path, "has \(count) tokens; a context of 16 tokens needs at least 17"])
        }
        // A data folder mixing two preparations: refused by train --data and eval --data.
        let mixed = folder.appendingPathComponent("mixed"), other = folder.appendingPathComponent("other")
        try FileManager.default.copyItem(at: data, to: mixed)
        let (otherStatus, _, otherErr) = try runProcess(binary, ["data", "prepare", "--documents", "150", "--vocab", "300", "--output", other.path])
        #expect(otherStatus == 0, "\(otherErr)")
        try FileManager.default.removeItem(at: mixed.appendingPathComponent("val.bin"))
        try FileManager.default.copyItem(at: other.appendingPathComponent("val.bin"), to: mixed.appendingPathComponent("val.bin"))
        try Self.expectRefusal(
            binary, ["train"] + Self.tiny + ["--data", mixed.path, "--out", folder.appendingPathComponent("r2").path],
            [mixed.appendingPathComponent("val.bin").path, "does not belong to this data set"])
        try Self.expectRefusal(binary, ["eval", run.path, "--data", mixed.path], ["does not belong to this data set"])
        // tokenizer decode --bin with an id outside the vocabulary names the .bin file and position.
        let bin = data.appendingPathComponent("val.bin")
        try Self.expectRefusal(
            binary, ["tokenizer", "decode", "--tokenizer", "bytes", "--bin", bin.path],
            [bin.path + ": token ", "at position", "outside the vocabulary 0..<256 of bytes"])

        // --lr 1e300 named step 1, whose loss was finite; the bad step is 2.
        let lr = folder.appendingPathComponent("lr")
        try Self.expectRefusal(
            binary, ["train"] + Self.tiny + ["--data", data.path, "--steps", "5", "--lr", "1e300", "--out", lr.path],
            ["training diverged at step 2: its loss is"])
        let losses = try Self.trainingLosses(lr)
        #expect(losses.keys.sorted() == [1] && losses[1]!.isFinite)
    }

    /// `data prepare` into an existing folder that fails midway (a file-size limit at the first
    /// large file) leaves the previous set whole, with no partial folder behind.
    @Test func aDataPreparationCutShortKeepsThePreviousSet() throws {
        let (folder, data, binary) = try Self.workspace("data-set")
        defer { try? FileManager.default.removeItem(at: folder) }
        let prlimit = URL(fileURLWithPath: "/usr/bin/prlimit")
        try #require(
            FileManager.default.isExecutableFile(atPath: prlimit.path),
            "skipped: /usr/bin/prlimit (util-linux) is needed to run a child with a file-size limit")
        let before = try Self.snapshot(data)
        let validationBytes = try Data(contentsOf: data.appendingPathComponent("val.bin")).count
        let (status, _, err) = try runProcess(
            prlimit,
            [
                "--fsize=\(validationBytes / 2)", binary.path, "data", "prepare", "--documents", "150",
                "--vocab", "300", "--output", data.path,
            ])
        #expect(status != 0)
        #expect(err.contains("File too large") || err.contains("cannot write"), "\(err)")
        #expect(try Self.snapshot(data) == before, "the previous data set changed")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("data.") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
        _ = try PreparedData.load(from: data)
    }
}
