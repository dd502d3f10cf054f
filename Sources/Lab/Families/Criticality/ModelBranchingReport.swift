import Foundation
import Physics

/// Measurements, table, figures and notes of `criticality.model-branching`.
///
/// Names, for model ∈ {transformer, qsf} and state ∈ {init, trained}:
/// `branching.<model>.<state>.layer<l>.log-gain`, `.layer<l>.branch-log-gain`,
/// `.depth-log-gain` (ln gain per layer of a perturbation carried through the whole stack),
/// `.depth-branching` (its exp) and `.total-log-gain` (through all blocks).
struct ModelBranchingReport {
    var cases: [ModelBranchingExperiment.Case]
    var samples: Int
    var probes: Int

    func add(to out: inout ExperimentOutput) {
        var rows: [[String]] = []
        for c in cases {
            let key = "branching.\(c.model).\(c.state)", r = c.result
            let depth = r.layerLogGain.count
            for l in 0..<depth {
                out.measurements["\(key).layer\(l).log-gain"] = Measurement(
                    r.layerLogGain[l], error: r.layerLogGainError[l], samples: r.samples,
                    label: "⟨ln ‖J v‖/‖v‖⟩ of block \(l), \(c.model) at \(c.state)")
                out.measurements["\(key).layer\(l).relative-log-gain"] = Measurement(
                    c.relativeLogGain[l], error: c.relativeLogGainError[l], samples: r.samples,
                    label: "⟨ln ‖J v‖/‖v‖⟩ − ⟨ln ‖x_out‖/‖x_in‖⟩ of block \(l) (gain of a relative perturbation), \(c.model) at \(c.state)")
                out.measurements["\(key).layer\(l).branch-log-gain"] = Measurement(
                    c.branchLogGain[l], error: c.branchLogGainError[l], samples: r.samples,
                    label: "⟨ln ‖J v − v‖/‖v‖⟩ of block \(l)'s residual branch, \(c.model) at \(c.state)")
                rows.append([
                    c.model, c.state, "\(l)", Measurement(r.layerLogGain[l], error: r.layerLogGainError[l]).formatted,
                    NumberText.of(r.layerBranching[l]), Measurement(c.branchLogGain[l], error: c.branchLogGainError[l]).formatted,
                    NumberText.of(Foundation.exp(c.branchLogGain[l])),
                    Measurement(c.normLogGrowth[l], error: c.normLogGrowthError[l]).formatted,
                    Measurement(c.relativeLogGain[l], error: c.relativeLogGainError[l]).formatted,
                ])
            }
            let g = r.depthAveragedLogGain, e = r.depthAveragedLogGainError
            out.measurements[BranchingKey.depthLogGain(c.model, c.state)] = Measurement(
                g, error: e, samples: r.samples,
                label: "ln gain per block of one perturbation carried through all \(depth) blocks, \(c.model) at \(c.state)")
            out.measurements["\(key).depth-branching"] = Measurement(
                Foundation.exp(g), error: Foundation.exp(g) * e, samples: r.samples,
                label: "branching ratio per block exp(⟨ln gain⟩) through the whole stack, \(c.model) at \(c.state)")
            out.measurements["\(key).total-log-gain"] = Measurement(
                r.cumulativeLogGain.last!, error: r.cumulativeLogGainError.last!, samples: r.samples,
                label: "ln ‖J_D ⋯ J_1 u‖/‖u‖ through all \(depth) blocks, \(c.model) at \(c.state)")
            let joint = c.blockAveragedRelativeLogGain
            let (relative, relativeError) = (joint.mean, joint.standardError)
            out.measurements[BranchingKey.relativeLogGain(c.model, c.state)] = Measurement(
                relative, error: relativeError, samples: joint.count,
                label:
                    "relative-perturbation ln gain averaged over the \(depth) blocks, \(c.model) at \(c.state) (error over windows of each window's block average)"
            )
            rows.append([
                c.model, c.state, "all (per block)", Measurement(g, error: e).formatted, NumberText.of(Foundation.exp(g)), "—", "—", "—",
                Measurement(relative, error: relativeError).formatted,
            ])
        }
        out.tables.append(
            ReportTable(
                title: "Perturbation gain per block: whole block (identity path + branch) and residual branch alone",
                header: [
                    "model", "state", "block", "⟨ln ‖J v‖/‖v‖⟩", "branching", "⟨ln ‖J v − v‖/‖v‖⟩ (branch)", "branch gain",
                    "⟨ln ‖x_out‖/‖x_in‖⟩", "relative: ln gain − ln norm growth",
                ],
                rows: rows))
        out.figures.append(figure(branch: false))
        out.figures.append(figure(branch: true))
        out.notes.append(
            "Sample points: \(samples) embedded validation windows per model (token + position embeddings, the input of block 0); \(probes) random isotropic directions per window and block, plus \(probes) perturbation(s) carried through the stack. JVPs by central differences on a Double copy of each model (relative step \(BlockMaps.relativeStep)); errors are standard errors over windows, and the block-averaged relative gain takes every block's gain and norm growth from the same window, so their correlation is kept. \"init\" is a fresh initialisation of the same configuration (the pipeline's QSF stage itself starts from the trained Koopman stage, not from this)."
        )
        out.notes.append(
            "Every block is residual, h ↦ h + F(h): its Jacobian is I + J_F, so a random perturbation keeps its size unless the branch F changes it. Branching ≈ 1 per block is therefore the default of the architecture, visible at initialisation where F is small; the branch gain ‖J_F v‖/‖v‖ says how much each block adds on top of the identity."
        )
    }

    private func figure(branch: Bool) -> Figure {
        var chart = Chart(
            title: branch ? "Residual-branch gain per block" : "Perturbation gain per block",
            xLabel: "block", yLabel: branch ? "⟨ln ‖J v − v‖/‖v‖⟩" : "⟨ln ‖J v‖/‖v‖⟩")
        for c in cases {
            let layers = (0..<c.result.layerLogGain.count).map(Double.init)
            let y = branch ? c.branchLogGain : c.result.layerLogGain
            let e = branch ? c.branchLogGainError : c.result.layerLogGainError
            chart.add(.line(layers, y, errors: e, label: "\(c.model), \(c.state)"))
        }
        if !branch { chart.add(.horizontalLine(0, label: "critical (branching 1)")) }
        return Figure(
            name: branch ? "branching-model-branch" : "branching-model-per-layer",
            caption: branch
                ? "Gain of each block's residual branch alone, ln ‖J_F v‖/‖v‖ with J_F = J − I, at initialisation and after training."
                : "Mean log gain of a small random perturbation through each block of the pipeline's transformer and QSF models, at initialisation and after training (standard errors over validation windows). Zero is branching ratio 1.",
            svg: chart.svg())
    }
}
