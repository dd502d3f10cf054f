import Foundation

/// Which claims a run checks and which experiments it runs, in order.
public struct RunPlan: Sendable {
    /// The claims, in registry order.
    public var claims: [Claim]
    /// The experiments the claims need, each after its dependencies.
    public var experiments: [any Experiment]

    /// Resolves claim ids (or every claim) against the registries.
    ///
    /// Throws for an unknown claim id (with close matches), an experiment id no registry knows,
    /// and dependency cycles.
    public static func resolve(
        claimIDs: [String], all: Bool,
        claims registry: [Claim] = ClaimRegistry.all,
        experiments known: [any Experiment] = ExperimentRegistry.all
    ) throws -> RunPlan {
        var chosen: [Claim]
        if all {
            chosen = registry
        } else {
            var wanted = Set<String>()
            for id in claimIDs {
                guard registry.contains(where: { $0.id == id }) else {
                    throw LabError.unknownClaim(id, suggestions: suggestions(for: id, among: registry.map(\.id)))
                }
                wanted.insert(id)
            }
            chosen = registry.filter { wanted.contains($0.id) }
        }
        var roots: [String] = []
        for claim in chosen {
            if let e = claim.experiment, !roots.contains(e) {
                guard known.contains(where: { $0.id == e }) else { throw LabError.unknownExperiment(e, referencedBy: "claim \(claim.id)") }
                roots.append(e)
            }
        }
        return RunPlan(claims: chosen, experiments: try order(roots, known: known))
    }

    /// The plan for an explicit list of experiments (a config file), dependencies included.
    public static func resolve(
        claimIDs: [String], experimentIDs: [String],
        claims registry: [Claim] = ClaimRegistry.all,
        experiments known: [any Experiment] = ExperimentRegistry.all
    ) throws -> RunPlan {
        var plan = try resolve(claimIDs: claimIDs, all: false, claims: registry, experiments: known)
        for id in experimentIDs where !known.contains(where: { $0.id == id }) {
            throw LabError.unknownExperiment(id, referencedBy: "the configuration")
        }
        let ids = plan.experiments.map(\.id) + experimentIDs.filter { id in !plan.experiments.contains { $0.id == id } }
        plan.experiments = try order(ids, known: known)
        return plan
    }

    /// Depth-first topological order of `roots` and everything they depend on; roots keep their
    /// relative order where dependencies allow.
    static func order(_ roots: [String], known: [any Experiment]) throws -> [any Experiment] {
        var result: [any Experiment] = []
        var done = Set<String>()
        var onPath: [String] = []
        func visit(_ id: String, from: String) throws {
            if done.contains(id) { return }
            if let i = onPath.firstIndex(of: id) { throw LabError.dependencyCycle(Array(onPath[i...]) + [id]) }
            guard let experiment = known.first(where: { $0.id == id }) else {
                throw LabError.unknownExperiment(id, referencedBy: from)
            }
            onPath.append(id)
            for dependency in experiment.dependencies { try visit(dependency, from: "experiment \(id)") }
            onPath.removeLast()
            done.insert(id)
            result.append(experiment)
        }
        for id in roots { try visit(id, from: "the run") }
        return result
    }

    /// Registered ids close to a mistyped one: same family prefix, or small edit distance.
    static func suggestions(for id: String, among ids: [String]) -> [String] {
        let scored = ids.map { ($0, editDistance(id.lowercased(), $0.lowercased())) }
        let close = scored.filter { $0.1 <= max(2, id.count / 3) }.sorted { $0.1 < $1.1 }.map(\.0)
        if !close.isEmpty { return Array(close.prefix(3)) }
        let family = id.split(separator: ".").first.map(String.init) ?? id
        return Array(ids.filter { $0.hasPrefix(family + ".") }.prefix(5))
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count), current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
