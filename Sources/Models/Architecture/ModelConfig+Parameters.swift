extension ModelConfig {
    /// The exact number of trainable scalars a model of this configuration has (equals
    /// `LanguageModel.parameterCount`, without building the model).
    public var parameterCount: Int {
        let (v, t, c, f) = (vocabularySize, contextLength, width, feedForward)
        var perLayer = 4 * c + (c * f + f + f * c + c)  // two norms, feed-forward
        switch architecture {
        case .transformer, .linear: perLayer += 3 * c * c + 3 * c + c * c + c
        case .fnet: break
        case .koopman: perLayer += 3 * c * c
        case .qsf, .hamiltonian: perLayer += 3 * c * c + (3 * c * c + 3 * c + c * c + c) + 1
        }
        return v * c + (learnedPositions ? t * c : 0) + layers * perLayer + 2 * c + (tiedEmbeddings ? 0 : c * v)
    }

    /// This configuration with the feed-forward width chosen so that the parameter count is as
    /// close as possible to `target` (how the transformer baseline is sized to another model).
    public func matchingParameters(_ target: Int) -> ModelConfig {
        var best = self, bestGap = Int.max
        var low = 1, high = max(2, 64 * width)
        while low <= high {
            let mid = (low + high) / 2
            var candidate = self
            candidate.feedForward = mid
            let gap = candidate.parameterCount - target
            if abs(gap) < bestGap { best = candidate; bestGap = abs(gap) }
            if gap < 0 { low = mid + 1 } else { high = mid - 1 }
        }
        return best
    }
}
