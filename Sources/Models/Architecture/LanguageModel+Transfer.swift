import TensorCore

extension LanguageModel {
    /// Initialises this model from another wherever parameter names and shapes match (the
    /// progressive pipeline: FNet → Koopman → QSF → Hamiltonian). LayerNorms take the other
    /// model's running statistics but start un-annealed: each stage runs its own recipe, so a
    /// stage trained after an annealed one anneals again over its own final steps. Returns the
    /// names copied.
    ///
    /// When this model's Koopman generators are skew-symmetric (the Hamiltonian stage), each
    /// copied generator is projected onto its skew part (A − Aᵀ)/2, as seed 001 Stage IV does.
    @discardableResult
    public func initialize(from other: LanguageModel<Scalar>) -> [String] {
        let source = Dictionary(other.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var copied: [String] = []
        for p in parameters {
            guard let q = source[p.name], q.shape == p.shape else { continue }
            p.value = q.value
            copied.append(p.name)
        }
        for block in blocks {
            guard let mixer = block.koopman, mixer.skewSymmetric, copied.contains(mixer.generator.name) else { continue }
            let a = Matrix(mixer.generator.value).antisymmetricPart
            mixer.generator.value = a.tensor(of: Scalar.self)
        }
        for (mine, theirs) in zip(norms, other.norms) {
            mine.restore(runningMean: theirs.runningMean, runningStd: theirs.runningStd, frozen: nil, annealing: 0)
        }
        return copied
    }
}
