/// The measurements of the QPF experiments, declared once: the experiment writes them under
/// these keys and the claims' rules (QPFRules) read them back. results.json keeps the strings.
enum QPFKey {
    // MARK: qpf.gradient (LeakageGradientExperiment)

    /// Worst relative deviation, closed form vs reverse-mode autodiff (pooled: worst over seeds).
    static let autodiffDeviation = MeasurementKey("gradient.autodiff-deviation")
    /// Worst relative deviation, closed form vs complex step, N ≤ 16 (pooled: worst over seeds).
    static let complexStepDeviation = MeasurementKey("gradient.complex-step-deviation")
    /// Worst relative deviation, closed form vs central finite differences (reported).
    static let finiteDifferenceDeviation = MeasurementKey("gradient.finite-difference-deviation")
    /// β → 0: worst |∂F/∂J_ij ÷ (−4β/N) − s_i s_j| (reported).
    static let hebbianLimit = MeasurementKey("gradient.hebbian-limit")

    // MARK: qpf.real-time (RealTimeLeakageExperiment)

    static let klLorentzianSmallField = MeasurementKey("realtime.kl-lorentzian-small-field")
    static let klSoftmaxSmallField = MeasurementKey("realtime.kl-softmax-small-field")
    static let firstOrderDeviationSmallField = MeasurementKey("realtime.first-order-deviation-small-field")
    static let departureField = MeasurementKey("realtime.departure-field")
    static let crossoverField = MeasurementKey("realtime.crossover-field")
    static let normDrift = MeasurementKey("realtime.norm-drift")
    static let krylovVsExact = MeasurementKey("realtime.krylov-vs-exact")

    // MARK: qpf.forward-map (ForwardMapExperiment), one of each per sampler

    /// KL(Lorentzian fit) − KL(softmax fit) at the sampler's longest anneal.
    static func klDifference(_ s: ForwardMapExperiment.Sampler) -> MeasurementKey { MeasurementKey("forward", s.rawValue, "kl-difference") }
    static func klSoftmax(_ s: ForwardMapExperiment.Sampler) -> MeasurementKey { MeasurementKey("forward", s.rawValue, "kl-softmax") }
    static func klLorentzian(_ s: ForwardMapExperiment.Sampler) -> MeasurementKey { MeasurementKey("forward", s.rawValue, "kl-lorentzian") }
    /// Fitted softmax slope â at the longest anneal.
    static func slope(_ s: ForwardMapExperiment.Sampler) -> MeasurementKey { MeasurementKey("forward", s.rawValue, "slope") }
    /// d â / d log₂(anneal length) (annealers only).
    static func slopeTrend(_ s: ForwardMapExperiment.Sampler) -> MeasurementKey { MeasurementKey("forward", s.rawValue, "slope-trend") }
    static func slopeFastest(_ s: ForwardMapExperiment.Sampler) -> MeasurementKey { MeasurementKey("forward", s.rawValue, "slope-fastest") }
    /// Bias-corrected softmax KL at the fastest minus at the longest anneal (annealers only).
    static func klSoftmaxChange(_ s: ForwardMapExperiment.Sampler) -> MeasurementKey {
        MeasurementKey("forward", s.rawValue, "kl-softmax-change")
    }

    // MARK: qpf.capacity (CapacityExperiment)

    /// α_c of `rule` at cue noise `flip`, at the largest N every rule ran.
    static func capacity(_ rule: String, flip: Double) -> MeasurementKey {
        MeasurementKey("capacity", rule, "f" + CapacityExperiment.flipKey(flip))
    }
    /// α_c(rule) / α_c(Hebbian) at the same N and cue noise.
    static func capacityRatio(_ rule: String, flip: Double) -> MeasurementKey {
        MeasurementKey("capacity", rule, "ratio", "f" + CapacityExperiment.flipKey(flip))
    }
    /// Hebbian α_∞ from α_c(N) = α_∞ + a/√N: the harness check.
    static let hebbianExtrapolated = MeasurementKey("capacity.hebbian.extrapolated")
    /// Load where the Hebbian retrieval curves of the two largest N cross.
    static let hebbianCrossing = MeasurementKey("capacity.hebbian.crossing")
    /// How many reported α_c lie outside the load range (a bound, not a value); a count.
    static let outOfRange = MeasurementKey("capacity.out-of-range")
}
