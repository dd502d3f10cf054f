/// The measurements of the NN-QFT experiments, declared once: the experiment writes them under
/// these keys and the claims' rules (NNQFTRules) read them back. results.json keeps the strings.
enum NNQFTKey {
    // MARK: nnqft.heads (NNQFTHeadsExperiment)

    /// d ln|G4c| / d ln N_h, direct estimator over the N_h above 3× the noise floor.
    static let slope = MeasurementKey("slope")
    /// The same slope from the mixture representation Σ Cov(C, C).
    static let slopeMixture = MeasurementKey("slope.mixture")
    /// N_h values in the direct fit (pooled: the fewest over seeds).
    static let pointsFitted = MeasurementKey("points.fitted")
    /// N_h values below the noise floor (pooled: a count over seeds).
    static let pointsExcluded = MeasurementKey("points.excluded")
    static let kurtosisSingleHead = MeasurementKey("kurtosis.single-head")
    static let noiseFloor = MeasurementKey("noise-floor")
    /// Context: the mixture slope when the heads share one embedding draw (not independent).
    static let slopeSharedEmbedding = MeasurementKey("slope.shared-embedding")
    /// The single-layer ReLU network's slope against its width (known −1).
    static let controlSlope = MeasurementKey("control.slope")

    // MARK: nnqft.width (NNQFTWidthExperiment)

    static let g4cInfinite = MeasurementKey("g4c.infinite")
    static let g4cInfiniteMixture = MeasurementKey("g4c.infinite.mixture")
    static let kurtosisInfinite = MeasurementKey("kurtosis.infinite")
    /// c∞ of G4c = c∞ + c₁/d_k.
    static let g4cExtrapolated = MeasurementKey("g4c.extrapolated")
    static let g4cExtrapolatedMixture = MeasurementKey("g4c.extrapolated.mixture")
    static let g4cLargestFinite = MeasurementKey("g4c.largest-finite")
    /// G4c at the smallest d_k: the scale a vanishing non-Gaussianity is measured against.
    static let g4cSmallestFinite = MeasurementKey("g4c.smallest-finite")
    static let tailSlope = MeasurementKey("tail.slope")
    /// G4c at d_k = ∞ with the embedding quenched: only the query/key weights random.
    static let g4cQuenched = MeasurementKey("g4c.quenched")
    static let g4cQuenchedMixture = MeasurementKey("g4c.quenched.mixture")
    static let g4cUniformAttention = MeasurementKey("g4c.uniform-attention")

    // MARK: nnqft.kernel (NNQFTKernelExperiment); p-values Bonferroni over pairs of points

    static let translationP = MeasurementKey("translation.p")
    static let translationPDirect = MeasurementKey("translation.p.direct")
    static let rotationP = MeasurementKey("rotation.p")
    static let rotationPDirect = MeasurementKey("rotation.p.direct")
    static let ringSymmetryP = MeasurementKey("ring-symmetry.p")
    static let representationP = MeasurementKey("representation.p")
    /// The power control: the translation test on a quenched embedding (pooled: the largest p).
    static let quenchedTranslationP = MeasurementKey("quenched.translation.p")
    static let shapeMaxDeviation = MeasurementKey("shape.max-deviation")
}
