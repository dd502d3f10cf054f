/// The measurements of `qsf.spectrum`, shared by the code that produces them and the rules of
/// the six claims that read them (KoopmanSpectrumClaims, GammaClaim, NormStabilityClaim,
/// SemanticSparsityClaim). How each pools over seeds is set where it is produced.
enum QSFSpectrumKey {
    /// The trained Stage III (`qsf`) model's layers.
    static let stageIII = KoopmanStageKeys("spectrum.model")
    /// The trained Stage IV (`hamiltonian`) model's layers.
    static let stageIV = KoopmanStageKeys("spectrum.hamiltonian")
    /// The Koopman generators at initialisation: Stage II's, as the pipeline draws them before
    /// any training (Stage III starts from trained Stage II).
    static let initial = KoopmanStageKeys("spectrum.initial")
    /// Largest over layers of Tr D (trained Stage III) − Tr D (initialisation).
    static let traceDRise = MeasurementKey("spectrum.model.maxTraceDRise")

    /// Known-answer checks of the machinery, at every run.
    enum Validation {
        static let modulusError = MeasurementKey("spectrum.validation.modulusError")
        static let classErrors = MeasurementKey("spectrum.validation.classErrors")
        static let traceDError = MeasurementKey("spectrum.validation.traceDError")
        static let netRateError = MeasurementKey("spectrum.validation.netRateError")
        static let hamiltonianDeviation = MeasurementKey("spectrum.validation.hamiltonianDeviation")
        static let plantedBoundaryZ = MeasurementKey("spectrum.validation.plantedBoundaryZ")
        static let nullBoundaryZ = MeasurementKey("spectrum.validation.nullBoundaryZ")
        static let gammaSlope = MeasurementKey("spectrum.validation.gammaSlope")
        static let gammaSettledFraction = MeasurementKey("spectrum.validation.gammaSettledFraction")
        static let contributionError = MeasurementKey("spectrum.validation.contributionError")
    }

    /// γ_l and the measurement term's share of the residual update (`GammaClaim`).
    enum Gamma {
        static let layers = MeasurementKey("gamma.layers")
        static let min = MeasurementKey("gamma.min")
        static let max = MeasurementKey("gamma.max")
        static let layersAtOrBelowOne = MeasurementKey("gamma.layersAtOrBelowOne")
        static let depthSlope = MeasurementKey("gamma.depthSlope")
        static let settledFraction = MeasurementKey("gamma.settledFraction")
        static let lossSettledFraction = MeasurementKey("gamma.lossSettledFraction")
        /// min_l ρ_l, ρ_l = RMS‖γ_l·LinAttn_l(x)‖ / RMS‖Koopman_l(x)‖ over validation tokens.
        static let contributionMin = MeasurementKey("gamma.contribution.min")
        static let contributionMax = MeasurementKey("gamma.contribution.max")
        /// Least-squares slope of ρ_l against the layer index.
        static let contributionSlope = MeasurementKey("gamma.contribution.depthSlope")
    }

    /// Final-layer hidden-state norms ‖h‖/√C (`NormStabilityClaim`).
    enum Norms {
        static let mean = MeasurementKey("norms.mean")
        static let std = MeasurementKey("norms.std")
        static let max = MeasurementKey("norms.max")
        static let countAbove = MeasurementKey("norms.countAbove")
        static let count = MeasurementKey("norms.count")
        static let bound = MeasurementKey("norms.bound")
    }

    /// Semantic sparsity of the largest-|λ| modes, per layer with Holm over layers
    /// (`SemanticSparsityClaim`).
    enum Sparsity {
        /// (seed, layer) pairs analysed.
        static let layers = MeasurementKey("sparsity.layers")
        /// Layers whose top modes' boundary share exceeds the base rate (Holm over layers).
        static let layersEnriched = MeasurementKey("sparsity.layersEnriched")
        /// Layers whose boundary share is below twice the base rate (Holm over layers).
        static let layersNotConcentrated = MeasurementKey("sparsity.layersNotConcentrated")
        /// Mean over layers of P(active | top mode) − P(active | other modes).
        static let activationExcess = MeasurementKey("sparsity.activationExcess")
        static let topItems = MeasurementKey("sparsity.topItems")
        static let boundaryHits = MeasurementKey("sparsity.boundaryHits")
        static let expectedHits = MeasurementKey("sparsity.expectedHits")
        static let boundaryShare = MeasurementKey("sparsity.boundaryShare")
        static let boundaryBaseRate = MeasurementKey("sparsity.boundaryBaseRate")
    }
}

/// The measurements of one stage's Koopman layers (`KoopmanModelAnalysis.measurements(_:)`).
struct KoopmanStageKeys: Sendable {
    let layers, epsilon, minModulus, maxModulus, growthModes, decayModes, neutralModes, layersWithBothSides: MeasurementKey
    let maxModulusDeviation, maxGrowthOverDecay, maxNetRate, maxTraceD, meanTraceD, netDissipativeLayers: MeasurementKey
    let maxNormalisedCommutator: MeasurementKey

    init(_ stage: String) {
        func key(_ name: String) -> MeasurementKey { MeasurementKey(stage, name) }
        layers = key("layers")
        epsilon = key("epsilon")
        minModulus = key("minModulus")
        maxModulus = key("maxModulus")
        growthModes = key("growthModes")
        decayModes = key("decayModes")
        neutralModes = key("neutralModes")
        layersWithBothSides = key("layersWithBothSides")
        maxModulusDeviation = key("maxModulusDeviation")
        maxGrowthOverDecay = key("maxGrowthOverDecay")
        maxNetRate = key("maxNetRate")
        maxTraceD = key("maxTraceD")
        meanTraceD = key("meanTraceD")
        netDissipativeLayers = key("netDissipativeLayers")
        maxNormalisedCommutator = key("maxNormalisedCommutator")
    }
}
