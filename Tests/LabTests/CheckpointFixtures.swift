import Models

extension TrainingConfig {
    /// A training configuration a checkpoint of `model` may record: its context no longer than
    /// the model's (`Checkpoint.Manifest` refuses a manifest whose evaluation context would
    /// overrun the model).
    static func fitting(_ model: ModelConfig) -> TrainingConfig {
        var training = TrainingConfig()
        training.contextLength = min(training.contextLength, model.contextLength)
        return training
    }
}
