import Foundation

/// Storage of a tensor: one 64-byte-aligned block of scalars.
public final class TensorBuffer<Scalar: TensorScalar>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Scalar>
    public let count: Int

    /// Allocates `count` scalars, uninitialised.
    public init(count: Int) {
        precondition(count >= 0, "TensorBuffer: negative element count \(count)")
        var raw: UnsafeMutableRawPointer?
        let bytes = max(1, count) * MemoryLayout<Scalar>.stride
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("TensorBuffer: cannot allocate \(bytes) bytes")
        }
        base = raw.bindMemory(to: Scalar.self, capacity: max(1, count))
        self.count = count
    }

    deinit { free(base) }

    func copy() -> TensorBuffer {
        let result = TensorBuffer(count: count)
        memcpy(result.base, base, count * MemoryLayout<Scalar>.stride)
        return result
    }
}

/// A dense, row-major, shaped array of `Float` or `Double` with value semantics.
///
/// Copies share storage until one of them is mutated (copy-on-write). `reshaped` never
/// copies. Kernels reach the storage through `withUnsafeBufferPointer` /
/// `withUnsafeMutableBufferPointer`; the second makes the storage unique first.
public struct Tensor<Scalar: TensorScalar>: @unchecked Sendable {
    /// Sizes of the axes, outermost first. A scalar has shape [].
    public private(set) var shape: [Int]
    /// The storage (shared between copies until one is mutated).
    public private(set) var buffer: TensorBuffer<Scalar>

    /// Number of elements: the product of `shape`.
    @inlinable public var count: Int { buffer.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// A tensor of the given shape whose elements are not initialised (callers overwrite all).
    public init(uninitializedShape shape: [Int]) {
        self.shape = shape
        self.buffer = TensorBuffer(count: Tensor.elementCount(shape))
    }

    /// A tensor wrapping existing storage (its count must equal the shape's).
    public init(shape: [Int], buffer: TensorBuffer<Scalar>) {
        precondition(
            Tensor.elementCount(shape) == buffer.count,
            "Tensor: shape \(shape) has \(Tensor.elementCount(shape)) elements, buffer has \(buffer.count)")
        self.shape = shape
        self.buffer = buffer
    }

    /// A tensor filled with one value.
    public init(shape: [Int], repeating value: Scalar = 0) {
        self.init(uninitializedShape: shape)
        if value == 0 {
            memset(buffer.base, 0, buffer.count * MemoryLayout<Scalar>.stride)
        } else {
            buffer.base.initialize(repeating: value, count: buffer.count)
        }
    }

    /// A tensor with the given elements in row-major order.
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(
            Tensor.elementCount(shape) == scalars.count,
            "Tensor: shape \(shape) needs \(Tensor.elementCount(shape)) scalars, got \(scalars.count)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { memcpy(buffer.base, base, source.count * MemoryLayout<Scalar>.stride) }
        }
    }

    /// A rank-0 tensor.
    public init(_ scalar: Scalar) { self.init(shape: [], scalars: [scalar]) }

    /// Zeros of the given shape.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// Converts between element types.
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        self.init(uninitializedShape: other.shape)
        let n = count
        other.withUnsafeBufferPointer { source in
            for i in 0..<n { buffer.base[i] = Scalar(source[i]) }
        }
    }

    /// The number of elements a shape describes; checks that no size is negative.
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for size in shape {
            precondition(size >= 0, "Tensor: negative size in shape \(shape)")
            n *= size
        }
        return n
    }

    /// All elements, row-major.
    public var scalars: [Scalar] {
        Array(UnsafeBufferPointer(start: buffer.base, count: count))
    }

    /// The only element of a one-element tensor.
    public var scalar: Scalar {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
        return buffer.base[0]
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try withExtendedLifetime(buffer) {
            try body(UnsafeBufferPointer(start: buffer.base, count: buffer.count))
        }
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
        return try withExtendedLifetime(buffer) {
            try body(UnsafeMutableBufferPointer(start: buffer.base, count: buffer.count))
        }
    }

    /// The same elements under another shape; one size may be -1 and is inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) for \(count) elements")
            resolved[hole] = count / known
        }
        precondition(
            Tensor.elementCount(resolved) == count,
            "reshape: shape \(shape) (\(count) elements) cannot become \(newShape)")
        return Tensor(shape: resolved, buffer: buffer)
    }

    /// Row-major offset of a multi-index.
    func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Tensor: index \(index) out of range for shape \(shape)")
            offset = offset * shape[axis] + i
        }
        return offset
    }

    /// Element access by multi-index (checked; for tests and small code, not for kernels).
    public subscript(_ index: Int...) -> Scalar {
        get { buffer.base[offset(index)] }
        set {
            let o = offset(index)
            withUnsafeMutableBufferPointer { $0[o] = newValue }
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(count > 8 ? ", …" : "")]"
    }
}

extension Tensor {
    /// Largest absolute elementwise difference (for tests and checks).
    public func maxAbsDifference(_ other: Tensor) -> Scalar {
        precondition(shape == other.shape, "maxAbsDifference: shapes \(shape) and \(other.shape)")
        var worst: Scalar = 0
        withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                for i in 0..<a.count { worst = Swift.max(worst, Swift.abs(a[i] - b[i])) }
            }
        }
        return worst
    }
}
