import Foundation
import TensorCore

// Size letters: N oscillators, S samples of r(t).

/// The Kuramoto model of N phase oscillators with all-to-all (mean-field) coupling K
/// (Kuramoto 1975; seed 003 reads attention heads as such oscillators, "Kuramoto locking"):
///
///     dθ_i/dt = ω_i + (K/N) Σ_j sin(θ_j − θ_i) = ω_i + K r sin(ψ − θ_i),
///     r e^{iψ} = (1/N) Σ_j e^{iθ_j}                   (the order parameter, 0 ≤ r ≤ 1)
///
/// Integrated with the classical fourth-order Runge–Kutta method at a fixed step; the
/// mean-field form makes each right-hand side O(N) (one sine and cosine per oscillator).
public struct KuramotoModel: Sendable {
    /// ω_i, length N.
    public var frequencies: [Double]
    /// K ≥ 0.
    public var coupling: Double

    public init(frequencies: [Double], coupling: Double) {
        precondition(!frequencies.isEmpty, "KuramotoModel: need at least one oscillator")
        precondition(coupling.isFinite, "KuramotoModel: coupling must be finite, got \(coupling)")
        self.frequencies = frequencies
        self.coupling = coupling
    }

    public var count: Int { frequencies.count }

    /// r and ψ of a set of phases: r e^{iψ} = mean of e^{iθ}.
    public static func orderParameter(_ phases: [Double]) -> (r: Double, psi: Double) {
        var x = 0.0, y = 0.0
        for t in phases { x += Foundation.cos(t); y += Foundation.sin(t) }
        x /= Double(phases.count); y /= Double(phases.count)
        return ((x * x + y * y).squareRoot(), Foundation.atan2(y, x))
    }

    /// r(t) sampled along a trajectory.
    public struct Trajectory: Sendable {
        /// Sample times (after the transient).
        public var times: [Double]
        /// r at those times.
        public var orderParameter: [Double]
        /// θ at the end.
        public var finalPhases: [Double]

        /// Time average of r over the samples with a batch-means standard error (`batches`
        /// consecutive blocks; their spread measures the error of a correlated series).
        public func average(batches: Int = 10) -> OrderParameterEstimate {
            OrderParameterEstimate(series: orderParameter, batches: batches)
        }
    }

    /// Integrates from `initialPhases` for `transient + duration` time units with step `timeStep`,
    /// recording r every `sampleEvery` steps after the transient.
    public func simulate(
        initialPhases: [Double], timeStep dt: Double, transient: Double, duration: Double,
        sampleEvery: Int = 1
    ) -> Trajectory {
        precondition(initialPhases.count == count, "KuramotoModel.simulate: \(initialPhases.count) phases for \(count) oscillators")
        precondition(
            dt > 0 && transient >= 0 && duration > 0 && sampleEvery > 0,
            "KuramotoModel.simulate: need dt > 0, transient ≥ 0, duration > 0, sampleEvery > 0")
        let n = count
        let skip = Int((transient / dt).rounded())
        let total = skip + max(1, Int((duration / dt).rounded()))
        var theta = initialPhases
        var k1 = [Double](repeating: 0, count: n), k2 = k1, k3 = k1, k4 = k1, stage = k1
        var sines = k1, cosines = k1
        var times: [Double] = [], samples: [Double] = []
        let k = coupling
        frequencies.withUnsafeBufferPointer { omega in
            sines.withUnsafeMutableBufferPointer { s in
                cosines.withUnsafeMutableBufferPointer { c in
                    // f(φ) = ω + K(Y cos φ − X sin φ) with X + iY = mean e^{iφ}; returns r.
                    func rhs(_ phi: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>) -> Double {
                        var x = 0.0, y = 0.0
                        for i in 0..<n {
                            s[i] = Foundation.sin(phi[i]); c[i] = Foundation.cos(phi[i])
                            x += c[i]; y += s[i]
                        }
                        x /= Double(n); y /= Double(n)
                        for i in 0..<n { out[i] = omega[i] + k * (y * c[i] - x * s[i]) }
                        return (x * x + y * y).squareRoot()
                    }
                    for step in 0...total {
                        let r = theta.withUnsafeBufferPointer { th in k1.withUnsafeMutableBufferPointer { rhs(th, $0) } }
                        if step >= skip && (step - skip) % sampleEvery == 0 {
                            times.append(Double(step) * dt)
                            samples.append(r)
                        }
                        if step == total { break }
                        for i in 0..<n { stage[i] = theta[i] + 0.5 * dt * k1[i] }
                        _ = stage.withUnsafeBufferPointer { st in k2.withUnsafeMutableBufferPointer { rhs(st, $0) } }
                        for i in 0..<n { stage[i] = theta[i] + 0.5 * dt * k2[i] }
                        _ = stage.withUnsafeBufferPointer { st in k3.withUnsafeMutableBufferPointer { rhs(st, $0) } }
                        for i in 0..<n { stage[i] = theta[i] + dt * k3[i] }
                        _ = stage.withUnsafeBufferPointer { st in k4.withUnsafeMutableBufferPointer { rhs(st, $0) } }
                        for i in 0..<n {
                            theta[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])
                        }
                        if step % 256 == 255 {
                            for i in 0..<n { theta[i] = theta[i].remainder(dividingBy: 2 * Double.pi) }
                        }
                    }
                }
            }
        }
        return Trajectory(times: times, orderParameter: samples, finalPhases: theta)
    }

    /// The stationary order parameter for N oscillators with frequencies from `distribution`,
    /// averaged over `realisations` independent runs (uniformly random initial phases, and new
    /// frequencies unless `regular`). Each run discards `transient` time units and averages r
    /// over the next `duration`. The error is the standard error over realisations when there
    /// are several (it then includes the disorder of the frequencies), else the batch-means error.
    public static func stationaryOrderParameter(
        distribution: FrequencyDistribution, oscillators n: Int, coupling: Double,
        regular: Bool, realisations: Int, timeStep: Double = 0.05,
        transient: Double = 100, duration: Double = 200,
        rng: inout SeededRNG
    ) -> OrderParameterEstimate {
        precondition(realisations > 0, "KuramotoModel.stationaryOrderParameter: need at least one realisation")
        var runs: [OrderParameterEstimate] = []
        for _ in 0..<realisations {
            let omega = distribution.frequencies(n, regular: regular, rng: &rng)
            let phases = (0..<n).map { _ in rng.uniform(-Double.pi, Double.pi) }
            let model = KuramotoModel(frequencies: omega, coupling: coupling)
            runs.append(
                model.simulate(
                    initialPhases: phases, timeStep: timeStep, transient: transient, duration: duration,
                    sampleEvery: 2
                ).average())
        }
        if runs.count == 1 { return runs[0] }
        return OrderParameterEstimate(combining: runs)
    }
}

/// A time-averaged order parameter with its standard error.
public struct OrderParameterEstimate: Sendable, Equatable {
    public var mean: Double
    public var error: Double
    /// Mean of r² (for the incoherent state ⟨r²⟩ ≈ 1/N at K = 0).
    public var meanSquare: Double
    /// Samples (time points) or realisations behind the estimate.
    public var samples: Int

    public init(mean: Double, error: Double, meanSquare: Double, samples: Int) {
        self.mean = mean
        self.error = error
        self.meanSquare = meanSquare
        self.samples = samples
    }

    /// The mean of a correlated series with the batch-means error.
    public init(series: [Double], batches: Int) {
        precondition(!series.isEmpty, "OrderParameterEstimate: empty series")
        let n = series.count
        mean = series.reduce(0, +) / Double(n)
        meanSquare = series.reduce(0) { $0 + $1 * $1 } / Double(n)
        samples = n
        let b = max(2, min(batches, n))
        let size = n / b
        if size == 0 { error = .nan; return }
        let means = (0..<b).map { j in series[(j * size)..<((j + 1) * size)].reduce(0, +) / Double(size) }
        let m = means.reduce(0, +) / Double(b)
        error = (means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(b - 1) / Double(b)).squareRoot()
    }

    /// Mean of independent estimates with the standard error of that mean.
    public init(combining runs: [OrderParameterEstimate]) {
        precondition(runs.count > 1, "OrderParameterEstimate: combine at least two runs")
        let k = Double(runs.count)
        mean = runs.reduce(0) { $0 + $1.mean } / k
        meanSquare = runs.reduce(0) { $0 + $1.meanSquare } / k
        let m = mean
        error = (runs.reduce(0) { $0 + ($1.mean - m) * ($1.mean - m) } / (k - 1) / k).squareRoot()
        samples = runs.count
    }
}
