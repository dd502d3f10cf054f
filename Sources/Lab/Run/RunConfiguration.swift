import Foundation
import TensorCore

/// The fully resolved configuration of a claims run, written as `config.json`.
///
/// Re-running from it (`attnlab claims check --config DIR/config.json`) repeats the same claims
/// and experiments at the same scale and seed into a new run directory.
public struct RunConfiguration: Codable, Sendable, Equatable {
    /// Format version of this file (2: replicates at derived seeds; 1 read as one replicate).
    public var schemaVersion = 2
    public var scale: Scale
    /// Master seed; the replicates' seeds derive from it (`SeedSchedule`).
    public var seed: UInt64
    /// Replicates per experiment that trains or samples (K, `--seeds`).
    public var seeds: Int
    /// The derived seed of each replicate, for readers; recomputed from `seed` and `seeds`.
    public var replicateSeeds: [UInt64]
    /// Threads each experiment computes with (`ATTNLAB_THREADS` of its process). Results depend
    /// on it (reduction order), not on how many experiments run at once.
    public var threadsPerExperiment: Int
    /// Claim ids checked, in report order.
    public var claims: [String]
    /// Experiment ids run, in run order (dependencies first).
    public var experiments: [String]
    /// Whether the run was `--all` (informational; `claims` is the resolved list).
    public var all: Bool
    /// The corpus the user named (`--data`, `--corpus`), nil for the built-in generated stories.
    public var corpus: RunCorpus?
    /// How experiments were run: each in its own child process, or all inside the runner's process.
    public var isolation: Isolation
    public var attnlabVersion: String
    /// The source revision attnlab was run from, when it is a git checkout.
    public var gitCommit: String?
    /// When the run started (ISO 8601, UTC).
    public var createdAt: String
    /// The command line that started the run.
    public var command: [String]
    /// Machine description, for reading timings.
    public var host: Host

    public enum Isolation: String, Codable, Sendable {
        /// Each experiment in a child process: a crash (precondition failure, signal) is reported
        /// as that experiment's failure and the others still run. The default of the CLI.
        case process
        /// All experiments in the runner's process (tests, debugging): faster to start, but a
        /// crash ends the whole run.
        case inProcess = "in-process"
    }

    public struct Host: Codable, Sendable, Equatable {
        public var os: String
        public var processors: Int
        public var threads: Int

        public static var current: Host {
            let info = ProcessInfo.processInfo
            let threads = Int(info.environment["ATTNLAB_THREADS"] ?? "") ?? info.activeProcessorCount
            return Host(os: info.operatingSystemVersionString, processors: info.activeProcessorCount, threads: threads)
        }
    }

    public init(
        scale: Scale, seed: UInt64, seeds: Int? = nil, threadsPerExperiment: Int = 1, claims: [String], experiments: [String],
        all: Bool, isolation: Isolation = .process, command: [String] = CommandLine.arguments, createdAt: Date = Date()
    ) {
        self.scale = scale
        self.seed = seed
        self.seeds = seeds ?? SeedSchedule.defaultCount(at: scale)
        self.replicateSeeds = SeedSchedule(master: seed, count: self.seeds).seeds
        self.threadsPerExperiment = threadsPerExperiment
        self.claims = claims
        self.experiments = experiments
        self.all = all
        self.isolation = isolation
        self.attnlabVersion = AttnLabVersion.version
        self.gitCommit = AttnLabVersion.gitCommit
        self.createdAt = ISO8601DateFormatter().string(from: createdAt)
        self.command = command
        self.host = .current
    }

    /// The replicates' seeds.
    public var schedule: SeedSchedule { SeedSchedule(master: seed, count: seeds) }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, scale, seed, seeds, replicateSeeds, threadsPerExperiment, claims, experiments, all, corpus, isolation
        case attnlabVersion, gitCommit, createdAt, command, host
    }

    /// Decodes version 2, and version 1 files (one replicate at the master seed's derived seed,
    /// the host's thread count) so that `attnlab report` still reads old runs.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        scale = try c.decode(Scale.self, forKey: .scale)
        seed = try c.decode(UInt64.self, forKey: .seed)
        seeds = try c.decodeIfPresent(Int.self, forKey: .seeds) ?? 1
        guard seeds >= 1 && seeds <= 1000 else {
            throw DecodingError.dataCorruptedError(forKey: .seeds, in: c, debugDescription: "seeds must be 1…1000, got \(seeds)")
        }
        replicateSeeds =
            try c.decodeIfPresent([UInt64].self, forKey: .replicateSeeds)
            ?? (schemaVersion == 1 ? [seed] : SeedSchedule(master: seed, count: seeds).seeds)
        claims = try c.decode([String].self, forKey: .claims)
        experiments = try c.decode([String].self, forKey: .experiments)
        all = try c.decode(Bool.self, forKey: .all)
        corpus = try c.decodeIfPresent(RunCorpus.self, forKey: .corpus)
        isolation = try c.decode(Isolation.self, forKey: .isolation)
        attnlabVersion = try c.decode(String.self, forKey: .attnlabVersion)
        gitCommit = try c.decodeIfPresent(String.self, forKey: .gitCommit)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        command = try c.decode([String].self, forKey: .command)
        host = try c.decode(Host.self, forKey: .host)
        threadsPerExperiment = try c.decodeIfPresent(Int.self, forKey: .threadsPerExperiment) ?? host.threads
        guard threadsPerExperiment >= 1 && threadsPerExperiment <= 4096 else {
            throw DecodingError.dataCorruptedError(
                forKey: .threadsPerExperiment, in: c,
                debugDescription: "threadsPerExperiment must be 1…4096, got \(threadsPerExperiment)")
        }
    }

    /// Reads a `config.json`, with a clear error naming the file when it is missing or malformed.
    public static func load(_ url: URL) throws -> RunConfiguration {
        try LabJSON.load(RunConfiguration.self, from: url, what: "an attnlab config.json")
    }
}

/// attnlab's version and, when run from a git checkout, its commit.
public enum AttnLabVersion {
    public static let version = "0.1.0"

    /// `git rev-parse HEAD` of the current directory (with "-dirty" when there are uncommitted
    /// changes), or nil when git or the repository is unavailable.
    public static let gitCommit: String? = {
        guard let head = git(["rev-parse", "HEAD"]), !head.isEmpty else { return nil }
        let dirty = (git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty ? "" : "-dirty"
        return head + dirty
    }()

    private static func git(_ arguments: [String]) -> String? {
        let candidates = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
