// The QSF dynamics family (seed 001 §II–X, §XII): the learned Koopman dynamics of the trained
// models and the Gaussian measurement picture. Each claim sits with its rule in its experiment's
// folder — Spectrum/ (qsf.spectrum), Propagator/, GaussianClosure/, SSE/ — beside the code that
// measures it; docs/DYNAMICS.md explains the measurements, docs/CLAIMS.md the rules.

extension ClaimFamily {
    static let qsfDynamics = ClaimFamily(
        claims: [
            KoopmanSpectrumClaims.annulus, KoopmanSpectrumClaims.netDissipation, GammaClaim.claim, NormStabilityClaim.claim,
            SemanticSparsityClaim.claim, KoopmanSpectrumClaims.hamiltonianUnitCircle, PropagatorClaim.claim, GaussianClosureClaim.claim,
            SSENormClaim.claim,
        ],
        experiments: [SpectrumExperiment(), PropagatorExperiment(), GaussianClosureExperiment(), SSENormExperiment()])
}
