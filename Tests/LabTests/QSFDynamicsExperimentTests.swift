import Foundation
import Testing
import TensorCore
@testable import Lab

@Suite("QSF dynamics experiments")
struct QSFDynamicsExperimentTests {
    func context(_ scale: Scale = .smoke) -> ExperimentContext {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-dynamics-\(UUID().uuidString)")
        return ExperimentContext(scale: scale, seed: 7, directory: dir, runDirectory: dir, log: { _ in })
    }

    func verdict(_ id: String, _ output: ExperimentOutput, _ scale: Scale = .smoke) throws -> Verdict {
        let claim = try #require(ClaimRegistry.claim(id))
        return claim.verdict(Evidence(measurements: output.measurements, scale: scale))
    }

    @Test("every dynamics claim names a registered experiment")
    func registry() {
        for claim in ClaimRegistry.qsfDynamics {
            #expect(claim.experiment.flatMap { ExperimentRegistry.experiment($0) } != nil, "\(claim.id)")
        }
    }

    @Test("propagator: closed form agrees with the ensemble at smoke scale")
    func propagator() throws {
        let output = try PropagatorExperiment().run(context())
        let v = try verdict("qsf.propagator-exact", output)
        #expect(v.label == "reproduced", "\(v.reason)")
        #expect(output.figures.count == 3 && output.figures.allSatisfy { $0.svg.hasPrefix("<svg") })
    }

    @Test("propagator rule: a wrong closed form is contradicted, a biased scheme is inconclusive")
    func propagatorRule() throws {
        let claim = try #require(ClaimRegistry.claim("qsf.propagator-exact"))
        func evidence(z: Double, p: Double, bias: Double) -> Evidence {
            Evidence(measurements: ["propagator.maxAbsZ": Measurement(z), "propagator.pValue": Measurement(p),
                                    "propagator.entries": Measurement(27), "propagator.schemeBiasZ": Measurement(bias),
                                    "propagator.chiSquared": Measurement(30), "propagator.degreesOfFreedom": Measurement(27)],
                     scale: .quick)
        }
        #expect(claim.verdict(evidence(z: 2, p: 0.4, bias: 0.1)).label == "reproduced")
        #expect(claim.verdict(evidence(z: 9, p: 1e-9, bias: 0.1)).label == "contradicted")
        #expect(claim.verdict(evidence(z: 2, p: 0.4, bias: 0.9)).label == "inconclusive")
    }

    @Test("Gaussian closure is reproduced at rounding level")
    func closure() throws {
        let output = try GaussianClosureExperiment().run(context())
        let v = try verdict("qsf.gaussian-closure", output)
        #expect(v.label == "reproduced", "\(v.reason)")
        #expect(output.measurements["closure.filterError"]!.value < 1e-9)
    }

    @Test("SSE: the control converges; the seed equation's verdict is computed")
    func sse() throws {
        let output = try SSENormExperiment().run(context())
        let v = try verdict("qsf.sse-norm", output)
        #expect(["contradicted", "reproduced"].contains(v.label), "\(v.reason)")
        let control = output.measurements["sse.tangent.limitMeanSquare"]!
        #expect(abs(control.value) < 3 * control.error! + 1e-6)
    }

    @Test("spectrum validation recovers known generators; model claims wait for a trained model")
    func spectrum() throws {
        let output = try SpectrumExperiment().run(context())
        let m = output.measurements
        #expect(m["spectrum.validation.modulusError"]!.value < 1e-10)
        #expect(m["spectrum.validation.classErrors"]!.value == 0)
        #expect(m["spectrum.validation.traceDError"]!.value < 1e-12)
        #expect(m["spectrum.validation.netRateError"]!.value < 1e-10)
        #expect(m["spectrum.validation.hamiltonianDeviation"]!.value < 1e-12)
        #expect(m["spectrum.validation.plantedBoundaryZ"]!.value > 5)
        #expect(abs(m["spectrum.validation.nullBoundaryZ"]!.value) < 4)
        #expect(abs(m["spectrum.validation.gammaSlope"]!.value - 0.04) < 1e-12)
        #expect(abs(m["spectrum.validation.gammaSettledFraction"]!.value - 0.36) < 0.05)
        for id in ["qsf.spectrum-annulus", "qsf.net-dissipation", "qsf.gamma", "qsf.norm-stability", "qsf.semantic-sparsity",
                   "qsf.hamiltonian-unit-circle"] {
            let v = try verdict(id, output, .quick)
            #expect(v.label == "inconclusive" && v.reason.contains("qsf pipeline"), "\(id): \(v.reason)")
        }
    }

    @Test("model-glue output drives the spectrum rules")
    func modelRules() throws {
        var rng = SeededRNG(seed: 3)
        // Net-dissipative layers with growth and decay: diag(log 2, log 0.3, −0.1) rotated.
        let layers = try (0..<3).map { l -> KoopmanLayer in
            let q = try Matrix.randomNormal(rows: 3, cols: 3, rng: &rng).symmetricPart.symmetricEigen().vectors
            let a = q * Matrix.diagonal([0.69, -1.2, -0.1]) * q.transposed
            return try KoopmanLayer(index: l, generator: a, gamma: 1.1 + 0.05 * Double(l))
        }
        let skew = try (0..<2).map { try KoopmanLayer(index: $0, generator: Matrix.randomNormal(rows: 3, cols: 3, rng: &rng).antisymmetricPart) }
        let output = try SpectrumExperiment.modelOutput(stageIII: layers, stageIV: skew, gamma: nil, sparsity: nil,
                                                        finalNorms: HiddenStateNormsFixture.norms)
        #expect(try verdict("qsf.spectrum-annulus", output, .quick).label == "reproduced")
        #expect(try verdict("qsf.net-dissipation", output, .quick).label == "reproduced")
        #expect(try verdict("qsf.hamiltonian-unit-circle", output, .quick).label == "reproduced")
        #expect(try verdict("qsf.norm-stability", output, .quick).label == "contradicted")
        #expect(try verdict("qsf.spectrum-annulus", output, .smoke).label == "inconclusive")
    }
}

import Physics

enum HiddenStateNormsFixture {
    /// Norms with one above 1.5: contradicts "none > 1.5".
    static let norms = HiddenStateNorms(norms: [1.0, 1.02, 0.98, 1.6, 1.01], bound: 1.5)
}

/// Runs the family at a chosen scale and prints measurements, verdicts and timings; writes figures
/// to $ATTNLAB_DYNAMICS_OUT. Enabled only when ATTNLAB_DYNAMICS_SCALE is set (e.g. "quick").
@Suite("QSF dynamics at scale")
struct QSFDynamicsScaleRun {
    static let scale = ProcessInfo.processInfo.environment["ATTNLAB_DYNAMICS_SCALE"].flatMap(Scale.init(rawValue:))

    @Test("run the family", .enabled(if: scale != nil))
    func run() throws {
        let scale = QSFDynamicsScaleRun.scale!
        let out = ProcessInfo.processInfo.environment["ATTNLAB_DYNAMICS_OUT"].map { URL(fileURLWithPath: $0) }
        // ATTNLAB_DYNAMICS_RUN: an existing run directory whose qsf.pipeline output (and checkpoints) to reuse.
        let run = ProcessInfo.processInfo.environment["ATTNLAB_DYNAMICS_RUN"].map { URL(fileURLWithPath: $0) }
        var dependencies: [String: ExperimentOutput] = [:]
        if let run {
            let file = RunDirectory(existing: run).experimentDirectory("qsf.pipeline").appendingPathComponent("output.json")
            dependencies["qsf.pipeline"] = try LabJSON.decoder.decode(ExperimentOutput.self, from: Data(contentsOf: file))
        }
        for experiment in ExperimentRegistry.qsfDynamics {
            let dir = FileManager.default.temporaryDirectory
            let context = ExperimentContext(scale: scale, seed: 20_260_101, directory: dir, runDirectory: run ?? dir,
                                            dependencyOutputs: dependencies, log: { print("  · \($0)") })
            let start = Date()
            let output = try experiment.run(context)
            print("== \(experiment.id) (\(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
            for (name, m) in output.measurements.sorted(by: { $0.key < $1.key }) { print("  \(name) = \(m.formatted)") }
            for table in output.tables {
                print("  [\(table.title)]\n    " + table.header.joined(separator: " | "))
                for row in table.rows { print("    " + row.joined(separator: " | ")) }
            }
            for note in output.notes { print("  note: \(note)") }
            for claim in ClaimRegistry.qsfDynamics where claim.experiment == experiment.id {
                let v = claim.verdict(Evidence(measurements: output.measurements, scale: scale))
                print("  → \(claim.id): \(v.label) — \(v.reason)")
            }
            if let out {
                try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
                for f in output.figures { try f.svg.write(to: out.appendingPathComponent("\(f.name).svg"), atomically: true, encoding: .utf8) }
            }
        }
    }
}

@Suite("Matrix files")
struct MatrixFileTests {
    /// A version-1 .npy file of a 2×3 matrix in C or Fortran order.
    func npy(_ values: [Double], fortran: Bool, descr: String = "<f8", shape: String = "(2, 3)") -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(Data(header.utf8))
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    func write(_ data: Data, _ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-\(UUID().uuidString)-\(name)")
        try data.write(to: url)
        return url.path
    }

    @Test("C- and Fortran-order .npy and CSV give the same matrix")
    func formats() throws {
        let expected = Matrix([[1, 2, 3], [4, 5, 6]])
        let c = try MatrixFile.load(write(npy([1, 2, 3, 4, 5, 6], fortran: false), "c.npy"))
        let f = try MatrixFile.load(write(npy([1, 4, 2, 5, 3, 6], fortran: true), "f.npy"))
        let csv = try MatrixFile.load(write(Data("# a comment\n1, 2, 3\n4 5 6\n".utf8), "m.csv"))
        #expect(c == expected && f == expected && csv == expected)
    }

    @Test("bad files are rejected with the file name and the reason")
    func errors() throws {
        let wrongType = try write(npy([1, 2, 3, 4, 5, 6], fortran: false, descr: "<i8"), "i.npy")
        #expect(throws: MatrixFile.Error.self) { try MatrixFile.load(wrongType) }
        let ragged = try write(Data("1,2\n3\n".utf8), "r.csv")
        do { _ = try MatrixFile.load(ragged); Issue.record("ragged CSV accepted") }
        catch let error as MatrixFile.Error { #expect(error.description.contains("r.csv") && error.description.contains("line 2")) }
        let nan = try write(Data("1,nan\n".utf8), "n.csv")
        #expect(throws: MatrixFile.Error.self) { try MatrixFile.load(nan) }
        // A shape whose byte count overflows Int trapped before it was checked against the file.
        for shape in ["(4294967296, 4294967296)", "(2, 4611686018427387904)"] {
            let huge = try write(npy([1, 2, 3, 4, 5, 6], fortran: false, shape: shape), "h.npy")
            do { _ = try MatrixFile.load(huge); Issue.record("shape \(shape) accepted") }
            catch let error as MatrixFile.Error { #expect(error.description == "\(huge): shape \(shape) is too large to address") }
        }
    }
}

import Models

@Suite("QSF model glue")
struct QSFModelGlueTests {
    func model(_ arch: Architecture) throws -> LanguageModel<Float> {
        var config = ModelConfig(architecture: arch, vocabularySize: 40, contextLength: 16, width: 8, layers: 2, heads: 2, feedForward: 16)
        config.koopmanInitScale = 1
        var rng = SeededRNG(seed: 5)
        return try LanguageModel(config: config, rng: &rng)
    }

    @Test("layers: K, W = W_Vᵀ and γ in the column convention the physics uses")
    func layers() throws {
        let m = try model(.qsf)
        let layers = try QSFModelGlue.layers(m)
        #expect(layers.count == 2)
        #expect(layers.allSatisfy { $0.gamma == 1 })
        let k = try m.blocks[0].koopman!.propagator()
        #expect(layers[0].propagator.maxAbsDifference(k) < 1e-12)
        // v (row) = x·W_V from the attention's own projection equals W x with W = W_Vᵀ.
        var rng = SeededRNG(seed: 6)
        let x = Tensor<Float>.randomNormal([1, 1, 8], rng: &rng)
        let tape = Tape<Float>()
        let qkv = m.blocks[0].linearAttention!.qkv(tape.constant(x)).value
        let v = (16..<24).map { Double(qkv.scalars[$0]) }
        let wx = layers[0].valueProjection!.apply(x.scalars.map(Double.init))
        #expect(zip(v, wx).allSatisfy { abs($0 - $1) < 1e-5 })
        let hamiltonian = try QSFModelGlue.layers(model(.hamiltonian))
        let spectrum = try KoopmanModelAnalysis(layers: hamiltonian).measurements(prefix: "h")
        #expect(spectrum["h.maxModulusDeviation"]!.value < 1e-5)
        #expect(throws: ModelConfigError.self) { try QSFModelGlue.layers(try model(.transformer)) }
    }

    @Test("excitations drive the Koopman scan: s_t = K s_{t−1} + u_t reproduces the mixer")
    func excitations() throws {
        let m = try model(.koopman)
        let tokens: [Int32] = [1, 5, 9, 2, 7, 3]
        let (u, final) = QSFModelGlue.states(m, sequences: [tokens])
        #expect(u.count == 2 && u[0].rows == 6 && u[0].cols == 8 && final.rows == 6)
        let k = try m.blocks[0].koopman!.propagator()
        // Recompute the mixer output y_t = (s_t)ᵀ W_out from the excitations.
        let tape = Tape<Float>()
        var h = m.tokenEmbedding(tape, tokens, batch: 1, length: 6)
        h = h + tape.parameter(m.positionEmbedding!.table).sliced(axis: 0, 0..<6)
        let mixer = m.blocks[0].koopman!(m.blocks[0].norm1(h)).value                   // (1, 6, 8)
        let wOut = Matrix(m.blocks[0].koopman!.output.weight.value)                    // (S, C)
        var s = [Double](repeating: 0, count: 8)
        for t in 0..<6 {
            s = zip(k.apply(s), u[0].row(t)).map { $0 + $1 }
            let y = GaussianAlgebraProbe.rowTimes(s, wOut)
            for c in 0..<8 { #expect(abs(y[c] - Double(mixer.scalars[t * 8 + c])) < 1e-4) }
        }
    }

    @Test("spectrum of a checkpoint folder, with γ from its metrics file")
    func checkpoint() throws {
        let m = try model(.qsf)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("attnlab-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Checkpoint.writeModel(m, to: folder.appendingPathComponent(Checkpoint.modelFile))
        func json<T: Encodable>(_ x: T) throws -> Any { try JSONSerialization.jsonObject(with: JSONEncoder().encode(x)) }
        let manifest: [String: Any] = ["model": try json(m.config), "training": try json(TrainingConfig.fitting(m.config)), "step": 0, "tokensSeen": 0, "format": 1]
        try JSONSerialization.data(withJSONObject: manifest).write(to: folder.appendingPathComponent(Checkpoint.configFile))
        var lines = ""
        for step in [0, 10, 20] {
            var r = TrainingRecord(kind: .train, step: step)
            r.loss = 3 - Double(step) / 20
            r.gamma = [1, 1 + Double(step) / 100]
            lines += String(decoding: try JSONEncoder().encode(r), as: UTF8.self) + "\n"
        }
        let metrics = folder.appendingPathComponent("metrics.jsonl")
        try lines.write(to: metrics, atomically: true, encoding: .utf8)
        let (text, figure) = try SpectrumReport.checkpoint(folder, metrics: metrics, epsilon: 1e-3)
        #expect(text.contains("spectrum.model.maxTraceD") && text.contains("gamma.max = 1.2"))
        #expect(figure.svg.hasPrefix("<svg"))
        // The propagator on the trained layer's A, W_V, γ.
        var report = PropagatorReport()
        report.layer = try QSFModelGlue.layers(QSFModelGlue.loadModel(checkpoint: folder))[1]
        report.trajectories = 2_000
        report.sseTrajectories = 100
        let printed = try report.run()
        #expect(printed.contains("trained layer 1") && printed.contains("d = 8"))
    }

    @Test("γ trajectory from metrics records")
    func gammaRecords() {
        var records: [TrainingRecord] = []
        for step in stride(from: 0, through: 100, by: 10) {
            var r = TrainingRecord(kind: .train, step: step)
            r.loss = 5 - Double(step) / 50
            r.gamma = [1 + Double(step) / 1000, 1.1 + Double(step) / 500]
            records.append(r)
        }
        let analysis = QSFModelGlue.gammaTrajectory(records)
        #expect(analysis?.gamma.count == 2 && analysis?.steps.count == 11)
        #expect(analysis?.finalGamma == [1.1, 1.3])
        #expect(QSFModelGlue.gammaTrajectory(records.map { var r = $0; r.gamma = nil; return r }) == nil)
        #expect(QSFModelGlue.isBoundaryOrMarker(".") && QSFModelGlue.isBoundaryOrMarker(" Then") && !QSFModelGlue.isBoundaryOrMarker(" cat"))
    }
}

enum GaussianAlgebraProbe {
    /// xᵀ·W for a row vector x and W (n, m).
    static func rowTimes(_ x: [Double], _ w: Matrix) -> [Double] {
        (0..<w.cols).map { j in (0..<w.rows).reduce(0) { $0 + x[$1] * w[$1, j] } }
    }
}
