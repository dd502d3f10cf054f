import Models

extension TrainingConfig {
    /// The training of an experiment that measures the model in its own way: no validation
    /// passes and no training-loss records, the other settings at their defaults.
    static func unlogged(steps: Int, batch: Int, context: Int, learningRate: Double, seed: UInt64) -> TrainingConfig {
        var training = TrainingConfig()
        training.steps = steps
        training.batchSize = batch
        training.contextLength = context
        training.maxLearningRate = learningRate
        training.evalInterval = 0
        training.logInterval = 0
        training.seed = seed
        return training
    }
}
