import Foundation
import TensorCore
import Testing

@testable import Physics

@Suite("Normalised SSE")
struct NormalisedSSETests {
    func system(_ rng: inout SeededRNG, d: Int = 5, dissipation: Double = 0.6, bias: Double = 0) -> NormalisedSSE {
        NormalisedSSE(
            generator: DynamicsTestSystems.generator(d, rotation: 1, dissipation: dissipation, rng: &rng),
            bias: DynamicsTestSystems.vector(d, std: bias, rng: &rng),
            valueProjection: Matrix.randomNormal(rows: d, cols: d, std: 1 / Double(d).squareRoot(), rng: &rng),
            target: DynamicsTestSystems.vector(d, std: 1 / Double(d).squareRoot(), rng: &rng),
            gamma: 1.2, measurementNoise: 1)
    }

    @Test("Itô norm rates: tangent form exactly zero; seed form 2ψᵀ(Dψ + b) and 2√(γ)/σ ψᵀe on the sphere")
    func normRates() {
        var rng = SeededRNG(seed: 41)
        let sse = system(&rng, bias: 0.3)
        let d = sse.dimension
        let dissipator = sse.generator.symmetricPart
        for _ in 0..<5 {
            var psi = DynamicsTestSystems.vector(d, rng: &rng)
            let tangentOff = sse.normRates(psi, form: .tangent)
            #expect(abs(tangentOff.rate) < 1e-12 && abs(tangentOff.volatility) < 1e-12)
            let n = psi.reduce(0) { $0 + $1 * $1 }.squareRoot()
            psi = psi.map { $0 / n }
            let seed = sse.normRates(psi, form: .seed)
            let e = zip(sse.valueProjection.apply(psi), sse.target).map { $0 - $1 }
            let dissipation = zip(psi, dissipator.apply(psi)).reduce(0) { $0 + $1.0 * $1.1 }
            let drive = zip(psi, sse.bias).reduce(0) { $0 + $1.0 * $1.1 }
            let overlap = zip(psi, e).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(seed.rate - 2 * (dissipation + drive)) < 1e-12)
            #expect(abs(seed.volatility - 2 * sse.coupling.squareRoot() * overlap) < 1e-12)
        }
    }

    @Test("the allocation-free step equals ψ + a h + g ΔB")
    func kernel() {
        var rng = SeededRNG(seed: 42)
        let sse = system(&rng, bias: 0.2)
        var kernel = SSEStepKernel(sse)
        for form in NormalisedSSE.Form.allCases {
            let psi = DynamicsTestSystems.vector(sse.dimension, rng: &rng)
            let (a, g) = sse.coefficients(psi, form: form)
            var stepped = psi
            kernel.step(&stepped, form: form, h: 0.01, db: 0.07)
            let expected = (0..<psi.count).map { psi[$0] + 0.01 * a[$0] + 0.07 * g[$0] }
            #expect(DynamicsTestSystems.relativeError(stepped, expected) < 1e-14)
        }
    }

    @Test("the tangent form's norm error vanishes with the step; the seed form's does not")
    func normDrift() {
        var rng = SeededRNG(seed: 43)
        let sse = system(&rng, dissipation: 0.8)
        let start = DynamicsTestSystems.vector(sse.dimension, rng: &rng)
        let drift = SSENormDrift(sse, start: start, time: 1, coarseSteps: 20, levels: 4, trajectories: 400, rng: rng.stream(0))
        let last = drift.times.count - 1
        let tangentCoarse = drift.tangent[0].rmsDeviation[last], tangentFine = drift.tangent[3].rmsDeviation[last]
        // Strong norm error of a norm-preserving equation is O(√h): 8× smaller step, ~1/√8.
        #expect(tangentFine < 0.5 * tangentCoarse)
        let seedCoarse = drift.seed[0].rmsDeviation[last], seedFine = drift.seed[3].rmsDeviation[last]
        #expect(seedFine > 0.7 * seedCoarse)
        #expect(seedFine > 2 * tangentFine)
        #expect(abs(drift.seed[3].meanDeviation[0]) < 1e-14)
        // Continuum limits: tangent consistent with 0, seed clearly not.
        let tangentLimit = drift.tangentLimitMeanSquare, seedLimit = drift.seedLimitMeanSquare
        #expect(abs(tangentLimit.value) < 4 * tangentLimit.error + 1e-4)
        #expect(seedLimit.value > 10 * seedLimit.error)
    }
}
