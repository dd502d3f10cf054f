import Foundation

/// Fuzz target: `NPY.decode` on arbitrary bytes. Anything it accepts must hold exactly
/// product(shape) values and survive encode → decode unchanged (compared bit for bit).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let array = try? NPY.decode(data) else { return 0 }
    precondition(array.shape.allSatisfy { $0 >= 0 })
    precondition(array.shape.reduce(1, *) == array.values.count, "shape \(array.shape) but \(array.values.count) values")
    let again = try! NPY.decode(NPY.encode(array))
    precondition(again.shape == array.shape, "shape changed in a round trip")
    precondition(zip(again.values, array.values).allSatisfy { $0.bitPattern == $1.bitPattern }, "values changed in a round trip")
    return 0
}
