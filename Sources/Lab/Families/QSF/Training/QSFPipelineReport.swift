import Foundation
import Models
import Physics

/// Turns the pipeline's stage results into measurements, tables and figures.
struct QSFPipelineReport {
    let results: [QSFPipeline.StageResult]
    let data: PreparedData
    let scale: Scale
    let relativeFolder: String
    /// Training tokens of one stage's budget (steps × batch × context).
    let tokensPerStage: Int

    func stage(_ name: String) -> QSFPipeline.StageResult? { results.first { $0.name == name } }

    /// Mean and standard error of a paired difference of window losses (a − b).
    static func pairedDifference(_ a: [Double], _ b: [Double]) -> (mean: Double, error: Double, n: Int) {
        let n = min(a.count, b.count)
        let summary = SampleSummary((0..<n).map { a[$0] - b[$0] })
        return (summary.mean, summary.standardError, n)
    }

    func output() -> ExperimentOutput {
        var m: [String: Measurement] = [:]
        for r in results {
            let windows = SampleSummary(r.windowLosses)
            m["loss.\(r.name)"] = Measurement(r.summary.validation.loss, error: windows.standardError, samples: windows.count,
                                              unit: "nats/token", label: "validation loss, \(r.name)")
            m["params.\(r.name)"] = Measurement(Double(r.parameters), unit: "parameters", label: "parameters, \(r.name)")
            m["tokensPerSecond.\(r.name)"] = Measurement(r.summary.tokensPerSecond, unit: "tokens/s", label: "training throughput, \(r.name)")
            if let bpb = r.summary.validation.bitsPerByte {
                m["bitsPerByte.\(r.name)"] = Measurement(bpb, unit: "bits/byte", label: "bits per byte, \(r.name)")
            }
        }
        func difference(_ a: String, _ b: String, label: String) {
            guard let x = stage(a), let y = stage(b) else { return }
            let d = Self.pairedDifference(x.windowLosses, y.windowLosses)
            m["diff.\(a)-\(b)"] = Measurement(d.mean, error: d.error, samples: d.n, unit: "nats/token", label: label)
        }
        difference("qsf", "transformer", label: "QSF − transformer validation loss (paired over windows)")
        difference("koopman", "transformer", label: "Koopman − transformer validation loss (paired)")
        difference("hamiltonian", "qsf", label: "Hamiltonian − QSF validation loss (paired)")
        difference("qsf", "qsf-no-anneal", label: "annealed − unannealed QSF validation loss (paired)")
        difference("qsf-no-anneal", "transformer", label: "unannealed QSF − transformer validation loss (paired)")
        difference("qsf", "transformer-3x", label: "QSF − transformer trained on Stage III's cumulative budget (paired)")
        if let fnet = stage("fnet") {
            // FNet against the best of transformer / Koopman / QSF and against the worst of them.
            let others = ["transformer", "koopman", "qsf"].compactMap(stage)
            if let worst = others.max(by: { $0.summary.validation.loss < $1.summary.validation.loss }) {
                let d = Self.pairedDifference(fnet.windowLosses, worst.windowLosses)
                m["diff.fnet-worstOther"] = Measurement(d.mean, error: d.error, samples: d.n, unit: "nats/token",
                                                        label: "FNet − the worst of transformer/Koopman/QSF (\(worst.name))")
            }
        }
        if let iii = stage("qsf"), let iv = stage("hamiltonian") {
            let d = Self.pairedDifference(iv.windowLosses, iii.windowLosses)
            let base = iii.summary.validation.loss
            m["relativeIncrease.hamiltonian"] = Measurement(d.mean / base, error: d.error / base, samples: d.n,
                                                            label: "(L_IV − L_III)/L_III")
            m["throughputRatio.hamiltonian-qsf"] = Measurement(iv.summary.tokensPerSecond / iii.summary.tokensPerSecond,
                                                               label: "Stage IV / Stage III tokens per second")
        }
        if let iii = stage("qsf"), let base = stage("transformer") {
            m["throughputRatio.qsf-transformer"] = Measurement(iii.summary.tokensPerSecond / base.summary.tokensPerSecond,
                                                               label: "Stage III / transformer tokens per second")
            m["paramsRatio.qsf-transformer"] = Measurement(Double(iii.parameters) / Double(base.parameters),
                                                           label: "Stage III / transformer parameters")
        }
        var artifacts = ["data": "\(relativeFolder)/data"]
        for r in results { artifacts["checkpoint.\(r.name)"] = "\(relativeFolder)/pipeline/\(r.checkpoint)" }
        var output = ExperimentOutput(measurements: m, figures: figures(), tables: tables(), notes: notes(), artifacts: artifacts)
        // The measured scale: the largest model compared, one stage's token budget, the corpus.
        let corpus = "\(data.summary.corpus), \(data.summary.documents.train + data.summary.documents.validation) documents"
        output.trainedScale = ModelScale(parameters: results.map { Double($0.parameters) }.max(), tokens: Double(tokensPerStage),
                                         corpus: corpus)
        return output
    }

    func tables() -> [ReportTable] {
        let ordered = QSFPipelineExperiment.stageOrder.compactMap(stage)
        let table2 = ReportTable(
            title: "Table 2 analogue: validation results (seed's values beside)",
            header: ["model", "parameters", "val loss (nats/token)", "perplexity", "bits/byte", "tokens/s", "seed: params", "seed: loss", "seed: ppl"],
            rows: ordered.map { r in
                let seed = QSFPipelineExperiment.seedTable[r.name]
                let windows = SampleSummary(r.windowLosses)
                return [r.name, "\(r.parameters)", Measurement(r.summary.validation.loss, error: windows.standardError).formatted,
                        String(format: "%.2f", r.summary.validation.perplexity),
                        r.summary.validation.bitsPerByte.map { String(format: "%.3f", $0) } ?? "–",
                        String(format: "%.0f", r.summary.tokensPerSecond),
                        seed?.params ?? "–", seed.map { String(format: "%.2f", $0.loss) } ?? "–",
                        seed.map { String(format: "%.1f", $0.perplexity) } ?? "–"]
            })
        let table3 = ReportTable(
            title: "Table 3 analogue: continuations of “\(QSFPipeline.Settings(model: ordered.first!.config, training: TrainingConfig()).samplePrompt)”",
            header: ["model", "attnlab sample", "seed's sample"],
            rows: ordered.map { [$0.name, $0.sample.replacingOccurrences(of: "\n", with: " ⏎ "), QSFPipelineExperiment.seedSamples[$0.name] ?? "–"] })
        return [table2, table3]
    }

    func figures() -> [Figure] {
        var chart = Chart(title: "Training loss per stage", xLabel: "optimizer step (same tokens per step for every stage)",
                          yLabel: "loss (nats/token)")
        for r in QSFPipelineExperiment.stageOrder.compactMap(stage) {
            let train = r.records.filter { $0.kind == .train && $0.loss != nil }
            chart.add(.line(train.map { Double($0.step) }, train.map { $0.loss! }, label: r.name))
        }
        var gammaChart = Chart(title: "Learned γ per layer during Stage III", xLabel: "step", yLabel: "γ")
        if let iii = stage("qsf") {
            let withGamma = iii.records.filter { $0.kind == .train && $0.gamma != nil }
            let layers = withGamma.first?.gamma?.count ?? 0
            for layer in 0..<layers {
                gammaChart.add(.line(withGamma.map { Double($0.step) }, withGamma.map { $0.gamma![layer] }, label: "layer \(layer)"))
            }
            gammaChart.add(.horizontalLine(1, label: "γ = 1"))
        }
        return [Figure(name: "qsf-loss-curves", caption: "Training loss of every stage against optimizer step (same token budget per stage).",
                       svg: chart.svg()),
                Figure(name: "qsf-gamma", caption: "Measurement strength γ_l of each layer over Stage III training.",
                       svg: gammaChart.svg())]
    }

    func notes() -> [String] {
        var notes: [String] = []
        let s = data.summary
        notes.append(String(format: "Data: stories, %d training / %d validation documents, %d/%d tokens, vocabulary %d; unigram cross-entropy %.3f, bigram %.3f nats/token on validation.",
                            s.documents.train, s.documents.validation, s.tokens.train, s.tokens.validation, s.vocabularySize,
                            s.validationUnigramCrossEntropy, s.validationBigramCrossEntropy))
        if let r = results.first {
            notes.append("Every stage: \(r.summary.steps) steps of \(r.config.contextLength)-token sequences; shape width \(r.config.width), \(r.config.layers) layers, \(r.config.heads) heads. "
                         + "Stages start from their predecessor's weights, as in the seed, so Stage II has been trained on twice and Stage III on three times the baseline's tokens "
                         + "(embeddings, feed-forward and norms carried over); the transformer starts from scratch.")
        }
        if let t = stage("transformer"), let q = stage("qsf") {
            notes.append("The transformer baseline is sized to Stage III's parameter count (\(t.parameters) vs \(q.parameters)); the seed's baseline had more parameters than its QSF model (36.3M vs 29.4M).")
        }
        if scale == .smoke { notes.append("Smoke scale: seconds of training, for testing the machinery only.") }
        return notes
    }
}
