import Foundation
import TensorCore

/// A training checkpoint in a folder: model.safetensors (weights and LayerNorm statistics),
/// optimizer.safetensors (AdamW moments and step), config.json (model + training config and
/// trainer state). Every file is written atomically; the folder is complete once
/// config.json exists (it is written last).
///
/// A new checkpoint replaces the old one as a whole (`AtomicFolder`), so the three files always
/// belong to the same step: it is written into `<folder>.partial`, the old folder is renamed to
/// `<folder>.previous`, the new one renamed into place, and the old one deleted. A process
/// killed between the two renames leaves `<folder>.previous`, which `recover` (called by every
/// reader here) puts back. A failed write (a full disk) deletes `<folder>.partial` and leaves
/// the old folder untouched. Readers validate everything before use: the manifest
/// (`Manifest.decode`) before a model is allocated, the weights (`readModel`) before they are
/// used.
public struct Checkpoint {
    public static let modelFile = "model.safetensors"
    public static let optimizerFile = "optimizer.safetensors"
    public static let configFile = "config.json"

    /// Writes the model weights (and LayerNorm state) alone, e.g. for a finished stage.
    public static func writeModel(_ model: LanguageModel<Float>, to url: URL, metadata: [String: String] = [:]) throws {
        var st = SafeTensors()
        for p in model.parameters { st.set(p.name, p.value) }
        for (i, norm) in model.norms.enumerated() {
            let frozen = norm.frozen
            st.set(
                "norm_state.\(i)",
                Tensor<Double>(
                    shape: [6],
                    scalars: [
                        norm.runningMean, norm.runningStd, frozen == nil ? 0 : 1, frozen?.mean ?? 0, frozen?.std ?? 1, norm.annealing,
                    ]))
        }
        st.metadata = metadata
        st.metadata["architecture"] = model.config.architecture.rawValue
        try st.write(to: url)
    }

    /// The largest weight magnitude a checkpoint may hold. Trained weights are of order 1–100;
    /// a larger value is a damaged or foreign file, and values near Float's range overflow the
    /// forward pass (a NaN loss, NUL tokens).
    public static let largestWeight: Float = 1e6

    /// Loads weights into a model built from the same config. Every parameter must be present
    /// with exactly its shape, every value finite and at most `largestWeight` in magnitude, the
    /// LayerNorm states sound, and the file may hold no tensor the model does not have; errors
    /// name the file and the tensor.
    public static func readModel(into model: LanguageModel<Float>, from url: URL) throws {
        let st = try SafeTensors.read(url)
        func fail(_ reason: String) -> TrainingError { .checkpointMismatch(path: url.path, reason: reason) }
        var known = Set<String>()
        for p in model.parameters {
            known.insert(p.name)
            guard st.entries[p.name] != nil else { throw fail("has no tensor '\(p.name)' (is it from another architecture?)") }
            let t: Tensor<Float> = try st.tensor(p.name)
            guard t.shape == p.shape else { throw fail("tensor '\(p.name)' is \(t.shape), the model needs \(p.shape)") }
            if let bad = t.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite || abs($0) > largestWeight } }) {
                let value = t.withUnsafeBufferPointer { $0[bad] }
                throw fail("tensor '\(p.name)' element \(bad) is \(value); weights must be finite and at most \(largestWeight) in magnitude")
            }
            p.value = t
        }
        for (i, norm) in model.norms.enumerated() {
            let name = "norm_state.\(i)"
            known.insert(name)
            guard st.entries[name] != nil else { continue }
            let s = try st.tensor(name, as: Double.self).scalars
            guard s.count == 6 else { throw fail("\(name) has \(s.count) values, expected 6") }
            guard s.allSatisfy(\.isFinite), s[1] >= 0, s[4] > 0, (0...1).contains(s[5]) else {
                throw fail("\(name) is \(s); expected finite statistics, a positive frozen standard deviation and annealing in [0, 1]")
            }
            norm.restore(runningMean: s[0], runningStd: s[1], frozen: s[2] != 0 ? (s[3], s[4]) : nil, annealing: s[5])
        }
        if let extra = st.names.first(where: { !known.contains($0) }) {
            throw fail("holds a tensor '\(extra)' this \(model.config.architecture.rawValue) model does not have (is it from another configuration?)")
        }
    }

    /// The model of a checkpoint folder: the manifest is validated (sizes bounded, memory
    /// estimated) before the model is allocated, then the weights are read and checked
    /// (`readModel`). The one way a checkpoint becomes a model.
    public static func loadModel(from folder: URL) throws -> (model: LanguageModel<Float>, manifest: Manifest) {
        let manifest = try manifest(in: folder)
        var rng = SeededRNG(seed: 0)
        let model = try LanguageModel<Float>(config: manifest.model, rng: &rng)
        try readModel(into: model, from: folder.appendingPathComponent(modelFile))
        return (model, manifest)
    }

    /// Writes a full training checkpoint into `folder`, replacing the previous one as a whole
    /// (`AtomicFolder.replace`).
    public static func write(model: LanguageModel<Float>, optimizer: AdamW<Float>, manifest: Manifest, to target: URL) throws {
        try AtomicFolder.replace(target, marker: configFile) { folder in
            try writeFiles(model: model, optimizer: optimizer, manifest: manifest, to: folder)
        }
    }

    /// Repairs a checkpoint folder after a process was killed while replacing it
    /// (`AtomicFolder.recover`, complete once config.json exists).
    public static func recover(_ folder: URL) throws { try AtomicFolder.recover(folder, marker: configFile) }

    private static func writeFiles(model: LanguageModel<Float>, optimizer: AdamW<Float>, manifest: Manifest, to folder: URL) throws {
        try writeModel(model, to: folder.appendingPathComponent(modelFile))
        var st = SafeTensors()
        let names = model.parameters.map(\.name)
        for (k, name) in names.enumerated() where k < optimizer.firstMoments.count {
            st.set("m.\(name)", optimizer.firstMoments[k])
            st.set("v.\(name)", optimizer.secondMoments[k])
        }
        st.set("step", int64: [Int64(optimizer.step)])
        try st.write(to: folder.appendingPathComponent(optimizerFile))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(manifest), to: folder.appendingPathComponent(configFile))
    }

    /// Restores model weights and optimizer state from a folder written by `write`.
    public static func restore(model: LanguageModel<Float>, optimizer: inout AdamW<Float>, from folder: URL) throws -> Manifest {
        let manifest = try manifest(in: folder)
        guard manifest.model == model.config else {
            throw TrainingError.checkpointMismatch(
                path: folder.appendingPathComponent(configFile).path,
                reason: "was written for a different model configuration (\(differences(manifest.model, model.config)))")
        }
        try readModel(into: model, from: folder.appendingPathComponent(modelFile))
        let url = folder.appendingPathComponent(optimizerFile)
        let st = try SafeTensors.read(url)
        var first: [Tensor<Float>] = [], second: [Tensor<Float>] = []
        for p in model.parameters {
            guard st.entries["m.\(p.name)"] != nil, st.entries["v.\(p.name)"] != nil else {
                throw TrainingError.checkpointMismatch(path: url.path, reason: "has no optimizer state for '\(p.name)'")
            }
            let m: Tensor<Float> = try st.tensor("m.\(p.name)"), v: Tensor<Float> = try st.tensor("v.\(p.name)")
            guard m.shape == p.shape, v.shape == p.shape else {
                throw TrainingError.checkpointMismatch(path: url.path, reason: "optimizer state for '\(p.name)' has the wrong shape")
            }
            guard m.scalars.allSatisfy(\.isFinite), v.scalars.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw TrainingError.checkpointMismatch(
                    path: url.path,
                    reason: "optimizer state for '\(p.name)' is not finite (or has a negative second moment)")
            }
            first.append(m)
            second.append(v)
        }
        let steps = try st.integers("step")
        guard steps == [manifest.step] else {
            throw TrainingError.checkpointMismatch(path: url.path, reason: "optimizer step \(steps) does not match the manifest's step \(manifest.step)")
        }
        let step = manifest.step
        optimizer.restore(step: step, firstMoments: first, secondMoments: second)
        return manifest
    }
}

extension Checkpoint {
    /// The fields in which two configurations differ, as `field: stored, expected current`.
    public static func differences<T: Encodable>(_ stored: T, _ current: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let a = (try? encoder.encode(stored)).flatMap({ try? JSONSerialization.jsonObject(with: $0) }) as? [String: Any],
            let b = (try? encoder.encode(current)).flatMap({ try? JSONSerialization.jsonObject(with: $0) }) as? [String: Any]
        else { return "the stored and current configurations differ" }
        let keys = Set(a.keys).union(b.keys).sorted()
        let changed = keys.compactMap { key -> String? in
            let (x, y) = (a[key].map { "\($0)" } ?? "absent", b[key].map { "\($0)" } ?? "absent")
            return x == y ? nil : "\(key): checkpoint has \(x), this run has \(y)"
        }
        return changed.isEmpty ? "the stored and current configurations differ" : changed.joined(separator: "; ")
    }
}
