// Time evolution ψ(t) = exp(−iHt) ψ(0) by Krylov (Lanczos) projection (Park & Light 1986;
// Hochbruck & Lubich 1997).
//
// Size letters: D basis states, M Krylov dimension, W watched basis states.

import RealModule
import TensorCore

/// Propagates a state under a time-independent real symmetric H = `TransverseFieldIsing`.
///
/// Each step builds the Krylov space K_M(H, ψ) by Lanczos with full re-orthogonalisation
/// (V, (D, M), orthonormal to rounding; T = Vᴴ H V tridiagonal), diagonalises T = Q Θ Qᵀ and
/// sets ψ(t₀ + τ) = ‖ψ‖ V Q e^{−iΘτ} Qᵀ e₁. The step τ is halved until the a-posteriori error
/// estimate ‖ψ‖·β_M·|(Q e^{−iΘτ} Qᵀ e₁)_M| is below `tolerance` (Saad 1992). Within a step,
/// amplitudes at watched basis states are available at any τ for O(M·W), so dense time
/// sampling for time averages is nearly free. The propagator is unitary up to the
/// orthogonality of V; `Result.maxNormDrift` reports max_t |‖ψ(t)‖² − ‖ψ(0)‖²|.
public struct KrylovPropagator: Sendable {
    /// M.
    public var krylovDimension: Int
    /// Bound on the estimated error of one step.
    public var tolerance: Double

    public init(krylovDimension: Int = 30, tolerance: Double = 1e-10) {
        precondition(krylovDimension >= 2, "KrylovPropagator: Krylov dimension must be ≥ 2")
        precondition(tolerance > 0, "KrylovPropagator: tolerance must be positive")
        self.krylovDimension = krylovDimension
        self.tolerance = tolerance
    }

    public struct Result: Sendable {
        public var state: StateVector
        public var steps: Int
        public var maxNormDrift: Double
    }

    /// Evolves `state` for `duration`. At every time t = j·`sampleStep` in [0, duration]
    /// (j = 0, 1, …) it calls `observe(j, probabilities)` with |ψ_b(t)|² for b in `watch`, (W).
    public func evolve(
        _ h: TransverseFieldIsing, from state: StateVector, duration: Double,
        sampleStep: Double? = nil, watch: [Int] = [],
        observe: (Int, [Double]) -> Void = { _, _ in }
    ) -> Result {
        let d = h.dimension
        precondition(state.real.count == d, "KrylovPropagator: state of \(state.real.count) for D = \(d)")
        precondition(duration >= 0, "KrylovPropagator: negative duration")
        if let sampleStep { precondition(sampleStep > 0, "KrylovPropagator: sample step must be positive") }
        let initialNorm = state.normSquared
        var psi = state
        var t = 0.0
        var nextSample = 0
        var steps = 0
        var maxDrift = 0.0
        var tauGuess = duration
        let m = min(krylovDimension, d)
        // Krylov basis, (M, D) row-major, real and imaginary parts.
        var vRe = [Double](repeating: 0, count: m * d), vIm = vRe
        var wRe = [Double](repeating: 0, count: d), wIm = wRe
        func sampleTime(_ j: Int) -> Double { Double(j) * (sampleStep ?? .infinity) }
        if sampleStep != nil, sampleTime(0) <= duration {
            observe(0, watch.map { psi.probability($0) })
            nextSample = 1
        }
        while t < duration * (1 - 1e-15) {
            let norm = psi.normSquared.squareRoot()
            var alpha: [Double] = [], beta: [Double] = []
            var size = m
            vRe.withUnsafeMutableBufferPointer { vr in
                vIm.withUnsafeMutableBufferPointer { vi in
                    wRe.withUnsafeMutableBufferPointer { wr in
                        wIm.withUnsafeMutableBufferPointer { wi in
                            for b in 0..<d { vr[b] = psi.real[b] / norm; vi[b] = psi.imaginary[b] / norm }
                            for j in 0..<m {
                                h.apply(UnsafeBufferPointer(rebasing: vr[(j * d)..<((j + 1) * d)]), into: wr)
                                h.apply(UnsafeBufferPointer(rebasing: vi[(j * d)..<((j + 1) * d)]), into: wi)
                                // Lanczos with two passes of full Gram–Schmidt (complex inner products).
                                var a = 0.0
                                for pass in 0..<2 {
                                    for i in 0...j {
                                        let o = i * d
                                        var cr = 0.0, ci = 0.0
                                        for b in 0..<d {
                                            cr += vr[o + b] * wr[b] + vi[o + b] * wi[b]
                                            ci += vr[o + b] * wi[b] - vi[o + b] * wr[b]
                                        }
                                        if pass == 0 && i == j { a = cr }
                                        for b in 0..<d {
                                            wr[b] -= cr * vr[o + b] - ci * vi[o + b]
                                            wi[b] -= cr * vi[o + b] + ci * vr[o + b]
                                        }
                                    }
                                }
                                alpha.append(a)
                                var bn = 0.0
                                for b in 0..<d { bn += wr[b] * wr[b] + wi[b] * wi[b] }
                                bn = bn.squareRoot()
                                beta.append(bn)
                                if bn < 1e-12 * max(1, abs(a)) { size = j + 1; break }
                                if j + 1 < m {
                                    let o = (j + 1) * d
                                    for b in 0..<d { vr[o + b] = wr[b] / bn; vi[o + b] = wi[b] / bn }
                                }
                            }
                        }
                    }
                }
            }
            var tri = Matrix(rows: size, cols: size)
            for j in 0..<size {
                tri[j, j] = alpha[j]
                if j + 1 < size { tri[j, j + 1] = beta[j]; tri[j + 1, j] = beta[j] }
            }
            guard let (theta, q) = try? tri.symmetricEigen() else {
                preconditionFailure("KrylovPropagator: eigen-decomposition of the Lanczos matrix failed")
            }
            let residual = size < m || beta[size - 1] < 1e-12 ? 0 : beta[size - 1]
            // c(τ) = Q e^{−iΘτ} Qᵀ e₁, (M).
            func coefficients(_ tau: Double) -> (re: [Double], im: [Double]) {
                var re = [Double](repeating: 0, count: size), im = re
                for l in 0..<size {
                    let weight = q[0, l]
                    let (c, s) = (Double.cos(theta[l] * tau), Double.sin(theta[l] * tau))
                    for r in 0..<size {
                        re[r] += q[r, l] * weight * c
                        im[r] -= q[r, l] * weight * s
                    }
                }
                return (re, im)
            }
            var tau = min(duration - t, tauGuess)
            if residual > 0 {
                while true {
                    let c = coefficients(tau)
                    let error = norm * residual * (c.re[size - 1] * c.re[size - 1] + c.im[size - 1] * c.im[size - 1]).squareRoot()
                    if error <= tolerance || tau < 1e-12 { break }
                    tau *= 0.5
                }
            } else {
                tau = duration - t
            }
            // Samples inside (t, t + τ].
            if let sampleStep {
                while sampleTime(nextSample) <= min(t + tau, duration) + 1e-12 * sampleStep {
                    let c = coefficients(sampleTime(nextSample) - t)
                    let probabilities = watch.map { b -> Double in
                        var re = 0.0, im = 0.0
                        for r in 0..<size {
                            re += vRe[r * d + b] * c.re[r] - vIm[r * d + b] * c.im[r]
                            im += vRe[r * d + b] * c.im[r] + vIm[r * d + b] * c.re[r]
                        }
                        return norm * norm * (re * re + im * im)
                    }
                    observe(nextSample, probabilities)
                    nextSample += 1
                }
            }
            let c = coefficients(tau)
            vRe.withUnsafeBufferPointer { vr in
                vIm.withUnsafeBufferPointer { vi in
                    psi.real.withUnsafeMutableBufferPointer { pr in
                        psi.imaginary.withUnsafeMutableBufferPointer { pi in
                            for b in 0..<d { pr[b] = 0; pi[b] = 0 }
                            for r in 0..<size {
                                let (cr, ci, o) = (norm * c.re[r], norm * c.im[r], r * d)
                                for b in 0..<d {
                                    pr[b] += vr[o + b] * cr - vi[o + b] * ci
                                    pi[b] += vr[o + b] * ci + vi[o + b] * cr
                                }
                            }
                        }
                    }
                }
            }
            t += tau
            steps += 1
            maxDrift = max(maxDrift, abs(psi.normSquared - initialNorm))
            tauGuess = min(2 * tau, duration)
        }
        return Result(state: psi, steps: steps, maxNormDrift: maxDrift)
    }
}
