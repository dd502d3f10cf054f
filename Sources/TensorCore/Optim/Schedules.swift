import Foundation

/// A learning-rate (and optionally momentum) schedule indexed by optimizer step (0-based).
public protocol LearningRateSchedule: Sendable {
    func learningRate(at step: Int) -> Double
    /// Adam's β₁ at this step when the schedule cycles momentum, else nil.
    func momentum(at step: Int) -> Double?
}

extension LearningRateSchedule {
    public func momentum(at step: Int) -> Double? { nil }
}

/// A constant learning rate.
public struct ConstantSchedule: LearningRateSchedule {
    public var rate: Double
    public init(_ rate: Double) { self.rate = rate }
    public func learningRate(at step: Int) -> Double { rate }
}

/// The one-cycle policy with PyTorch's `OneCycleLR` semantics (two phases, cosine annealing):
/// the rate rises from maxLR/div to maxLR over the first `pctStart` of `totalSteps`, then
/// falls to maxLR/(div·finalDiv); momentum (Adam's β₁) moves inversely between
/// `maxMomentum` and `baseMomentum` when `cycleMomentum`.
public struct OneCycleSchedule: LearningRateSchedule {
    public var maxLR: Double
    public var totalSteps: Int
    public var pctStart: Double = 0.3
    public var divFactor: Double = 25
    public var finalDivFactor: Double = 1e4
    public var cycleMomentum = true
    public var baseMomentum = 0.85
    public var maxMomentum = 0.95

    public init(
        maxLR: Double, totalSteps: Int, pctStart: Double = 0.3, divFactor: Double = 25,
        finalDivFactor: Double = 1e4, cycleMomentum: Bool = true
    ) {
        precondition(totalSteps > 1, "OneCycleSchedule: totalSteps must be > 1")
        self.maxLR = maxLR
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.cycleMomentum = cycleMomentum
    }

    private func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        end + (start - end) / 2 * (cos(Double.pi * pct) + 1)
    }

    private func phase(_ step: Int) -> (pct: Double, first: Bool) {
        let s = Double(min(step, totalSteps - 1))
        let end1 = pctStart * Double(totalSteps) - 1
        if s <= end1 { return (end1 > 0 ? s / end1 : 1, true) }
        let end2 = Double(totalSteps - 1)
        return ((s - end1) / (end2 - end1), false)
    }

    public func learningRate(at step: Int) -> Double {
        let initial = maxLR / divFactor, minimum = initial / finalDivFactor
        let (pct, first) = phase(step)
        return first ? anneal(initial, maxLR, pct) : anneal(maxLR, minimum, pct)
    }

    public func momentum(at step: Int) -> Double? {
        guard cycleMomentum else { return nil }
        let (pct, first) = phase(step)
        return first ? anneal(maxMomentum, baseMomentum, pct) : anneal(baseMomentum, maxMomentum, pct)
    }
}

/// Linear warm-up to `maxLR`, then cosine decay to `minLR` at `totalSteps`.
public struct CosineSchedule: LearningRateSchedule {
    public var maxLR: Double
    public var minLR: Double
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(maxLR: Double, minLR: Double = 0, warmupSteps: Int = 0, totalSteps: Int) {
        self.maxLR = maxLR
        self.minLR = minLR
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    public func learningRate(at step: Int) -> Double {
        if step < warmupSteps { return maxLR * Double(step + 1) / Double(warmupSteps) }
        let span = max(1, totalSteps - warmupSteps)
        let pct = min(1, Double(step - warmupSteps) / Double(span))
        return minLR + (maxLR - minLR) * 0.5 * (1 + cos(Double.pi * pct))
    }
}
