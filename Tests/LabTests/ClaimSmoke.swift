import Foundation
import Testing

@testable import Lab

/// Experiments run in-process at smoke scale, for the tests of a family's claims.
enum ClaimSmoke {
    /// Runs `experiment` at smoke scale in a temporary folder.
    static func run(_ experiment: any Experiment, seed: UInt64 = 3) throws -> ExperimentOutput {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-\(experiment.id)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        return try experiment.run(ExperimentContext(scale: .smoke, seed: seed, directory: dir, runDirectory: dir, log: { _ in }))
    }

    /// Every key the claims' rules read (`measuring:`) appears in their experiment's smoke-scale
    /// output; each experiment runs once.
    static func expectKeysMeasured(_ claims: [Claim]) throws {
        var outputs: [String: ExperimentOutput] = [:]
        for claim in claims {
            let id = try #require(claim.experiment)
            if outputs[id] == nil { outputs[id] = try run(try #require(ExperimentRegistry.experiment(id))) }
            let missing = claim.rule.measurementNames.filter { outputs[id]!.measurements[$0] == nil }
            #expect(missing.isEmpty, "\(claim.id): \(missing) not in the smoke output of \(id)")
        }
    }
}
