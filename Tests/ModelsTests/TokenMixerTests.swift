import Testing

@testable import Models
@testable import TensorCore

/// The token mixer each architecture gets, the parameter names checkpoints store, and the
/// column layout of W_qkv.
@Suite struct TokenMixerTests {
    static func model(_ arch: Architecture) throws -> LanguageModel<Double> {
        var rng = SeededRNG(seed: 2)
        return try LanguageModel<Double>(config: ArchitectureGradientTests.tinyConfig(arch), rng: &rng)
    }

    /// Block 0's parameter names, in order: the safetensors names of every checkpoint written so far.
    @Test(arguments: Architecture.allCases)
    func blockParameterNamesAreTheCheckpointNames(arch: Architecture) throws {
        let norms1 = ["blocks.0.norm1.weight", "blocks.0.norm1.bias"]
        let rest = [
            "blocks.0.norm2.weight", "blocks.0.norm2.bias",
            "blocks.0.ffn.up.weight", "blocks.0.ffn.up.bias", "blocks.0.ffn.down.weight", "blocks.0.ffn.down.bias",
        ]
        let koopman = ["blocks.0.koopman.A", "blocks.0.koopman.U.weight", "blocks.0.koopman.V.weight"]
        let linear = ["blocks.0.linattn.qkv.weight", "blocks.0.linattn.qkv.bias", "blocks.0.linattn.out.weight", "blocks.0.linattn.out.bias"]
        let mixer: [String] =
            switch arch {
            case .transformer: ["blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.out.weight", "blocks.0.attn.out.bias"]
            case .fnet: []
            case .koopman: koopman
            case .qsf, .hamiltonian: koopman + linear + ["blocks.0.gamma"]
            case .linear: linear
            }
        let block = try Self.model(arch).blocks[0]
        #expect(block.parameters.map(\.name) == norms1 + mixer + rest)
    }

    @Test(arguments: Architecture.allCases)
    func eachArchitectureGetsItsMixer(arch: Architecture) throws {
        let block = try Self.model(arch).blocks[0]
        switch (arch, block.mixer) {
        case (.transformer, .attention), (.fnet, .fourier), (.koopman, .koopman), (.linear, .linearAttention): break
        case (.qsf, .koopmanAndLinearAttention(let k, _, let gamma)), (.hamiltonian, .koopmanAndLinearAttention(let k, _, let gamma)):
            #expect(k.skewSymmetric == (arch == .hamiltonian) && gamma.value.scalars == [1])
        default: Issue.record("\(arch) got \(block.mixer)")
        }
        #expect((block.koopman != nil) == arch.hasKoopman && (block.linearAttention != nil) == arch.hasLinearAttention)
        #expect((block.gamma != nil) == (arch.hasKoopman && arch.hasLinearAttention))
    }

    /// W_V is the last third of W_qkv's columns: with those columns and their bias zero, v = 0,
    /// so the attention's output is the output projection's bias alone, in the fused kernel and
    /// in the composed reference; `valueProjection()` reads the same columns.
    @Test func valuesAreTheLastThirdOfTheProjection() throws {
        let attention = try #require(try Self.model(.linear).blocks[0].linearAttention)
        let c = 8
        let w = attention.qkv.weight, b = try #require(attention.qkv.bias)
        #expect(attention.valueProjection() == Matrix(w.value).block(rows: 0..<c, cols: (2 * c)..<(3 * c)))
        for i in 0..<c { for j in (2 * c)..<(3 * c) { w.value[i, j] = 0 } }
        for j in (2 * c)..<(3 * c) { b.value[j] = 0 }
        var rng = SeededRNG(seed: 9)
        let x = Tensor<Double>.randomNormal([2, 5, c], rng: &rng)
        let outputBias = try #require(attention.output.bias).value.scalars
        let tape = Tape<Double>()
        for y in [attention(tape.constant(x)).value, attention.reference(tape.constant(x)).value] {
            let rows = y.scalars.chunked(c)
            #expect(rows.allSatisfy { zip($0, outputBias).allSatisfy { abs($0 - $1) < 1e-12 } })
        }
    }
}

private extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
