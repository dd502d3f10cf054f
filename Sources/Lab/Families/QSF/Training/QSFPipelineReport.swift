import Foundation
import Models
import Physics

/// The pipeline's tables, figures and notes beside the seed's Tables 2–3, and the scale of what
/// it trained.
struct QSFPipelineReport {
    let results: [QSFPipeline.StageResult]
    let data: PreparedData
    let settings: QSFPipeline.Settings
    let scale: Scale
    /// This replicate's measurements (`QSFPipelineMeasurements` and the step timing).
    let measurements: [String: Measurement]

    /// The seed's Table 2 (parameters, validation loss, perplexity) and Table 3 (continuations).
    static let seedTable: [QSFStage: (params: String, loss: Double, perplexity: Double)] = [
        .transformer: ("36.3M", 2.73, 15.3), .fnet: ("42.5M", 3.68, 39.6), .koopman: ("36.0M", 2.73, 15.3),
        .qsf: ("29.4M", 2.08, 8.0), .hamiltonian: ("29.4M", 3.76, 43.0),
    ]
    static let seedSamples: [QSFStage: String] = [
        .transformer:
            "there was a big house in a big house with many toys. One day, a little girl named Lily. She was very happy because she was very curious…",
        .fnet: "both laughed and down and fluffy. Once upon a dull. She said, I will help, you how to play with joy…",
        .koopman: "there was a little girl called out, and said, call for a time there was sad and always remembered what do…",
        .qsf: "there was a boy named Timmy. Timmy loved to play with his cars and trucks. One day, Timmy’s mom told him…",
        .hamiltonian: "were Everyone been very pair Joezhello saableuckSince because from money wide once ledent who vanilla…",
    ]

    /// The stages in report order.
    var ordered: [(stage: QSFStage, result: QSFPipeline.StageResult)] {
        QSFStage.allCases.compactMap { s in results.first { $0.name == s.rawValue }.map { (s, $0) } }
    }

    /// The measured scale: the largest model compared, one stage's token budget (steps × batch ×
    /// accumulation × context, as the seed counts 20,000 steps per stage), the corpus.
    var trainedScale: ModelScale {
        let t = settings.training
        let s = data.summary
        return ModelScale(
            parameters: results.map { Double($0.parameters) }.max(),
            tokens: Double(t.steps * t.batchSize * t.accumulation * t.contextLength),
            corpus: "\(CorpusExperiment.label(s)), \(s.documents.train + s.documents.validation) documents, BPE vocabulary \(s.vocabularySize)")
    }

    func tables() -> [ReportTable] {
        let table2 = ReportTable(
            title: "Table 2 analogue: validation results (seed's values beside)",
            header: [
                "model", "parameters", "val loss (nats/token)", "perplexity", "bits/byte", "windows above ln V", "tokens/s",
                "seed: params", "seed: loss", "seed: ppl",
            ],
            rows: ordered.map { s, r in
                let seed = Self.seedTable[s]
                let seedColumns = [
                    seed?.params ?? "–", seed.map { NumberText.fixed($0.loss, 2) } ?? "–",
                    seed.map { NumberText.fixed($0.perplexity, 1) } ?? "–",
                ]
                guard let summary = r.summary else {
                    return [r.name, "\(r.parameters)", r.untrainedReason ?? "–", "–", "–", "–", "–"] + seedColumns
                }
                let blown = measurements[QSFTrainingKey.blownUpWindows(s)].map { "\(NumberText.of($0.value)) of \(r.windowLosses.count)" } ?? "–"
                return [
                    r.name, "\(r.parameters)", measurements[QSFTrainingKey.loss(s)]?.formatted ?? "–",
                    NumberText.fixed(summary.validation.perplexity, 2),
                    summary.validation.bitsPerByte.map { NumberText.fixed($0, 3) } ?? "–", blown,
                    NumberText.fixed(summary.tokensPerSecond, 0),
                ] + seedColumns
            })
        let comparisons = ReportTable(
            title: "Paired comparisons over validation windows (a vs b)",
            header: ["a", "b", "relative change, 10% trimmed", "mean difference (nats/token)"],
            rows: QSFTrainingKey.comparisons.compactMap { a, b in
                guard let relative = measurements[QSFTrainingKey.relativeChange(a, b)] else { return nil }
                return [
                    a.rawValue, b.rawValue, QSFTrainingRules.percent(relative),
                    measurements[QSFTrainingKey.meanDifference(a, b)]?.formatted ?? "–",
                ]
            })
        let steps = ReportTable(
            title: "Training-step throughput, timed interleaved in one process",
            header: ["quantity", "value"],
            rows: QSFPipelineExperiment.timedStages.compactMap { s in
                measurements[QSFTrainingKey.stepTokensPerSecond(s)].map { ["\(s.rawValue) tokens/s", $0.formatted] }
            }
                + [QSFTrainingKey.qsfThroughput, QSFTrainingKey.hamiltonianThroughput].compactMap { key in
                    measurements[key].map { [$0.label, $0.formatted] }
                })
        let table3 = ReportTable(
            title: "Table 3 analogue: continuations of “\(settings.samplePrompt)”",
            header: ["model", "attnlab sample", "seed's sample"],
            rows: ordered.map { s, r in
                [r.name, r.untrainedReason.map { "– (\($0))" } ?? r.sample.replacingOccurrences(of: "\n", with: " ⏎ "), Self.seedSamples[s] ?? "–"]
            })
        return [table2, comparisons, steps, table3]
    }

    func figures() -> [Figure] {
        var chart = Chart(
            title: "Training loss per stage", xLabel: "optimizer step (same tokens per step for every stage)",
            yLabel: "loss (nats/token)")
        for (_, r) in ordered {
            let train = r.records.filter { $0.kind == .train }.compactMap { record in record.loss.map { (Double(record.step), $0) } }
            chart.add(.line(train.map(\.0), train.map(\.1), label: r.name))
        }
        var gammaChart = Chart(title: "Learned γ per layer during Stage III", xLabel: "step", yLabel: "γ")
        if let iii = results.first(where: { $0.name == QSFStage.qsf.rawValue }) {
            let withGamma = iii.records.filter { $0.kind == .train }.compactMap { record in record.gamma.map { (Double(record.step), $0) } }
            for layer in 0..<(withGamma.first?.1.count ?? 0) {
                gammaChart.add(.line(withGamma.map(\.0), withGamma.map { $0.1[layer] }, label: "layer \(layer)"))
            }
            gammaChart.add(.horizontalLine(1, label: "γ = 1"))
        }
        return [
            Figure(
                name: "qsf-loss-curves", caption: "Training loss of every stage against optimizer step (same token budget per stage).",
                svg: chart.svg()),
            Figure(
                name: "qsf-gamma", caption: "Measurement strength γ_l of each layer over Stage III training.",
                svg: gammaChart.svg()),
        ]
    }

    func notes() -> [String] {
        var notes: [String] = []
        let s = data.summary
        notes.append(
            "Data: \(s.corpus), \(s.documents.train) training / \(s.documents.validation) validation documents, "
                + "\(s.tokens.train)/\(s.tokens.validation) tokens, vocabulary \(s.vocabularySize); unigram cross-entropy "
                + "\(NumberText.fixed(s.validationUnigramCrossEntropy, 3)), bigram \(NumberText.fixed(s.validationBigramCrossEntropy, 3)) nats/token on validation."
        )
        if let r = results.first {
            notes.append(
                "Every stage: \(settings.training.steps) steps of \(r.config.contextLength)-token sequences; shape width \(r.config.width), \(r.config.layers) layers, \(r.config.heads) heads. "
                    + "Stages start from their predecessor's weights, as in the seed, so Stage II has been trained on twice and Stage III on three times the baseline's tokens "
                    + "(embeddings, feed-forward and norms carried over); the transformer starts from scratch.")
        }
        if let t = results.first(where: { $0.name == QSFStage.transformer.rawValue }), let q = results.first(where: { $0.name == QSFStage.qsf.rawValue }) {
            notes.append(
                "The transformer baseline is sized to Stage III's parameter count (\(t.parameters) vs \(q.parameters)); the seed's baseline had more parameters than its QSF model (36.3M vs 29.4M)."
            )
        }
        for r in results {
            if let d = r.divergence {
                notes.append(
                    "\(r.name) diverged at step \(d.step)\(d.duringAnnealing ? ", during LayerNorm annealing" : ""): \(d.error). "
                        + "It has no trained model; its loss curve stops there.")
            } else if let why = r.notTrained {
                notes.append("\(r.name) was not trained: \(why).")
            }
        }
        if scale == .smoke { notes.append("Smoke scale: seconds of training, for testing the machinery only.") }
        return notes
    }
}
