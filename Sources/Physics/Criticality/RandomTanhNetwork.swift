import Foundation
import TensorCore

/// A deep random network x_{l+1} = tanh(W_l x_l + b_l), W_ij ~ N(0, σ_w²/N), b_i ~ N(0, σ_b²):
/// the reference system with a known order-to-chaos transition for the branching estimator.
///
/// Mean-field theory (Poole et al., NeurIPS 2016; Schoenholz et al., ICLR 2017): the pre-activation
/// variance follows q_{l+1} = σ_w² E_z[tanh²(√q_l z)] + σ_b², and a perturbation's squared norm
/// grows per layer by χ_l = σ_w² E_z[sech⁴(√q_l z)] (z ~ N(0, 1)). χ = 1 at the fixed point is the
/// edge of chaos; with σ_b = 0 that is σ_w = 1. For wide layers ‖J v‖²/‖v‖² concentrates at χ_l,
/// so the per-layer log gain is ½ ln χ_l up to O(1/N).
///
/// Size letters: N width, D depth.
public struct RandomTanhNetwork: Sendable {
    public let width: Int
    public let sigmaW: Double
    public let sigmaB: Double
    /// W_l (N, N) and b_l (N), l = 0..<D.
    public let weights: [Matrix]
    public let biases: [[Double]]

    public init(width: Int, depth: Int, sigmaW: Double, sigmaB: Double = 0, rng: inout SeededRNG) {
        precondition(width >= 1 && depth >= 1 && sigmaW >= 0 && sigmaB >= 0, "RandomTanhNetwork: invalid size or scales")
        self.width = width
        self.sigmaW = sigmaW
        self.sigmaB = sigmaB
        weights = (0..<depth).map { _ in Matrix.randomNormal(rows: width, cols: width, std: sigmaW / Double(width).squareRoot(), rng: &rng) }
        biases = (0..<depth).map { _ in (0..<width).map { _ in sigmaB * rng.normal() } }
    }

    /// The layers as maps with analytic JVPs: J·v = diag(1 − tanh²(h))·W·v, h = W x + b.
    public var layers: [LayerMap] {
        zip(weights, biases).map { w, b in
            LayerMap(
                forward: { x in zip(w.apply(x), b).map { Foundation.tanh($0 + $1) } },
                jvp: { x, v in
                    let h = zip(w.apply(x), b).map { $0 + $1 }
                    return zip(h, w.apply(v)).map { hi, wv in
                        let t = Foundation.tanh(hi); return (1 - t * t) * wv
                    }
                })
        }
    }

    /// Mean-field q_l (pre-activation variance) and χ_l (mean squared gain) for l = 0..<depth,
    /// starting from inputs with mean squared entry q_in.
    public static func meanField(sigmaW: Double, sigmaB: Double, inputSecondMoment qIn: Double, depth: Int) -> (q: [Double], chi: [Double]) {
        var q: [Double] = [], chi: [Double] = []
        var current = sigmaW * sigmaW * qIn + sigmaB * sigmaB
        for _ in 0..<depth {
            q.append(current)
            let s = current.squareRoot()
            chi.append(
                sigmaW * sigmaW
                    * gaussianAverage {
                        let t = Foundation.tanh(s * $0); return (1 - t * t) * (1 - t * t)
                    })
            current =
                sigmaW * sigmaW
                * gaussianAverage {
                    let t = Foundation.tanh(s * $0); return t * t
                } + sigmaB * sigmaB
        }
        return (q, chi)
    }

    /// E_z[f(z)] for z ~ N(0, 1) by composite Simpson on [−10, 10] (2000 intervals).
    static func gaussianAverage(_ f: (Double) -> Double) -> Double {
        let n = 2000, a = -10.0, h = 20.0 / Double(n)
        var sum = 0.0
        for i in 0...n {
            let z = a + Double(i) * h
            let w: Double = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2)
            sum += w * f(z) * Foundation.exp(-z * z / 2)
        }
        return sum * h / 3 / (2 * Double.pi).squareRoot()
    }
}
