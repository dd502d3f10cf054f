import Foundation
import Models
import Physics
import TensorCore

// Size letters: T positions, C width; a layer map acts on the flattened residual stream (T·C).

/// A model's residual blocks as the branching estimator's `LayerMap`s: x ∈ R^{T·C} (one sequence's
/// residual stream, row-major (T, C)) ↦ block(x), with the Jacobian–vector product by central
/// differences on the Double model,
///
///     J(x)·v ≈ [f(x + ε v̂) − f(x − ε v̂)] / (2ε) · ‖v‖,   ε = 10⁻⁶ · max(‖x‖, 1),
///
/// whose truncation error is O(ε²) and whose rounding error ≈ 10⁻¹⁶‖f‖/ε ≈ 10⁻¹⁰ relative.
enum BlockMaps {
    /// Relative step of the central difference.
    static let relativeStep = 1e-6

    /// A block that may be called from several threads: evaluation only (no tape shared, no
    /// LayerNorm statistics tracked), so concurrent calls only read the parameters.
    struct ConcurrentBlock: @unchecked Sendable {
        let block: Block<Double>
        let length: Int
        let width: Int

        func callAsFunction(_ x: [Double]) -> [Double] {
            precondition(x.count == length * width, "BlockMaps: input of \(x.count) values for (T, C) = (\(length), \(width))")
            let tape = Tape<Double>()
            tape.recordsGradients = false
            let h = tape.constant(Tensor(shape: [1, length, width], scalars: x))  // (1, T, C)
            return block(h, training: false, trace: nil).value.scalars
        }
    }

    /// Forward map and central-difference JVP of `forward` on R^n.
    static func layerMap(_ forward: @escaping @Sendable ([Double]) -> [Double]) -> LayerMap {
        LayerMap(
            forward: forward,
            jvp: { x, v in
                let vNorm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard vNorm > 0 else { return [Double](repeating: 0, count: forward(x).count) }
                let eps = relativeStep * max(x.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1)
                let step = eps / vNorm
                let plus = forward(zip(x, v).map { $0 + step * $1 })
                let minus = forward(zip(x, v).map { $0 - step * $1 })
                return zip(plus, minus).map { ($0 - $1) / (2 * step) }
            })
    }

    /// The blocks of `model` acting on sequences of `length` tokens.
    static func blocks(_ model: LanguageModel<Double>, length: Int) -> [LayerMap] {
        model.blocks.map { block in
            let f = ConcurrentBlock(block: block, length: length, width: model.config.width)
            return layerMap { f($0) }
        }
    }

    /// The residual branch of each block, x ↦ block(x) − x, as maps whose forward is still the
    /// whole block (so the estimator walks the same stack) and whose JVP is J v − v: the part of
    /// the gain the block adds to the identity path.
    static func residualBranches(_ model: LanguageModel<Double>, length: Int) -> [LayerMap] {
        blocks(model, length: length).map { full in
            LayerMap(forward: full.forward, jvp: { x, v in zip(full.jvp(x, v), v).map { $0 - $1 } })
        }
    }
}
