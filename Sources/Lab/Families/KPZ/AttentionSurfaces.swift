import Foundation
import Physics

// Size letters: R probe sequences (realisations), T recorded training steps (times),
// L key positions of one query row (the surface's size), H heads.

/// Attention-logit surfaces recorded during training (seed 000 §2.1: "the query-key interaction
/// matrix evolves under training"): for each layer, head and fixed query position i, the
/// pre-softmax row h(x = j, t) = q_i·k_j/√D over key positions j ≤ i (L = i + 1 sites), recorded at
/// training steps t on fixed probe sequences (the realisations).
///
/// On disk (the experiment folder's `surfaces/`): one `.npy` per layer, head and size,
/// `layer<l>-head<h>-L<L>.npy` of shape (R, T, L), with the steps in `<name>.times.csv` (so
/// `attnlab kpz analyze` reads each file alone), and `surfaces.json` describing the set.
struct AttentionSurfaces: Sendable {
    /// What `surfaces.json` holds.
    struct Manifest: Codable, Sendable, Equatable {
        var layers: Int
        var heads: Int
        /// Query positions i; the surface of query i has L = i + 1 sites.
        var queryPositions: [Int]
        var probes: Int
        /// Training steps at which the rows were recorded (T, increasing, ≥ 1).
        var steps: [Int]
        /// Gradient-flow time at those steps: Σ_{s < step} lr(s)/lr_max (T).
        var learningRateTimes: [Double]
        /// Model and training description, for the report.
        var description: String
        var format = 1
    }

    var manifest: Manifest
    /// fields[layer][head][size] = R realisations (one per probe sequence), times = steps.
    var fields: [[[[HeightField]]]]

    static let manifestFile = "surfaces.json"

    static func fileName(layer: Int, head: Int, length: Int) -> String { "layer\(layer)-head\(head)-L\(length).npy" }

    var lengths: [Int] { manifest.queryPositions.map { $0 + 1 } }

    /// The same surfaces with gradient-flow time instead of steps.
    func withLearningRateTime() -> AttentionSurfaces {
        var copy = self
        copy.fields = fields.map {
            $0.map {
                $0.map {
                    $0.map {
                        HeightField(times: manifest.learningRateTimes, length: $0.length, heights: $0.heights)
                    }
                }
            }
        }
        return copy
    }

    /// Writes every surface and the manifest into `folder`.
    func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for l in 0..<manifest.layers {
            for h in 0..<manifest.heads {
                for (k, length) in lengths.enumerated() {
                    try HeightFieldFile.write(fields[l][h][k], to: folder.appendingPathComponent(Self.fileName(layer: l, head: h, length: length)))
                }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(manifest).write(to: folder.appendingPathComponent(Self.manifestFile), options: .atomic)
        } catch {
            throw LabError.writeFailed(folder.appendingPathComponent(Self.manifestFile).path, error.localizedDescription)
        }
    }

    /// Reads what `write` wrote; errors name the file and what was expected.
    static func read(from folder: URL) throws -> AttentionSurfaces {
        let url = folder.appendingPathComponent(manifestFile)
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url)) } catch {
            throw LabError.badFile(url.path, "cannot be read as an attention-surface manifest (\(error.localizedDescription))")
        }
        guard manifest.steps.count == manifest.learningRateTimes.count, !manifest.steps.isEmpty,
            manifest.layers > 0, manifest.heads > 0, !manifest.queryPositions.isEmpty
        else {
            throw LabError.badFile(
                url.path, "describes no surfaces or has \(manifest.steps.count) steps for \(manifest.learningRateTimes.count) gradient-flow times")
        }
        var fields: [[[[HeightField]]]] = []
        for l in 0..<manifest.layers {
            var layer: [[[HeightField]]] = []
            for h in 0..<manifest.heads {
                var head: [[HeightField]] = []
                for i in manifest.queryPositions {
                    let file = folder.appendingPathComponent(fileName(layer: l, head: h, length: i + 1))
                    let (read, _) = try HeightFieldFile.read(file, times: .explicit(manifest.steps.map(Double.init)))
                    guard read[0].length == i + 1, read.count == manifest.probes else {
                        throw LabError.badFile(
                            file.path,
                            "holds \(read.count) realisations of length \(read[0].length); \(url.lastPathComponent) promises \(manifest.probes) of length \(i + 1)"
                        )
                    }
                    head.append(read)
                }
                layer.append(head)
            }
            fields.append(layer)
        }
        return AttentionSurfaces(manifest: manifest, fields: fields)
    }

    /// The experiment folder holding recorded surfaces in a run directory (or the folder itself).
    static func folder(inRun run: URL) -> URL? {
        let fm = FileManager.default
        var candidates = [run, run.appendingPathComponent("surfaces")]
        if let task = RunDirectory(existing: run).finishedTaskDirectory(
            AttentionSurfaceExperiment.experimentID,
            holding: "surfaces/\(manifestFile)")
        {
            candidates.append(task.appendingPathComponent("surfaces"))
        }
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent(manifestFile).path) }
    }
}

/// `attnlab kpz attention RUN_DIR`: re-analyses recorded attention surfaces.
public enum AttentionSurfaceCommand {
    /// The options the experiment uses.
    public static var defaultOptions: SurfaceScalingOptions { SurfaceScalingOptions() }

    /// The per-head and pooled analysis of the surfaces in a run directory, as text.
    public static func report(run: URL, options: SurfaceScalingOptions, detail: Bool) throws -> String {
        guard let folder = AttentionSurfaces.folder(inRun: run) else {
            throw LabError.badFile(
                run.path,
                "holds no recorded attention surfaces (expected \(AttentionSurfaces.manifestFile) in it, in surfaces/, or in experiments/\(AttentionSurfaceExperiment.experimentID)/surfaces/); `attnlab claims check kpz.exponents` records them"
            )
        }
        let surfaces = try AttentionSurfaces.read(from: folder)
        let analysis = try AttentionSurfaceAnalysis.analyze(surfaces, options: options)
        return "surfaces: \(folder.path)\n" + analysis.text(surfaces.manifest, detail: detail)
    }
}
