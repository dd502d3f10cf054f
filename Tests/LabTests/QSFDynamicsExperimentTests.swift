import Foundation
import TensorCore
import Testing

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
        for claim in ClaimFamily.qsfDynamics.claims {
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

    @Test("Gaussian closure is reproduced, each algebraic check within its rounding allowance")
    func closure() throws {
        let output = try GaussianClosureExperiment().run(context())
        let v = try verdict("qsf.gaussian-closure", output)
        #expect(v.label == "reproduced", "\(v.reason)")
        #expect(output.measurements[QSFClosureKey.filterError]!.value < 1e-9)
        #expect(output.measurements[QSFClosureKey.filterExcess]!.value <= 1)
    }

    @Test("allowance: a κ = 1e12 system's 1e-6 difference is rounding, a well-conditioned one's is not")
    func allowance() throws {
        #expect(GaussianClosureExperiment.excess(1e-6, size: 128, condition: 1e12) < 1)
        #expect(GaussianClosureExperiment.excess(1e-4, size: 8, condition: 10) > 1e3)
        #expect(GaussianClosureExperiment.excess(5e-9, size: 8, condition: 10) < 1)
        #expect(try GaussianClosureExperiment.conditionNumber(Matrix.diagonal([4, 2, 0.5])) == 8)
    }

    @Test("SSE: the control converges and the seed's equation drifts: contradicted")
    func sse() throws {
        let output = try SSENormExperiment().run(context())
        let v = try verdict("qsf.sse-norm", output)
        #expect(v.label == "contradicted", "\(v.reason)")
        let control = output.measurements[QSFSSEKey.controlLimitMeanSquare]!
        #expect(abs(control.value) < 3 * control.error! + 1e-6)
    }

    @Test("spectrum validation recovers known answers; model claims wait for a trained model")
    func spectrum() throws {
        let output = try SpectrumExperiment().run(context())
        let m = output.measurements
        typealias Key = QSFSpectrumKey.Validation
        #expect(m[Key.modulusError]!.value < 1e-10)
        #expect(m[Key.classErrors]!.value == 0)
        #expect(m[Key.traceDError]!.value < 1e-12)
        #expect(m[Key.netRateError]!.value < 1e-10)
        #expect(m[Key.hamiltonianDeviation]!.value < 1e-12)
        #expect(m[Key.plantedBoundaryZ]!.value > 5)
        #expect(abs(m[Key.nullBoundaryZ]!.value) < 4)
        #expect(abs(m[Key.gammaSlope]!.value - 0.04) < 1e-12)
        #expect(abs(m[Key.gammaSettledFraction]!.value - 0.36) < 0.05)
        #expect(m[Key.contributionError]!.value < 1e-12)
        for claim in ClaimFamily.qsfDynamics.claims where claim.experiment == "qsf.spectrum" {
            let v = claim.verdict(Evidence(measurements: m, scale: .quick))
            #expect(v.label == "inconclusive" && v.reason.contains("qsf pipeline"), "\(claim.id): \(v.reason)")
        }
    }

    @Test("every key a dynamics rule lists appears in its experiment's smoke-scale output")
    func measuredKeys() throws {
        let pipeline = try HandMadePipeline()
        defer { pipeline.remove() }
        var outputs: [String: ExperimentOutput] = [
            "qsf.propagator": try PropagatorExperiment().run(context()),
            "qsf.gaussian-closure": try GaussianClosureExperiment().run(context()),
            "qsf.sse": try SSENormExperiment().run(context()),
        ]
        outputs["qsf.spectrum"] = try SpectrumExperiment().run(pipeline.context(scale: .smoke))
        for claim in ClaimFamily.qsfDynamics.claims {
            let experiment = try #require(claim.experiment)
            let output = try #require(outputs[experiment])
            #expect(!claim.rule.measurementNames.isEmpty, "\(claim.id) lists no measurements")
            for name in claim.rule.measurementNames {
                #expect(output.measurements[name] != nil, "\(claim.id) reads \(name), which \(experiment) does not report")
            }
            let v = claim.verdict(Evidence(measurements: output.measurements, scale: .smoke))
            #expect(v.label != "failed", "\(claim.id): \(v.reason)")
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
        do { _ = try MatrixFile.load(ragged); Issue.record("ragged CSV accepted") } catch let error as MatrixFile.Error {
            #expect(error.description.contains("r.csv") && error.description.contains("line 2"))
        }
        let nan = try write(Data("1,nan\n".utf8), "n.csv")
        #expect(throws: MatrixFile.Error.self) { try MatrixFile.load(nan) }
        // A shape whose byte count overflows Int trapped before it was checked against the file.
        for shape in ["(4294967296, 4294967296)", "(2, 4611686018427387904)"] {
            let huge = try write(npy([1, 2, 3, 4, 5, 6], fortran: false, shape: shape), "h.npy")
            do { _ = try MatrixFile.load(huge); Issue.record("shape \(shape) accepted") } catch let error as MatrixFile.Error {
                #expect(error.description == "\(huge): shape \(shape) is too large to address")
            }
        }
    }
}
