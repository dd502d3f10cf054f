import Foundation
import Testing

@testable import Lab

/// The verdict standards (SPEC §8): pooling over seeds, a seed that decides the other way, the
/// scale of the measured model, and the runner's replicates.
@Suite struct VerdictStandardsTests {
    // MARK: Pooling

    @Test func meanPoolingKeepsSeedToSeedSpreadWithStudentsT() throws {
        // Three seeds without errors of their own: SE = c·s/√K with s = 1, c = t(0.975, 2)/1.96.
        let spread = SeedPooling.pool([Measurement(1), Measurement(2), Measurement(3)])
        #expect(spread.value == 2)
        let c = 4.3027 / 1.959963984540054
        #expect(abs(try #require(spread.error) - c / 3.0.squareRoot()) < 1e-12)
        #expect(spread.perSeed == [1, 2, 3])
        // Identical values with window errors: the within-seed errors set the floor.
        let within = SeedPooling.pool([Measurement(1, error: 0.5), Measurement(1, error: 0.5), Measurement(1, error: 0.5)])
        #expect(abs(try #require(within.error) - (0.25 / 3).squareRoot()) < 1e-12)
        // More seeds shrink the band (ν = 30 uses the table's last entry, ν = 40 the expansion).
        #expect(abs(SeedPooling.studentT975(degreesOfFreedom: 30) - 2.0423) < 1e-4)
        #expect(abs(SeedPooling.studentT975(degreesOfFreedom: 40) - 2.0211) < 2e-4)
    }

    @Test func otherPoolingsCombineAsDeclared() {
        let p = SeedPooling.pool([Measurement(0.01, pooling: .pValue), Measurement(0.5, pooling: .pValue)])
        #expect(p.value == 0.02 && p.pooling == .pValue)
        let worst = SeedPooling.pool([Measurement(2, error: 0.1, pooling: .maximum), Measurement(5, error: 0.3, pooling: .maximum)])
        #expect(worst.value == 5 && worst.error == 0.3)
        let least = SeedPooling.pool([Measurement(2, pooling: .minimum), Measurement(5, pooling: .minimum)])
        #expect(least.value == 2)
        let nan = SeedPooling.pool([Measurement(2, pooling: .maximum), Measurement(.nan, pooling: .maximum)])
        #expect(nan.value.isNaN, "a NaN at one seed must not be hidden by the maximum")
        let count = SeedPooling.pool([Measurement(3, pooling: .sum), Measurement(4, pooling: .sum)])
        #expect(count.value == 7)
        // Keys missing at some seeds pool over the seeds that have them.
        let pooled = SeedPooling.pool([["a": Measurement(1), "b": Measurement(4)], ["a": Measurement(3)]])
        #expect(pooled["a"]?.value == 2 && pooled["b"]?.value == 4)
    }

    // MARK: Reconciling seeds

    @Test func aSeedThatDecidesTheOtherWayMakesTheVerdictInconclusive() {
        let seeds: [(seed: UInt64, verdict: Verdict)] = [(11, .reproduced("fine")), (12, .contradicted("x = 9 is 5σ off")), (13, .inconclusive("?"))]
        let verdict = ClaimEvaluation.reconcile(pooled: .reproduced("pooled fine"), seeds: seeds)
        guard case .inconclusive(let why) = verdict else { Issue.record("expected inconclusive, got \(verdict)"); return }
        #expect(why.contains("replicate 2 (seed 12)") && why.contains("x = 9 is 5σ off") && why.contains("pooled fine"))
        // Agreeing or undecided seeds leave a decisive pooled verdict alone.
        #expect(ClaimEvaluation.reconcile(pooled: .contradicted("c"), seeds: [(1, .contradicted("a")), (2, .inconclusive("b"))]) == .contradicted("c"))
        #expect(ClaimEvaluation.reconcile(pooled: .inconclusive("i"), seeds: [(1, .reproduced("a"))]) == .inconclusive("i"))
        #expect(ClaimEvaluation.reconcile(pooled: .reproduced("r"), seeds: []) == .reproduced("r"))
    }

    // MARK: Scale

    static func claim(_ scope: ClaimScope?, evidence: EvidenceKind = .trainedModel) -> Claim {
        Claim(
            id: "t.scale", seed: Seed.pathIntegral, section: "§1", statement: "s", claimed: "c", experiment: "x",
            evidence: evidence, scope: scope, rule: .atMost("v", 1))
    }

    @Test func aClaimAboutTheSeedsModelsIsNotDecidedFarBelowTheirScale() {
        let seedScale = ModelScale(parameters: 30e6, tokens: 1e7, corpus: "TinyStories")
        let own = Self.claim(.seedModels(quote: "ours", scale: seedScale))
        let tiny = ModelScale(parameters: 0.22e6, tokens: 4e5, corpus: "generated stories")
        guard case .inconclusive(let why) = ClaimEvaluation.scaleGate(.contradicted("v = 3 > 1"), claim: own, measured: tiny) else {
            Issue.record("a 0.22 M model must not decide a claim about 30 M models"); return
        }
        #expect(why.hasPrefix("scale:") && why.contains("contradicted: v = 3 > 1") && why.contains("0.22 M parameters"))
        // Within a factor of ten in both, the verdict stands; tokens alone can be too few.
        let near = ModelScale(parameters: 3e6, tokens: 1e6, corpus: "TinyStories")
        #expect(ClaimEvaluation.scaleGate(.contradicted("v"), claim: own, measured: near) == .contradicted("v"))
        let fewTokens = ModelScale(parameters: 3e6, tokens: 0.9e6, corpus: "TinyStories")
        #expect(ClaimEvaluation.scaleGate(.reproduced("v"), claim: own, measured: fewTokens).label == "inconclusive")
        // Universal statements, identities and undecided verdicts pass; an unstated seed scale cannot be "far above".
        #expect(ClaimEvaluation.scaleGate(.reproduced("v"), claim: Self.claim(.universal(quote: "always")), measured: tiny) == .reproduced("v"))
        #expect(ClaimEvaluation.scaleGate(.reproduced("v"), claim: Self.claim(nil, evidence: .identity), measured: nil) == .reproduced("v"))
        #expect(ClaimEvaluation.scaleGate(.inconclusive("v"), claim: own, measured: tiny) == .inconclusive("v"))
        let unstated = Self.claim(.seedModels(quote: "ours", scale: SeedModelScale.lojban))
        #expect(ClaimEvaluation.scaleGate(.reproduced("v"), claim: unstated, measured: tiny) == .reproduced("v"))
        // A trained-model experiment that reports no scale cannot decide a claim about the seed's models.
        #expect(ClaimEvaluation.scaleGate(.reproduced("v"), claim: own, measured: nil).label == "inconclusive")
    }

    @Test func everyTrainedModelClaimSaysWhomItSpeaksOf() {
        for claim in ClaimRegistry.all {
            if claim.evidence == .trainedModel {
                #expect(claim.scope != nil, "\(claim.id) is a trained-model claim without a scope")
                #expect(claim.scope.map { !$0.quote.isEmpty } ?? false, "\(claim.id): quote the seed's words")
            } else {
                #expect(claim.scope == nil, "\(claim.id): only trained-model claims have a scope")
            }
        }
    }

    // MARK: Seeds and the runner

    @Test func derivedSeedsAreDistinctAcrossMasterSeedsAndStableAsKGrows() {
        let a = SeedSchedule(master: 1, count: 4).seeds, b = SeedSchedule(master: 2, count: 4).seeds
        #expect(Set(a).count == 4 && Set(a).isDisjoint(with: b))
        #expect(Array(SeedSchedule(master: 1, count: 6).seeds.prefix(4)) == a)
    }

    /// A stub whose measurement is its seed, and one that copies its dependency's: replicate r of
    /// the dependent must read replicate r of its dependency.
    struct SeedStub: Experiment {
        var id = "seed.source"
        var title = "Seed source"
        func run(_ context: ExperimentContext) throws -> ExperimentOutput {
            ExperimentOutput(measurements: ["seed": Measurement(Double(context.seed % 1_000_003)), "replicate": Measurement(Double(context.replicate ?? 0))])
        }
    }

    struct CopyStub: Experiment {
        var id = "seed.copy"
        var title = "Seed copy"
        var dependencies: [String] { ["seed.source"] }
        var replication: Replication { .once }
        func run(_ context: ExperimentContext) throws -> ExperimentOutput {
            let upstream = try #require(context.dependencyOutputs["seed.source"])
            return ExperimentOutput(measurements: ["seed": upstream.measurements["seed"]!, "own": Measurement(Double(context.seed % 1_000_003))])
        }
    }

    struct OnceStub: Experiment {
        var id = "seed.once"
        var title = "Once"
        var replication: Replication { .once }
        func run(_ context: ExperimentContext) throws -> ExperimentOutput {
            ExperimentOutput(measurements: ["replicate": Measurement(Double(context.replicate ?? 0))])
        }
    }

    /// Runs every claim of `claims` in process at smoke scale, master seed 9 with 3 seeds.
    func runInProcess(_ experiments: [any Experiment], _ claims: [Claim], in temp: TemporaryDirectory) throws
        -> (summary: Runner.Summary, run: RunDirectory, configuration: RunConfiguration)
    {
        let plan = try RunPlan.resolve(claimIDs: [], all: true, claims: claims, experiments: experiments)
        let configuration = RunConfiguration(
            scale: .smoke, seed: 9, seeds: 3, claims: plan.claims.map(\.id),
            experiments: plan.experiments.map(\.id), all: true, isolation: .inProcess)
        let run = try RunDirectory.create(requested: temp.url.appendingPathComponent("run"), scale: .smoke)
        let summary = try Runner(plan: plan, configuration: configuration, directory: run, isolation: .inProcess).run()
        return (summary, run, configuration)
    }

    @Test func replicatesRunAtDerivedSeedsAndDependentsReadTheirOwnReplicate() throws {
        let temp = TemporaryDirectory()
        let experiments: [any Experiment] = [SeedStub(), CopyStub(), OnceStub()]
        let claims = [
            Claim(
                id: "seed.a", seed: Seed.bornRule, section: "§", statement: "s", claimed: "c", experiment: "seed.copy",
                evidence: .simulation, rule: .atLeast("seed", 0)),
            Claim(
                id: "seed.b", seed: Seed.bornRule, section: "§", statement: "s", claimed: "c", experiment: "seed.once",
                evidence: .identity, rule: .atMost("replicate", 0)),
        ]
        let (summary, run, _) = try runInProcess(experiments, claims, in: temp)
        let seeds = SeedSchedule(master: 9, count: 3).seeds.map { Double($0 % 1_000_003) }

        let source = try #require(summary.results.experiment("seed.source"))
        #expect(source.replicates?.map(\.seed) == SeedSchedule(master: 9, count: 3).seeds)
        #expect(source.replicates?.map { $0.measurements["replicate"]?.value } == [1, 2, 3])
        // The copy declares `.once` but depends on a replicated experiment, so it is replicated too.
        let copy = try #require(summary.results.experiment("seed.copy"))
        #expect(copy.replicates?.map { $0.measurements["seed"]?.value } == seeds)
        #expect(copy.replicates?.map { $0.measurements["own"]?.value } == seeds)
        #expect(copy.measurements["seed"]?.perSeed == seeds)
        // An experiment that runs once runs once, without a replicate number.
        let once = try #require(summary.results.experiment("seed.once"))
        #expect(once.replicates == nil && once.measurements["replicate"]?.value == 0)
        #expect(FileManager.default.fileExists(atPath: run.taskDirectory("seed.copy", replicate: 3).appendingPathComponent("output.json").path))
        #expect(FileManager.default.fileExists(atPath: run.experimentDirectory("seed.once").appendingPathComponent("output.json").path))
        // Each claim is judged at every seed of its experiment too.
        let outcome = try #require(summary.outcomes.first { $0.claim.id == "seed.a" })
        #expect(outcome.seedVerdicts.count == 3 && outcome.record.seedVerdicts?.count == 3)
        #expect(summary.outcomes.first { $0.claim.id == "seed.b" }?.seedVerdicts.isEmpty == true)
        // results.json round-trips with replicates, evidence kinds and seed verdicts.
        let loaded = try RunResults.load(run.url.appendingPathComponent("results.json"))
        #expect(loaded.experiments == summary.results.experiments && loaded.claims == summary.results.claims)
        #expect(loaded.claims.first?.evidence == "simulation")
    }

    /// A copy that needs five replicates at smoke scale.
    struct NeedyCopyStub: Experiment {
        var id = "seed.needy"
        var title = "Needy copy"
        var dependencies: [String] { ["seed.source"] }
        func minimumReplicates(at scale: Scale) -> Int? { scale == .smoke ? 5 : nil }
        func run(_ context: ExperimentContext) throws -> ExperimentOutput {
            let upstream = try #require(context.dependencyOutputs["seed.source"])
            return ExperimentOutput(measurements: ["seed": upstream.measurements["seed"]!])
        }
    }

    @Test func anExperimentThatNeedsMoreReplicatesGetsThemAndSoDoesWhatItReads() throws {
        let temp = TemporaryDirectory()
        let experiments: [any Experiment] = [SeedStub(), NeedyCopyStub(), CopyStub()]
        let claims = ["seed.needy", "seed.copy"].map { (id: String) -> Claim in
            Claim(
                id: "claim.\(id)", seed: Seed.bornRule, section: "§", statement: "s", claimed: "c", experiment: id,
                evidence: .simulation, rule: .atLeast("seed", 0))
        }
        let (summary, _, configuration) = try runInProcess(experiments, claims, in: temp)
        let five = SeedSchedule(master: 9, count: 5).seeds
        // The needy reader runs 5 replicates, its dependency as many (replicate r reads replicate r),
        // and the first three seeds are the run's own; the other reader keeps the run's 3.
        let needy = try #require(summary.results.experiment("seed.needy"))
        #expect(needy.replicates?.map { $0.measurements["seed"]?.value } == five.map { Double($0 % 1_000_003) })
        #expect(try #require(summary.results.experiment("seed.source")).replicates?.map(\.seed) == five)
        #expect(try #require(summary.results.experiment("seed.copy")).replicates?.count == 3)
        #expect(Array(five.prefix(3)) == configuration.replicateSeeds)
        #expect(summary.outcomes.first { $0.claim.id == "claim.seed.needy" }?.seedVerdicts.count == 5)
        #expect(ReportModel(results: summary.results, outcomes: summary.outcomes).configurationLines.contains { $0.1.contains("seed.needy 5") })
    }

    @Test func aRunWrittenBeforeReplicatesStillReads() throws {
        let old = """
            {"schemaVersion": 1, "scale": "quick", "seed": 3, "claims": ["a"], "experiments": ["x"], "all": false,
             "isolation": "process", "attnlabVersion": "0.1.0", "createdAt": "2026-11-24T00:00:00Z", "command": ["attnlab"],
             "host": {"os": "Linux", "processors": 2, "threads": 2}}
            """
        let config = try LabJSON.decoder.decode(RunConfiguration.self, from: Data(old.utf8))
        #expect(config.seeds == 1 && config.replicateSeeds == [3] && config.threadsPerExperiment == 2)
        let bad = old.replacingOccurrences(of: "\"seed\": 3,", with: "\"seed\": 3, \"seeds\": 0,")
        #expect(throws: (any Error).self) { try LabJSON.decoder.decode(RunConfiguration.self, from: Data(bad.utf8)) }
    }
}

@Suite struct MultipleTestingTests {
    @Test func holmRejectsStepDownAndNeverLessThanBonferroni() {
        // m = 4, α = 0.05: thresholds 0.0125, 0.0167, 0.025, 0.05 in sorted order.
        #expect(MultipleTesting.holm([0.01, 0.04, 0.03, 0.005]) == [true, false, false, true])
        #expect(MultipleTesting.holm([0.01, 0.04, 0.02, 0.005]) == [true, true, true, true])
        #expect(MultipleTesting.holm([0.01, 0.04, 0.03, 0.02]) == [true, false, false, false])
        #expect(MultipleTesting.holm([0.2, 0.001, .nan]) == [false, true, false])
        for ps in [[0.001, 0.02, 0.5], [0.01, 0.011, 0.012], [0.3, 0.4]] {
            let bonferroni = ps.map { $0 <= 0.05 / Double(ps.count) }
            let holm = MultipleTesting.holm(ps)
            #expect(zip(bonferroni, holm).allSatisfy { !$0 || $1 })
        }
    }

    @Test func normalTailsAndBonferroniBounds() {
        #expect(abs(MultipleTesting.twoSidedP(z: 1.959963984540054) - 0.05) < 1e-12)
        #expect(abs(MultipleTesting.upperP(z: 0) - 0.5) < 1e-15)
        #expect(abs(MultipleTesting.bonferroniZ(tests: 1, alpha: 0.05) - 1.959963984540054) < 1e-9)
        #expect(abs(MultipleTesting.bonferroniZ(tests: 10, alpha: 0.05) - 2.807033768343811) < 1e-9)
        #expect(abs(MultipleTesting.bonferroniP(maxAbsZ: 1.959963984540054, tests: 10) - 0.5) < 1e-12)
        #expect(MultipleTesting.bonferroniP(maxAbsZ: 0.5, tests: 10) == 1)
        #expect(MultipleTesting.bonferroniP(maxAbsZ: .nan, tests: 10).isNaN)
    }
}
