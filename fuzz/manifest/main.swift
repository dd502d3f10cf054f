import Foundation

/// Fuzz target: a checkpoint's config.json (`Checkpoint.Manifest.decode`) on arbitrary bytes.
/// Whatever it accepts must hold what readers rely on — every size in 1...2³¹−1, a training
/// context within the model's, a step in 0...steps, tokensSeen = step × batch × context ×
/// accumulation, and a model that fits the memory limit — and survive encode → decode unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let limit = 8e9
    guard let m = try? Checkpoint.Manifest.decode(data, path: "config.json", memoryLimit: limit) else { return 0 }
    for size in [m.model.vocabularySize, m.model.contextLength, m.model.width, m.model.layers, m.model.feedForward] {
        precondition((1...Int(Int32.max)).contains(size), "size \(size) accepted")
    }
    precondition(m.training.contextLength <= m.model.contextLength, "training context past the model's")
    precondition((0...m.training.steps).contains(m.step), "step \(m.step) accepted")
    precondition(m.tokensSeen == m.step * m.training.batchSize * m.training.contextLength * m.training.accumulation, "tokensSeen")
    precondition(MemoryEstimate.inference(m.model, batch: m.training.batchSize, context: m.training.contextLength).totalBytes <= limit)
    let again = try! Checkpoint.Manifest.decode(try! JSONEncoder().encode(m), path: "config.json", memoryLimit: limit)
    precondition(again == m, "manifest changed in a round trip")
    return 0
}
