import Foundation

// Reusable verdict rules. Each reads named measurements from the evidence, compares them with a
// claimed value or bound using the measurement's standard error σ, and explains its verdict.
//
// Conventions shared by all rules:
// - a missing measurement or a NaN value gives `inconclusive`, naming the measurement;
// - `sigmas` (k, default 2) is the width of the agreement band in standard errors;
// - where the measured value sits between "clearly agrees" and "clearly disagrees" the verdict
//   is `inconclusive` with the distance in σ, never a guess.

extension VerdictRule {
    /// The measured value agrees with a claimed value c ± e_c: reproduced when
    /// |v − c| ≤ k·√(σ² + e_c²) + tolerance, contradicted otherwise. With no uncertainty at all
    /// (σ, e_c and tolerance all zero) the rule cannot decide and says so. `maxError`: a
    /// measurement whose σ exceeds it is too imprecise to test the claim → inconclusive.
    public static func agrees(
        _ name: String, with claimed: Double, claimedError: Double = 0, sigmas k: Double = 2,
        tolerance: Double = 0, maxError: Double? = nil
    ) -> VerdictRule {
        let claimText = claimedError > 0 ? Measurement(claimed, error: claimedError).formatted : formatRuleNumber(claimed)
        let tolText = tolerance > 0 ? " + \(formatRuleNumber(tolerance))" : ""
        return VerdictRule("\(name) within \(formatRuleNumber(k))σ\(tolText) of \(claimText)", measuring: [name]) { evidence in
            let m: Measurement
            switch lookup(name, evidence) {
            case .found(let v): m = v;
            case .unusable(let why): return why
            }
            let sigma = ((m.error ?? 0) * (m.error ?? 0) + claimedError * claimedError).squareRoot()
            if let maxError, let e = m.error, e > maxError {
                return .inconclusive("\(name) = \(m.formatted): error exceeds \(formatRuleNumber(maxError)), too imprecise to test \(claimText)")
            }
            let distance = abs(m.value - claimed)
            guard sigma > 0 || tolerance > 0 else {
                return .inconclusive("\(name) = \(m.formatted) has no uncertainty to compare with \(claimText)")
            }
            let band = k * sigma + tolerance
            let inSigma = sigma > 0 ? " (\(formatRuleNumber(distance / sigma))σ)" : ""
            if distance <= band {
                return .reproduced(
                    "\(name) = \(m.formatted) is \(formatRuleNumber(distance))\(inSigma) from \(claimText), within \(formatRuleNumber(k))σ\(tolText)")
            }
            return .contradicted(
                "\(name) = \(m.formatted) is \(formatRuleNumber(distance))\(inSigma) from \(claimText), beyond \(formatRuleNumber(k))σ\(tolText)")
        }
    }

    /// The measured value lies in [lower, upper]: reproduced inside, contradicted when more than
    /// kσ outside, inconclusive in between.
    public static func inInterval(_ name: String, _ interval: ClosedRange<Double>, sigmas k: Double = 2) -> VerdictRule {
        let text = "[\(formatRuleNumber(interval.lowerBound)), \(formatRuleNumber(interval.upperBound))]"
        return VerdictRule("\(name) in \(text) (contradicted beyond \(formatRuleNumber(k))σ outside)", measuring: [name]) { evidence in
            let m: Measurement
            switch lookup(name, evidence) {
            case .found(let v): m = v;
            case .unusable(let why): return why
            }
            if interval.contains(m.value) { return .reproduced("\(name) = \(m.formatted) lies in \(text)") }
            let outside = m.value < interval.lowerBound ? interval.lowerBound - m.value : m.value - interval.upperBound
            let sigma = m.error ?? 0
            if outside > k * sigma {
                let inSigma = sigma > 0 ? " (\(formatRuleNumber(outside / sigma))σ)" : ""
                return .contradicted("\(name) = \(m.formatted) lies \(formatRuleNumber(outside))\(inSigma) outside \(text)")
            }
            return .inconclusive("\(name) = \(m.formatted) lies outside \(text) by \(formatRuleNumber(outside / sigma))σ, within \(formatRuleNumber(k))σ")
        }
    }

    /// The measured value is at most `bound`: reproduced when v ≤ bound, contradicted when
    /// v − kσ > bound, inconclusive in between.
    public static func atMost(_ name: String, _ bound: Double, sigmas k: Double = 2) -> VerdictRule {
        VerdictRule("\(name) ≤ \(formatRuleNumber(bound))", measuring: [name]) { evidence in
            boundVerdict(name, evidence, bound: bound, k: k, upper: true)
        }
    }

    /// The measured value is at least `bound`: reproduced when v ≥ bound, contradicted when
    /// v + kσ < bound, inconclusive in between.
    public static func atLeast(_ name: String, _ bound: Double, sigmas k: Double = 2) -> VerdictRule {
        VerdictRule("\(name) ≥ \(formatRuleNumber(bound))", measuring: [name]) { evidence in
            boundVerdict(name, evidence, bound: bound, k: k, upper: false)
        }
    }

    /// Measurement `a` is smaller than measurement `b`: with d = a − b and σ_d = √(σ_a² + σ_b²),
    /// reproduced when d + kσ_d < 0, contradicted when d − kσ_d > 0, inconclusive otherwise.
    public static func less(_ a: String, than b: String, sigmas k: Double = 2) -> VerdictRule {
        VerdictRule("\(a) < \(b) by more than \(formatRuleNumber(k))σ", measuring: [a, b]) { evidence in
            let ma: Measurement, mb: Measurement
            switch lookup(a, evidence) {
            case .found(let v): ma = v;
            case .unusable(let why): return why
            }
            switch lookup(b, evidence) {
            case .found(let v): mb = v;
            case .unusable(let why): return why
            }
            let d = ma.value - mb.value
            let sigma = ((ma.error ?? 0) * (ma.error ?? 0) + (mb.error ?? 0) * (mb.error ?? 0)).squareRoot()
            let text = "\(a) = \(ma.formatted), \(b) = \(mb.formatted)"
            let inSigma = sigma > 0 ? "\(formatRuleNumber(abs(d) / sigma))σ" : "exactly"
            if d + k * sigma < 0 { return .reproduced("\(text): smaller by \(inSigma)") }
            if d - k * sigma > 0 { return .contradicted("\(text): larger by \(inSigma)") }
            return .inconclusive("\(text): difference within \(formatRuleNumber(k))σ")
        }
    }

    /// Every rule must reproduce. Contradicted if any is contradicted; otherwise the first
    /// not-implemented, failed, untestable or inconclusive verdict; reproduced when all are.
    public static func allOf(_ rules: [VerdictRule]) -> VerdictRule {
        VerdictRule(rules.map(\.description).joined(separator: "; and "), measuring: rules.flatMap(\.measurementNames)) { evidence in
            let verdicts = rules.map { $0.judge(evidence) }
            let contradictions = verdicts.filter { if case .contradicted = $0 { true } else { false } }
            if !contradictions.isEmpty { return .contradicted(contradictions.map(\.reason).joined(separator: "; ")) }
            for v in verdicts {
                switch v {
                case .reproduced, .contradicted: continue
                case .notImplemented, .failed, .untestable: return v
                case .inconclusive:
                    return .inconclusive(
                        verdicts.filter { if case .inconclusive = $0 { true } else { false } }
                            .map(\.reason).joined(separator: "; "))
                }
            }
            return .reproduced(verdicts.map(\.reason).joined(separator: "; "))
        }
    }

    /// A claim that cannot be tested as stated; the reason is the verdict.
    public static func untestable(_ reason: String) -> VerdictRule {
        VerdictRule("untestable: \(reason)") { _ in .untestable(reason) }
    }

    /// This rule, but `inconclusive` while measurement `name` has fewer than `minimum` samples
    /// (or does not report its sample count).
    public func requiringSamples(_ minimum: Int, of name: String) -> VerdictRule {
        let inner = self
        var rule = VerdictRule("\(description) (needs ≥ \(minimum) samples of \(name))") { evidence in
            guard let m = evidence[name] else { return .inconclusive("measurement '\(name)' is missing") }
            guard let n = m.samples else { return .inconclusive("\(name) does not report its sample count") }
            guard n >= minimum else { return .inconclusive("only \(n) samples of \(name); the rule needs ≥ \(minimum)") }
            return inner.judge(evidence)
        }
        rule.measurementNames = measurementNames
        return rule
    }

    /// This rule, but `inconclusive` when the run's scale is below `minimum` (the claim needs a
    /// model trained long enough, enough draws …).
    public func requiringScale(_ minimum: Scale) -> VerdictRule {
        let inner = self
        var rule = VerdictRule("\(description) (at scale ≥ \(minimum.rawValue))") { evidence in
            guard evidence.scale >= minimum else {
                return .inconclusive("scale \(evidence.scale.rawValue) is below \(minimum.rawValue), the smallest that can decide this claim")
            }
            return inner.judge(evidence)
        }
        rule.measurementNames = measurementNames
        return rule
    }
}

// MARK: Helpers

/// A measurement looked up by name: usable, or the inconclusive verdict explaining why not.
private enum Lookup { case found(Measurement), unusable(Verdict) }

private func lookup(_ name: String, _ evidence: Evidence) -> Lookup {
    guard let m = evidence[name] else { return .unusable(.inconclusive("measurement '\(name)' is missing from the experiment's output")) }
    guard !m.value.isNaN else { return .unusable(.inconclusive("\(name) is NaN")) }
    if let e = m.error, e.isNaN || e < 0 { return .unusable(.inconclusive("\(name) has an invalid error (\(e))")) }
    return .found(m)
}

private func boundVerdict(_ name: String, _ evidence: Evidence, bound: Double, k: Double, upper: Bool) -> Verdict {
    let m: Measurement
    switch lookup(name, evidence) {
    case .found(let v): m = v;
    case .unusable(let why): return why
    }
    let sigma = m.error ?? 0
    let op = upper ? "≤" : "≥"
    let excess = upper ? m.value - bound : bound - m.value
    if excess <= 0 { return .reproduced("\(name) = \(m.formatted) \(op) \(formatRuleNumber(bound))") }
    if excess > k * sigma {
        let inSigma = sigma > 0 ? " by \(formatRuleNumber(excess / sigma))σ" : ""
        return .contradicted("\(name) = \(m.formatted) violates \(op) \(formatRuleNumber(bound))\(inSigma)")
    }
    return .inconclusive(
        "\(name) = \(m.formatted) misses \(op) \(formatRuleNumber(bound)) by \(formatRuleNumber(excess / sigma))σ, within \(formatRuleNumber(k))σ")
}
