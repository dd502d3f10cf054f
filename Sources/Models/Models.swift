// Models: tokenizers (Tokenizer/: GPT-2 byte-level BPE), corpora and token files (Data/:
// text and TinyStories corpora, the `stories` generator, llm.c .bin files, batches), and — built
// on them — layers, the five architectures, the trainer and generation.
// Built on TensorCore; knows nothing of physics or claims (docs/ARCHITECTURE.md, docs/DATA.md).
