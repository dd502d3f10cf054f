import Foundation
import Testing

@testable import Models
@testable import TensorCore

/// attnlab against PyTorch: the logits, loss and parameter gradients of tiny trained models,
/// computed once by benchmarks/pytorch/reference.py in float64 from attnlab's exported weights
/// (benchmarks/pytorch/parity.py wrote the fixtures, which say how in their metadata).
///
/// Tolerances, per tensor, as max |attnlab − PyTorch| / max |PyTorch|: 1e-10 in Double (the
/// same maths in another summation order); in Float 1e-4 for logits and loss and 1e-3 for
/// gradients (single precision through two layers and a backward pass).
@Suite struct PyTorchParityTests {
    struct Fixture {
        let file: SafeTensors
        let config: ModelConfig
        let batch: Int, length: Int
        let tokens: [Int32], targets: [Int32]

        init(_ architecture: String) throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/PyTorchParity/\(architecture).safetensors")
            file = try SafeTensors.read(url)
            config = try JSONDecoder().decode(ModelConfig.self, from: Data(file.metadata["model", default: ""].utf8))
            batch = Int(file.metadata["batch", default: ""]) ?? 0
            length = Int(file.metadata["length", default: ""]) ?? 0
            tokens = try file.integers("tokens").map(Int32.init)
            targets = try file.integers("targets").map(Int32.init)
        }

        /// A model of the fixture's config holding the fixture's weights.
        func model<S: TensorScalar>(_: S.Type) throws -> LanguageModel<S> {
            var rng = SeededRNG(seed: 0)
            let model = try LanguageModel<S>(config: config, rng: &rng)
            for p in model.parameters {
                let w: Tensor<S> = try file.tensor(p.name, as: S.self)
                #expect(w.shape == p.shape, "\(p.name): fixture \(w.shape), model \(p.shape)")
                p.value = w
            }
            return model
        }
    }

    /// max |a − b| / max |b|.
    static func relativeError<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<Double>) -> Double {
        precondition(a.count == b.count)
        let x = a.scalars.map { Double($0) }, y = b.scalars
        let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
        return worst / max(y.map(abs).max() ?? 0, 1e-300)
    }

    func check<S: TensorScalar>(_ architecture: String, _: S.Type, values: Double, gradients: Double) throws {
        let f = try Fixture(architecture)
        #expect(f.config.architecture.rawValue == architecture && f.batch * f.length == f.tokens.count)
        let model = try f.model(S.self)
        let tape = Tape<S>()
        let logits = model.logits(tape, tokens: f.tokens, batch: f.batch, length: f.length)
        let loss = logits.reshaped([f.batch * f.length, f.config.vocabularySize]).crossEntropy(targets: f.targets)
        tape.backward(from: loss)
        let expectedLogits: Tensor<Double> = try f.file.tensor("logits", as: Double.self)
        #expect(logits.shape == expectedLogits.shape)
        let logitError = Self.relativeError(logits.value, expectedLogits)
        #expect(logitError < values, "\(architecture) \(S.self) logits: relative error \(logitError)")
        let lossError = Self.relativeError(loss.value, try f.file.tensor("loss", as: Double.self))
        #expect(lossError < values, "\(architecture) \(S.self) loss: relative error \(lossError)")
        #expect(model.parameters.count == f.file.names.filter { $0.hasPrefix("grad.") }.count)
        for p in model.parameters {
            let error = Self.relativeError(p.grad, try f.file.tensor("grad.\(p.name)", as: Double.self))
            #expect(error < gradients, "\(architecture) \(S.self) ∂loss/∂\(p.name): relative error \(error)")
        }
    }

    @Test(arguments: ["transformer", "linear"])
    func doubleMatchesPyTorch(architecture: String) throws {
        try check(architecture, Double.self, values: 1e-10, gradients: 1e-10)
    }

    @Test(arguments: ["transformer", "linear"])
    func floatMatchesPyTorch(architecture: String) throws {
        try check(architecture, Float.self, values: 1e-4, gradients: 1e-3)
    }
}
