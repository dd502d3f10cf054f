// The part of TensorCore's `Tensor` that SafeTensors.swift touches, so the safetensors fuzz
// target compiles without BLAS and swift-numerics. Only the storage matters to the reader.

public protocol TensorScalar: BinaryFloatingPoint, Sendable {}
extension Float: TensorScalar {}
extension Double: TensorScalar {}

public struct Tensor<Scalar: TensorScalar>: Sendable {
    public var shape: [Int]
    var storage: [Scalar]

    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    public init(uninitializedShape shape: [Int]) {
        self.shape = shape
        storage = [Scalar](repeating: 0, count: Self.elementCount(shape))
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }
}
