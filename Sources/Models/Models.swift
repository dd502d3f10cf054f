// Models: tokenizers, corpora, layers, the five architectures, the trainer and generation.
// Built on TensorCore; knows nothing of physics or claims (docs/ARCHITECTURE.md).
