import Foundation

/// Bulk copies and fills as byte operations (memcpy / memset): generic element-wise
/// `update(from:)` and `update(repeating:)` run through value witnesses when the element type is
/// not known at compile time, which a profile showed costing ~10% of a training step.
extension UnsafeMutablePointer where Pointee: TensorScalar {
    /// Copies `count` elements from `source` (non-overlapping).
    @inline(__always)
    package func copy(from source: UnsafePointer<Pointee>, count: Int) {
        if count > 0 { memcpy(self, source, count * MemoryLayout<Pointee>.stride) }
    }

    /// Sets `count` elements to zero (all-zero bits are +0.0 for IEEE floats).
    @inline(__always)
    package func zero(count: Int) {
        if count > 0 { memset(self, 0, count * MemoryLayout<Pointee>.stride) }
    }
}
