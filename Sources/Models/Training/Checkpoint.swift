import Foundation
import TensorCore

/// A training checkpoint in a folder: model.safetensors (weights and LayerNorm statistics),
/// optimizer.safetensors (AdamW moments and step), config.json (model + training config and
/// trainer state). Every file is written atomically; the folder is complete once
/// config.json exists (it is written last).
///
/// A new checkpoint replaces the old one as a whole, so the three files always belong to the
/// same step: it is written into `<folder>.partial`, the old folder is renamed to
/// `<folder>.previous`, the new one renamed into place, and the old one deleted. A process
/// killed between the two renames leaves `<folder>.previous`, which `recover` (called by every
/// reader here) puts back. A failed write (a full disk) deletes `<folder>.partial` and leaves
/// the old folder untouched.
public struct Checkpoint {
    public static let modelFile = "model.safetensors"
    public static let optimizerFile = "optimizer.safetensors"
    public static let configFile = "config.json"

    /// What config.json holds.
    public struct Manifest: Codable, Sendable {
        public var model: ModelConfig
        public var training: TrainingConfig
        /// Steps completed.
        public var step: Int
        /// Training tokens seen.
        public var tokensSeen: Int
        public var format = 1
    }

    /// Writes the model weights (and LayerNorm state) alone, e.g. for a finished stage.
    public static func writeModel(_ model: LanguageModel<Float>, to url: URL, metadata: [String: String] = [:]) throws {
        var st = SafeTensors()
        for p in model.parameters { st.set(p.name, p.value) }
        for (i, norm) in model.norms.enumerated() {
            let frozen = norm.frozen
            st.set("norm_state.\(i)", Tensor<Double>(shape: [6], scalars: [
                norm.runningMean, norm.runningStd, frozen == nil ? 0 : 1, frozen?.mean ?? 0, frozen?.std ?? 1, norm.annealing,
            ]))
        }
        st.metadata = metadata
        st.metadata["architecture"] = model.config.architecture.rawValue
        try st.write(to: url)
    }

    /// Loads weights into a model built from the same config; shapes must match exactly.
    public static func readModel(into model: LanguageModel<Float>, from url: URL) throws {
        let st = try SafeTensors.read(url)
        for p in model.parameters {
            guard st.entries[p.name] != nil else {
                throw TrainingError.checkpointMismatch(path: url.path, reason: "has no tensor '\(p.name)' (is it from another architecture?)")
            }
            let t: Tensor<Float> = try st.tensor(p.name)
            guard t.shape == p.shape else {
                throw TrainingError.checkpointMismatch(path: url.path, reason: "tensor '\(p.name)' is \(t.shape), the model needs \(p.shape)")
            }
            p.value = t
        }
        for (i, norm) in model.norms.enumerated() {
            guard st.entries["norm_state.\(i)"] != nil else { continue }
            let s = try st.tensor("norm_state.\(i)", as: Double.self).scalars
            guard s.count == 6 else { throw TrainingError.checkpointMismatch(path: url.path, reason: "norm_state.\(i) has \(s.count) values, expected 6") }
            norm.restore(runningMean: s[0], runningStd: s[1], frozen: s[2] != 0 ? (s[3], s[4]) : nil, annealing: s[5])
        }
    }

    /// Writes a full training checkpoint into `folder`.
    public static func write(model: LanguageModel<Float>, optimizer: AdamW<Float>, manifest: Manifest, to target: URL) throws {
        let fm = FileManager.default
        try recover(target)
        let folder = sibling(target, "partial")
        try? fm.removeItem(at: folder)
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            try writeFiles(model: model, optimizer: optimizer, manifest: manifest, to: folder)
        } catch {
            try? fm.removeItem(at: folder)
            throw error
        }
        let previous = sibling(target, "previous")
        if fm.fileExists(atPath: target.path) {
            try? fm.removeItem(at: previous)
            try fm.moveItem(at: target, to: previous)
        }
        try fm.moveItem(at: folder, to: target)
        try? fm.removeItem(at: previous)
    }

    /// Repairs a checkpoint folder after a process was killed while replacing it: when
    /// `folder` has no config.json but `<folder>.previous` has, the previous checkpoint is put
    /// back; when `folder` is complete, a leftover `<folder>.previous` (killed before deleting
    /// it) is deleted. A leftover `<folder>.partial` (an unfinished write) is deleted.
    public static func recover(_ folder: URL) throws {
        let fm = FileManager.default
        let previous = sibling(folder, "previous")
        if fm.fileExists(atPath: folder.appendingPathComponent(configFile).path) {
            try? fm.removeItem(at: previous)
        } else if fm.fileExists(atPath: previous.appendingPathComponent(configFile).path) {
            try? fm.removeItem(at: folder)
            try fm.moveItem(at: previous, to: folder)
        }
        try? fm.removeItem(at: sibling(folder, "partial"))
    }

    /// `<folder>.<suffix>` beside `folder`.
    static func sibling(_ folder: URL, _ suffix: String) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "." + suffix)
    }

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

    /// The manifest of a checkpoint folder, or an error naming the file.
    public static func manifest(in folder: URL) throws -> Manifest {
        try recover(folder)
        let url = folder.appendingPathComponent(configFile)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TrainingError.checkpointMismatch(path: url.path, reason: "cannot read the checkpoint manifest (\(error.localizedDescription))")
        }
        do { return try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw TrainingError.checkpointMismatch(path: url.path, reason: "not a valid checkpoint manifest: \(error)")
        }
    }

    /// Restores model weights and optimizer state from a folder written by `write`.
    public static func restore(model: LanguageModel<Float>, optimizer: inout AdamW<Float>, from folder: URL) throws -> Manifest {
        let manifest = try manifest(in: folder)
        guard manifest.model == model.config else {
            throw TrainingError.checkpointMismatch(path: folder.appendingPathComponent(configFile).path,
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
            first.append(m)
            second.append(v)
        }
        let step = try st.integers("step").first ?? 0
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
