import Foundation
import Testing

@testable import Lab

@Suite struct RegistryTests {
    static let seeds = [Seed.symmetryBreaking, Seed.pathIntegral, Seed.nnqft, Seed.bornRule, Seed.quantumProbabilityFlow]

    @Test func everyClaimHasASeedReferenceAndAStatus() {
        let claims = ClaimRegistry.all
        #expect(claims.count >= 29, "SPEC.md §8 lists 29 claims")
        for claim in claims {
            #expect(Self.seeds.contains(claim.seed), "\(claim.id): unknown seed \(claim.seed)")
            #expect(!claim.section.isEmpty && !claim.statement.isEmpty && !claim.claimed.isEmpty, "\(claim.id)")
            let parts = claim.id.split(separator: ".")
            #expect(parts.count == 2 && parts.allSatisfy { !$0.isEmpty }, "\(claim.id) is not <family>.<name>")
            let status = ClaimsCatalog.status(claim)
            #expect(status == "implemented" || status == "not yet implemented", "\(claim.id): \(status)")
        }
        #expect(Set(claims.map(\.id)).count == claims.count, "claim ids must be unique")
    }

    @Test func theSpecClaimsAreAllRegistered() {
        let spec = [
            "qsf.loss-ordering", "qsf.hamiltonian-degrades", "qsf.layernorm-anneal", "qsf.throughput", "qsf.spectrum-annulus",
            "qsf.net-dissipation", "qsf.gamma", "qsf.norm-stability", "qsf.semantic-sparsity", "qsf.hamiltonian-unit-circle",
            "qsf.propagator-exact", "softmax.gibbs-identity", "softmax.max-entropy", "attn.dk-phases",
            "attn.heat-capacity-peak", "kuramoto.heads-locked", "nnqft.inverse-heads", "nnqft.width-persistence",
            "nnqft.euclidean-kernel", "kpz.exponents", "entanglement.log-law", "criticality.branching-one", "iit.phi",
            "hardware.coherence-circuit", "qpf.softmax-hebbian", "qpf.real-time-lorentzian", "qpf.forward-map-softmax",
            "qpf.fast-anneal-slope", "qpf.capacity",
        ]
        for id in spec { #expect(ClaimRegistry.claim(id) != nil, "\(id) missing from the registry") }
    }

    @Test func everyReferencedExperimentExistsAndDependenciesResolve() throws {
        let experiments = ExperimentRegistry.all
        #expect(Set(experiments.map(\.id)).count == experiments.count, "experiment ids must be unique")
        for claim in ClaimRegistry.all {
            if let id = claim.experiment { #expect(ExperimentRegistry.experiment(id) != nil, "\(claim.id) → \(id) is not registered") }
        }
        for experiment in experiments {
            for dependency in experiment.dependencies {
                #expect(ExperimentRegistry.experiment(dependency) != nil, "\(experiment.id) depends on unknown \(dependency)")
            }
        }
        let plan = try RunPlan.resolve(claimIDs: [], all: true)
        // Every experiment comes after its dependencies.
        let order = plan.experiments.map(\.id)
        for (i, experiment) in plan.experiments.enumerated() {
            for dependency in experiment.dependencies {
                #expect((order.firstIndex(of: dependency) ?? .max) < i, "\(experiment.id) runs before \(dependency)")
            }
        }
        #expect(plan.claims.count == ClaimRegistry.all.count)
        #expect(ClaimRegistry.all.filter { $0.experiment != nil }.count >= 2)
    }

    @Test func planningRejectsUnknownClaimsCyclesAndMissingDependencies() {
        #expect(throws: LabError.self) { try RunPlan.resolve(claimIDs: ["softmax.gibs-identity"], all: false) }
        do {
            _ = try RunPlan.resolve(claimIDs: ["softmax.gibs-identity"], all: false)
        } catch let error as LabError {
            #expect(error.description.contains("softmax.gibbs-identity"), "suggests the close id: \(error)")
        } catch { Issue.record("unexpected \(error)") }

        struct Stub: Experiment {
            var id: String
            var title: String { id }
            var dependencies: [String]
            func run(_ context: ExperimentContext) throws -> ExperimentOutput { ExperimentOutput() }
        }
        let a = Stub(id: "a", dependencies: ["b"]), b = Stub(id: "b", dependencies: ["a"])
        let claim = Claim(id: "t.a", seed: Seed.bornRule, section: "§", statement: "s", claimed: "c", experiment: "a", evidence: .simulation, rule: .pending)
        #expect(throws: LabError.self) { try RunPlan.resolve(claimIDs: ["t.a"], all: false, claims: [claim], experiments: [a, b]) }
        let c = Stub(id: "a", dependencies: ["nowhere"])
        #expect(throws: LabError.self) { try RunPlan.resolve(claimIDs: ["t.a"], all: false, claims: [claim], experiments: [c]) }
        let d = Stub(id: "a", dependencies: ["b"]), e = Stub(id: "b", dependencies: [])
        let plan = try? RunPlan.resolve(claimIDs: ["t.a"], all: false, claims: [claim], experiments: [d, e])
        #expect(plan?.experiments.map(\.id) == ["b", "a"])
    }

    @Test func catalogListsEveryClaim() {
        let listing = ClaimsCatalog.listing()
        let markdown = ClaimsCatalog.markdown()
        for claim in ClaimRegistry.all {
            #expect(listing.contains(claim.id))
            #expect(markdown.contains("### \(claim.id)"))
        }
        #expect(markdown.hasPrefix(ClaimsCatalog.registryBegin) && markdown.hasSuffix(ClaimsCatalog.registryEnd + "\n"))
        let implemented = ClaimRegistry.all.filter { ClaimsCatalog.status($0) == "implemented" }.count
        #expect(listing.contains("\(ClaimRegistry.all.count) claims, \(implemented) with experiments."))
    }

    /// docs/CLAIMS.md holds the registry as the code has it: after changing a claim, run
    /// `attnlab claims --update-docs docs/CLAIMS.md`.
    @Test func docsClaimsHoldsTheCurrentRegistry() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/CLAIMS.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        #expect(text.contains(ClaimsCatalog.markdown()), "docs/CLAIMS.md is out of date: run `attnlab claims --update-docs docs/CLAIMS.md`")
        #expect(text.contains("## How verdicts are computed"))
        #expect(ClaimsCatalog.replacingRegistry(in: text) == text)
    }
}
