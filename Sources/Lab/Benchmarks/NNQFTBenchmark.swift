import Foundation
import Physics

/// `attnlab bench nnqft`: draws per second of the NN-QFT estimator for one fixed configuration,
/// on 1 and 2 threads, beside the vectorised numpy reference of the same estimator
/// (benchmarks/nnqft/reference.py) run in the same command, and the speed ratio.
///
/// The configuration (defaults): 8 points on a ring of radius 1.5 in R³, m = 64 random Fourier
/// features redrawn per head, d_k = d_v = 16, N_h = 4 heads, β = 1, gram sampler; the estimator
/// accumulates G1, G2, G4 at the standard quadruples and the conditional covariance with its
/// pairings — exactly what the reference computes. The two use different generators, so they
/// agree statistically (the report gives the z-scores), not bit for bit.
public struct NNQFTBenchmark: Sendable {
    public var options: NNQFTScan.Options = {
        var o = NNQFTScan.Options()
        o.keyWidths = [16]
        o.heads = [4]
        o.draws = 100_000
        o.blocks = 100
        o.floorReplicas = 0
        return o
    }()
    /// Draws for the numpy reference (it is slower; the rate is what is compared).
    public var referenceDraws = 20_000
    /// Thread counts for attnlab.
    public var threadCounts = [1, 2]
    /// The script that runs the reference (creates its virtual environment when needed).
    public var referenceScript = "benchmarks/nnqft/run-reference.sh"

    public init() {}

    public struct Row: Codable, Sendable {
        public var implementation: String
        public var threads: Int?
        public var draws: Int
        public var seconds: Double
        public var drawsPerSecond: Double
        /// G2(x₀,x₀) attention, G4c mixture (diagonal mean): value and error.
        public var g2Attention: [Double]
        public var g4cMixture: [Double]
    }

    public struct Report: Codable, Sendable {
        public var configuration: String
        public var rows: [Row]
        /// Why the reference is missing, when it is.
        public var referenceNote: String?
        /// attnlab's best rate over numpy's.
        public var ratio: Double?
        /// |Δ|/σ between attnlab and numpy for G2 attention and G4c mixture.
        public var agreementZ: [Double]?
    }

    public func run(progress: (String) -> Void = { _ in }) -> Report {
        let k = options.keyWidths[0]!, h = options.heads[0]
        let dv = options.valueWidth.resolve(k)
        let configuration = String(
            format: "%d points, ring radius %.3g in R^%d, m = %d (redrawn per head), d_k = %d, d_v = %@, N_h = %d, β = %.3g, sampler %@",
            options.points, options.radius, options.dimension, options.features, k, dv.map(String.init) ?? "∞", h,
            options.logitScale, options.sampler.rawValue)
        var rows: [Row] = []
        // Warm-up: tables, page faults, thread pool.
        var warm = options
        warm.draws = 2000
        warm.blocks = 10
        _ = NNQFTScan.runPoint(options: warm, keyWidth: k, heads: h, label: 0)
        for threads in threadCounts {
            var o = options
            o.threads = threads
            let (row, estimate) = NNQFTScan.runPoint(options: o, keyWidth: k, heads: h, label: 0)
            rows.append(
                Row(
                    implementation: "attnlab (Swift)", threads: threads, draws: row.draws, seconds: estimate.seconds,
                    drawsPerSecond: row.drawsPerSecond, g2Attention: [row.g2Attention.value, row.g2Attention.error],
                    g4cMixture: [row.g4cMixture.value, row.g4cMixture.error]))
            progress(String(format: "attnlab, %d thread(s): %.0f draws/s", threads, row.drawsPerSecond))
        }
        var note: String?
        var ratio: Double?
        var agreement: [Double]?
        switch runReference(dv: dv) {
        case .success(let reference):
            rows.append(reference)
            progress(String(format: "%@: %.0f draws/s", reference.implementation, reference.drawsPerSecond))
            let best = rows.filter { $0.threads != nil }.map(\.drawsPerSecond).max() ?? 0
            ratio = best / reference.drawsPerSecond
            if let ours = rows.last(where: { $0.threads != nil }) {
                func z(_ a: [Double], _ b: [Double]) -> Double { abs(a[0] - b[0]) / (a[1] * a[1] + b[1] * b[1]).squareRoot() }
                agreement = [z(ours.g2Attention, reference.g2Attention), z(ours.g4cMixture, reference.g4cMixture)]
            }
        case .failure(let why):
            note = why.message
            progress("numpy reference not run: \(why.message)")
        }
        return Report(configuration: configuration, rows: rows, referenceNote: note, ratio: ratio, agreementZ: agreement)
    }

    typealias ReferenceFailure = TrainingComparison.FailureMessage

    /// Runs the reference script and parses its JSON line.
    func runReference(dv: Int?) -> Result<Row, ReferenceFailure> {
        guard FileManager.default.isExecutableFile(atPath: referenceScript) else {
            return .failure(ReferenceFailure("\(referenceScript) not found (run from the repository root or pass --reference)"))
        }
        guard let dv else { return .failure(ReferenceFailure("the reference supports finite d_v only")) }
        let o = options
        let arguments = [
            "bash", referenceScript, "--dimension", "\(o.dimension)", "--points", "\(o.points)",
            "--radius", "\(o.radius)", "--features", "\(o.features)", "--length-scale", "\(o.lengthScale)",
            "--dk", "\(o.keyWidths[0]!)", "--dv", "\(dv)", "--heads", "\(o.heads[0])",
            "--logit-scale", "\(o.logitScale)", "--value-scale", "\(o.valueScale)",
            "--draws", "\(referenceDraws)", "--blocks", "20", "--seed", "\(o.seed)",
        ]
        struct Output: Decodable {
            var implementation: String
            var draws: Int
            var seconds: Double
            var draws_per_second: Double
            var values: [String: [Double]]
        }
        let output = TrainingComparison.runJSON("/usr/bin/env", arguments)
        return TrainingComparison.decode(Output.self, output, what: "the reference's output").map { parsed in
            Row(
                implementation: parsed.implementation, threads: nil, draws: parsed.draws, seconds: parsed.seconds,
                drawsPerSecond: parsed.draws_per_second, g2Attention: parsed.values["g2_attention"] ?? [.nan, .nan],
                g4cMixture: parsed.values["g4c_mixture"] ?? [.nan, .nan])
        }
    }

    /// The report as text.
    public static func table(_ report: Report) -> String {
        var lines = ["NN-QFT estimator throughput: \(report.configuration)", ""]
        lines.append("implementation        threads     draws   seconds     draws/s   G2 attention          G4c mixture")
        for r in report.rows {
            lines.append(
                r.implementation.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + (r.threads.map { "\($0)" } ?? "—").padding(toLength: 7, withPad: " ", startingAt: 0)
                    + String(format: "  %8d  %8.2f  %10.0f   ", r.draws, r.seconds, r.drawsPerSecond)
                    + Measurement(r.g2Attention[0], error: r.g2Attention[1]).formatted.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + Measurement(r.g4cMixture[0], error: r.g4cMixture[1]).formatted)
        }
        lines.append("")
        if let ratio = report.ratio {
            lines.append(String(format: "attnlab / numpy: %.2f× the draws per second", ratio))
        }
        if let z = report.agreementZ {
            lines.append(String(format: "agreement attnlab vs numpy: G2 attention %.1fσ, G4c mixture %.1fσ", z[0], z[1]))
        }
        if let note = report.referenceNote { lines.append("numpy reference not run: \(note)") }
        return lines.joined(separator: "\n")
    }
}
