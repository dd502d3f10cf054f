import Foundation

/// Fuzz target: `SafeTensors.decode` on arbitrary bytes. Anything it accepts must give every
/// tensor through its typed accessor and survive encode → decode unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let file = try? SafeTensors.decode(data) else { return 0 }
    for name in file.names {
        let entry = file.entries[name]!
        switch entry.dtype {
        case .f32, .f64:
            let t = try! file.tensor(name, as: Double.self)
            precondition(t.shape == entry.shape)
        default:
            let values = try! file.integers(name)
            precondition(values.count == entry.shape.reduce(1, *))
        }
    }
    let again = try! SafeTensors.decode(try! file.encoded())
    precondition(again.names == file.names && again.metadata == file.metadata, "names or metadata changed in a round trip")
    for name in file.names {
        let (a, b) = (file.entries[name]!, again.entries[name]!)
        precondition(a.dtype == b.dtype && a.shape == b.shape && a.bytes == b.bytes, "tensor \(name) changed in a round trip")
    }
    return 0
}
