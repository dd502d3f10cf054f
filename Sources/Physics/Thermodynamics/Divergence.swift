import Foundation
import TensorCore

/// Divergences between discrete distributions — between the attention distributions of heads
/// (seed 003 compares heads by relative entropy, "KL(α‖α′) = Σ α_i log(α_i/α′_i)").
public enum Divergence {
    /// Kullback–Leibler divergence KL(p‖q) = Σ p_i log(p_i/q_i) in nats; terms with p_i = 0 are 0,
    /// and it is +∞ when some q_i = 0 < p_i. Not symmetric; ≥ 0 with equality iff p = q.
    public static func kullbackLeibler(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "Divergence.kullbackLeibler: p has \(p.count) entries, q \(q.count)")
        var s = 0.0
        for i in p.indices where p[i] > 0 {
            if q[i] <= 0 { return .infinity }
            s += p[i] * Foundation.log(p[i] / q[i])
        }
        return max(0, s)
    }

    /// Jensen–Shannon divergence JS(p, q) = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2, in nats.
    /// Symmetric, finite, 0 ≤ JS ≤ log 2; √JS is a metric.
    public static func jensenShannon(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "Divergence.jensenShannon: p has \(p.count) entries, q \(q.count)")
        var s = 0.0
        for i in p.indices {
            let m = 0.5 * (p[i] + q[i])
            if p[i] > 0 { s += 0.5 * p[i] * Foundation.log(p[i] / m) }
            if q[i] > 0 { s += 0.5 * q[i] * Foundation.log(q[i] / m) }
        }
        return min(Foundation.log(2), max(0, s))
    }

    /// KL(p_a‖p_b) for every pair of rows of `distributions` (H × n, one distribution per head);
    /// result H × H with zero diagonal.
    public static func kullbackLeiblerMatrix(_ distributions: [[Double]]) -> Matrix {
        pairwise(distributions, symmetric: false, kullbackLeibler)
    }

    /// JS(p_a, p_b) for every pair of rows; result H × H, symmetric with zero diagonal.
    public static func jensenShannonMatrix(_ distributions: [[Double]]) -> Matrix {
        pairwise(distributions, symmetric: true, jensenShannon)
    }

    private static func pairwise(_ rows: [[Double]], symmetric: Bool, _ f: ([Double], [Double]) -> Double) -> Matrix {
        let h = rows.count
        var m = Matrix(rows: h, cols: h)
        for a in 0..<h {
            for b in 0..<h where a != b && (!symmetric || b > a) {
                let v = f(rows[a], rows[b])
                m[a, b] = v
                if symmetric { m[b, a] = v }
            }
        }
        return m
    }
}
