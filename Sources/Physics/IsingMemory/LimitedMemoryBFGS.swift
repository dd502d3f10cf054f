// Limited-memory BFGS minimisation (Nocedal 1980; Liu & Nocedal 1989), used to learn
// couplings by minimising a rule's objective.

/// L-BFGS with the two-loop recursion and a backtracking (Armijo) line search.
///
/// Minimises a smooth f: ℝⁿ → ℝ given a function returning (f(x), ∇f(x)). Stops when
/// ‖∇f‖∞ ≤ `gradientTolerance`·max(1, ‖x‖∞), when a step changes f by less than
/// `valueTolerance`·max(1, |f|), or after `maxIterations` iterations. A pair (s, y) with
/// sᵀy ≤ 0 is not stored (keeps the inverse-Hessian model positive definite). Not guaranteed
/// to find a global minimum of a non-convex f.
public struct LimitedMemoryBFGS: Sendable {
    /// Number of (s, y) pairs kept.
    public var memory = 10
    public var maxIterations = 200
    public var gradientTolerance = 1e-7
    public var valueTolerance = 1e-12
    /// Armijo sufficient-decrease constant.
    public var armijo = 1e-4

    public init(maxIterations: Int = 200) {
        precondition(maxIterations > 0, "LimitedMemoryBFGS: maxIterations must be positive")
        self.maxIterations = maxIterations
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        public var evaluations: Int
        /// True when a tolerance (not the iteration limit) stopped the run.
        public var converged: Bool
    }

    public func minimize(from start: [Double], _ objective: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        let n = start.count
        var x = start
        var (f, g) = objective(x)
        var evaluations = 1
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iterations = 0
        var converged = false
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for i in 0..<a.count { s += a[i] * b[i] }
            return s
        }
        func infNorm(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
        while iterations < maxIterations {
            if infNorm(g) <= gradientTolerance * max(1, infNorm(x)) { converged = true; break }
            iterations += 1
            // Two-loop recursion: d = −H·g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[i] = rhoHistory[i] * dot(sHistory[i], q)
                for k in 0..<n { q[k] -= alphas[i] * yHistory[i][k] }
            }
            if let s = sHistory.last, let y = yHistory.last {
                let gamma = dot(s, y) / dot(y, y)
                for k in 0..<n { q[k] *= gamma }
            } else {
                let scale = 1 / max(infNorm(g), 1e-300)
                for k in 0..<n { q[k] *= scale }
            }
            for i in 0..<sHistory.count {
                let beta = rhoHistory[i] * dot(yHistory[i], q)
                for k in 0..<n { q[k] += sHistory[i][k] * (alphas[i] - beta) }
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if slope >= 0 {
                // Not a descent direction: restart from steepest descent.
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                let scale = 1 / max(infNorm(g), 1e-300)
                direction = g.map { -$0 * scale }
                slope = dot(g, direction)
            }
            // Backtracking line search from the unit step.
            var step = 1.0
            var accepted = false
            var xNew = x, fNew = f, gNew = g
            for _ in 0..<40 {
                for k in 0..<n { xNew[k] = x[k] + step * direction[k] }
                (fNew, gNew) = objective(xNew)
                evaluations += 1
                if fNew.isFinite && fNew <= f + armijo * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { converged = true; break }
            var s = [Double](repeating: 0, count: n), y = s
            for k in 0..<n { s[k] = xNew[k] - x[k]; y[k] = gNew[k] - g[k] }
            let sy = dot(s, y)
            if sy > 1e-300 {
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
                if sHistory.count > memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
            }
            let change = abs(f - fNew)
            x = xNew; f = fNew; g = gNew
            if change <= valueTolerance * max(1, abs(f)) { converged = true; break }
        }
        return Result(x: x, value: f, iterations: iterations, evaluations: evaluations, converged: converged)
    }
}
